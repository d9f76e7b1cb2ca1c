"""Running a search over the facet table: visibility, filters, expressions, facet counts, ranking, sorting,
paging.

The database answers only which documents hold the words (and in which field); the rest is computed
here once, the same for SQLite and PostgreSQL.

Facet counts are multi-select counts by default: the counts of one facet apply the query words, the
visibility and the filters of every *other* facet, so a page can show how many datasets each further
value of a facet it already filters on would add (values within one facet are ORed). With
``facet_scope="result"`` (CKAN's counts) every facet counts the result itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from catalog.models import Dataset
from catalog.search.backends import FIELDS, Backend, Term
from catalog.search.documents import INDEX_KEYS, timestamp_key
from catalog.search.facets import FacetTable, rid_of, text_rank
from catalog.search.model import AllOf, AnyOf, Everything, Expr, Not, Range, SearchQuery, Value, Words
from catalog.search.tokenize import query_terms

# ranking: each query word scores the weights of the fields holding it: title, tags, then organization/
# resources/dictionary; a word found only in the description adds nothing (it matched, ties go by title)
WEIGHTS = {"title": 8, "tags": 4, "other": 2}
MAX_TERMS = 32  # words of one query beyond these are ignored (each costs lookups)
# fields searched by words, and the index fields they look in (None: every field)
TEXT_FIELDS: dict[str, tuple[str, ...] | None] = {"text": None, "title": ("title",), "notes": ("body",)}
# fields answered from the facet table's own columns rather than from its values
TABLE_FIELDS = ("id", "owner_org", "capacity", "state", "dataset_type", "metadata_modified", "groups")


@dataclass
class Found:
    count: int
    dataset_ids: list[str]  # the requested page, in order
    facets: dict[str, dict[str, int]]


@dataclass
class Fields:
    """What ``where`` may name: the facet table's fields, and metadata keys read from the datasets."""

    extras: frozenset[str] = frozenset()  # metadata keys outside the index (read from dataset.extras)

    def kind(self, field: str) -> str | None:
        if field in TEXT_FIELDS:
            return "text"
        if field in TABLE_FIELDS:
            return "table"
        if field in INDEX_KEYS:
            return "index"
        if field in self.extras:
            return "extras"
        return None


def run(session: Session, backend: Backend, table: FacetTable, query: SearchQuery,
        private_org_ids: frozenset[str] | str, terms: Sequence[Term], fields: Fields | None = None) -> Found:
    """``private_org_ids``: the organizations whose non-public datasets the caller reads ("*": all)."""
    base = visible(table, private_org_ids, query.include_withdrawn)
    relevance = (query.sort == "relevance" and not query.order) or any(key == "score" for key, _ in query.order)
    where = Evaluator(session, backend, table, fields or Fields(), relevance)
    if terms:
        base &= where.words(terms, None, scored=True)
    if query.where is not None:
        base &= where.mask(query.where)
    masks = {key: _filter_mask(table, key, values) for key, values in query.filters.items()}
    hits = base.copy()
    for mask in masks.values():
        hits &= mask
    facets = {}
    for key in dict.fromkeys(query.facet_fields):
        allowed = hits if query.facet_scope == "result" else base.copy()
        if query.facet_scope != "result":
            for other, mask in masks.items():
                if other != key:
                    allowed &= mask
        facets[key] = where.counts(key, allowed)
    order = query.order or _legacy_order(query.sort, where.score is not None and bool(terms))
    page = _page(table, hits, where.score, order, query.rows, query.start)
    return Found(int(hits.sum()), [str(table.dataset_id[rid]) for rid in page], facets)


def visible(table: FacetTable, private_org_ids: frozenset[str] | str, include_withdrawn: bool) -> np.ndarray:
    """Public datasets for everyone; non-public ones only of the caller's organizations ("*": all)."""
    live = table.active | include_withdrawn
    if private_org_ids == "*":
        return table.exists & live
    mask = table.exists & table.public
    if private_org_ids:
        mask |= table.exists & live & np.isin(table.org_id, list(private_org_ids))
    return mask


class Evaluator:
    """An expression's datasets as a mask over the facet table's rids (and the words' scores)."""

    def __init__(self, session: Session, backend: Backend, table: FacetTable, fields: Fields, relevance: bool):
        self.session, self.backend, self.table, self.fields = session, backend, table, fields
        self.size = len(table.exists)
        self.score: np.ndarray | None = np.zeros(self.size, np.int64) if relevance else None

    def mask(self, expr: Expr, negated: bool = False) -> np.ndarray:
        if isinstance(expr, Everything):
            return self.table.exists.copy()
        if isinstance(expr, Not):
            return self.table.exists & ~self.mask(expr.item, not negated)
        if isinstance(expr, AllOf | AnyOf):
            parts = [self.mask(item, negated) for item in expr.items]
            if not parts:
                return self.table.exists.copy()
            combine = np.logical_and if isinstance(expr, AllOf) else np.logical_or
            return combine.reduce(parts)
        if isinstance(expr, Words):
            columns = TEXT_FIELDS[expr.field]
            terms = query_terms(expr.text)[:MAX_TERMS]
            return self.words(terms, columns, scored=not negated) if terms else self.table.exists.copy()
        if isinstance(expr, Value | Range):
            return self.values(expr)
        raise TypeError(f"not a search expression: {expr!r}")

    def words(self, terms: Sequence[Term], columns: Sequence[str] | None, scored: bool) -> np.ndarray:
        weights = None
        if scored and self.score is not None:
            weights = {name: weight for name, weight in WEIGHTS.items() if columns is None or name in columns}
            weights = weights or {name: 1 for name in columns or FIELDS}
        found = self.backend.find(self.session, terms, weights, columns)
        inside = found.rids < self.size  # a document committed since the facet table was read is left out
        mask = np.zeros(self.size, bool)
        mask[found.rids[inside]] = True
        if found.scores is not None and self.score is not None:
            self.score[found.rids[inside]] += found.scores[inside]
        return mask

    def values(self, expr: Value | Range) -> np.ndarray:
        table, field = self.table, expr.field
        test = _matcher(expr)
        if field == "metadata_modified":
            if isinstance(expr, Value) and expr.value == "*":
                return table.exists.copy()
            if not isinstance(expr, Range):
                raise ValueError(f"{field} takes a range")
            return table.exists & _time_range(table.modified, expr)
        if field == "id" and isinstance(expr, Value) and not expr.prefix and expr.value != "*":
            mask = np.zeros(self.size, bool)
            rid = rid_of(table).get(expr.value)
            if rid is not None:
                mask[rid] = True
            return mask
        if field == "id":
            return table.exists & np.fromiter((test(str(v)) for v in table.dataset_id), bool, self.size)
        if field == "owner_org":  # the organization's id, as CKAN stores it (or its name)
            orgs = {str(org) for org in set(table.org_id.tolist()) if test(str(org))}
            by_name = self._index_mask("organization", test)
            return (table.exists & np.isin(table.org_id, list(orgs))) | by_name
        if field in ("capacity", "state", "dataset_type", "groups"):
            flags = {"capacity": {"public": table.public, "private": ~table.public},
                     "state": {"active": table.active, "withdrawn": ~table.active, "deleted": ~table.active},
                     "dataset_type": {"dataset": table.exists}, "groups": {}}[field]
            mask = np.zeros(self.size, bool)
            for name, flag in flags.items():
                if test(name):
                    mask |= flag
            return table.exists & mask
        if field in INDEX_KEYS:
            return self._index_mask(field, test)
        rids = rid_of(table)
        mask = np.zeros(self.size, bool)
        for dataset_id, held in self._extras(field):
            if dataset_id in rids and any(test(value) for value in held):
                mask[rids[dataset_id]] = True
        return mask

    def _index_mask(self, key: str, test: Callable[[str], bool]) -> np.ndarray:
        facet = self.table.facets[key]
        wanted = [code for code, value in enumerate(facet.values) if test(value)]
        mask = np.zeros(self.size, bool)
        mask[facet.docs[np.isin(facet.codes, wanted)]] = True
        return mask

    def _extras(self, key: str) -> list[tuple[str, list[str]]]:
        """(dataset id, values) of a metadata key kept in the datasets' extras (a list for multi-selects)."""
        cached = self.table.cache.get(f"extras:{key}")
        if cached is None:
            rows = self.session.execute(select(col(Dataset.id), col(Dataset.extras)[key])).all()
            cached = [(dataset_id, _texts(value)) for dataset_id, value in rows if _texts(value)]
            self.table.cache[f"extras:{key}"] = cached
        return cached

    def counts(self, key: str, allowed: np.ndarray) -> dict[str, int]:
        if key in INDEX_KEYS:
            return _counts(self.table, key, allowed)
        if key == "groups":
            return {}
        rids = rid_of(self.table)
        counter: Counter[str] = Counter()
        for dataset_id, held in self._extras(key):
            if dataset_id in rids and allowed[rids[dataset_id]]:
                counter.update(set(held))
        return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _texts(value: Any) -> list[str]:
    if value in (None, "", []):
        return []
    return [str(v) for v in value if v not in (None, "")] if isinstance(value, list) else [str(value)]


def _matcher(expr: Value | Range) -> Callable[[str], bool]:
    if isinstance(expr, Value):
        if expr.value == "*":
            return bool
        if expr.prefix:
            return lambda value: value.startswith(expr.value)
        return lambda value: value == expr.value
    low, high = (timestamp_key(b) if isinstance(b, dt.datetime) else b for b in (expr.low, expr.high))

    def within(value: str) -> bool:
        above = low is None or (value >= low if expr.include_low else value > low)
        below = high is None or (value <= high if expr.include_high else value < high)
        return above and below

    return within


def _time_range(seconds: np.ndarray, expr: Range) -> np.ndarray:
    mask = np.ones(len(seconds), bool)
    for bound, inclusive, above in ((expr.low, expr.include_low, True), (expr.high, expr.include_high, False)):
        if bound is None:
            continue
        if not isinstance(bound, dt.datetime):
            raise ValueError(f"{expr.field}: a date is needed, not {bound!r}")
        limit = bound.timestamp()
        if above:
            mask &= seconds >= limit if inclusive else seconds > limit
        else:
            mask &= seconds <= limit if inclusive else seconds < limit
    return mask


def _filter_mask(table: FacetTable, key: str, values: Sequence[str]) -> np.ndarray:
    facet = table.facets[key]
    codes = facet.code_of()
    wanted = [codes[value] for value in values if value in codes]
    mask = np.zeros(len(table.exists), bool)
    mask[facet.docs[np.isin(facet.codes, wanted)]] = True
    return mask


def _counts(table: FacetTable, key: str, allowed: np.ndarray) -> dict[str, int]:
    facet = table.facets[key]
    counts = np.bincount(facet.codes[allowed[facet.docs]], minlength=len(facet.values))
    nonzero = np.flatnonzero(counts)
    ordered = nonzero[np.lexsort((facet.value_rank[nonzero], -counts[nonzero]))]  # most first, then by value
    return {facet.values[code]: int(counts[code]) for code in ordered.tolist()}


LEGACY_ORDERS: Mapping[str, list[tuple[Any, bool]]] = {
    "title_asc": [("title", False)], "title_desc": [("title", True)],
    "modified_desc": [("metadata_modified", True)], "modified_asc": [("metadata_modified", False)],
}


def _legacy_order(sort: str, scored: bool) -> list[tuple[Any, bool]]:
    if sort == "relevance":
        return [("score", True)] if scored else [("metadata_modified", True)]
    return LEGACY_ORDERS[sort]


def _page(table: FacetTable, hits: np.ndarray, score: np.ndarray | None, order: Sequence[tuple[str, bool]],
          rows: int, start: int) -> list[int]:
    if rows == 0:
        return []
    if len(order) == 1 and order[0][0] != "score" and order[0][0] in ("title", "metadata_modified"):
        key, descending = order[0]  # the table keeps every rid in these orders: keep the hits, in that order
        every = table.orders["title_asc"] if key == "title" else table.orders[
            "modified_desc" if descending else "modified_asc"]
        every = every[::-1] if key == "title" and descending else every
        return every[hits[every]][start:start + rows].tolist()
    candidates = np.flatnonzero(hits)
    keys: list[np.ndarray] = [table.title_rank[candidates]]  # ties: by title (np.lexsort: last key is primary)
    for key, descending in reversed(order):
        if key == "score":
            values = score[candidates] if score is not None else np.zeros(len(candidates), np.int64)
        elif key == "title":
            values = table.title_rank[candidates]
        elif key == "metadata_modified":
            values = table.modified[candidates]
        else:  # id, name, metadata_created
            values = text_rank(table, key)[candidates]
        keys.append(-values if descending else values)
    wanted = start + rows
    if wanted < len(candidates) // 4:
        # a page of a large result (a harvester's 100 by id of 60,000): only the candidates whose primary
        # key is within the page's can be on it; choose them in linear time and sort just those
        primary = keys[-1]
        cut = np.partition(primary, wanted - 1)[wanted - 1]
        near = primary <= cut
        candidates, keys = candidates[near], [key[near] for key in keys]
    return candidates[np.lexsort(keys)][start:start + rows].tolist()
