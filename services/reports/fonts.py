"""Sarabun, the Thai government's document typeface (OFL), shipped by the ``fontpkg-sarabun`` package from PyPI.

Embedded in the report's CSS, so the HTML prints and the PDF renders Thai the same on any machine, with no
system font installed.

For the PDF the font carries one addition, so that its text layer (what ``pdftotext``, search and copy read)
holds the words as written. HarfBuzz's Thai shaper always splits SARA AM (ำ) into NIKHAHIT (ํ) + SARA AA (า)
and moves the nikhahit before the tone marks; Sarabun then draws nikhahit + tone as one ligature glyph. A PDF
maps each *glyph* to text, and the sara aa glyph is shared with a plain า, so "น้ำหนัก" could only come back
as "นาหนัก" or "นํ้าหนัก". The added glyph ``uni0E32.am`` (the same outline as า) is substituted for a sara
aa that follows a nikhahit, so it can map to "ำ" while the nikhahit glyphs map to their tone mark alone.
"""

from __future__ import annotations

import base64
import copy
import io
import re
import unicodedata
from functools import cache

import fontpkg_sarabun
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables

FACES = (("Sarabun-Regular.ttf", "normal"), ("Sarabun-Bold.ttf", "bold"))

SARA_AA = "uni0E32"
SARA_AA_OF_SARA_AM = "uni0E32.am"
NIKHAHIT_PREFIX = "uni0E4D"
TONE_MARKS = ("uni0E48", "uni0E49", "uni0E4A", "uni0E4B", "uni0E4C")
_UNI_NAME = re.compile(r"uni((?:[0-9A-F]{4})+)(?:\..*)?")


@cache
def font_face_css(*, for_pdf: bool = False) -> str:
    """The @font-face rules. The PDF gets the regular face only: Sarabun Bold positions its Thai marks with a
    vertical offset that PDF readers take for another line ("ทีม่ ค ี" for "ที่มี" in pdftotext), so bold
    text in the PDF is drawn with the regular face and told apart by size and colour instead."""
    rules = []
    for filename, weight in FACES[:1] if for_pdf else FACES:
        data = base64.b64encode(report_font(filename)).decode("ascii")
        rules.append(f"@font-face {{ font-family: 'Sarabun'; font-weight: {weight}; font-style: normal; "
                     f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}")
    return "\n".join(rules)


@cache
def report_font(filename: str) -> bytes:
    """The face with the sara am glyph added (see the module's docstring)."""
    font = TTFont(fontpkg_sarabun.ROOT / "files" / filename)
    _add_sara_am_glyph(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def glyph_texts(font_bytes: bytes) -> dict[int, str]:
    """The text each glyph of a font stands for, for the PDF's ToUnicode map.

    From the glyph's name where it follows the ``uniXXXX[YYYY][.variant]`` convention (Thai marks have
    positional variants such as ``uni0E49.small`` that the cmap does not list), else from the cmap. The sara
    am pieces: the added sara aa is "ำ", a nikhahit glyph is its tone mark alone (a lone nikhahit, which Thai
    writing uses only in Pali, comes out empty).
    """
    return _glyph_texts(font_bytes)


@cache
def _glyph_texts(font_bytes: bytes) -> dict[int, str]:
    font = TTFont(io.BytesIO(font_bytes), lazy=True)
    texts: dict[int, str] = {}
    for glyph_id, name in enumerate(font.getGlyphOrder()):
        if name == SARA_AA_OF_SARA_AM:
            texts[glyph_id] = "ำ"
        elif name.startswith(NIKHAHIT_PREFIX):
            texts[glyph_id] = _from_name(name).replace("ํ", "")
        elif _UNI_NAME.fullmatch(name):
            texts[glyph_id] = _from_name(name)
    for codepoint, name in sorted(font.getBestCmap().items()):
        # a Latin ligature glyph ("fi") reads as its letters, as a search for "Office" expects
        texts.setdefault(font.getGlyphID(name), unicodedata.normalize("NFKC", chr(codepoint))
                         if 0xFB00 <= codepoint <= 0xFB06 else chr(codepoint))
    return texts


def _from_name(name: str) -> str:
    match = _UNI_NAME.fullmatch(name)
    assert match is not None
    hexes = match.group(1)
    return "".join(chr(int(hexes[i:i + 4], 16)) for i in range(0, len(hexes), 4))


def _add_sara_am_glyph(font: TTFont) -> None:
    order = list(font.getGlyphOrder())
    if SARA_AA_OF_SARA_AM in order:
        return
    glyphs, new_order = font["glyf"], [*order, SARA_AA_OF_SARA_AM]
    font.setGlyphOrder(new_order)
    glyphs.glyphOrder = new_order
    glyphs.glyphs[SARA_AA_OF_SARA_AM] = copy.deepcopy(glyphs[SARA_AA])
    font["hmtx"][SARA_AA_OF_SARA_AM] = font["hmtx"][SARA_AA]
    if "GDEF" in font and font["GDEF"].table.GlyphClassDef is not None:
        classes = font["GDEF"].table.GlyphClassDef.classDefs
        classes[SARA_AA_OF_SARA_AM] = classes.get(SARA_AA, 1)
    nikhahits = [name for name in order if name.startswith(NIKHAHIT_PREFIX)]
    tones = [name for name in order if name.startswith(TONE_MARKS)]
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    single = _lookup(1, [_single_subst({SARA_AA: SARA_AA_OF_SARA_AM})])
    lookups.append(single)
    single_index = len(lookups) - 1
    # a sara aa right after a nikhahit (or after a nikhahit and a tone mark the font did not ligate)
    chain = _lookup(6, [_chain_subst([nikhahits], single_index), _chain_subst([tones, nikhahits], single_index)])
    lookups.append(chain)
    gsub.LookupList.LookupCount = len(lookups)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":  # after the font's own ccmp lookups, which form the nikhahit ligatures
            record.Feature.LookupListIndex.append(len(lookups) - 1)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)


def _lookup(kind: int, subtables: list[object]) -> otTables.Lookup:
    lookup = otTables.Lookup()
    lookup.LookupType = kind
    lookup.LookupFlag = 0
    lookup.SubTable = subtables
    lookup.SubTableCount = len(subtables)
    return lookup


def _single_subst(mapping: dict[str, str]) -> otTables.SingleSubst:
    subst = otTables.SingleSubst()
    subst.mapping = mapping
    return subst


def _chain_subst(backtrack: list[list[str]], substitution_lookup: int) -> otTables.ChainContextSubst:
    """Format 3: ``backtrack`` lists the glyph classes before the sara aa, nearest first."""
    rule = otTables.ChainContextSubst()
    rule.Format = 3
    rule.BacktrackCoverage = [_coverage(glyphs) for glyphs in backtrack]
    rule.BacktrackGlyphCount = len(backtrack)
    rule.InputCoverage = [_coverage([SARA_AA])]
    rule.InputGlyphCount = 1
    rule.LookAheadCoverage = []
    rule.LookAheadGlyphCount = 0
    record = otTables.SubstLookupRecord()
    record.SequenceIndex = 0
    record.LookupListIndex = substitution_lookup
    rule.SubstLookupRecord = [record]
    rule.SubstCount = 1
    return rule


def _coverage(glyphs: list[str]) -> otTables.Coverage:
    coverage = otTables.Coverage()
    coverage.glyphs = list(glyphs)
    return coverage
