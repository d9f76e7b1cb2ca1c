"""Running a search over the facet table: visibility, filters, facet counts, ranking, sorting, paging.

The database answers only which documents hold the words (and in which field); the rest is computed
here once, the same for SQLite and PostgreSQL.

Facet counts are multi-select counts: the counts of one facet apply the query words, the visibility
and the filters of every *other* facet, so a page can show how many datasets each further value of a
facet it already filters on would add (values within one facet are ORed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from catalog.search.backends import Backend, Term
from catalog.search.facets import FacetTable
from catalog.search.model import SearchQuery

# ranking: each query word scores the weights of the fields holding it: title, tags, then organization/
# resources/dictionary; a word found only in the description adds nothing (it matched, ties go by title)
WEIGHTS = {"title": 8, "tags": 4, "other": 2}


@dataclass
class Found:
    count: int
    dataset_ids: list[str]  # the requested page, in order
    facets: dict[str, dict[str, int]]


def run(session: Session, backend: Backend, table: FacetTable, query: SearchQuery, terms: Sequence[Term]) -> Found:
    base = visible(table, query.private_org_ids, query.include_withdrawn)
    score = None
    if terms:
        words = backend.find(session, terms, WEIGHTS if query.sort == "relevance" else None)
        inside = words.rids < len(base)  # a document committed since the facet table was read is left out
        base &= _mask(len(base), words.rids[inside])
        if words.scores is not None:
            score = np.zeros(len(base), np.int64)
            score[words.rids[inside]] = words.scores[inside]
    masks = {key: _filter_mask(table, key, values) for key, values in query.filters.items()}
    hits = base.copy()
    for mask in masks.values():
        hits &= mask
    facets = {}
    for key in dict.fromkeys(query.facet_fields):
        allowed = base.copy()
        for other, mask in masks.items():
            if other != key:
                allowed &= mask
        facets[key] = _counts(table, key, allowed)
    page = _page(table, hits, score, query.sort, query.rows, query.start)
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


def _page(table: FacetTable, hits: np.ndarray, score: np.ndarray | None, sort: str, rows: int, start: int
          ) -> list[int]:
    if rows == 0:
        return []
    if score is not None:  # relevance: score, then title (np.lexsort: the last key is the primary one)
        candidates = np.flatnonzero(hits)
        order = candidates[np.lexsort((table.title_rank[candidates], -score[candidates]))]
    else:  # the table keeps every rid in each order: keep the hits, in that order
        derived = {"title_desc": table.orders["title_asc"][::-1], "relevance": table.orders["modified_desc"]}
        every = derived[sort] if sort in derived else table.orders[sort]
        order = every[hits[every]]
    return order[start:start + rows].tolist()


def _mask(size: int, rids: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, bool)
    mask[rids] = True
    return mask
