"""The search interface's data: what is asked and what is answered."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

MAX_ROWS = 1000
Sort = Literal["relevance", "title_asc", "title_desc", "modified_desc", "modified_asc"]


class SearchQuery(BaseModel):
    q: str = ""
    filters: dict[str, list[str]] = {}  # facet key -> accepted values (OR within a key, AND across keys)
    facet_fields: list[str] = []  # facet keys to count
    sort: Sort = "relevance"
    rows: int = 20  # 0..1000
    start: int = 0
    # orgs whose non-public datasets the caller may see; "*" = all (sysadmin); empty = public only
    private_org_ids: frozenset[str] | Literal["*"] = frozenset()
    include_withdrawn: bool = False


class SearchResult(BaseModel):
    count: int
    results: list[dict[str, Any]]  # dataset dicts as catalog.actions.datasets.dataset_dict gives them
    facets: dict[str, dict[str, int]]  # facet key -> value -> count (visibility and the other filters applied)
