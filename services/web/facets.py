"""The search page's state in its URL (CKAN's ``/dataset/?q=…&tags=…&page=2``), and the facets shown beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from catalog.search import FACET_KEYS
from schemas.stages import load_stages
from services.web.render import Page

ROWS = 20
SORTS = ("relevance", "title_asc", "title_desc", "modified_desc", "modified_asc")
# facets titled by a metadata profile field (the rest by the portal's own words)
FACET_FIELDS = {"data_type": "data_type", "data_category": "data_category",
                "data_classification": "data_classification", "update_frequency_unit": "update_frequency_unit",
                "tags": "tag_string"}


@dataclass
class SearchState:
    q: str = ""
    sort: str = "relevance"
    page: int = 1
    filters: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: QueryParams, fixed: dict[str, list[str]] | None = None) -> SearchState:
        filters = {key: params.getlist(key) for key in FACET_KEYS if params.getlist(key)}
        sort = params.get("sort", "relevance")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(q=params.get("q", "").strip(), sort=sort if sort in SORTS else "relevance", page=page,
                   filters={**filters, **(fixed or {})})

    @property
    def start(self) -> int:
        return (self.page - 1) * ROWS

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        values = {"q": self.q, "sort": self.sort, "page": self.page, **changes}
        filters = values.pop("filters", self.filters)
        pairs = [(key, str(value)) for key, value in values.items()
                 if value and not (key == "sort" and value == "relevance") and not (key == "page" and value == 1)]
        return pairs + [(key, value) for key in FACET_KEYS for value in filters.get(key, [])]

    def url(self, path: str = "/dataset/", **changes: Any) -> str:
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    def toggled(self, key: str, value: str, path: str = "/dataset/") -> str:
        chosen = list(self.filters.get(key, []))
        chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        return self.url(path, filters={**self.filters, key: chosen}, page=1)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool
    url: str


@dataclass
class Facet:
    key: str
    title: str
    values: list[FacetValue]


def facet_title(page: Page, key: str) -> str:
    return page.label(FACET_FIELDS[key]) if key in FACET_FIELDS else page.t(f"facet_{key}")


def value_label(page: Page, key: str, value: str, org_titles: dict[str, str]) -> str:
    if key == "organization":
        return org_titles.get(value, value)
    if key == "stage":
        number = int(value) if value.isdigit() else 0
        if not number:
            return page.t("not_started")
        name = load_stages().stage(number).name
        return f"{page.t('stage_n', n=number)} {name.get(page.lang)}"
    if key in FACET_FIELDS:
        return page.term(FACET_FIELDS[key], value)
    return value


def build_facets(page: Page, state: SearchState, counts: dict[str, dict[str, int]], org_titles: dict[str, str],
                 path: str = "/dataset/", hidden: tuple[str, ...] = ()) -> list[Facet]:
    facets = []
    for key in FACET_KEYS:
        if key in hidden or not counts.get(key):
            continue
        chosen = state.filters.get(key, [])
        values = [FacetValue(value, value_label(page, key, value, org_titles), count, value in chosen,
                             state.toggled(key, value, path))
                  for value, count in counts[key].items()]
        facets.append(Facet(key, facet_title(page, key), values))
    return facets
