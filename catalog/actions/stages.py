"""Governance stages of a dataset: advance (only past passing gates), revert, and where every dataset stands.

Each move is effective on a day, signed off by the signed-in member of the owner's data governance working group,
kept as a StageEvent with the gates as they were checked, written to the audit log with who and why, and
mirrored in ``dataset_stage`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.signing import acting_person
from catalog.actions.validation import check_input
from catalog.actions.working_groups import is_working_group_member
from catalog.audit import record_change
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.gates import GateResult, evaluate_gate, evaluate_stage, lineage, stage_set
from catalog.models import Dataset, DatasetState, Organization, Person
from catalog.models.governance import DatasetStage, IndicatorDataset, StageEvent
from catalog.permissions import action, helper
from schemas.buddhist_era import EnteredDate
from schemas.fiscal_year import fiscal_year_of, thai_today
from schemas.governance_messages import problem
from schemas.messages import Problem
from schemas.stages import MAX_STAGE

STAGE_LABELS = {
    "to": ("ขั้นตอน", "Stage"),
    "signed_off_by": ("ผู้ลงนามรับรอง (คณะทำงานฯ)", "Signed off by (working-group member)"),
    "reason": ("เหตุผล", "Reason"),
    "effective_date": ("วันที่มีผล", "Effective date"),
}


class StageChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to: int = Field(ge=0, le=MAX_STAGE)
    signed_off_by: str | None = None  # only the operator's CLI may name one; an account signs as its own person
    reason: str = Field(min_length=1)
    effective_date: EnteredDate | None = None


class StageEventPublic(BaseModel):
    id: str
    dataset: str
    from_stage: int
    to_stage: int
    effective_date: dt.date
    signed_off_by: str
    signed_off_by_name: str
    reason: str
    actor: str
    recorded_at: dt.datetime
    gates: list[dict[str, Any]]


class StageAsOf(BaseModel):
    recorded: int  # the stage the history says
    effective: int  # lower when a continuous gate (data currency) no longer holds
    lapsed: list[dict[str, Any]] = []


class DatasetStageStatus(BaseModel):
    dataset: str
    title: str
    organization: str
    part: int | None
    part_fiscal_year: int | None
    stage: int
    stage_name_th: str
    stage_name_en: str
    effective_stage: int
    lapsed: list[dict[str, Any]]
    next_stage: int | None
    next_stage_name_th: str | None
    next_stage_name_en: str | None
    ready: bool
    blocking: list[dict[str, Any]]


@action("stage_change")
def stage_advance(ctx: Context, dataset_key: str, data: dict[str, Any]) -> StageEventPublic:
    return _change(ctx, dataset_key, data, forward=True)


@action("stage_change")
def stage_revert(ctx: Context, dataset_key: str, data: dict[str, Any]) -> StageEventPublic:
    return _change(ctx, dataset_key, data, forward=False)


@action("stage_change")
def stage_advance_many(ctx: Context, dataset_keys: list[str], data: dict[str, Any]) -> list[StageEventPublic]:
    """One sign-off of the same stage for several datasets (one confirmation, one reason and date, the
    signed-in account's person as signer): each is checked as :func:`stage_advance` checks it, and all are
    moved or none, with every refusal named by its dataset."""
    keys = list(dict.fromkeys(key for key in dataset_keys if key))
    if not keys:
        permissions.check_somewhere(ctx, "stage_change")
        raise ValidationFailed([problem("nothing_selected", "datasets")])
    moved: list[StageEventPublic] = []
    refused: list[Problem] = []
    for key in keys:
        try:
            moved.append(_change(ctx, key, data, forward=True))
        except ValidationFailed as exc:  # reported with the others; the caller's transaction writes none
            refused += [p.model_copy(update={"field": f"{key}.{p.field or '-'}", "th": f"{key}: {p.th}",
                                             "en": f"{key}: {p.en}"}) for p in exc.problems]
    if refused:
        raise ValidationFailed(refused)
    return moved


def _change(ctx: Context, dataset_key: str, data: dict[str, Any], *, forward: bool) -> StageEventPublic:
    values = check_input(StageChange, data, STAGE_LABELS)
    dataset = get_dataset(ctx, dataset_key)
    permissions.check_dataset(ctx, "stage_change", dataset)
    today = thai_today(ctx.now())
    day = values.effective_date or today
    current = current_stage(ctx, dataset.id)
    problems = _timing_problems(ctx, dataset, day, today)
    if forward and values.to <= current:
        problems.append(problem("not_forward", "to", value=values.to, current=current))
    if not forward and values.to >= current:
        problems.append(problem("not_backward", "to", value=values.to, current=current))
    signer = _signer(ctx, dataset, values.signed_off_by, problems)
    if problems:
        raise ValidationFailed(problems)
    assert signer is not None
    results = gates_to_reach(ctx, dataset, current, values.to, day) if forward else []
    unmet = [result for result in results if not result.passed]
    if unmet:
        raise ValidationFailed([_unmet(result) for result in unmet])
    event = StageEvent(dataset_id=dataset.id, from_stage=current, to_stage=values.to, effective_date=day,
                       signed_off_by_id=signer.id, reason=values.reason, gates=[r.as_dict() for r in results],
                       actor=ctx.actor.name, recorded_at=ctx.now())
    ctx.session.add(event)
    _mirror(ctx, dataset.id, values.to)
    ctx.session.flush()
    record_change(ctx, "stage_advance" if forward else "stage_revert", "dataset", dataset.id,
                  {"stage": current},
                  {"stage": values.to, "effective_date": day.isoformat(), "signed_off_by": signer.email,
                   "stage_event_id": event.id}, values.reason)
    return _public(dataset, event, signer)


@helper
def gates_to_reach(ctx: Context, dataset: Dataset, current: int, target: int, day: dt.date) -> list[GateResult]:
    """The gates of the stages above ``current`` up to ``target``, and the continuous ones below that must hold."""
    stages = stage_set()
    results: list[GateResult] = []
    for number in range(1, target + 1):
        stage = stages.stage(number)
        if number > current:
            results += evaluate_stage(ctx, dataset, stage, day)
        else:
            results += [evaluate_gate(ctx, dataset, stage, gate, day) for gate in stage.gates if gate.continuous]
    return results


@helper
def current_stage(ctx: Context, dataset_id: str) -> int:
    row = ctx.session.get(DatasetStage, dataset_id)
    return row.stage if row else 0


@action("indicator_report_read")
def stage_history(ctx: Context, dataset_key: str) -> list[StageEventPublic]:
    """The dataset's stage moves: for its organization's members, and evaluators of a year counting it."""
    dataset = get_dataset(ctx, dataset_key)
    permissions.check_dataset_read(ctx, dataset, governance=True)
    rows = ctx.session.exec(
        select(StageEvent, Person).join(Person).where(StageEvent.dataset_id == dataset.id)
        .order_by(col(StageEvent.effective_date), col(StageEvent.recorded_at))
    ).all()
    return [_public(dataset, event, person) for event, person in rows]


@helper
def stage_as_of(ctx: Context, dataset: Dataset, day: dt.date) -> StageAsOf:
    """The stage on ``day`` from the history; a continuous gate that no longer holds lowers it (lapsed)."""
    latest = ctx.session.exec(
        select(StageEvent).where(StageEvent.dataset_id == dataset.id, StageEvent.effective_date <= day)
        .order_by(col(StageEvent.effective_date).desc(), col(StageEvent.recorded_at).desc())
    ).first()
    recorded = latest.to_stage if latest else 0
    stages = stage_set()
    for number in range(1, recorded + 1):
        stage = stages.stage(number)
        lapsed = [evaluate_gate(ctx, dataset, stage, gate, day) for gate in stage.gates if gate.continuous]
        lapsed = [result for result in lapsed if not result.passed]
        if lapsed:
            return StageAsOf(recorded=recorded, effective=number - 1, lapsed=[r.as_dict() for r in lapsed])
    return StageAsOf(recorded=recorded, effective=recorded)


class GovernanceStanding(BaseModel):
    """Where a dataset stands as the indicator report counts it: the stage (``stage_as_of``) and every gate's
    answer on the day, from the records or from evidence (``catalog.gates``)."""

    stage: StageAsOf
    gates: list[dict[str, Any]]  # GateResult.as_dict() of every gate of every stage, in stage order

    def answered_by(self, check: str) -> dict[str, Any] | None:
        """The result of the gate that ``check`` (a catalog.gates check name) answers, if a stage has one."""
        ids = {gate.id for stage in stage_set().stages for gate in stage.gates if gate.check == check}
        return next((result for result in self.gates if result["gate"] in ids), None)


@helper
def governance_standing(ctx: Context, dataset: Dataset, day: dt.date) -> GovernanceStanding:
    """The same reading of the records and evidence the report makes (``catalog.scoring.work_stage``), for one
    dataset's page: its pages and the report cannot disagree about a dictionary or a validation."""
    results = [evaluate_gate(ctx, dataset, stage, gate, day).as_dict()
               for stage in stage_set().stages for gate in stage.gates]
    return GovernanceStanding(stage=stage_as_of(ctx, dataset, day), gates=results)


@action("indicator_report_read")
def stage_status(
    ctx: Context, organization: str | None = None, as_of: dt.date | None = None
) -> list[DatasetStageStatus]:
    """Every active dataset's stage, and what blocks the next one: of the datasets whose governance the
    actor reads (``permissions.governed_dataset_clause``)."""
    day = as_of or thai_today(ctx.now())
    query = select(Dataset).where(Dataset.state == DatasetState.active).order_by(col(Dataset.name))
    if organization:
        org = get_organization(ctx, organization)
        permissions.check_governance(ctx, org.id, organization)
        query = query.where(Dataset.owner_org_id == org.id)
    query = query.where(permissions.governed_dataset_clause(ctx))
    orgs = {org.id: org.name for org in ctx.session.exec(select(Organization)).all()}
    # the part each dataset counts in, in the latest fiscal year (up to the day's) that counts it
    parts = {row.dataset_id: (row.part, row.fiscal_year) for row in ctx.session.exec(
        select(IndicatorDataset).where(IndicatorDataset.fiscal_year <= fiscal_year_of(day).year)
        .order_by(col(IndicatorDataset.fiscal_year))).all()}
    stages = stage_set()
    statuses = []
    for dataset in ctx.session.exec(query).all():
        now = stage_as_of(ctx, dataset, day)
        following = now.recorded + 1 if now.recorded < MAX_STAGE else None
        blocking = []
        if following is not None:
            blocking = [r.as_dict() for r in gates_to_reach(ctx, dataset, now.recorded, following, day) if not r.passed]
        name = stages.stage(now.recorded).name if now.recorded else None
        upcoming = stages.stage(following).name if following else None
        statuses.append(DatasetStageStatus(
            dataset=dataset.name, title=dataset.title, organization=orgs.get(dataset.owner_org_id, ""),
            part=parts.get(dataset.id, (None, None))[0], part_fiscal_year=parts.get(dataset.id, (None, None))[1],
            stage=now.recorded,
            stage_name_th=name.th if name else "ยังไม่เริ่ม", stage_name_en=name.en if name else "not started",
            effective_stage=now.effective, lapsed=now.lapsed, next_stage=following,
            next_stage_name_th=upcoming.th if upcoming else None, next_stage_name_en=upcoming.en if upcoming else None,
            ready=following is not None and not blocking, blocking=blocking,
        ))
    return statuses


def _timing_problems(ctx: Context, dataset: Dataset, day: dt.date, today: dt.date) -> list[Problem]:
    th, en = STAGE_LABELS["effective_date"]
    problems = []
    if day > today:
        problems.append(problem("date_in_future", "effective_date", label=th, label_en=en, value=day.isoformat()))
    latest = ctx.session.exec(
        select(col(StageEvent.effective_date)).where(StageEvent.dataset_id == dataset.id)
        .order_by(col(StageEvent.effective_date).desc())
    ).first()
    if latest and day < latest:
        problems.append(problem("date_before_history", "effective_date", label=th, label_en=en,
                                value=day.isoformat(), latest=latest.isoformat()))
    return problems


def _signer(ctx: Context, dataset: Dataset, key: str | None, problems: list[Problem]) -> Person | None:
    """The signed-in account's person (see catalog.actions.signing), on a working group of the dataset's
    organization or of one above it."""
    try:
        person = acting_person(ctx, key, "signed_off_by")
    except ValidationFailed as exc:
        problems += exc.problems
        return None
    chain = lineage(ctx, dataset.owner_org_id)
    if not any(is_working_group_member(ctx, person.id, org.id) for org in chain):
        problems.append(problem("not_working_group_member", "signed_off_by", value=person.email, org=chain[0].name))
        return None
    return person


def _unmet(result: GateResult) -> Problem:
    return problem("gate_unmet", f"gates.{result.gate}", value=result.gate, stage=result.stage, gate=result.text_th,
                   gate_en=result.text_en, detail=result.detail_th, detail_en=result.detail_en)


def _mirror(ctx: Context, dataset_id: str, stage: int) -> None:
    row = ctx.session.get(DatasetStage, dataset_id)
    if row is None:
        row = DatasetStage(dataset_id=dataset_id, stage=stage, updated_at=ctx.now())
    row.stage, row.updated_at = stage, ctx.now()
    ctx.session.add(row)


def _public(dataset: Dataset, event: StageEvent, signer: Person) -> StageEventPublic:
    return StageEventPublic(
        id=event.id, dataset=dataset.name, from_stage=event.from_stage, to_stage=event.to_stage,
        effective_date=event.effective_date, signed_off_by=signer.email, signed_off_by_name=signer.full_name,
        reason=event.reason, actor=event.actor, recorded_at=event.recorded_at, gates=event.gates,
    )
