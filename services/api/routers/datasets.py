"""Datasets and their resources: GD Catalog metadata under its own keys, uploads streamed to the store.

What the caller may not read answers 404, exactly as a dataset that does not exist.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from catalog.actions.access import (
    dataset_history_read,
    dataset_page,
    dataset_show,
    readable_dataset,
    readable_resource,
    resource_read,
)
from catalog.actions.catalog_import import ImportReport, catalog_import
from catalog.actions.datasets import (
    dataset_create,
    dataset_delete,
    dataset_publish_draft,
    dataset_purge,
    dataset_restore,
    dataset_update,
    dataset_withdraw,
)
from catalog.actions.resources import resource_create, resource_delete, resource_update
from catalog.errors import NotFound
from catalog.scratch import scratch_folder
from catalog.settings import get_settings
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_ONLY, MULTIPART_ONLY, Ctx, IfMatch, Page, Paging, tagged
from services.api.errors import HTTPProblem, http_problem
from services.api.files import stored_download
from services.api.uploads import UploadRoute, gated, may_add_resource, may_import_catalog
from services.excel.reader import read_catalog_workbook

router = APIRouter(tags=["datasets"], route_class=UploadRoute)

EXAMPLE: dict[str, JsonValue] = {
    "name": "city-development-indicators", "title": "ข้อมูลตัวชี้วัดการพัฒนาเมือง", "owner_org": "bma-hrd",
    "data_type": "ข้อมูลสถิติ", "data_category": "ข้อมูลสาธารณะ", "license_id": "Open Data Common",
}


class DatasetPublic(BaseModel):
    """A dataset as CKAN shows it, with every GD Catalog key of its profile at the top level."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    title: str
    owner_org: str
    state: str
    version: int
    profile: str
    metadata_created: str
    metadata_modified: str


class DatasetCreate(BaseModel):
    """GD Catalog keys (see the metadata profile); each is checked against it and every bad one named."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [EXAMPLE]})

    name: str = Field(description="URL name")
    title: str
    owner_org: str = Field(description="organization name or id")
    data_type: str = Field(description="ประเภทชุดข้อมูล")


class DatasetUpdate(BaseModel):
    """Only the keys to change; an empty value clears a field."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{"update_frequency_unit": "ปี"}]})


class StateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=2000)


class ResourcePublic(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    package_id: str
    name: str
    url: str | None
    format: str | None
    version: int


class ResourceLink(BaseModel):
    """A link to data held elsewhere, with the GD Catalog resource keys."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"name": "ข้อมูลปี 2566", "url": "https://data.bangkok.go.th/file.csv", "format": "CSV"}]})

    name: str
    url: str


class AuditEntryPublic(BaseModel):
    at: str
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


def _body(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_unset=True)


@router.get("/api/datasets", responses=READ_ERRORS)
def list_datasets(
    ctx: Ctx, paging: Paging,
    organization: Annotated[str | None, Query(description="organization name or id")] = None,
    include_withdrawn: bool = False,
) -> Page[DatasetPublic]:
    """Datasets you may read, by name: the public ones, and your organizations' others."""
    total, results = dataset_page(ctx, organization=organization, limit=paging.limit, offset=paging.offset,
                                  include_withdrawn=include_withdrawn)
    return Page(count=total, limit=paging.limit, offset=paging.offset,
                results=[DatasetPublic(**d) for d in results])


@router.post("/api/datasets", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def create_dataset(ctx: Ctx, body: DatasetCreate, response: Response) -> DatasetPublic:
    created = tagged(response, dataset_create(ctx, _body(body)))
    response.headers["Location"] = f"/api/datasets/{created['name']}"
    return DatasetPublic(**created)


@router.get("/api/datasets/{name}", responses=READ_ERRORS)
def show_dataset(ctx: Ctx, name: str, response: Response) -> DatasetPublic:
    return DatasetPublic(**tagged(response, dataset_show(ctx, name)))


@router.patch("/api/datasets/{name}", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def update_dataset(ctx: Ctx, name: str, body: DatasetUpdate, version: IfMatch, response: Response) -> DatasetPublic:
    """Change the given keys of the version you read (If-Match: its ETag); a stale one gets 412."""
    return DatasetPublic(**tagged(response, dataset_update(ctx, name, _body(body), version)))


@router.post("/api/datasets/{name}/publish", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def publish_dataset(ctx: Ctx, name: str, body: StateChange, version: IfMatch, response: Response) -> DatasetPublic:
    """Publish a draft: refused (422, each missing field named) while its mandatory metadata is incomplete.
    It is then public when its category and classification allow and it is not private."""
    return DatasetPublic(**tagged(response, dataset_publish_draft(ctx, name, version, body.reason)))


@router.post("/api/datasets/{name}/withdraw", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def withdraw_dataset(ctx: Ctx, name: str, body: StateChange, version: IfMatch, response: Response) -> DatasetPublic:
    """No longer offered: kept for history, and withdrawn from the portals it was published to."""
    return DatasetPublic(**tagged(response, dataset_withdraw(ctx, name, version, body.reason)))


@router.post("/api/datasets/{name}/restore", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def restore_dataset(ctx: Ctx, name: str, body: StateChange, version: IfMatch, response: Response) -> DatasetPublic:
    """A withdrawn dataset active again; a deleted one back as a draft."""
    return DatasetPublic(**tagged(response, dataset_restore(ctx, name, version, body.reason)))


@router.delete("/api/datasets/{name}", responses=WRITE_ERRORS)
def delete_dataset(ctx: Ctx, name: str, version: IfMatch, response: Response,
                   reason: Annotated[str | None, Query(max_length=2000)] = None) -> DatasetPublic:
    """Delete (soft, audited, restorable by its organization's admins and stewards; see ``/purge``)."""
    return DatasetPublic(**tagged(response, dataset_delete(ctx, name, version, reason)))


@router.post("/api/datasets/{name}/purge", status_code=204, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def purge_dataset(ctx: Ctx, name: str, body: StateChange) -> Response:
    """Remove a deleted dataset for good, with its resources and records (sysadmins only)."""
    dataset_purge(ctx, name, body.reason)
    return Response(status_code=204)


@router.get("/api/datasets/{name}/history", responses=READ_ERRORS)
def dataset_history(ctx: Ctx, name: str, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditEntryPublic]:
    """Who changed the dataset, when, and what it was before and after (members of its organization)."""
    return [AuditEntryPublic(at=e.at.isoformat(), actor=e.actor, action=e.action, before=e.before, after=e.after,
                             reason=e.reason)
            for e in dataset_history_read(ctx, name, limit=limit)]


# -- resources ------------------------------------------------------------------------------------------


@router.post("/api/datasets/{name}/resources", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def add_link(ctx: Ctx, name: str, body: ResourceLink, response: Response) -> ResourcePublic:
    """Add a link to data held elsewhere."""
    return ResourcePublic(**tagged(response, resource_create(ctx, name, _body(body))))


@router.post("/api/datasets/{name}/resources/upload", status_code=201, dependencies=[MULTIPART_ONLY],
             responses=WRITE_ERRORS)
@gated(may_add_resource)
def upload(
    ctx: Ctx, name: str, response: Response,
    file: Annotated[UploadFile, File(description="the data file; larger than the upload limit gets 413")],
    resource_name: Annotated[str | None, Form(alias="name", max_length=500)] = None,
    description: Annotated[str | None, Form(max_length=10_000)] = None,
    format: Annotated[str | None, Form(max_length=50)] = None,
    private: Annotated[bool, Form()] = False,
    encoding: Annotated[str | None, Form(max_length=40)] = None,
    metadata: Annotated[str | None, Form(description="other GD Catalog resource keys, as a JSON object")] = None,
) -> ResourcePublic:
    """Upload a file: streamed to the store (sha256-addressed, never overwritten). The file name is
    reduced to its last part, so it cannot name a path. Who may add to the dataset is settled before the
    body is read."""
    readable_dataset(ctx, name)
    data = _metadata_field(metadata)
    for key, value in (("name", resource_name), ("description", description), ("format", format),
                       ("encoding", encoding)):
        if value is not None:
            data[key] = value
    data["private"] = private
    created = resource_create(ctx, name, data, content=file.file, filename=file.filename or "")
    return ResourcePublic(**tagged(response, created))


@router.get("/api/resources/{resource_id}", responses=READ_ERRORS)
def show_resource(ctx: Ctx, resource_id: str, response: Response) -> ResourcePublic:
    return ResourcePublic(**tagged(response, resource_read(ctx, resource_id)))


@router.patch("/api/resources/{resource_id}", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def update_resource(ctx: Ctx, resource_id: str, body: DatasetUpdate, version: IfMatch,
                    response: Response) -> ResourcePublic:
    return ResourcePublic(**tagged(response, resource_update(ctx, resource_id, _body(body), version)))


@router.delete("/api/resources/{resource_id}", status_code=204, responses=WRITE_ERRORS)
def delete_resource(ctx: Ctx, resource_id: str,
                    reason: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    """Remove a resource and its data dictionary from its dataset (audited; its organization's admins and
    stewards)."""
    resource_delete(ctx, resource_id, reason)
    return Response(status_code=204)


@router.get("/dataset/{name}/resource/{resource_id}/download/{filename}", tags=["downloads"],
            response_class=FileResponse, responses=READ_ERRORS)
def download(
    ctx: Ctx, name: str, resource_id: str, filename: str,
    encoding: Annotated[Literal["utf-8"] | None, Query(
        description="utf-8: a copy of a text file re-encoded as UTF-8 (the original may be TIS-620/cp874)")] = None,
) -> Any:
    """The uploaded file, as stored, labelled with its own charset (``?encoding=utf-8``: a UTF-8 copy)."""
    _, resource = readable_resource(ctx, resource_id, name)
    return stored_download(ctx, resource.sha256, media_type=resource.mimetype,
                           filename=resource.filename or filename, missing=NotFound("resource", resource_id),
                           declared_encoding=resource.encoding, as_utf8=encoding == "utf-8")


def _metadata_field(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise HTTPProblem(422, [http_problem("malformed_json", "metadata", detail=exc.msg)]) from None
    if not isinstance(value, dict):
        raise HTTPProblem(422, [http_problem("invalid_value", "metadata", value="…", detail="a JSON object")])
    return value


@router.post("/api/organizations/{name}/catalog/import", dependencies=[MULTIPART_ONLY], responses=WRITE_ERRORS,
             tags=["organizations"])
@gated(may_import_catalog)
def import_catalog_workbook(
    ctx: Ctx, name: str,
    file: Annotated[UploadFile, File(description="a workbook in the GD Catalog Excel template (.xlsx)")],
    dry_run: Annotated[bool, Form(description="check everything, write nothing")] = False,
    force: Annotated[bool, Form(description="write over records changed since the export (audited)")] = False,
    template_org: Annotated[str | None, Form(max_length=500, description=(
        "only the rows whose owner_org cell is this text, and their resources (thai_gdc's template_org)"))] = None,
    publish: Annotated[bool, Form(description=(
        "publish the workbook's datasets (each must be complete); otherwise new datasets are drafts"))] = False,
) -> ImportReport:
    """Import a catalog workbook into the organization, all or nothing, as ``banchi catalog import --org NAME``:
    read by column position as thai_gdc reads it (header texts that differ are the report's warnings). New
    datasets are drafts unless ``publish``. Problems answer 422, each with its sheet, row and column."""
    with scratch_folder(get_settings().effective_storage_dir, prefix="import-") as folder:
        path = folder / "catalog.xlsx"
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                out.write(chunk)
        content = read_catalog_workbook(path)
    return catalog_import(ctx, content, organization=name, dry_run=dry_run, force=force,
                          template_org=template_org or None, publish=publish)
