"""Running a search over the facet table: visibility, filters, facet counts, ranking, sorting, paging.

The database answers only which documents hold the words (and in which field); the rest is computed
here once, the same for SQLite and PostgreSQL.

Facet counts are multi-select counts: the counts of one facet apply the query words, the visibility
and the filters of every *other* facet, so a page can show how many datasets each further value of a
facet it already filters on would add (values within one facet are ORed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from catalog.search.backends import FIELDS, Backend, Term
from catalog.search.facets import FacetTable

# ranking: each query word scores the weights of the fields holding it (title, tags, organization/
# resources/dictionary, description)
WEIGHTS = dict(zip(FIELDS, (8, 4, 2, 1), strict=True))


@dataclass
class Found:
    count: int
    dataset_ids: list[str]  # the requested page, in order
    facets: dict[str, dict[str, int]]


def run(session: Session, backend: Backend, table: FacetTable, terms: Sequence[Term],
        filters: Mapping[str, Sequence[str]], facet_keys: Sequence[str], sort: str, rows: int, start: int,
        private_org_ids: frozenset[str] | str, include_withdrawn: bool) -> Found:
    base = visible(table, private_org_ids, include_withdrawn)
    score = None
    if terms:
        matched = _rids(session, backend.matching(terms), len(base))
        base &= _mask(len(base), matched)
        score = _score(session, backend, terms, len(base), matched) if sort == "relevance" and matched.size else None
    masks = {key: _filter_mask(table, key, values) for key, values in filters.items()}
    hits = base.copy()
    for mask in masks.values():
        hits &= mask
    facets = {}
    for key in facet_keys:
        allowed = base.copy()
        for other, mask in masks.items():
            if other != key:
                allowed &= mask
        facets[key] = _counts(table, key, allowed)
    candidates = np.flatnonzero(hits)
    page = _page(table, candidates, score, sort, rows, start)
    return Found(int(candidates.size), [str(table.dataset_id[rid]) for rid in page], facets)


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
    ordered = sorted(nonzero.tolist(), key=lambda code: (-counts[code], facet.values[code]))
    return {facet.values[code]: int(counts[code]) for code in ordered}


def _score(session: Session, backend: Backend, terms: Sequence[Term], size: int, matched: np.ndarray
           ) -> np.ndarray:
    score = np.zeros(size, np.int64)
    for term in terms:
        for name in FIELDS:
            score[_rids(session, backend.matching(terms, (term, name)), size)] += WEIGHTS[name]
    return score


def _page(table: FacetTable, candidates: np.ndarray, score: np.ndarray | None, sort: str, rows: int,
          start: int) -> list[int]:
    if rows == 0 or start >= candidates.size:
        return []
    title = table.title_rank[candidates]
    modified = table.modified[candidates]
    keys = {  # np.lexsort: the last key is the primary one
        "title_asc": (title,),
        "title_desc": (-title,),
        "modified_desc": (title, -modified),
        "modified_asc": (title, modified),
        "relevance": (title, -score[candidates]) if score is not None else (title, -modified),
    }[sort]
    order = np.lexsort(keys)
    return candidates[order[start:start + rows]].tolist()


def _rids(session: Session, statement: object, size: int) -> np.ndarray:
    """rids the statement selects, within the facet table (a document committed since is left out)."""
    rids = np.fromiter((rid for (rid,) in session.execute(statement)), np.int64)  # type: ignore[call-overload]
    return rids[rids < size]


def _mask(size: int, rids: np.ndarray) -> np.ndarray:
    mask = np.zeros(size, bool)
    mask[rids] = True
    return mask
