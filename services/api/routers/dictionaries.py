"""Data dictionaries (พจนานุกรมข้อมูล) of resources and validation runs, through the catalog's actions.

Versions are numbered per resource and never edited: a change is a new draft, approved by a member of
the owner's working group. A dictionary and its runs are read by whoever may read the resource (404 for
anyone else); drafts and runs are written by the organization's admins and stewards.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, File, Form, Path, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from catalog.actions.access import readable_resource
from catalog.actions.dictionaries import (
    ValidationRunPublic,
    VersionPublic,
    dictionary_version_approve,
    dictionary_version_create,
    dictionary_versions,
    resource_validate,
    validation_runs,
)
from catalog.actions.jobs import JobPublic
from catalog.actions.lookup import get_by_id_or_name
from catalog.actions.validation_jobs import validates_inline, validation_job_start
from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models.dictionary import ValidationRun
from dictionaries.diff import Change, diff, is_breaking
from dictionaries.infer import infer
from dictionaries.messages import problem
from dictionaries.model import parse_schema
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_WRITE, UPLOAD_WRITE, Ctx
from services.api.files import stored_path, upload_path
from services.api.queued import queued
from services.api.uploads import UploadRoute, gated, may_update_resource

router = APIRouter(prefix="/api/datasets/{name}/resources/{resource_id}", tags=["dictionaries"],
                   route_class=UploadRoute)

QUEUED: dict[int | str, dict[str, Any]] = {202: {"description": "a large file: a job checks it (the job in the body, "
                                                                 "its address in Location)", "model": JobPublic}}
VersionNumber = Annotated[int, Query(ge=1, le=1_000_000)]
NumberPath = Annotated[int, Path(ge=1, le=1_000_000, description="the version's number")]
SCHEMA_EXAMPLE = {"fields": [
    {"name": "district", "title": "เขต", "type": "string", "constraints": {"required": True}},
    {"name": "trainees", "title": "จำนวนผู้ผ่านการอบรม", "type": "integer", "constraints": {"minimum": 0}},
], "primaryKey": ["district"]}


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved_by: str | None = Field(None, max_length=320,
                                    description="the approver is you; naming anyone else is refused (422)")


class Diff(BaseModel):
    old: int
    new: int
    breaking: bool
    changes: list[Change]


class ValidationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, description="dictionary version (default: the latest approved, "
                                                        "else the latest draft)")
    sheet: str | None = Field(None, max_length=200, description="XLSX sheet (default: the first)")
    encoding: str | None = Field(None, max_length=40, description="CSV encoding (default: detected)")
    match_titles: bool = Field(False, description="accept the fields' titles (Thai headers) as column names")


class ValidationRunReport(ValidationRunPublic):
    report: dict[str, Any] = Field(description="every finding, with its row, field and message in Thai and English")


def _version(ctx: Context, name: str, resource_id: str, number: int) -> VersionPublic:
    found = [v for v in dictionary_versions(ctx, name, resource_id) if v.number == number]
    if not found:
        raise NotFound("dictionary_version", str(number))
    return found[0]


def _version_id(ctx: Context, name: str, resource_id: str, number: int | None) -> str | None:
    return None if number is None else _version(ctx, name, resource_id, number).id


# -- dictionary versions -------------------------------------------------------------------------------------


@router.get("/dictionary/versions", responses=READ_ERRORS)
def list_versions(ctx: Ctx, name: str, resource_id: str) -> list[VersionPublic]:
    """Every version of the resource's dictionary, oldest first, with who approved it and when."""
    readable_resource(ctx, resource_id, name)
    return dictionary_versions(ctx, name, resource_id)


@router.post("/dictionary/versions", status_code=201, dependencies=JSON_WRITE, responses=WRITE_ERRORS)
def create_version(
    ctx: Ctx, name: str, resource_id: str,
    table_schema: Annotated[dict[str, Any], Body(description="a Frictionless Table Schema",
                                                 examples=[SCHEMA_EXAMPLE])],
) -> VersionPublic:
    """A new draft from a Table Schema; every bad field is named in Thai and English."""
    readable_resource(ctx, resource_id, name)
    return dictionary_version_create(ctx, name, resource_id, table_schema)


@router.post("/dictionary/infer/upload", status_code=201, dependencies=UPLOAD_WRITE, responses=WRITE_ERRORS)
@gated(may_update_resource)
def infer_version(
    ctx: Ctx, name: str, resource_id: str,
    file: Annotated[UploadFile, File(description="a CSV or XLSX sample of the data")],
    sheet: Annotated[str | None, Form(max_length=200, description="XLSX sheet (default: the first)")] = None,
) -> VersionPublic:
    """A new draft inferred from a sample file: names, Thai titles from the headers, types, required."""
    readable_resource(ctx, resource_id, name)
    with upload_path(file, ctx.settings.effective_storage_dir) as path:
        inferred = infer(path, sheet=sheet)  # an unreadable file: its problems, 422
    return dictionary_version_create(ctx, name, resource_id, inferred.dictionary)


@router.get("/dictionary/versions/{number}", responses=READ_ERRORS)
def show_version(ctx: Ctx, name: str, resource_id: str, number: NumberPath) -> VersionPublic:
    readable_resource(ctx, resource_id, name)
    return _version(ctx, name, resource_id, number)


@router.get("/dictionary/diff", responses=READ_ERRORS)
def diff_versions(ctx: Ctx, name: str, resource_id: str, old: VersionNumber, new: VersionNumber) -> Diff:
    """What changed from version ``old`` to ``new``, and whether a change breaks data valid under ``old``."""
    readable_resource(ctx, resource_id, name)
    before, after = _version(ctx, name, resource_id, old), _version(ctx, name, resource_id, new)
    changes = diff(parse_schema(before.table_schema), parse_schema(after.table_schema))
    return Diff(old=old, new=new, breaking=is_breaking(changes), changes=changes)


@router.post("/dictionary/versions/{number}/approve", dependencies=JSON_WRITE, responses=WRITE_ERRORS)
def approve_version(ctx: Ctx, name: str, resource_id: str, number: NumberPath, body: Approval) -> VersionPublic:
    """Approve a draft: only a member of the owner's data governance working group."""
    readable_resource(ctx, resource_id, name)
    version = _version(ctx, name, resource_id, number)
    return dictionary_version_approve(ctx, version.id, body.model_dump(exclude_unset=True))


# -- validation runs -----------------------------------------------------------------------------------------


@router.get("/validation-runs", responses=READ_ERRORS)
def list_runs(ctx: Ctx, name: str, resource_id: str) -> list[ValidationRunPublic]:
    """The resource's validation runs, oldest first, with their quality figures."""
    readable_resource(ctx, resource_id, name)
    return validation_runs(ctx, name, resource_id)


@router.post("/validation-runs", status_code=201, dependencies=JSON_WRITE, responses={**WRITE_ERRORS, **QUEUED})
def validate_stored(ctx: Ctx, name: str, resource_id: str, body: ValidationOptions, response: Response,
                    tasks: BackgroundTasks) -> ValidationRunPublic | JobPublic:
    """Validate the file the resource serves against a dictionary version; the run is kept. A file larger
    than the setting ``validate_inline_max_bytes`` is checked by a job: 202 with the job (``Location``)."""
    _, resource = readable_resource(ctx, resource_id, name)
    version_id = _version_id(ctx, name, resource_id, body.version)
    options = body.model_dump(exclude={"version"})
    with stored_path(ctx.settings.effective_storage_dir, resource) as path:
        if path is None:
            raise ValidationFailed([problem("file_not_found", "resource", value=resource_id)])
        if not validates_inline(ctx, path.stat().st_size):
            return queued(validation_job_start(ctx, name, resource_id, path, version_id=version_id,
                                                options=options), response, tasks)
        return resource_validate(ctx, name, resource_id, path, version_id=version_id, **options)


@router.post("/validation-runs/upload", status_code=201, dependencies=UPLOAD_WRITE,
             responses={**WRITE_ERRORS, **QUEUED})
@gated(may_update_resource)
def validate_upload(
    ctx: Ctx, name: str, resource_id: str, response: Response, tasks: BackgroundTasks,
    file: Annotated[UploadFile, File(description="a CSV or XLSX file; larger than the upload limit gets 413")],
    version: Annotated[int | None, Form(ge=1, le=1_000_000)] = None,
    sheet: Annotated[str | None, Form(max_length=200)] = None,
    encoding: Annotated[str | None, Form(max_length=40)] = None,
    match_titles: Annotated[bool, Form()] = False,
) -> ValidationRunPublic | JobPublic:
    """Validate an uploaded file against a dictionary version; the run is kept, the file is not. A file larger
    than the setting ``validate_inline_max_bytes`` is kept for a job that checks it: 202 with the job
    (``Location: /api/jobs/{id}``); its result names the run (``api_url``) once done."""
    readable_resource(ctx, resource_id, name)
    version_id = _version_id(ctx, name, resource_id, version)
    options: dict[str, Any] = {"sheet": sheet, "encoding": encoding, "match_titles": match_titles}
    with upload_path(file, ctx.settings.effective_storage_dir) as path:
        if not validates_inline(ctx, path.stat().st_size):
            return queued(validation_job_start(ctx, name, resource_id, path, version_id=version_id,
                                                options=options), response, tasks)
        return resource_validate(ctx, name, resource_id, path, version_id=version_id, **options)


@router.get("/validation-runs/{run_id}", responses=READ_ERRORS)
def show_run(ctx: Ctx, name: str, resource_id: str, run_id: str) -> ValidationRunReport:
    """One run with its full report."""
    readable_resource(ctx, resource_id, name)
    found = [run for run in validation_runs(ctx, name, resource_id) if run.id == run_id]
    if not found:
        raise NotFound("validation_run", run_id)
    stored = get_by_id_or_name(ctx, ValidationRun, run_id, "validation_run", name_column="id")
    return ValidationRunReport(**found[0].model_dump(), report=stored.report)
