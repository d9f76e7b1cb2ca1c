"""CKAN's ``package_search`` parameters translated into a catalog search query.

``q``, ``fq`` and ``fq_list`` are Lucene/Solr query syntax, parsed by luqum (a Lucene query parser) into
a tree and translated into the catalog's own search expression (catalog.search.model): ``field:value``,
quoted phrases, ``AND``/``OR``/``NOT``, ``+``/``-`` prefixes, parentheses, ranges ``[a TO b]`` / ``{a TO b}``
with ``*`` and ``NOW`` date math on ``metadata_modified``/``metadata_created``, ``*:*``, trailing-``*``
prefixes. Words without a field are ANDed (Solr's ``q.op=AND``). What cannot be answered (a syntax error,
an unknown field, fuzzy or regular-expression terms) is refused as CKAN's ``Search Query Error``, never
answered as some other question. ``sort`` takes several keys; ``rows`` above 1000 is capped as CKAN caps it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser

from catalog.errors import ValidationFailed
from catalog.search import AllOf, AnyOf, Everything, Expr, Not, Range, Value, Words
from schemas.messages import Problem
from services.api.errors import HTTPProblem

DEFAULT_ROWS = 10
MAX_ROWS = 1000  # CKAN's ckan.search.rows_max: more is capped silently
DEFAULT_SORT = "score desc, metadata_modified desc"  # CKAN's ckan.search.default_package_sort
DEFAULT_FACET_LIMIT = 50  # CKAN's search.facets.limit
# CKAN (Solr) field names → the catalog's search fields; any other name is looked up as it is
FIELD_ALIASES = {"tag": "tags", "type": "dataset_type", "res_format": "res_format", "text": "text"}
TEXT_FIELDS = ("text", "title", "notes")
DATE_FIELDS = ("metadata_modified", "metadata_created")
SORT_KEYS = {"score": "score", "id": "id", "name": "name", "title_string": "title",
             "metadata_modified": "metadata_modified", "metadata_created": "metadata_created"}
_ESCAPED = re.compile(r"\\(.)")
_DATE_MATH = re.compile(r"([+-]\d+|/)(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?")
_UNITS = {"YEAR": "years", "MONTH": "months", "DAY": "days", "HOUR": "hours", "MINUTE": "minutes",
          "SECOND": "seconds"}
_parse_lock = threading.Lock()  # luqum's parser (ply) keeps its state in module globals


class SearchQueryError(HTTPProblem):
    """CKAN's ``Search Query Error``: query syntax Banchi cannot answer (409, naming the problem)."""

    ckan_type = "Search Query Error"

    def __init__(self, problems: list[Problem]):
        super().__init__(409, problems)


def query_problem(parameter: str, value: Any, th: str, en: str) -> Problem:
    return Problem(field=parameter, code="invalid_search_query", value=str(value)[:200],
                   th=f"{parameter}: “{str(value)[:200]}” {th}", en=f"{parameter}: “{str(value)[:200]}” {en}")


def _bad(parameter: str, value: Any, th: str, en: str) -> Problem:
    return Problem(field=parameter, code="invalid_search_parameter", value=str(value)[:200],
                   th=f"{parameter}: “{value}” {th}", en=f"{parameter}: “{value}” {en}")


@dataclass
class Translator:
    """A luqum tree of one parameter → a catalog search expression; problems named by the parameter."""

    parameter: str
    now: dt.datetime

    def expr(self, node: tree.Item, field: str | None = None) -> Expr:
        if isinstance(node, tree.SearchField):
            if node.name == "*":
                if isinstance(node.expr, tree.Word) and node.expr.value == "*":
                    return Everything()
                raise self.error(node, "ใช้ * เป็นชื่อฟิลด์ได้เฉพาะ *:*", "uses * as a field name (only *:* is allowed)")
            name = node.name.removeprefix("extras_")
            return self.expr(node.expr, FIELD_ALIASES.get(name, name))
        if isinstance(node, tree.Group | tree.FieldGroup):
            return self.expr(node.expr, field)
        if isinstance(node, tree.AndOperation | tree.UnknownOperation):
            return AllOf(tuple(self.expr(child, field) for child in node.children))
        if isinstance(node, tree.OrOperation):
            return AnyOf(tuple(self.expr(child, field) for child in node.children))
        if isinstance(node, tree.Not | tree.Prohibit):
            return Not(self.expr(node.a, field))
        if isinstance(node, tree.Plus | tree.Boost):
            return self.expr(node.children[0], field)
        if isinstance(node, tree.Phrase):
            text = _unescape(node.value[1:-1])
            return Words(field or "text", text) if (field or "text") in TEXT_FIELDS else Value(field or "", text)
        if isinstance(node, tree.Word):
            return self.word(node, field)
        if isinstance(node, tree.Range):
            return self.range(node, field)
        raise self.error(node, "ไม่รองรับ (คำค้นแบบ fuzzy, proximity หรือ regular expression)",
                         "is not supported (fuzzy, proximity and regular-expression terms are not)")

    def word(self, node: tree.Word, field: str | None) -> Expr:
        raw = node.value
        if field is None or field in TEXT_FIELDS:
            if raw == "*":
                return Everything()
            return Words(field or "text", _unescape(raw.rstrip("*")))
        if field in DATE_FIELDS:
            if raw == "*":
                return Value(field, "*")
            moment = self.date(raw)  # one moment: the second it names (as Solr's date math rounds)
            return Range(field, moment, moment + dt.timedelta(seconds=1), include_high=False)
        if raw == "*":
            return Value(field, "*")
        prefix = raw.endswith("*") and not raw.endswith("\\*")
        value = _unescape(raw[:-1] if prefix else raw)
        if "*" in value.replace("\\*", "") or "?" in raw.replace("\\?", ""):
            raise self.error(node, "ใช้ * ได้เฉพาะท้ายคำ", "may use * only at the end of a value")
        return Value(field, value, prefix=prefix)

    def range(self, node: tree.Range, field: str | None) -> Range:
        if field is None or field in TEXT_FIELDS:
            raise self.error(node, "ต้องระบุฟิลด์ของช่วง เช่น metadata_modified:[… TO …]",
                             "needs a field for its range, e.g. metadata_modified:[… TO …]")
        bounds: list[str | dt.datetime | None] = []
        for bound in (node.low, node.high):
            raw = str(bound)
            if raw == "*":
                bounds.append(None)
            elif field in DATE_FIELDS:
                bounds.append(self.date(raw))
            else:
                bounds.append(_unescape(raw.strip('"')))
        return Range(field, bounds[0], bounds[1], node.include_low, node.include_high)

    def date(self, raw: str) -> dt.datetime:
        """An ISO 8601 time (UTC when it names no zone) or ``NOW``, with Solr's date math (``NOW-7DAYS``,
        ``NOW/DAY``)."""
        text = _unescape(raw.strip('"'))
        math = re.search(r"(?:[+-]\d+|/)(?:YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?.*$", text)
        base, rest = (text[:math.start()], text[math.start():]) if math else (text, "")
        try:
            moment = self.now if base == "NOW" else dt.datetime.fromisoformat(base)
        except ValueError:
            raise self.error(raw, "ไม่ใช่วันเวลา ISO 8601 หรือ NOW", "is not an ISO 8601 time or NOW") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        if _DATE_MATH.sub("", rest):
            raise self.error(raw, "มีการคำนวณวันที่ที่ไม่รู้จัก", "has date math that is not understood")
        for step, unit in _DATE_MATH.findall(rest):
            if step == "/":
                moment = _round_down(moment, unit)
            else:
                moment += relativedelta(**{_UNITS[unit]: int(step)})
        return moment

    def error(self, node: Any, th: str, en: str) -> SearchQueryError:
        return SearchQueryError([query_problem(self.parameter, node, th, en)])


def _round_down(moment: dt.datetime, unit: str) -> dt.datetime:
    fields = ["month", "day", "hour", "minute", "second", "microsecond"]
    keep = {"YEAR": 0, "MONTH": 1, "DAY": 2, "HOUR": 3, "MINUTE": 4, "SECOND": 5}[unit]
    reset: dict[str, Any] = {name: (1 if name in ("month", "day") else 0) for name in fields[keep:]}
    return moment.replace(**reset)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def parse_lucene(text: str, parameter: str, now: dt.datetime) -> Expr | None:
    """One ``q``/``fq`` string as a catalog expression; None when it asks for everything."""
    text = text.strip()
    if text in ("", "*:*", '""', "''", "*"):
        return None
    try:
        with _parse_lock:
            node = parser.parse(text)
    except (ParseError, ValueError, TypeError) as exc:
        raise SearchQueryError([query_problem(parameter, text, f"ไวยากรณ์การค้นหาไม่ถูกต้อง ({exc})",
                                              f"is not valid query syntax ({exc})")]) from None
    return Translator(parameter, now).expr(node)


def filter_queries(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(parameter, text) of every filter query: ``fq`` (one or repeated) and ``fq_list`` (a list or JSON)."""
    found: list[tuple[str, str]] = []
    fq = params.get("fq")
    for text in fq if isinstance(fq, list) else [fq]:
        if text not in (None, ""):
            found.append(("fq", _text("fq", text)))
    fq_list = params.get("fq_list")
    if isinstance(fq_list, str):
        try:
            fq_list = json.loads(fq_list) if fq_list.strip().startswith("[") else [fq_list]
        except json.JSONDecodeError:
            fq_list = [fq_list]
    for text in fq_list or []:
        found.append(("fq_list", _text("fq_list", text)))
    return found


def _text(parameter: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationFailed([_bad(parameter, value, "ต้องเป็นข้อความ", "must be text")])
    return value


def facet_fields(raw: Any, problems: list[Problem]) -> list[str]:
    if raw in (None, "", []):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raw = [part.strip() for part in raw.split(",")]
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        problems.append(_bad("facet.field", raw, "ต้องเป็นรายการชื่อฟิลด์", "must be a list of field names"))
        return []
    return list(dict.fromkeys(FIELD_ALIASES.get(name, name.removeprefix("extras_")) for name in raw))


def sort_order(raw: Any) -> list[tuple[str, bool]]:
    """``sort`` as (catalog sort key, descending) pairs: ``name asc, metadata_modified desc``."""
    text = DEFAULT_SORT if raw in (None, "", "rank") else raw
    if not isinstance(text, str):
        raise SearchQueryError([_bad("sort", text, "ต้องเป็นข้อความ", "must be text")])
    order = []
    for part in text.split(","):
        words = part.split()
        if len(words) != 2 or words[0] not in SORT_KEYS or words[1].lower() not in ("asc", "desc"):
            raise SearchQueryError([query_problem(
                "sort", text, "ไม่ใช่การเรียงลำดับที่รองรับ (ฟิลด์ asc|desc คั่นด้วยจุลภาค; ฟิลด์: "
                + ", ".join(SORT_KEYS) + ")",
                "is not a supported sort (field asc|desc, comma-separated; fields: " + ", ".join(SORT_KEYS) + ")")])
        order.append((SORT_KEYS[words[0]], words[1].lower() == "desc"))
    return order


def integer(params: Mapping[str, Any], name: str, default: int, low: int, high: int | None,
            problems: list[Problem]) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw) if not isinstance(raw, bool | float) else None
    except (TypeError, ValueError):
        value = None
    if value is None or value < low or (high is not None and value > high):
        span_th = f"{low}–{high}" if high is not None else f"ตั้งแต่ {low} ขึ้นไป"
        span_en = f"{low}–{high}" if high is not None else f"of at least {low}"
        problems.append(_bad(name, raw, f"ต้องเป็นจำนวนเต็ม {span_th}", f"must be a whole number {span_en}"))
        return default
    return value


def flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "on")


@dataclass
class FacetOptions:
    fields: list[str]
    mincount: int
    limit: int  # -1: all


def search_parameters(params: Mapping[str, Any], now: dt.datetime | None = None
                      ) -> tuple[dict[str, Any], FacetOptions]:
    """The catalog SearchQuery fields (without visibility) and the facet options of ``package_search``."""
    now = now or dt.datetime.now(dt.UTC)
    problems: list[Problem] = []
    rows = integer(params, "rows", DEFAULT_ROWS, 0, None, problems)
    start = integer(params, "start", 0, 0, None, problems)
    mincount = integer(params, "facet.mincount", 1, 0, None, problems)
    limit = integer(params, "facet.limit", DEFAULT_FACET_LIMIT, -(2**31), None, problems)
    fields = facet_fields(params.get("facet.field"), problems)
    q = params.get("q")
    if q is not None and not isinstance(q, str):
        problems.append(_bad("q", q, "ต้องเป็นข้อความ", "must be text"))
    if problems:
        raise ValidationFailed(problems)
    filters = filter_queries(params)
    parts = [parse_lucene(q or "", "q", now), *(parse_lucene(text, name, now) for name, text in filters)]
    where = [part for part in parts if part is not None]
    explicit_state = any("+state" in text for _, text in filters)
    query: dict[str, Any] = {
        "where": AllOf(tuple(where)) if where else None,
        "facet_fields": fields if str(params.get("facet", "true")).lower() != "false" else [],
        "facet_scope": "result",
        "order": sort_order(params.get("sort")),
        "rows": min(rows, MAX_ROWS), "start": start,
        "include_withdrawn": explicit_state,
    }
    return query, FacetOptions(fields=query["facet_fields"], mincount=max(mincount, 1), limit=limit)
