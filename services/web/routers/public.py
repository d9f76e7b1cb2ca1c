"""The public catalog: home, search with facets, dataset pages and organization pages, at CKAN's URLs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import select

from catalog.actions.access import dataset_show, organization_dataset_counts, readable_dataset, resource_count
from catalog.actions.datasets import may_edit
from catalog.actions.organizations import organization_list, organization_show
from catalog.actions.views import dataset_viewed, most_viewed
from catalog.models import Organization
from catalog.permissions import allowed
from catalog.search import FACET_KEYS, SearchQuery, parse_query, search_datasets
from schemas.messages import Problem
from services.web.dataset_view import dataset_view
from services.web.deps import PageCtx
from services.web.facets import ROWS, SearchState, build_facets
from services.web.render import page_for, render

router = APIRouter(include_in_schema=False)


def _org_titles(ctx: Any, lang: str) -> dict[str, str]:
    return {org.name: (org.title_en if lang == "en" and org.title_en else org.title)
            for org in ctx.session.exec(select(Organization)).all()}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ctx: PageCtx) -> HTMLResponse:
    latest = search_datasets(ctx, SearchQuery(sort="modified_desc", rows=6, facet_fields=["organization"],
                                              include_private=True))
    resources = resource_count(ctx)
    counts = organization_dataset_counts(ctx)
    organizations = [org for org in organization_list(ctx) if counts.get(org.id)]
    return render(request, "home.html", {
        "latest": latest.results, "popular": most_viewed(ctx, 6), "dataset_count": latest.count,
        "organization_count": len(organizations), "resource_count": resources,
        "organizations": organizations, "org_counts": counts,
    })


@router.get("/dataset/", response_class=HTMLResponse)
@router.get("/dataset", response_class=HTMLResponse)
def search(request: Request, ctx: PageCtx) -> HTMLResponse:
    return _search_page(request, ctx, "search.html", "/dataset/")


def _search_page(request: Request, ctx: Any, template: str, path: str, fixed: dict[str, list[str]] | None = None,
                 extra: dict[str, Any] | None = None) -> HTMLResponse:
    page = page_for(request)
    state = SearchState.from_params(request.query_params, fixed)
    query = parse_query({"q": state.q, "filters": state.filters, "facet_fields": list(FACET_KEYS),
                         "sort": state.sort, "rows": ROWS, "start": state.start})
    result = search_datasets(ctx, query.model_copy(update={"include_private": True}))
    titles = _org_titles(ctx, page.lang)
    hidden = tuple(fixed or ())
    facets = build_facets(page, state, result.facets, titles, path, hidden)
    pages = max(1, -(-result.count // ROWS))
    chosen = [(key, value) for key, values in state.filters.items() if key not in hidden for value in values]
    labels = {f.key: {v.value: v.label for v in f.values} for f in facets}
    active = [{"key": key, "label": labels.get(key, {}).get(value, value), "url": state.toggled(key, value, path)}
              for key, value in chosen]
    return render(request, template, {
        "state": state, "result": result, "facets": facets, "pages": pages, "active": active, "path": path,
        "clear_url": SearchState(q=state.q, sort=state.sort).url(path), **(extra or {}),
    })


@router.get("/dataset/{name}", response_class=HTMLResponse)
def dataset_page(request: Request, ctx: PageCtx, name: str) -> HTMLResponse:
    dataset = readable_dataset(ctx, name)  # not readable: 404, as if it did not exist
    dataset_viewed(ctx, dataset.id)
    return dataset_page_response(request, ctx, name)


def dataset_page_response(request: Request, ctx: Any, name: str, *, problems: list[Problem] | None = None,
                          status: int = 200) -> HTMLResponse:
    """The dataset's page (with the problems of a lifecycle form that was refused)."""
    shown = dataset_show(ctx, name)  # not readable: 404, as if it did not exist
    dataset = readable_dataset(ctx, name)
    view = dataset_view(ctx, dataset, shown, page_for(request).lang)
    org_id = dataset.owner_org_id
    return render(request, "dataset.html", {
        "d": shown, "view": view, "problems": problems or [],
        "can_edit": may_edit(ctx, dataset),
        "can_lifecycle": allowed(ctx, "dataset_lifecycle", org_id),
        "can_delete": allowed(ctx, "dataset_delete", org_id),
    }, status)


@router.get("/organization/", response_class=HTMLResponse)
@router.get("/organization", response_class=HTMLResponse)
def organizations(request: Request, ctx: PageCtx) -> HTMLResponse:
    counts = organization_dataset_counts(ctx)
    orgs = organization_list(ctx)
    return render(request, "organizations.html", {"organizations": orgs, "counts": counts})


@router.get("/organization/{name}", response_class=HTMLResponse)
def organization_page(request: Request, ctx: PageCtx, name: str) -> HTMLResponse:
    org = organization_show(ctx, name)
    children = [o for o in organization_list(ctx) if o.parent == org.name]
    parent = organization_show(ctx, org.parent) if org.parent else None
    return _search_page(request, ctx, "organization.html", f"/organization/{org.name}",
                        {"organization": [org.name]}, {"org": org, "children": children, "parent": parent,
                                                       "can_edit": allowed(ctx, "organization_update", org.id)})
