"""The page language (Thai by default, English on request) and the portal's own words in both.

The language comes from ``?lang=th|en`` (remembered in a cookie) or that cookie; field labels and
vocabulary terms come from the metadata profile, never from here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from starlette.requests import Request

from schemas.labels import words_pair

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
LANG_COOKIE = "banchi_lang"
TEXTS_FILE = Path(__file__).parent / "texts.yaml"


@cache
def texts() -> dict[str, tuple[str, str]]:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return {str(key): words_pair(value, f"{TEXTS_FILE.name}: {key}") for key, value in data.items()}


def requested_language(request: Request) -> str | None:
    """The language the URL asks for, if it names one (the switch link does)."""
    value = request.query_params.get("lang")
    return value if value in LANGUAGES else None


def language(request: Request) -> str:
    chosen = requested_language(request) or request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **params: Any) -> str:
    th, en = texts()[key]
    text = en if lang == "en" else th
    return text.format(**params) if params else text
