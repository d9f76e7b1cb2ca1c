"""The words people read for the keys Banchi stores, from ``schemas/labels/values.yaml`` and the standards' data.

One lookup for web pages, reports and the command line: ``value_label(kind, key, lang)`` gives a state, a
job kind, a publish operation, a yes or no, a governance stage or gate its Thai or English label, so no
internal key or Python value (``True``, ``None``) is shown to a reader. A key without a label comes back as
it is: a new key shows up in the crawl test (tests/services/web/test_words.py), not as an error to a user.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).parent / "values.yaml"


@cache
def value_labels() -> dict[str, dict[str, tuple[str, str]]]:
    data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    return {str(kind): {str(key): words_pair(pair, f"{LABELS_FILE.name}: {kind}.{key}") for key, pair in keys.items()}
            for kind, keys in data.items()}


def words_pair(value: Any, place: str) -> tuple[str, str]:
    """A [Thai, English] pair of a words file, both text: unquoted YAML reads "a: b" as a mapping, which a page
    would print as ``{'a': 'b'}``."""
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(item, str) for item in value)):
        raise ValueError(f"{place}: expected [Thai, English] as two texts (quote one holding ': '), got {value!r}")
    return value[0], value[1]


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))  # an enum member reads as its stored value


def value_label(kind: str, value: Any, lang: str = "th") -> str:
    """The label of a stored key of ``kind`` (a group of values.yaml, or ``gate`` / ``stage``) in ``lang``."""
    if value is None:
        return ""
    from schemas.stages import load_stages  # schemas.stages reads schemas.profile, which asks this module

    key = _key(value)
    if kind == "gate":
        found = load_stages().gate(key)
        return found[1].text.get(lang) if found else key
    if kind == "stage":
        number = int(key) if key.isdigit() else 0
        return load_stages().stage(number).name.get(lang) if 1 <= number <= len(load_stages().stages) else key
    if kind == "actor" and ":" in key:  # "cli:<login>": the command line, run by a system administrator
        key = key.split(":", 1)[0]
    pair = value_labels().get(kind, {}).get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def yes_no(value: Any, lang: str = "th") -> str:
    return value_label("boolean", bool(value), lang)


def internal_keys() -> set[str]:
    """Every key a label stands for that a reader should never see as such (for the tests that look)."""
    from schemas.stages import load_stages

    keys = {key for kind, group in value_labels().items() if kind not in ("boolean", "field_type") for key in group}
    keys |= set(load_stages().gate_ids())
    return {key for key in keys if "_" in key}  # plain words ("draft", "done") are also ordinary English
