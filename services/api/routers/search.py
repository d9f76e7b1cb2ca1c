"""Search the datasets you may read: words (Thai-aware), filters by facet, facet counts, sort, paging."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from catalog.search import FACET_KEYS, Sort, parse_query, search_datasets
from services.api.common import READ_ERRORS
from services.api.deps import Ctx
from services.api.routers.datasets import DatasetPublic

router = APIRouter(tags=["search"])


class SearchPage(BaseModel):
    count: int
    limit: int
    offset: int
    results: list[DatasetPublic]
    facets: dict[str, dict[str, int]]


@router.get("/api/search", responses=READ_ERRORS)
def search(
    ctx: Ctx,
    q: Annotated[str, Query(max_length=500, description="words to find")] = "",
    organization: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI reads the default)
    data_type: Annotated[list[str], Query()] = [],  # noqa: B006
    data_category: Annotated[list[str], Query()] = [],  # noqa: B006
    data_classification: Annotated[list[str], Query()] = [],  # noqa: B006
    tags: Annotated[list[str], Query()] = [],  # noqa: B006
    res_format: Annotated[list[str], Query()] = [],  # noqa: B006
    update_frequency_unit: Annotated[list[str], Query()] = [],  # noqa: B006
    stage: Annotated[list[str], Query()] = [],  # noqa: B006
    facet: Annotated[list[str], Query(description=f"facets to count: {', '.join(FACET_KEYS)}")] = [],  # noqa: B006
    sort: Sort = "relevance",
    limit: Annotated[int, Query(ge=0, le=1000)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    include_private: Annotated[bool, Query(description="also your organizations' non-public datasets")] = False,
) -> SearchPage:
    """Filters are OR within one facet and AND across facets; counts follow the same visibility."""
    chosen = {"organization": organization, "data_type": data_type, "data_category": data_category,
              "data_classification": data_classification, "tags": tags, "res_format": res_format,
              "update_frequency_unit": update_frequency_unit, "stage": stage}
    params: dict[str, Any] = {
        "q": q, "filters": {key: values for key, values in chosen.items() if values}, "facet_fields": facet,
        "sort": sort, "rows": limit, "start": offset,
        "include_private": include_private,
    }
    found = search_datasets(ctx, parse_query(params))
    return SearchPage(count=found.count, limit=limit, offset=offset, facets=found.facets,
                      results=[DatasetPublic(**d) for d in found.results])
