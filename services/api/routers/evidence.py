"""Evidence (หลักฐาน) and the working group's meetings, through the governance actions.

Reading them is for the organization's members, evaluators (their fiscal years) and sysadmins; to anyone
else they do not exist (404). A document is streamed to the store under the upload limit (413 past it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict

from catalog.actions.evidence import (
    EvidencePublic,
    MeetingPublic,
    evidence_add,
    evidence_list,
    evidence_show,
    working_group_meeting_add,
    working_group_meetings,
)
from catalog.errors import NotFound
from schemas.buddhist_era import EnteredDate
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_WRITE, UPLOAD_WRITE, Ctx
from services.api.files import stored_download
from services.api.uploads import UploadRoute, gated, signed_in

router = APIRouter(tags=["governance"], route_class=UploadRoute)

FiscalYear = Annotated[int | None, Query(ge=2400, le=2800, description="fiscal year (Buddhist Era)")]
Text = Annotated[str | None, Form(max_length=10_000)]


class EvidenceLink(BaseModel):
    """``evidence_date``, ``description`` and ``url``, for an ``organization`` or a ``dataset``; optional
    ``stage``, ``gate``, ``fiscal_year`` (B.E.) and ``added_by`` (recorded as you; naming anyone else is refused, 422).
    Checked by the catalog, every bad field named in Thai and English."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "dataset": "city-development-indicators", "gate": "usage_evidence", "evidence_date": "2021-06-30",
        "description": "หนังสือขอใช้ข้อมูลจากสำนักยุทธศาสตร์และประเมินผล", "url": "https://hrd.bangkok.go.th/usage/1"}]})


class MeetingLink(BaseModel):
    """``organization`` (or ``working_group`` id), ``meeting_date``, ``title``; optional ``minutes_url`` and
    ``added_by``. Minutes given become evidence for stage 1."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "organization": "bma-hrd", "meeting_date": "2021-03-15", "title": "ครั้งที่ 2/2564"}]})


def _given(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


@router.get("/api/organizations/{name}/evidence", responses=READ_ERRORS)
def list_evidence(
    ctx: Ctx, name: str, fy: FiscalYear = None,
    dataset: Annotated[str | None, Query(max_length=200, description="dataset name or id")] = None,
    as_of: Annotated[EnteredDate | None, Query(description="dated on or before this day")] = None,
) -> list[EvidencePublic]:
    """The organization's evidence, oldest first (an evaluator sees the fiscal years they evaluate)."""
    return evidence_list(ctx, name, dataset=dataset, fiscal_year=fy, as_of=as_of)


@router.post("/api/evidence", status_code=201, dependencies=JSON_WRITE, responses=WRITE_ERRORS)
def add_evidence_link(ctx: Ctx, body: EvidenceLink) -> EvidencePublic:
    """Attach a link as evidence."""
    return evidence_add(ctx, body.model_dump(mode="json"))


@router.post("/api/evidence/upload", status_code=201, dependencies=UPLOAD_WRITE, responses=WRITE_ERRORS)
@gated(signed_in)
def add_evidence_document(
    ctx: Ctx,
    file: Annotated[UploadFile, File(description="the document; larger than the upload limit gets 413")],
    evidence_date: Annotated[str | None, Form(max_length=40, description="YYYY-MM-DD")] = None,
    description: Text = None,
    organization: Annotated[str | None, Form(max_length=200)] = None,
    dataset: Annotated[str | None, Form(max_length=200)] = None,
    stage: Annotated[str | None, Form(max_length=10)] = None,
    gate: Annotated[str | None, Form(max_length=100)] = None,
    fiscal_year: Annotated[str | None, Form(max_length=10)] = None,
    added_by: Annotated[str | None, Form(max_length=320)] = None,
) -> EvidencePublic:
    """Attach a document: stored once by sha256, never overwritten; its name is reduced to its last part."""
    data = _given(evidence_date=evidence_date, description=description, organization=organization,
                  dataset=dataset, stage=stage, gate=gate, fiscal_year=fiscal_year, added_by=added_by)
    return evidence_add(ctx, data, content=file.file, filename=file.filename or "")


@router.get("/evidence/{evidence_id}/download/{filename}", tags=["downloads"], response_class=FileResponse,
            responses=READ_ERRORS)
def download_evidence(ctx: Ctx, evidence_id: str, filename: str) -> Response:
    """A stored document, at the address the evaluator's report links to."""
    evidence = evidence_show(ctx, evidence_id)
    missing = NotFound("evidence", evidence_id)
    return stored_download(ctx, evidence.sha256, media_type=evidence.mimetype,
                           filename=evidence.filename or filename, missing=missing)


@router.get("/api/organizations/{name}/meetings", responses=READ_ERRORS)
def list_meetings(
    ctx: Ctx, name: str, since: EnteredDate | None = None, until: EnteredDate | None = None,
) -> list[MeetingPublic]:
    """The meetings of the organization's working groups (and those above it), by date."""
    return working_group_meetings(ctx, name, since=since, until=until)


@router.post("/api/meetings", status_code=201, dependencies=JSON_WRITE, responses=WRITE_ERRORS)
def add_meeting(ctx: Ctx, body: MeetingLink) -> MeetingPublic:
    """Record a meeting, with a link to its minutes if given."""
    return working_group_meeting_add(ctx, body.model_dump(mode="json"))


@router.post("/api/meetings/upload", status_code=201, dependencies=UPLOAD_WRITE, responses=WRITE_ERRORS)
@gated(signed_in)
def add_meeting_with_minutes(
    ctx: Ctx,
    minutes: Annotated[UploadFile, File(description="the minutes document")],
    meeting_date: Annotated[str | None, Form(max_length=40, description="YYYY-MM-DD")] = None,
    title: Annotated[str | None, Form(max_length=300)] = None,
    organization: Annotated[str | None, Form(max_length=200)] = None,
    working_group: Annotated[str | None, Form(max_length=100)] = None,
    added_by: Annotated[str | None, Form(max_length=320)] = None,
) -> MeetingPublic:
    """Record a meeting with its minutes document (kept as evidence for stage 1)."""
    data = _given(meeting_date=meeting_date, title=title, organization=organization, working_group=working_group,
                  added_by=added_by)
    return working_group_meeting_add(ctx, data, minutes=minutes.file, filename=minutes.filename or "")
