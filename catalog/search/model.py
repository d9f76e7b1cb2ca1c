"""The search interface's data: what is asked and what is answered.

Besides words (``q``) and facet filters, a query may carry ``where``: a boolean expression over the
indexed fields (the catalog's own tree, which the CKAN-compatible API builds from Solr syntax), an
``order`` of several sort keys, and facet counts of the result itself (``facet_scope="result"``, as CKAN
counts) instead of the portal's multi-select counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

MAX_ROWS = 1000
Sort = Literal["relevance", "title_asc", "title_desc", "modified_desc", "modified_asc"]
# keys of ``SearchQuery.order``: relevance, then the catalog's own sort keys
SortKey = Literal["score", "id", "name", "title", "metadata_modified", "metadata_created"]


@dataclass(frozen=True)
class Words:
    """Every word of ``text`` in the field (``text``: any field; ``title``; ``notes``)."""

    field: str
    text: str


@dataclass(frozen=True)
class Value:
    """A field holding exactly ``value``; ``prefix``: a value starting with it; ``value="*"``: any value."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class Range:
    """A field's value between two bounds (``None``: open); dates compare as dates, other values as text."""

    field: str
    low: str | dt.datetime | None
    high: str | dt.datetime | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Not:
    item: Expr


@dataclass(frozen=True)
class AllOf:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Everything:
    """``*:*``: every dataset the caller may see."""


Expr = Words | Value | Range | Not | AllOf | AnyOf | Everything


class SearchQuery(BaseModel):
    q: str = ""
    filters: dict[str, list[str]] = {}  # facet key -> accepted values (OR within a key, AND across keys)
    where: Any = None  # an Expr, ANDed with q and filters
    facet_fields: list[str] = []  # facet keys to count
    facet_scope: Literal["multi_select", "result"] = "multi_select"
    sort: Sort = "relevance"
    order: list[tuple[SortKey, bool]] = []  # (key, descending), first key first; overrides ``sort``
    rows: int = 20  # 0..1000
    start: int = 0
    # also the non-public datasets the caller may read (``catalog.permissions`` decides, from ctx.actor)
    include_private: bool = False
    include_withdrawn: bool = False


class SearchResult(BaseModel):
    count: int
    results: list[dict[str, Any]]  # dataset dicts as catalog.actions.datasets.dataset_dict gives them
    facets: dict[str, dict[str, int]]  # facet key -> value -> count (visibility and the other filters applied)
