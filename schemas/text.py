"""Text Banchi stores: never a NUL character or a lone UTF-16 surrogate.

JSON can spell both (``"\\u0000"``, ``"\\ud800"``), a URL or a form can carry ``%00``; neither is text a
person typed, PostgreSQL refuses both, and SQLite would keep them silently. Every layer that takes text
in asks this module, so the rule is the same on both databases and in every interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_places(value: Any, place: str = "") -> Iterator[str]:
    """The dotted path of every key or string in ``value`` (decoded JSON) that is not storable text."""
    if isinstance(value, str):
        if not is_storable(value):
            yield place or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            if not is_storable(str(key)):
                yield place or "body"
            else:
                yield from unstorable_places(item, f"{place}.{key}" if place else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unstorable_places(item, f"{place}.{index}" if place else str(index))
