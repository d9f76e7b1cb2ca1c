"""CKAN's ``package_search`` parameters (Solr syntax) translated into a catalog search query.

Supported, as CKAN clients and harvesters send them: ``q`` (words, and ``field:value`` terms),
``fq`` (``field:value``, ``field:"quoted value"``, ``field:(a OR b)``, optional leading ``+``),
``facet.field`` (a JSON list or a list), ``sort`` (``score desc``, ``title_string asc|desc``,
``metadata_modified desc|asc``, ``name asc|desc``), ``rows`` and ``start``. Anything else is refused
naming the parameter, rather than silently answering a different question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from catalog.errors import ValidationFailed
from schemas.messages import Problem

# CKAN field names → facet keys of the catalog search (the same names, plus Solr's aliases)
FIELD_ALIASES = {
    "organization": "organization", "owner_org": "organization", "tags": "tags", "tag": "tags",
    "res_format": "res_format", "data_type": "data_type", "data_category": "data_category",
    "data_classification": "data_classification", "update_frequency_unit": "update_frequency_unit",
    "stage": "stage",
}
SORTS = {
    ("score", "desc"): "relevance", ("relevance", "desc"): "relevance",
    ("title_string", "asc"): "title_asc", ("title_string", "desc"): "title_desc",
    ("name", "asc"): "title_asc", ("name", "desc"): "title_desc",
    ("metadata_modified", "desc"): "modified_desc", ("metadata_modified", "asc"): "modified_asc",
}
DEFAULT_ROWS = 10
MAX_ROWS = 1000

_TERM = re.compile(
    r'(?P<sign>[+]?)(?P<field>[A-Za-z_.]+):(?:"(?P<quoted>[^"]*)"|\((?P<group>[^)]*)\)|(?P<bare>[^\s"()]+))'
)


def _bad(parameter: str, value: Any, th: str, en: str) -> Problem:
    return Problem(field=parameter, code="invalid_search_parameter", value=str(value)[:200],
                   th=f"{parameter}: “{value}” {th}", en=f"{parameter}: “{value}” {en}")


def parse_terms(text: str, parameter: str, filters: dict[str, list[str]], problems: list[Problem]) -> str:
    """Move ``field:value`` terms of ``text`` into ``filters``; return the words left over."""

    def take(match: re.Match[str]) -> str:
        field = FIELD_ALIASES.get(match["field"])
        if field is None:
            if parameter == "q" and match["field"] in ("text", "title", "notes"):
                return " " + (match["quoted"] or match["bare"] or match["group"] or "") + " "
            problems.append(_bad(parameter, match["field"], "ไม่ใช่ฟิลด์ที่ค้นหาได้",
                                 "is not a field that can be filtered on"))
            return " "
        if match["group"] is not None:
            values = [v.strip().strip('"') for v in re.split(r"\s+OR\s+", match["group"]) if v.strip()]
        else:
            values = [match["quoted"] if match["quoted"] is not None else match["bare"]]
        bucket = filters.setdefault(field, [])
        bucket.extend(v for v in values if v not in bucket)
        return " "

    rest = _TERM.sub(take, text)
    if parameter == "fq" and rest.strip() and rest.strip() not in ("*:*",):
        problems.append(_bad(parameter, rest.strip(), "ต้องอยู่ในรูป ฟิลด์:ค่า", "must be field:value terms"))
        return ""
    rest = rest.strip()
    return "" if rest in ("*:*", "*") else rest


def facet_fields(raw: Any, problems: list[Problem]) -> list[str]:
    if raw in (None, "", []):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raw = [part.strip() for part in raw.split(",")]
    if not isinstance(raw, list):
        problems.append(_bad("facet.field", raw, "ต้องเป็นรายการ JSON", "must be a JSON list"))
        return []
    fields = []
    for name in raw:
        key = FIELD_ALIASES.get(str(name))
        if key is None:
            problems.append(_bad("facet.field", name, "ไม่ใช่ฟิลด์ที่นับได้", "is not a facet field"))
        elif key not in fields:
            fields.append(key)
    return fields


def sort_order(raw: Any, problems: list[Problem]) -> str:
    if raw in (None, ""):
        return "relevance"
    first = str(raw).split(",")[0].split()
    key = (first[0], first[1].lower() if len(first) > 1 else "asc") if first else ("", "")
    if key not in SORTS:
        problems.append(_bad("sort", raw, "ไม่ใช่การเรียงลำดับที่รองรับ", "is not a supported sort order"))
        return "relevance"
    return SORTS[key]


def integer(params: Mapping[str, Any], name: str, default: int, low: int, high: int, problems: list[Problem]) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        problems.append(_bad(name, raw, f"ต้องเป็นจำนวนเต็ม {low}–{high}", f"must be a whole number {low}–{high}"))
        return default
    return value


def flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "on")


def search_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """The catalog SearchQuery fields (without visibility) for CKAN ``package_search`` parameters."""
    problems: list[Problem] = []
    filters: dict[str, list[str]] = {}
    q = parse_terms(str(params.get("q") or ""), "q", filters, problems)
    fq = params.get("fq") or ""
    for text in fq if isinstance(fq, list) else [fq]:
        parse_terms(str(text), "fq", filters, problems)
    query = {
        "q": q, "filters": filters,
        "facet_fields": facet_fields(params.get("facet.field"), problems),
        "sort": sort_order(params.get("sort"), problems),
        "rows": integer(params, "rows", DEFAULT_ROWS, 0, MAX_ROWS, problems),
        "start": integer(params, "start", 0, 0, 10_000_000, problems),
    }
    if problems:
        raise ValidationFailed(problems)
    return query
