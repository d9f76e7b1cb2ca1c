"""The CKAN-compatible Action API (``/api/3/action/...``), read-only, so CKAN clients and harvesters read
Banchi as a CKAN portal with the GD Catalog (thai_gdc) field keys.

Answers carry CKAN's envelope (``help``, ``success``, ``result`` / ``error``); errors are CKAN's
(404 Not Found Error, 403 Authorization Error, 409 Validation Error) so ``ckanapi`` raises its usual
exceptions. The same visibility holds as everywhere: what the caller may not read does not exist.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func
from sqlmodel import col, select

from catalog.actions.access import (
    organization_dataset_counts,
    public_activity,
    public_clause,
    published_resource,
    readable_dataset,
    readable_dataset_names,
)
from catalog.actions.lookup import get_organization
from catalog.audit import ACTIVITY_TYPES
from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models import Dataset, Organization
from catalog.search import SearchQuery, search_datasets
from schemas.licenses import LICENSES
from schemas.messages import Problem
from services.api.ckan_query import DEFAULT_SORT, SearchQueryError, flag, integer, search_parameters
from services.api.ckan_shapes import (
    ckan_organization,
    ckan_package,
    ckan_packages,
    ckan_resource,
    ckan_tag,
    ckan_time,
)
from services.api.common import CKAN_ERRORS
from services.api.deps import Ctx
from services.api.errors import HTTPProblem, http_problem

router = APIRouter(tags=["ckan-compatible"])

CKAN_VERSION = "2.11.0"  # the CKAN API version whose answers these follow


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
    action: Annotated[str, Path(description="a CKAN action (" + ", ".join(sorted(ACTIONS)) +
                                "); parameters in the query string or a JSON body")],
) -> JSONResponse:
    function = ACTIONS.get(action)
    if function is None:  # CKAN's answer, a JSON string, word for word
        return JSONResponse(f"Bad request - Action name not known: {action}", status_code=400)
    return _envelope(request, action, function(ctx, params))


def api_version() -> dict[str, int]:
    """``GET /api/3``: the version of CKAN's API that Banchi answers."""
    return {"version": 3}


UNKNOWN_ACTION: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad request - Action name not known (a JSON string, as CKAN answers)"}}
for _method in ("GET", "POST"):
    router.add_api_route("/api/3/action/{action}", ckan_action, methods=[_method],
                         operation_id=f"ckan_action_{_method.lower()}",
                         responses={**CKAN_ERRORS, **UNKNOWN_ACTION})
    router.add_api_route("/api/action/{action}", ckan_action, methods=[_method], include_in_schema=False)
router.add_api_route("/api/3", api_version, methods=["GET"], operation_id="ckan_api_version")


# -- actions ------------------------------------------------------------------------------------------


def status_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Return a dictionary with information about the site's configuration."""
    site = ctx.site_url
    return {"site_title": "Banchi (บัญชีข้อมูล)", "site_description": "บัญชีข้อมูลภาครัฐ / Government data catalog",
            "site_url": site, "ckan_version": CKAN_VERSION, "locale_default": "th",
            "extensions": ["scheming_datasets", "thai_gdc", "dcat"], "banchi_profile": ctx.settings.profile}


def site_read(ctx: Context, params: dict[str, Any]) -> bool:
    """Return ``True``: the catalog may be read."""
    return True


def package_list(ctx: Context, params: dict[str, Any]) -> list[str]:
    """Return the names of the public datasets (``limit``, ``offset``)."""
    problems: list[Problem] = []
    limit = integer(params, "limit", 0, 0, 10_000_000, problems)
    offset = integer(params, "offset", 0, 0, 10_000_000, problems)
    if problems:
        raise ValidationFailed(problems)
    # as in CKAN: the public datasets only, whoever asks
    return readable_dataset_names(ctx, limit=limit or None, offset=offset, public_only=True)


def package_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Return the metadata of a dataset (``id``: its name or id) and its resources."""
    dataset = readable_dataset(ctx, _required(params, "id"))
    return ckan_package(ctx, dataset, _organization_of(ctx, dataset))


def current_package_list_with_resources(ctx: Context, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the public datasets with their resources, most recently modified first (``limit``, ``offset``,
    ``page``)."""
    problems: list[Problem] = []
    limit = integer(params, "limit", 1000, 1, 1000, problems)
    offset = integer(params, "offset", 0, 0, None, problems)
    page = integer(params, "page", 0, 1, None, problems) if params.get("page") not in (None, "") else None
    if problems:
        raise ValidationFailed(problems)
    start = (page - 1) * limit if page else offset
    found = search_datasets(ctx, SearchQuery(order=[("metadata_modified", True)], rows=limit, start=start))
    return ckan_packages(ctx, [d["id"] for d in found.results])


def package_search(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Search datasets with Solr's query syntax (``q``, ``fq``, ``fq_list``, ``sort``, ``rows``, ``start``,
    ``facet``, ``facet.field``, ``facet.limit``, ``facet.mincount``, ``include_private``)."""
    values, facet_options = search_parameters(params)
    try:
        found = search_datasets(ctx, SearchQuery(**values, include_private=flag(params.get("include_private"))))
    except ValidationFailed as exc:  # a field the query names that the index cannot answer
        raise SearchQueryError(exc.problems) from None
    titles = _org_titles(ctx) if "organization" in found.facets else {}
    licences = {value: licence.title for value, licence in LICENSES.items() if licence.title}
    facets = {}
    for key, counts in found.facets.items():
        kept = [(value, n) for value, n in counts.items() if n >= facet_options.mincount]
        facets[key] = dict(kept[:facet_options.limit] if facet_options.limit >= 0 else kept)

    def display(key: str, value: str) -> str:
        if key == "organization":
            return titles.get(value) or value
        return licences.get(value, value) if key == "license_id" else value

    return {
        "count": found.count, "sort": params.get("sort") or DEFAULT_SORT,
        "results": ckan_packages(ctx, [d["id"] for d in found.results]),
        "facets": facets,
        "search_facets": {
            key: {"title": key, "items": sorted(
                ({"name": value, "display_name": display(key, value), "count": n} for value, n in counts.items()),
                key=lambda item: item["display_name"], reverse=True)}  # as CKAN orders them
            for key, counts in facets.items()
        },
    }


def package_autocomplete(ctx: Context, params: dict[str, Any]) -> list[dict[str, str]]:
    """Return public datasets whose name or title contains ``q`` (``limit``, default 10)."""
    limit, query = _completion(params, 10)
    if not query:
        return []
    pattern = f"%{query.lower()}%"
    rows = ctx.session.exec(select(Dataset.name, Dataset.title).where(
        public_clause(ctx), func.lower(Dataset.name).like(pattern) | func.lower(Dataset.title).like(pattern)
    ).order_by(col(Dataset.name)).limit(limit)).all()
    matches = []
    for name, title in rows:
        field = "name" if query.casefold() in name.casefold() else "title"
        matches.append({"name": name, "title": title, "match_field": field,
                        "match_displayed": title if field == "title" else f"{title} ({name})"})
    return matches


def format_autocomplete(ctx: Context, params: dict[str, Any]) -> list[str]:
    """Return the resource formats of public datasets containing ``q``, most used first (``limit``, default 5)."""
    return _facet_matches(ctx, params, "res_format", 5)


def tag_autocomplete(ctx: Context, params: dict[str, Any]) -> list[str]:
    """Return the tags of public datasets containing ``q`` (``limit``, default 10)."""
    return sorted(_facet_matches(ctx, params, "tags", 10))


def tag_list(ctx: Context, params: dict[str, Any]) -> list[Any]:
    """Return the tags of the public datasets (``query`` narrows them by substring; ``all_fields``)."""
    found = search_datasets(ctx, SearchQuery(facet_fields=["tags"], rows=0))
    tags = sorted(found.facets.get("tags", {}))
    query = str(params.get("query") or params.get("q") or "").strip().casefold()
    if query:
        tags = [tag for tag in tags if query in tag.casefold()]
    if flag(params.get("all_fields")):
        return [ckan_tag(tag) for tag in tags]
    return tags


def license_list(ctx: Context, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the licences a dataset may carry (the GD Catalog's choices; ``id`` is the stored text)."""
    spec = ctx.profile.dataset_field("license_id")
    result = []
    for term in ctx.profile.terms(spec):
        licence = LICENSES.get(term.value)
        result.append({
            "id": term.value, "title": (licence.title if licence and licence.title else term.label("th")),
            "url": (licence.url if licence else None) or "", "status": "active", "maintainer": "", "family": "",
            "is_generic": licence is None, "domain_content": False, "domain_data": True, "domain_software": False,
            "is_okd_compliant": bool(licence and licence.open), "is_osi_compliant": False,
            "od_conformance": "approved" if licence and licence.open else "not reviewed",
            "osd_conformance": "not reviewed",
        })
    return result


def organization_list(ctx: Context, params: dict[str, Any]) -> list[Any]:
    """Return the organizations' names (``all_fields``, ``organizations``, ``sort``, ``limit``, ``offset``)."""
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
    """Return an organization (``id``: its name or id); ``include_datasets`` adds its datasets."""
    org = _organization(ctx, _required(params, "id"))
    counts = organization_dataset_counts(ctx)
    result = ckan_organization(org, counts.get(org.id, 0))
    result.update({"extras": [], "groups": [], "tags": [], "users": []})
    if flag(params.get("include_datasets")):
        found = search_datasets(ctx, SearchQuery(filters={"organization": [org.name]}, rows=1000,
                                                 sort="title_asc", include_private=True))
        result["packages"] = ckan_packages(ctx, [d["id"] for d in found.results])
    return result


def organization_autocomplete(ctx: Context, params: dict[str, Any]) -> list[dict[str, str]]:
    """Return organizations whose name or title contains ``q`` (``limit``, default 20)."""
    limit, query = _completion(params, 20)
    if not query:
        return []
    pattern = f"%{query.lower()}%"
    orgs = ctx.session.exec(select(Organization).where(
        (func.lower(Organization.name).like(pattern)) | (func.lower(Organization.title).like(pattern))
    ).order_by(col(Organization.name)).limit(limit)).all()
    return [{"id": org.id, "name": org.name, "title": org.title} for org in orgs]


def member_list(ctx: Context, params: dict[str, Any]) -> list[list[str]]:
    """Return an organization's members as (id, type, capacity): its public datasets (``object_type``
    ``package``). Accounts are not listed: people's roles are not public here."""
    org = _organization(ctx, _required(params, "id"))
    object_type = params.get("object_type") or "package"
    if object_type not in ("package", "user"):
        raise ValidationFailed([Problem(field="object_type", code="invalid_value", value=str(object_type)[:50],
                                        th="object_type: ใช้ package หรือ user", en="object_type: use package or user")])
    if object_type == "user":
        return []
    found = search_datasets(ctx, SearchQuery(filters={"organization": [org.name]}, rows=1000, sort="title_asc"))
    return [[d["id"], "package", "organization"] for d in found.results]


def group_list(ctx: Context, params: dict[str, Any]) -> list[Any]:
    """Return the groups: Banchi keeps organizations only, so there are none."""
    return []


def group_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Return a group: there are none (404)."""
    raise NotFound("group", _required(params, "id"))


def resource_show(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Return a resource of a public dataset (``id``), as it is published."""
    key = _required(params, "id")
    dataset, resource = published_resource(ctx, key)
    return ckan_resource(ctx, dataset, resource)


def package_activity_list(ctx: Context, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a public dataset's changes, newest first (``id``, ``limit`` default 31, ``offset``): when it was
    created, changed or withdrawn while public; who made them and what was there before are not shown."""
    problems: list[Problem] = []
    limit = integer(params, "limit", 31, 1, 100, problems)
    offset = integer(params, "offset", 0, 0, None, problems)
    key = _required(params, "id")
    if problems:
        raise ValidationFailed(problems)
    entries = public_activity(ctx, key, limit=limit, offset=offset)
    dataset = readable_dataset(ctx, key)
    package = {"id": dataset.id, "name": dataset.name, "title": dataset.title, "type": "dataset"}
    return [{"id": str(entry.id), "timestamp": ckan_time(entry.at), "user_id": None, "object_id": dataset.id,
             "activity_type": ACTIVITY_TYPES[entry.action], "data": {"package": package}}
            for entry in entries]


def help_show(ctx: Context, params: dict[str, Any]) -> str:
    """Return the help text of an action (``name``)."""
    name = _required(params, "name")
    function = ACTIONS.get(name)
    if function is None:
        raise NotFound("action", name)
    return inspect.getdoc(function) or ""


ACTIONS: dict[str, Callable[[Context, dict[str, Any]], Any]] = {
    function.__name__: function for function in (
        status_show, site_read, package_list, package_show, package_search, current_package_list_with_resources,
        package_autocomplete, format_autocomplete, tag_autocomplete, tag_list, license_list, organization_list,
        organization_show, organization_autocomplete, member_list, group_list, group_show, resource_show,
        package_activity_list, help_show)
}


# -- helpers ------------------------------------------------------------------------------------------


def _facet_matches(ctx: Context, params: dict[str, Any], key: str, default_limit: int) -> list[str]:
    limit, query = _completion(params, default_limit)
    counts = search_datasets(ctx, SearchQuery(facet_fields=[key], rows=0)).facets.get(key, {})
    return [value for value in counts if query.casefold() in value.casefold()][:limit] if query else []


def _organization(ctx: Context, key: str) -> Organization:
    try:
        return get_organization(ctx, key)
    except NotFound:
        raise NotFound("organization", key) from None


def _organization_of(ctx: Context, dataset: Dataset) -> Organization:
    org = ctx.session.get(Organization, dataset.owner_org_id)
    assert org is not None
    return org


def _org_titles(ctx: Context) -> dict[str, str]:
    return {name: title for name, title in ctx.session.exec(select(Organization.name, Organization.title)).all()}


def _completion(params: dict[str, Any], default_limit: int) -> tuple[int, str]:
    """``limit`` and ``q`` of an autocomplete action."""
    problems: list[Problem] = []
    limit = integer(params, "limit", default_limit, 1, 1000, problems)
    query = _text(params, "q", problems)
    if problems:
        raise ValidationFailed(problems)
    return limit, query


def _text(params: dict[str, Any], name: str, problems: list[Problem]) -> str:
    value = params.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem(field=name, code="invalid_value", value=str(value)[:100],
                                th=f"{name}: ต้องเป็นข้อความ", en=f"{name}: must be text"))
        return ""
    return value.strip()


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
