"""Words for the search index: Thai segmented with PyThaiNLP, other scripts folded to plain lowercase.

Both databases receive text already cut into these tokens (SQLite FTS5 with its ``ascii`` tokenizer,
PostgreSQL as a literal ``tsvector``), so neither database's own word rules can make them disagree.
A token is a run of Thai letters and marks, or a run of letters/digits of another script, casefolded
and without accents; it never holds a space, quote, colon or asterisk.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.tokenize.tcc import tcc_pos
from pythainlp.util import normalize as normalize_thai

# Thai letters, vowels and tone marks; not ฯ (U+0E2F), ๆ (U+0E46), ฿, the digits or ๏ ๚ ๛
_THAI = "\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e"
_PIECE = re.compile(rf"([{_THAI}]+)|([^\W_\u0e00-\u0e7f]+)")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WORD = re.compile(r"[^\W_]+")
# the newmm engine ships with pythainlp and its dictionary: it segments offline
ENGINE = "newmm"
# a Latin word this long or longer also finds longer words it begins ("indicator" → "indicators")
PREFIX_MIN = 3
COMPOUND_MIN, PART_MIN = 7, 3


def document_tokens(text: str | None) -> list[str]:
    """Tokens of text to be indexed: the words, plus the parts of Thai compounds.

    newmm keeps dictionary compounds whole (การพัฒนา, ฐานข้อมูล, ฝึกอบรม); their parts are indexed too
    so that a search for พัฒนา, ข้อมูล or อบรม finds them.
    """
    tokens: list[str] = []
    for token, thai in _pieces(text):
        tokens.append(token)
        if thai:
            tokens.extend(compound_parts(token))
    return tokens


def query_terms(text: str | None) -> list[tuple[str, bool]]:
    """The distinct words of a query, each with whether it may match as a prefix (longer Latin words)."""
    terms: dict[str, bool] = {}
    for token, thai in _pieces(text):
        terms.setdefault(token, not thai and len(token) >= PREFIX_MIN and not token.isdigit())
    return list(terms.items())


def _pieces(text: str | None) -> list[tuple[str, bool]]:
    if not text:
        return []
    text = unicodedata.normalize("NFC", text).translate(_THAI_DIGITS)
    pieces: list[tuple[str, bool]] = []
    for match in _PIECE.finditer(text):
        thai, other = match.groups()
        if thai:
            pieces.extend((word, True) for word in segment_thai(thai))
        else:
            pieces.extend((word, False) for word in fold_latin(other))
    return pieces


@lru_cache(maxsize=200_000)
def segment_thai(run: str) -> tuple[str, ...]:
    """Words of a run of Thai characters (cached: titles, tags and organization names repeat)."""
    words = word_tokenize(normalize_thai(run), engine=ENGINE, keep_whitespace=False)
    return tuple(piece for word in words for piece in re.findall(f"[{_THAI}]+", word))


def fold_latin(word: str) -> list[str]:
    """Casefolded, accents removed: "Café" and "CAFE" are the same word."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(plain)


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The two dictionary words a Thai compound splits into at a character-cluster boundary.

    Only longer compounds of words of three characters or more (ฝึก+อบรม, ฐาน+ข้อมูล, การ+พัฒนา):
    shorter ones are mostly single words whose syllables happen to be words too (ข้อมูล, ระดับ).
    """
    if len(word) < COMPOUND_MIN:
        return ()
    words = _dictionary()
    parts: list[str] = []
    for cut in sorted(tcc_pos(word)):
        left, right = word[:cut], word[cut:]
        if min(len(left), len(right)) >= PART_MIN and left in words and right in words:
            parts.extend(half for half in (left, right) if half not in parts)
    return tuple(parts)


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    return thai_words()
