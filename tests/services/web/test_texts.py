"""The portal's own words: every one a template or page asks for exists in Thai and English."""

from __future__ import annotations

import re
from pathlib import Path

from services.web.facets import SORTS
from services.web.i18n import texts, translate

WEB = Path(__file__).resolve().parents[3] / "services" / "web"
ASKED = re.compile(r"""\bt\(\s*['"](\w+)['"]""")
HINTS = re.compile(r'"(\w+_hint)"')


def test_every_word_asked_for_exists_in_both_languages() -> None:
    asked = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        asked |= set(ASKED.findall(text)) | set(HINTS.findall(text))
    # words named by a prefix and a value: every value the page can meet
    expanded = {f"sort_{s}" for s in SORTS}
    asked = {key for key in asked if not key.endswith("_")} | expanded
    known = texts()
    assert asked <= set(known), sorted(asked - set(known))
    for key, (th, en) in known.items():
        assert th.strip() and en.strip(), key
        assert re.search("[ก-๙]", th) or th in ("English", "Data Package", "JSON (CKAN API)", "DCAT (RDF)"), key


def test_words_take_their_parameters() -> None:
    assert translate("th", "datasets_found", count=3) == "พบ 3 ชุดข้อมูล"
    assert translate("en", "datasets_found", count=3) == "3 datasets found"
