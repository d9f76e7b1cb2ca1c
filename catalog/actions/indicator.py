"""The indicator work of an organization for a fiscal year: which datasets it scores (and in which part of
the rubric), the evaluator's audited results per quarter, and the narrative of each quarter's report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_dataset, get_organization, organization_for_input, person_for_input
from catalog.actions.validation import check_input
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.models import Dataset, Organization, Person
from catalog.models.governance import AuditedResult, IndicatorDataset, QuarterNarrative
from catalog.permissions import action, helper
from catalog.versioning import claim_next_version
from schemas.buddhist_era import EnteredDate
from schemas.fiscal_year import FiscalYear, thai_today
from schemas.governance_messages import problem
from schemas.messages import problem as shared_problem
from schemas.rubric import Rubric

INDICATOR_LABELS = {
    "dataset": ("ชุดข้อมูล", "Dataset"),
    "organization": ("หน่วยงาน", "Organization"),
    "fiscal_year": ("ปีงบประมาณ (พ.ศ.)", "Fiscal year (B.E.)"),
    "part": ("ส่วนที่", "Part"),
    "enrolled_on": ("วันที่เริ่มนับ", "Counted from"),
    "quarter": ("ไตรมาส", "Quarter"),
    "result": ("ผลประเมินตัวชี้วัด (คะแนน)", "Audited score"),
    "figure_2_1": ("ผลประเมิน 2.1", "Assessment figure 2.1"),
    "figure_2_2": ("ผลประเมิน 2.2", "Assessment figure 2.2"),
    "announced": ("ประกาศผลตรวจประเมิน", "Announced verdict"),
    "evaluator": ("ผู้ตรวจประเมิน", "Evaluator"),
    "audited_on": ("วันที่ตรวจประเมิน", "Audit date"),
    "note": ("หมายเหตุ", "Note"),
    "text": ("รายงานผลการดำเนินงาน", "Narrative"),
}


class Enrol(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    dataset: str
    fiscal_year: int = Field(ge=2400, le=2800)
    part: int = Field(ge=1)
    enrolled_on: EnteredDate | None = None


class IndicatorDatasetPublic(BaseModel):
    dataset: str
    title: str
    fiscal_year: int
    part: int
    enrolled_on: dt.date


class AuditedInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organization: str
    fiscal_year: int = Field(ge=2400, le=2800)
    quarter: int = Field(ge=1, le=4)
    result: float = Field(ge=0, le=100)
    # the two figures the BMA KPI page prints under "(2.1 / 2.2)" beside the score, e.g. 100 / 100
    figure_2_1: float | None = Field(None, ge=0, le=100)
    figure_2_2: float | None = Field(None, ge=0, le=100)
    announced: bool = False  # the evaluator's announced verdict: the report's headline
    evaluator: str
    audited_on: EnteredDate | None = None
    note: str | None = None


class AuditedPublic(BaseModel):
    organization: str
    fiscal_year: int
    quarter: int
    result: float
    figure_2_1: float | None
    figure_2_2: float | None
    announced: bool
    evaluator: str
    evaluator_name: str
    audited_on: dt.date
    note: str | None
    version: int


class NarrativeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization: str
    fiscal_year: int = Field(ge=2400, le=2800)
    quarter: int = Field(ge=1, le=4)
    text: str = Field(min_length=1)


class NarrativePublic(BaseModel):
    quarter: int
    text: str
    drafted: bool  # made from the recorded events; not yet edited by a person
    version: int | None


@action("indicator_dataset_add")
def indicator_dataset_add(ctx: Context, data: dict[str, Any], rubric: Rubric | None = None) -> IndicatorDatasetPublic:
    """Count a dataset in its organization's indicator work for a fiscal year, in one part of the rubric
    (the organization's rubric of that year unless given)."""
    from catalog.scoring import rubric_for

    values = check_input(Enrol, data, INDICATOR_LABELS)
    dataset = get_dataset(ctx, values.dataset)
    permissions.check_dataset(ctx, "indicator_dataset_add", dataset)
    if rubric is None:
        owner = ctx.session.get(Organization, dataset.owner_org_id)
        assert owner is not None
        rubric = rubric_for(ctx, owner, values.fiscal_year)
    if rubric.part(values.part) is None:
        raise ValidationFailed([problem("part_unknown", "part", value=values.part, fiscal_year=values.fiscal_year,
                                        allowed=[p.number for p in rubric.parts])])
    row = ctx.session.exec(select(IndicatorDataset).where(
        IndicatorDataset.dataset_id == dataset.id, IndicatorDataset.fiscal_year == values.fiscal_year)).first()
    before = snapshot(row)
    if row is None:
        row = IndicatorDataset(organization_id=dataset.owner_org_id, fiscal_year=values.fiscal_year,
                               dataset_id=dataset.id, part=values.part,
                               enrolled_on=FiscalYear(values.fiscal_year).start, actor=ctx.actor.name,
                               created_at=ctx.now())
    row.part = values.part
    row.enrolled_on = values.enrolled_on or row.enrolled_on
    ctx.session.add(row)
    ctx.session.flush()
    record_change(ctx, "indicator_dataset_add", "dataset", dataset.id, before, snapshot(row))
    return IndicatorDatasetPublic(dataset=dataset.name, title=dataset.title, fiscal_year=row.fiscal_year,
                                  part=row.part, enrolled_on=row.enrolled_on)


@action("indicator_report_read")
def indicator_datasets(ctx: Context, organization: str, fiscal_year: int,
                       as_of: dt.date | None = None) -> list[tuple[IndicatorDataset, Dataset]]:
    """The datasets counted in the organization's indicator in ``fiscal_year`` (shown in its report)."""
    org = get_organization(ctx, organization)
    permissions.check_governance(ctx, org.id, organization, fiscal_year)
    query = (select(IndicatorDataset, Dataset).join(Dataset)
             .where(IndicatorDataset.organization_id == org.id, IndicatorDataset.fiscal_year == fiscal_year)
             .order_by(col(IndicatorDataset.part), col(Dataset.name)))
    if as_of:
        query = query.where(IndicatorDataset.enrolled_on <= as_of)
    return list(ctx.session.exec(query).all())


@action("audited_result_record")
def audited_result_record(ctx: Context, data: dict[str, Any]) -> AuditedPublic:
    """The evaluator's audited result for a quarter (the score, the 2.1 / 2.2 figures, whether announced);
    recording it again replaces it, and the log keeps both."""
    values = check_input(AuditedInput, data, INDICATOR_LABELS)
    org = organization_for_input(ctx, values.organization, "organization")
    evaluator = person_for_input(ctx, values.evaluator, "evaluator")
    day = values.audited_on or thai_today(ctx.now())
    if day > thai_today(ctx.now()):
        th, en = INDICATOR_LABELS["audited_on"]
        raise ValidationFailed([problem("date_in_future", "audited_on", label=th, label_en=en, value=day.isoformat())])
    permissions.check(ctx, "audited_result_record", org.id, fiscal_year=values.fiscal_year)
    row = ctx.session.exec(select(AuditedResult).where(
        AuditedResult.organization_id == org.id, AuditedResult.fiscal_year == values.fiscal_year,
        AuditedResult.quarter == values.quarter)).first()
    before = snapshot(row)
    if row is None:
        row = AuditedResult(organization_id=org.id, fiscal_year=values.fiscal_year, quarter=values.quarter,
                            result=values.result, evaluator_id=evaluator.id, audited_on=day, actor=ctx.actor.name)
    else:
        claim_next_version(ctx, row, "audited_result", row.id, None)
    row.result, row.evaluator_id, row.audited_on, row.note = values.result, evaluator.id, day, values.note
    row.figure_2_1, row.figure_2_2, row.announced = values.figure_2_1, values.figure_2_2, values.announced
    row.actor, row.updated_at = ctx.actor.name, ctx.now()
    ctx.session.add(row)
    ctx.session.flush()
    record_change(ctx, "audited_result_record", "organization", org.id, before, snapshot(row))
    return _audited_public(org.name, row, evaluator)


@action("indicator_report_read")
def audited_results(ctx: Context, organization: str, fiscal_year: int,
                    as_of: dt.date | None = None) -> dict[int, AuditedPublic]:
    org = get_organization(ctx, organization)
    permissions.check_governance(ctx, org.id, organization, fiscal_year)
    query = (select(AuditedResult, Person).join(Person)
             .where(AuditedResult.organization_id == org.id, AuditedResult.fiscal_year == fiscal_year))
    if as_of:
        query = query.where(AuditedResult.audited_on <= as_of)
    return {row.quarter: _audited_public(org.name, row, person) for row, person in ctx.session.exec(query).all()}


@action("narrative_update")
def narrative_set(ctx: Context, data: dict[str, Any], expected_version: int | None = None) -> NarrativePublic:
    """Save a person's narrative for a quarter, replacing the draft (or the version they edited)."""
    values = check_input(NarrativeInput, data, INDICATOR_LABELS)
    if not values.text.strip():
        th, en = INDICATOR_LABELS["text"]
        raise ValidationFailed([shared_problem("required", "text", label=th, label_en=en)])
    org = organization_for_input(ctx, values.organization, "organization")
    permissions.check(ctx, "narrative_update", org.id)
    row = _narrative_row(ctx, org.id, values.fiscal_year, values.quarter)
    before = snapshot(row)
    if row is None:
        row = QuarterNarrative(organization_id=org.id, fiscal_year=values.fiscal_year, quarter=values.quarter,
                               text=values.text, actor=ctx.actor.name)
    else:
        claim_next_version(ctx, row, "quarter_narrative", f"{org.name} {values.fiscal_year} Q{values.quarter}",
                           expected_version)
    row.text, row.actor, row.updated_at = values.text.strip(), ctx.actor.name, ctx.now()
    ctx.session.add(row)
    ctx.session.flush()
    record_change(ctx, "narrative_update", "organization", org.id, before, snapshot(row))
    return NarrativePublic(quarter=row.quarter, text=row.text, drafted=False, version=row.version)


@helper
def saved_narrative(ctx: Context, organization_id: str, fiscal_year: int, quarter: int) -> NarrativePublic | None:
    row = _narrative_row(ctx, organization_id, fiscal_year, quarter)
    return NarrativePublic(quarter=quarter, text=row.text, drafted=False, version=row.version) if row else None


def _narrative_row(ctx: Context, organization_id: str, fiscal_year: int, quarter: int) -> QuarterNarrative | None:
    return ctx.session.exec(select(QuarterNarrative).where(
        QuarterNarrative.organization_id == organization_id, QuarterNarrative.fiscal_year == fiscal_year,
        QuarterNarrative.quarter == quarter)).first()


def _audited_public(org_name: str, row: AuditedResult, evaluator: Person) -> AuditedPublic:
    return AuditedPublic(organization=org_name, fiscal_year=row.fiscal_year, quarter=row.quarter, result=row.result,
                         figure_2_1=row.figure_2_1, figure_2_2=row.figure_2_2, announced=row.announced,
                         evaluator=evaluator.email, evaluator_name=evaluator.full_name, audited_on=row.audited_on,
                         note=row.note, version=row.version)
