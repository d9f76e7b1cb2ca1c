"""Open formats: DCAT-AP 3 at ckanext-dcat's paths, schema.org JSON-LD, and a Frictionless Data Package.

Each answers only what the caller may read; the rest is not found, as everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from catalog.actions.access import dataset_show, readable_resource
from catalog.actions.dictionaries import resource_table_schemas
from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.publish_rules import resource_dictionary, resource_refusal
from catalog.search import Range, SearchQuery, search_datasets
from catalog.storage import object_key
from dictionaries.excel import export_xlsx
from dictionaries.model import Dictionary
from schemas.messages import Problem
from services.api.common import READ_ERRORS, content_responses
from services.api.deps import Ctx
from services.exports.datapackage import build_datapackage, stored_files, write_zip
from services.exports.dcat import FORMATS, catalog_graph, dataset_graph, serialize
from services.exports.schemaorg import dataset_jsonld

router = APIRouter(tags=["open formats"])

RdfFormat = Literal["ttl", "rdf", "xml", "jsonld", "n3"]
CATALOG_PAGE_SIZE = 100
RDF_ANSWERS = {**READ_ERRORS, **content_responses(*sorted({media for _, media in FORMATS.values()}),
                                                   description="DCAT-AP 3 in the format the path names")}


@router.get("/catalog.{fmt}", responses=RDF_ANSWERS)
def dcat_catalog(
    ctx: Ctx, fmt: RdfFormat, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    modified_since: Annotated[str | None, Query(
        description="only datasets modified at or after this ISO 8601 time (as ckanext-dcat takes it)")] = None,
) -> Response:
    """The public catalog in DCAT-AP 3, 100 datasets a page by name (hydra paging, as ckanext-dcat).
    A dataset withdrawn or no longer public leaves the catalog, so a DCAT harvester deletes its copy."""
    since = _since(modified_since)
    where = Range("metadata_modified", since, None) if since else None
    found = search_datasets(ctx, SearchQuery(where=where, order=[("name", False)], rows=CATALOG_PAGE_SIZE,
                                             start=(page - 1) * CATALOG_PAGE_SIZE,
                                             include_private=True))
    profiles = {d["profile"]: ctx.profile_for(d["profile"]) for d in found.results}
    graph = catalog_graph(ctx.site_url, found.results, profiles, total=found.count, page=page,
                          page_size=CATALOG_PAGE_SIZE, fmt=fmt, modified_since=modified_since if since else None)
    data, media_type = serialize(graph, fmt)
    return Response(data, media_type=media_type)


def _since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        raise ValidationFailed([Problem(
            field="modified_since", code="invalid_value", value=value[:100],
            th=f"modified_since: “{value[:100]}” ไม่ใช่วันเวลา ISO 8601 (เช่น 2026-01-31T00:00:00Z)",
            en=f"modified_since: “{value[:100]}” is not an ISO 8601 time (e.g. 2026-01-31T00:00:00Z)")]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@router.get("/dataset/{name}.{fmt}", responses=RDF_ANSWERS)
def dcat_dataset(ctx: Ctx, name: str, fmt: RdfFormat) -> Response:
    """One dataset in DCAT-AP 3."""
    dataset = dataset_show(ctx, name)
    data, media_type = serialize(dataset_graph(ctx.site_url, dataset, ctx.profile_for(dataset["profile"])),
                                 fmt)
    return Response(data, media_type=media_type)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/dataset/{name}/resource/{resource_id}/dictionary.xlsx", tags=["downloads"], response_class=Response,
            responses={**READ_ERRORS, **content_responses(XLSX, description="The data dictionary workbook")})
def dictionary_xlsx(ctx: Ctx, name: str, resource_id: str) -> Response:
    """A resource's data dictionary as a spreadsheet: the one published with it to portals (and listed by
    the CKAN-compatible API after the resource). Not found when the resource is not published openly."""
    _, resource = readable_resource(ctx, resource_id, name)
    schema, personal = resource_dictionary(ctx, resource)
    if schema is None or resource_refusal(resource, personal) is not None:
        raise NotFound("resource", resource_id)
    with tempfile.TemporaryDirectory(prefix="banchi-dictionary-") as folder:
        path = export_xlsx(Dictionary.from_table_schema(schema), Path(folder) / "dictionary.xlsx")
        data = path.read_bytes()
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="data-dictionary-{resource.id[:8]}.xlsx"'})


@router.get("/api/datasets/{name}/schema.org",
            responses={**READ_ERRORS, **content_responses("application/ld+json")})
def schema_org(ctx: Ctx, name: str) -> Response:
    """schema.org Dataset JSON-LD (what the dataset's page embeds for dataset search engines)."""
    body = json.dumps(dataset_jsonld(ctx.site_url, dataset_show(ctx, name)), ensure_ascii=False)
    return Response(body, media_type="application/ld+json")


@router.get("/api/datasets/{name}/datapackage.json", responses=READ_ERRORS)
def datapackage_json(ctx: Ctx, name: str) -> dict[str, Any]:
    """The Frictionless Data Package descriptor: each uploaded resource with its dictionary."""
    return build_datapackage(dataset_show(ctx, name), dictionary_schemas(ctx, name))


@router.get("/api/datasets/{name}/datapackage.zip", response_class=StreamingResponse,
            responses={**READ_ERRORS, **content_responses("application/zip")})
def datapackage_zip(ctx: Ctx, name: str) -> StreamingResponse:
    """The descriptor and the data files, zipped."""
    dataset = dataset_show(ctx, name)
    package = build_datapackage(dataset, dictionary_schemas(ctx, name))
    storage = ctx.settings.effective_storage_dir
    archive = write_zip(package, stored_files(package, lambda sha256: storage / object_key(sha256)))
    return StreamingResponse(archive, media_type="application/zip",
                             headers={"Content-Disposition": f'attachment; filename="{dataset["name"]}.zip"'})


def dictionary_schemas(ctx: Context, name: str) -> dict[str, dict[str, Any]]:
    """Resource id → its data dictionary as Table Schema, where one is attached."""
    return resource_table_schemas(ctx, name)
