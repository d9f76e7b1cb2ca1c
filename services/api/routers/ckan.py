"""The CKAN-compatible Action API (``/api/3/action/...``), read-only, so CKAN clients and harvesters read
Banchi as a CKAN portal with the GD Catalog (thai_gdc) field keys.

Answers carry CKAN's envelope (``help``, ``success``, ``result`` / ``error``); errors are CKAN's
(404 Not Found Error, 403 Authorization Error, 409 Validation Error) so ``ckanapi`` raises its usual
exceptions. The same visibility holds as everywhere: what the caller may not read does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from sqlmodel import col, select

from catalog.actions.access import (
    dataset_read,
    organization_dataset_counts,
    readable_dataset_names,
    resource_read,
)
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models import Organization
from catalog.permissions import readable_org_ids
from catalog.search import SearchQuery, search_datasets
from schemas.messages import Problem
from schemas.metadata import is_openly_publishable
from services.api.ckan_query import DEFAULT_SORT, SearchQueryError, flag, integer, search_parameters
from services.api.deps import Ctx
from services.api.errors import HTTPProblem, http_problem

router = APIRouter(tags=["ckan-compatible"])

CKAN_VERSION = "2.11.0"  # the CKAN API version whose answers these follow
Action = Literal["status_show", "site_read", "package_list", "package_show", "package_search",
                 "organization_list", "organization_show", "tag_list", "resource_show"]


async def _params(request: Request) -> dict[str, Any]:
    """Parameters from the query string and a JSON or form body, as CKAN accepts them."""
    params: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            params.update({key: form.get(key) for key in form})
        else:
            body = await request.body()
            if body.strip():
                try:
                    data = json.loads(body)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise HTTPProblem(400, [http_problem("malformed_json", None, detail=str(exc)[:100])]) from None
                if not isinstance(data, dict):
                    raise ValidationFailed([Problem(field="body", code="invalid_value", th="ต้องเป็นออบเจกต์ JSON",
                                                    en="must be a JSON object")])
                params.update(data)
    return params


def _envelope(request: Request, action: str, result: Any) -> JSONResponse:
    help_url = f"{str(request.base_url).rstrip('/')}/api/3/action/help_show?name={action}"
    return JSONResponse({"help": help_url, "success": True, "result": result})


def ckan_action(
    request: Request, ctx: Ctx, params: Annotated[dict[str, Any], Depends(_params)],
    action: Annotated[Action, Path(description="a CKAN action; parameters in the query string or a JSON body")],
) -> JSONResponse:
    return _envelope(request, action, ACTIONS[action](ctx, params))


for _method in ("GET", "POST"):
    router.add_api_route("/api/3/action/{action}", ckan_action, methods=[_method],
                         operation_id=f"ckan_action_{_method.lower()}")
    router.add_api_route("/api/action/{action}", ckan_action, methods=[_method], include_in_schema=False)


# -- actions ------------------------------------------------------------------------------------------


def status_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    site = ctx.settings.site_url.rstrip("/")
    return {"site_title": "Banchi (บัญชีข้อมูล)", "site_description": "บัญชีข้อมูลภาครัฐ / Government data catalog",
            "site_url": site, "ckan_version": CKAN_VERSION, "locale_default": "th",
            "extensions": ["scheming_datasets", "thai_gdc", "dcat"], "banchi_profile": ctx.settings.profile}


def site_read(ctx: Context, params: dict[str, Any]) -> bool:
    return True


def package_list(ctx: Context, params: dict[str, Any]) -> list[str]:
    problems: list[Problem] = []
    limit = integer(params, "limit", 0, 0, 10_000_000, problems)
    offset = integer(params, "offset", 0, 0, 10_000_000, problems)
    if problems:
        raise ValidationFailed(problems)
    # as in CKAN: the public datasets only, whoever asks
    return readable_dataset_names(ctx, limit=limit or None, offset=offset, public_only=True)


def package_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ckan_package(ctx, dataset_read(ctx, _required(params, "id")))


def package_search(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    values, facet_options = search_parameters(params)
    include_private = flag(params.get("include_private")) and ctx.actor.authenticated
    private = readable_org_ids(ctx.actor) if include_private else frozenset()
    try:
        found = search_datasets(ctx, SearchQuery(**values, private_org_ids=private))
    except ValidationFailed as exc:  # a field the query names that the index cannot answer
        raise SearchQueryError(exc.problems) from None
    titles = _org_titles(ctx) if "organization" in found.facets else {}
    facets = {}
    for key, counts in found.facets.items():
        kept = [(value, n) for value, n in counts.items() if n >= facet_options.mincount]
        facets[key] = dict(kept[:facet_options.limit] if facet_options.limit >= 0 else kept)
    return {
        "count": found.count, "sort": params.get("sort") or DEFAULT_SORT,
        "results": [ckan_package(ctx, d) for d in found.results],
        "facets": facets,
        "search_facets": {
            key: {"title": key, "items": sorted(
                ({"name": value, "display_name": (titles.get(value) or value) if key == "organization" else value,
                  "count": n} for value, n in counts.items()),
                key=lambda item: item["display_name"], reverse=True)}  # as CKAN orders them
            for key, counts in facets.items()
        },
    }


def organization_list(ctx: Context, params: dict[str, Any]) -> list[Any]:
    problems: list[Problem] = []
    limit = integer(params, "limit", 1000, 1, 1000, problems)
    offset = integer(params, "offset", 0, 0, 10_000_000, problems)
    names = _names(params, "organizations", problems)
    sort = params.get("sort") or "name asc"
    words = sort.strip().split() if isinstance(sort, str) else []
    if not 1 <= len(words) <= 2 or words[0] not in ("name", "title") or words[-1] not in (words[0], "asc", "desc"):
        problems.append(Problem(field="sort", code="invalid_value", value=str(sort)[:100],
                                th="sort: เรียงได้ตาม name หรือ title และ asc หรือ desc",
                                en="sort: use name or title, then asc or desc"))
    if problems:
        raise ValidationFailed(problems)
    query = select(Organization)
    if names:
        query = query.where(col(Organization.name).in_(names))
    column = col(Organization.title) if words[0] == "title" else col(Organization.name)
    order = column.desc() if words[-1] == "desc" else column
    orgs = ctx.session.exec(query.order_by(order).limit(limit).offset(offset)).all()
    if not flag(params.get("all_fields")):
        return [org.name for org in orgs]
    counts = organization_dataset_counts(ctx)
    return [ckan_organization(org, counts.get(org.id, 0)) for org in orgs]


def organization_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    key = _required(params, "id")
    try:
        org = get_organization(ctx, key)
    except NotFound:
        raise NotFound("organization", key) from None
    counts = organization_dataset_counts(ctx)
    result = ckan_organization(org, counts.get(org.id, 0))
    if flag(params.get("include_datasets")):
        found = search_datasets(ctx, SearchQuery(filters={"organization": [org.name]}, rows=1000,
                                                 sort="title_asc", private_org_ids=readable_org_ids(ctx.actor)))
        result["packages"] = [ckan_package(ctx, d) for d in found.results]
    return result


def tag_list(ctx: Context, params: dict[str, Any]) -> list[Any]:
    """Tags of the public datasets (``query`` narrows them by substring)."""
    found = search_datasets(ctx, SearchQuery(facet_fields=["tags"], rows=0))
    tags = sorted(found.facets.get("tags", {}))
    query = str(params.get("query") or params.get("q") or "").strip().casefold()
    if query:
        tags = [tag for tag in tags if query in tag.casefold()]
    if flag(params.get("all_fields")):
        return [{"name": tag, "display_name": tag, "id": tag, "vocabulary_id": None} for tag in tags]
    return tags


def resource_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ckan_resource(resource_read(ctx, _required(params, "id")))


ACTIONS: dict[str, Callable[[Context, dict[str, Any]], Any]] = {
    "status_show": status_show, "site_read": site_read, "package_list": package_list,
    "package_show": package_show, "package_search": package_search, "organization_list": organization_list,
    "organization_show": organization_show, "tag_list": tag_list, "resource_show": resource_show,
}


# -- CKAN shapes ----------------------------------------------------------------------------------------


def ckan_package(ctx: Context, dataset: dict[str, Any]) -> dict[str, Any]:
    """A Banchi dataset dict in CKAN's package shape (it already carries the GD Catalog keys)."""
    profile = ctx.profile_for(dataset.get("profile") or ctx.settings.profile)
    public = dataset.get("state") == "active" and is_openly_publishable(dataset, profile)
    organization = dict(dataset.get("organization") or {})
    organization.update({"is_organization": True, "type": "organization", "state": "active",
                         "approval_status": "approved", "description": "", "image_url": ""})
    resources = [ckan_resource(r) for r in dataset.get("resources", [])]
    return {
        **dataset, "type": "dataset", "private": not public, "organization": organization,
        "owner_org": organization.get("id", dataset.get("owner_org")),
        "license_title": dataset.get("license_id"), "num_resources": len(resources),
        "num_tags": len(dataset.get("tags", [])), "groups": [], "relationships_as_object": [],
        "relationships_as_subject": [], "isopen": public, "resources": resources,
    }


def ckan_resource(resource: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "state": "active", "url_type": "upload" if resource.get("kind") == "file" else None,
            "datastore_active": False}


def ckan_organization(org: Organization, package_count: int) -> dict[str, Any]:
    return {
        "id": org.id, "name": org.name, "title": org.title, "display_name": org.title, "title_en": org.title_en,
        "description": org.description or "", "image_url": "", "created": org.created_at.isoformat(),
        "is_organization": True, "type": "organization", "state": "active", "approval_status": "approved",
        "package_count": package_count, "num_followers": 0,
    }


def _org_titles(ctx: Context) -> dict[str, str]:
    return {name: title for name, title in ctx.session.exec(select(Organization.name, Organization.title)).all()}


def _names(params: dict[str, Any], name: str, problems: list[Problem]) -> list[str]:
    """A list of names: a JSON list of strings, or one comma-separated string."""
    wanted = params.get(name)
    if wanted in (None, "", []):
        return []
    if isinstance(wanted, str):
        return [part.strip() for part in wanted.split(",") if part.strip()]
    if isinstance(wanted, list) and all(isinstance(item, str) for item in wanted):
        return wanted
    problems.append(Problem(field=name, code="invalid_value", value=str(wanted)[:100],
                            th=f"{name}: ต้องเป็นรายการชื่อ (ข้อความ)", en=f"{name}: must be a list of names (text)"))
    return []


def _required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value in (None, "") or isinstance(value, dict | list):
        raise ValidationFailed([Problem(field=name, code="required", th=f"ต้องระบุ {name}", en=f"{name} is required")])
    return str(value)
