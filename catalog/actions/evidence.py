"""Evidence (หลักฐาน) and working-group meetings.

Evidence is a document (stored once by sha256 and never overwritten) or a link, each with the day it
bears, the person who added it and what it shows, attached to an organization and optionally a dataset,
a stage and gate, and a fiscal year. A meeting has its day and, as evidence, its minutes.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_by_id_or_name, get_organization, organization_for_input
from catalog.actions.resources import _safe_filename
from catalog.actions.signing import acting_person
from catalog.actions.validation import check_input
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import Hidden, ValidationFailed
from catalog.gates import lineage, stage_set
from catalog.models import Dataset, Organization, Person, WorkingGroup
from catalog.models.governance import Evidence, EvidenceKind, WorkingGroupMeeting
from catalog.permissions import action, helper
from catalog.storage import store_upload
from schemas.buddhist_era import EnteredDate
from schemas.fiscal_year import fiscal_year_of, thai_today
from schemas.governance_messages import problem
from schemas.messages import Problem
from schemas.urls import HttpUrlText

EVIDENCE_LABELS = {
    "organization": ("หน่วยงาน", "Organization"),
    "dataset": ("ชุดข้อมูล", "Dataset"),
    "stage": ("ขั้นตอน", "Stage"),
    "gate": ("เกณฑ์", "Gate"),
    "fiscal_year": ("ปีงบประมาณ (พ.ศ.)", "Fiscal year (B.E.)"),
    "evidence_date": ("วันที่ของหลักฐาน", "Evidence date"),
    "description": ("คำอธิบายหลักฐาน", "Description"),
    "added_by": ("ผู้เพิ่มหลักฐาน", "Added by"),
    "url": ("ลิงก์", "Link"),
    "file": ("ไฟล์", "File"),
    "meeting_date": ("วันที่ประชุม", "Meeting date"),
    "title": ("เรื่อง/ครั้งที่ประชุม", "Meeting title"),
    "working_group": ("คณะทำงาน", "Working group"),
}


class EvidenceAdd(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organization: str | None = None
    dataset: str | None = None
    stage: int | None = Field(None, ge=1, le=5)
    gate: str | None = None
    fiscal_year: int | None = Field(None, ge=2400, le=2800)
    evidence_date: EnteredDate
    description: str = Field(min_length=1)
    added_by: str | None = None
    url: HttpUrlText | None = None


class EvidencePublic(BaseModel):
    id: str
    organization: str
    dataset: str | None
    dataset_title: str | None
    stage: int | None
    gate: str | None
    gate_th: str | None = None  # the gate's words from the stages file, for people (the id is for programs)
    gate_en: str | None = None
    fiscal_year: int | None
    kind: EvidenceKind
    url: str
    filename: str | None
    sha256: str | None
    size: int | None
    evidence_date: dt.date
    description: str
    added_by: str
    added_by_name: str
    created_at: dt.datetime


class MeetingAdd(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organization: str | None = None
    working_group: str | None = None
    meeting_date: EnteredDate
    title: str = Field(min_length=1, max_length=300)
    added_by: str | None = None
    minutes_url: HttpUrlText | None = None


class MeetingPublic(BaseModel):
    id: str
    working_group: str
    organization: str
    meeting_date: dt.date
    title: str
    minutes: EvidencePublic | None


@action("evidence_add")
def evidence_add(ctx: Context, data: dict[str, Any], *, content: BinaryIO | None = None,
                 filename: str | None = None) -> EvidencePublic:
    """Attach a document (``content``) or a link (``url``); anything wrong is refused before a byte is stored."""
    values = check_input(EvidenceAdd, data, EVIDENCE_LABELS)
    problems = _source_problems(values.url, content)
    problems += _date_problems(ctx, values.evidence_date, "evidence_date")
    org, dataset = _owner(ctx, values.organization, values.dataset, problems)
    stage, gate = _stage_and_gate(values.stage, values.gate, dataset, problems)
    if problems:
        raise ValidationFailed(problems)
    assert org is not None
    permissions.check(ctx, "evidence_add", org.id)
    person = acting_person(ctx, values.added_by, "added_by")  # the signed-in person, checked once allowed
    evidence = Evidence(
        organization_id=org.id, dataset_id=dataset.id if dataset else None, stage=stage, gate=gate,
        fiscal_year=values.fiscal_year or fiscal_year_of(values.evidence_date).year,
        kind=EvidenceKind.document if content is not None else EvidenceKind.link,
        url=str(values.url) if values.url else None, evidence_date=values.evidence_date,
        description=values.description, added_by_id=person.id, actor=ctx.actor.name, created_at=ctx.now(),
    )
    if content is not None:
        _store(ctx, evidence, content, filename)
    ctx.session.add(evidence)
    ctx.session.flush()
    record_change(ctx, "evidence_add", "evidence", evidence.id, None, snapshot(evidence))
    return evidence_public(ctx, evidence)


@action("indicator_report_read")
def evidence_list(ctx: Context, organization: str | None = None, *, dataset: str | None = None,
                  fiscal_year: int | None = None, as_of: dt.date | None = None) -> list[EvidencePublic]:
    """Evidence of an organization or of a dataset, as far as the actor reads them
    (``permissions.may_read_evidence``); an organization or dataset it may not read is Hidden."""
    query = select(Evidence).order_by(col(Evidence.evidence_date), col(Evidence.created_at))
    if organization:
        org = get_organization(ctx, organization)
        permissions.check_governance(ctx, org.id, organization, fiscal_year)
        query = query.where(Evidence.organization_id == org.id)
    if dataset:
        found = get_by_id_or_name(ctx, Dataset, dataset, "dataset")
        permissions.check_dataset_read(ctx, found, governance=True)
        query = query.where(Evidence.dataset_id == found.id)
    if not organization and not dataset:
        permissions.check(ctx, "indicator_report_read")  # everything: sysadmins only
    if fiscal_year:
        query = query.where(Evidence.fiscal_year == fiscal_year)
    if as_of:
        query = query.where(Evidence.evidence_date <= as_of)
    items = ctx.session.exec(query).all()
    return [evidence_public(ctx, evidence) for evidence in items if permissions.may_read_evidence(ctx, evidence)]


@action("indicator_report_read")
def evidence_show(ctx: Context, evidence_id: str) -> Evidence:
    """One evidence record the actor may read; otherwise Hidden."""
    evidence = ctx.session.get(Evidence, evidence_id)
    permissions.check_evidence_read(ctx, evidence, evidence_id)
    assert evidence is not None
    return evidence


@helper
def evidence_public(ctx: Context, evidence: Evidence) -> EvidencePublic:
    org = ctx.session.get(Organization, evidence.organization_id)
    dataset = ctx.session.get(Dataset, evidence.dataset_id) if evidence.dataset_id else None
    person = ctx.session.get(Person, evidence.added_by_id)
    assert org is not None and person is not None
    found = stage_set().gate(evidence.gate) if evidence.gate else None
    return EvidencePublic(
        gate_th=found[1].text.th if found else None, gate_en=found[1].text.en if found else None,
        id=evidence.id, organization=org.name, dataset=dataset.name if dataset else None,
        dataset_title=dataset.title if dataset else None, stage=evidence.stage, gate=evidence.gate,
        fiscal_year=evidence.fiscal_year, kind=EvidenceKind(evidence.kind), url=evidence_url(ctx, evidence),
        filename=evidence.filename, sha256=evidence.sha256, size=evidence.size,
        evidence_date=evidence.evidence_date, description=evidence.description, added_by=person.email,
        added_by_name=person.full_name, created_at=evidence.created_at,
    )


@helper
def evidence_url(ctx: Context, evidence: Evidence) -> str:
    """A link's own URL, or Banchi's download address of a stored document."""
    if evidence.kind == EvidenceKind.link and evidence.url:
        return evidence.url
    base = ctx.site_url
    return f"{base}/evidence/{evidence.id}/download/{evidence.filename or evidence.sha256}"


@action("wg_meeting_add")
def working_group_meeting_add(ctx: Context, data: dict[str, Any], *, minutes: BinaryIO | None = None,
                              filename: str | None = None) -> MeetingPublic:
    """Record a meeting; its minutes (a file or ``minutes_url``), if given, become evidence for stage 1."""
    values = check_input(MeetingAdd, data, EVIDENCE_LABELS)
    problems = _date_problems(ctx, values.meeting_date, "meeting_date")
    group = _working_group(ctx, values.organization, values.working_group, problems)
    if problems:
        raise ValidationFailed(problems)
    assert group is not None
    permissions.check(ctx, "wg_meeting_add", group.organization_id)
    evidence = None
    if minutes is not None or values.minutes_url is not None:
        evidence = evidence_add(ctx, {
            "organization": group.organization_id, "stage": 1, "evidence_date": values.meeting_date,
            "description": f"รายงานการประชุม {values.title}", "added_by": values.added_by,
            "url": str(values.minutes_url) if values.minutes_url else None,
        }, content=minutes, filename=filename)
    meeting = WorkingGroupMeeting(working_group_id=group.id, meeting_date=values.meeting_date, title=values.title,
                                  minutes_evidence_id=evidence.id if evidence else None, actor=ctx.actor.name,
                                  created_at=ctx.now())
    ctx.session.add(meeting)
    ctx.session.flush()
    record_change(ctx, "wg_meeting_add", "working_group", group.id, None, snapshot(meeting))
    return _meeting_public(ctx, meeting, group)


@action("indicator_report_read")
def working_group_meetings(ctx: Context, organization: str, *, since: dt.date | None = None,
                           until: dt.date | None = None) -> list[MeetingPublic]:
    org = get_organization(ctx, organization)
    permissions.check_governance(ctx, org.id, organization)
    ids = [o.id for o in lineage(ctx, org.id)]
    query = (select(WorkingGroupMeeting, WorkingGroup).join(WorkingGroup)
             .where(col(WorkingGroup.organization_id).in_(ids)).order_by(col(WorkingGroupMeeting.meeting_date)))
    if since:
        query = query.where(WorkingGroupMeeting.meeting_date >= since)
    if until:
        query = query.where(WorkingGroupMeeting.meeting_date <= until)
    return [_meeting_public(ctx, meeting, group) for meeting, group in ctx.session.exec(query).all()]


# -- helpers -------------------------------------------------------------------------------------------


def _source_problems(url: object, content: BinaryIO | None) -> list[Problem]:
    if url is None and content is None:
        return [problem("file_or_link", "file")]
    if url is not None and content is not None:
        return [problem("file_and_link", "url")]
    return []


def _date_problems(ctx: Context, day: dt.date, field: str) -> list[Problem]:
    if day > thai_today(ctx.now()):
        th, en = EVIDENCE_LABELS[field]
        return [problem("date_in_future", field, label=th, label_en=en, value=day.isoformat())]
    return []


def _owner(ctx: Context, organization: str | None, dataset_key: str | None,
           problems: list[Problem]) -> tuple[Organization | None, Dataset | None]:
    dataset = None
    if dataset_key:
        dataset = ctx.session.exec(select(Dataset).where(
            (Dataset.name == dataset_key) | (Dataset.id == dataset_key))).first()
        try:  # one the actor may not read is named exactly as one that does not exist
            if dataset is not None:
                permissions.check_dataset_read(ctx, dataset)
        except Hidden:
            dataset = None
        if dataset is None:
            problems.append(Problem(field="dataset", code="unknown_dataset", value=dataset_key,
                                    th=f"ไม่พบชุดข้อมูล “{dataset_key}”", en=f"Dataset “{dataset_key}” does not exist"))
    org = None
    if organization:
        try:
            org = organization_for_input(ctx, organization, "organization")
        except ValidationFailed as exc:
            problems += exc.problems
    elif dataset is None and not dataset_key:
        problems.append(problem("org_required", "organization"))
    if dataset is not None:
        owner = ctx.session.get(Organization, dataset.owner_org_id)
        assert owner is not None
        if org is not None and org.id != owner.id:
            problems.append(problem("org_mismatch", "organization", value=dataset.name, expected=owner.name,
                                    org=org.name))
        org = owner
    return org, dataset


def _stage_and_gate(stage: int | None, gate: str | None, dataset: Dataset | None,
                    problems: list[Problem]) -> tuple[int | None, str | None]:
    if gate is None:
        return stage, None
    stages = stage_set()
    found = stages.gate(gate)
    if found is None:
        problems.append(problem("unknown_gate", "gate", value=gate, allowed=stages.gate_ids()))
        return stage, None
    owner_stage = found[0].number
    if stage is not None and stage != owner_stage:
        problems.append(problem("gate_stage_mismatch", "gate", value=gate, expected=owner_stage, stage=stage))
    if dataset is None:
        problems.append(problem("gate_needs_dataset", "dataset", value=gate))
    return owner_stage, gate


def _store(ctx: Context, evidence: Evidence, content: BinaryIO, filename: str | None) -> None:
    name = _safe_filename(filename) if filename else None
    stored = store_upload(ctx.settings.effective_storage_dir, content, ctx.settings.max_upload_bytes)
    evidence.sha256, evidence.size, evidence.filename = stored.sha256, stored.size, name
    evidence.mimetype = mimetypes.guess_type(name or "")[0]


def _working_group(ctx: Context, organization: str | None, group_key: str | None,
                   problems: list[Problem]) -> WorkingGroup | None:
    if group_key:
        group = ctx.session.get(WorkingGroup, group_key)
        if group is None:
            problems.append(Problem(field="working_group", code="unknown_working_group", value=group_key,
                                    th=f"ไม่พบคณะทำงาน “{group_key}”", en=f"Working group “{group_key}” does not exist"))
        return group
    if not organization:
        problems.append(problem("org_required", "organization"))
        return None
    try:
        org = organization_for_input(ctx, organization, "organization")
    except ValidationFailed as exc:
        problems += exc.problems
        return None
    group = ctx.session.exec(select(WorkingGroup).where(WorkingGroup.organization_id == org.id)
                             .order_by(col(WorkingGroup.created_at))).first()
    if group is None:
        problems.append(problem("no_working_group", "organization", value=org.name))
    return group


def _meeting_public(ctx: Context, meeting: WorkingGroupMeeting, group: WorkingGroup) -> MeetingPublic:
    org = ctx.session.get(Organization, group.organization_id)
    minutes = ctx.session.get(Evidence, meeting.minutes_evidence_id) if meeting.minutes_evidence_id else None
    return MeetingPublic(id=meeting.id, working_group=group.name, organization=org.name if org else "",
                         meeting_date=meeting.meeting_date, title=meeting.title,
                         minutes=evidence_public(ctx, minutes) if minutes else None)
