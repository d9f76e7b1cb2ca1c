"""Gate checks: does a dataset pass a stage's gates as of a day? Answered from Banchi's records where they
can, and from evidence attached for the gate where the stage definitions allow it.

Each check reads only records dated on or before the day (meetings, evidence, updates, publications,
dictionary approvals), so the answer for a past day stays the same when later work is added. The
registry entry itself (in the catalog, its metadata) is read as it is now: it carries no earlier state.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import col, select

from catalog.context import Context
from catalog.currency import update_cycle, update_history
from catalog.models import Dataset, DatasetState, Organization, Resource, WorkingGroup
from catalog.models.governance import Evidence, WorkingGroupMeeting
from schemas.buddhist_era import format_be_date
from schemas.fiscal_year import end_of_thai_day, thai_date
from schemas.metadata import missing_mandatory
from schemas.stages import Cycle, EvidencePolicy, Gate, Stage, StageSet, load_stages

State = Literal["pass", "fail", "unknown"]


@dataclass(frozen=True)
class Outcome:
    state: State
    th: str
    en: str


def passed(th: str, en: str) -> Outcome:
    return Outcome("pass", th, en)


def failed(th: str, en: str) -> Outcome:
    return Outcome("fail", th, en)


def unknown(th: str, en: str) -> Outcome:
    return Outcome("unknown", th, en)


@dataclass
class GateResult:
    stage: int
    gate: str
    text_th: str
    text_en: str
    passed: bool
    source: Literal["records", "evidence"] | None
    detail_th: str
    detail_en: str
    needs_evidence: bool  # unmet, and evidence attached for this gate would answer it
    continuous: bool
    evidence_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


Check = Callable[[Context, Dataset, dt.date, dict[str, Any]], Outcome]


def evaluate_stage(ctx: Context, dataset: Dataset, stage: Stage, as_of: dt.date) -> list[GateResult]:
    return [evaluate_gate(ctx, dataset, stage, gate, as_of) for gate in stage.gates]


def evaluate_gate(ctx: Context, dataset: Dataset, stage: Stage, gate: Gate, as_of: dt.date) -> GateResult:
    outcome = CHECKS[gate.check](ctx, dataset, as_of, gate.params) if gate.check else None
    evidence_counts = gate.evidence is EvidencePolicy.always or gate.evidence is EvidencePolicy.only or (
        gate.evidence is EvidencePolicy.when_unknown and outcome is not None and outcome.state == "unknown")
    items = gate_evidence(ctx, dataset.id, gate.id, as_of) if evidence_counts else []
    result = GateResult(stage=stage.number, gate=gate.id, text_th=gate.text.th, text_en=gate.text.en, passed=False,
                        source=None, detail_th="", detail_en="", needs_evidence=False, continuous=gate.continuous)
    if outcome is not None and outcome.state == "pass":
        result.passed, result.source, result.detail_th, result.detail_en = True, "records", outcome.th, outcome.en
    elif items:
        latest, count = items[-1], len(items)
        result.passed, result.source = True, "evidence"
        result.evidence_ids = [item.id for item in items]
        result.detail_th = f"หลักฐาน {count} รายการ ล่าสุด {format_be_date(latest.evidence_date)}: {latest.description}"
        result.detail_en = f"{count} evidence item(s), latest {latest.evidence_date}: {latest.description}"
    else:
        result.needs_evidence = evidence_counts
        th, en = (outcome.th, outcome.en) if outcome else ("ยังไม่มีหลักฐาน", "no evidence yet")
        if evidence_counts:
            th, en = f"{th} — แนบหลักฐานตามเกณฑ์นี้", f"{en} — attach evidence for this gate"
        result.detail_th, result.detail_en = th, en
    return result


def gate_evidence(ctx: Context, dataset_id: str, gate_id: str, as_of: dt.date) -> list[Evidence]:
    return list(ctx.session.exec(
        select(Evidence)
        .where(Evidence.dataset_id == dataset_id, Evidence.gate == gate_id, Evidence.evidence_date <= as_of)
        .order_by(col(Evidence.evidence_date), col(Evidence.created_at))
    ).all())


def lineage(ctx: Context, organization_id: str) -> list[Organization]:
    """The organization and the ones above it, nearest first (a division's working group is its agency's)."""
    chain: list[Organization] = []
    current = ctx.session.get(Organization, organization_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = ctx.session.get(Organization, current.parent_id) if current.parent_id else None
    return chain


def stage_set() -> StageSet:
    return load_stages()


# -- checks answered from the records -------------------------------------------------------------------


def _groups(ctx: Context, dataset: Dataset) -> list[WorkingGroup]:
    ids = [org.id for org in lineage(ctx, dataset.owner_org_id)]
    return list(ctx.session.exec(select(WorkingGroup).where(col(WorkingGroup.organization_id).in_(ids))).all())


def _appointed_on(group: WorkingGroup) -> dt.date:
    return group.order_date or thai_date(group.created_at)


def working_group_appointed(ctx: Context, dataset: Dataset, as_of: dt.date, _params: dict[str, Any]) -> Outcome:
    groups = [group for group in _groups(ctx, dataset) if _appointed_on(group) <= as_of]
    if not groups:
        return failed("ยังไม่มีคณะทำงานกำกับดูแลข้อมูลที่แต่งตั้งแล้ว", "no data governance working group appointed yet")
    group = groups[0]
    order = f"คำสั่งที่ {group.order_number} " if group.order_number else ""
    return passed(f"{group.name} {order}ลงวันที่ {format_be_date(_appointed_on(group))}",
                  f"{group.name_en or group.name}, order {group.order_number or '-'} of {_appointed_on(group)}")


def working_group_met(ctx: Context, dataset: Dataset, as_of: dt.date, _params: dict[str, Any]) -> Outcome:
    ids = [group.id for group in _groups(ctx, dataset)]
    meetings = ctx.session.exec(
        select(WorkingGroupMeeting)
        .where(col(WorkingGroupMeeting.working_group_id).in_(ids), WorkingGroupMeeting.meeting_date <= as_of)
        .order_by(col(WorkingGroupMeeting.meeting_date))
    ).all() if ids else []
    if not meetings:
        return failed("คณะทำงานฯ ยังไม่มีบันทึกการประชุม", "no working-group meeting recorded yet")
    first = meetings[0].meeting_date
    return passed(f"ประชุมแล้ว {len(meetings)} ครั้ง ครั้งแรกเมื่อ {format_be_date(first)}",
                  f"{len(meetings)} meeting(s), the first on {first.isoformat()}")


def in_catalog(ctx: Context, dataset: Dataset, _as_of: dt.date, _params: dict[str, Any]) -> Outcome:
    if dataset.state == DatasetState.draft:
        return failed("ชุดข้อมูลยังเป็นฉบับร่าง ยังไม่ได้เผยแพร่ในบัญชีข้อมูล", "the dataset is still a draft, not yet "
                      "published in the catalog")
    if dataset.state != DatasetState.active:
        return failed("ชุดข้อมูลถูกถอนออกจากบัญชีข้อมูลแล้ว", "the dataset was withdrawn from the catalog")
    return passed(f"ลงทะเบียนในบัญชีข้อมูลแล้ว ({dataset.name})", f"registered in the catalog ({dataset.name})")


def metadata_complete(ctx: Context, dataset: Dataset, _as_of: dt.date, _params: dict[str, Any]) -> Outcome:
    profile = ctx.profile_for(dataset.profile)
    missing = missing_mandatory({**dataset.extras, "name": dataset.name, "title": dataset.title,
                                 "owner_org": dataset.owner_org_id, "data_type": dataset.data_type}, profile)
    if missing:
        return failed("ยังขาด " + ", ".join(spec.label.th for spec in missing),
                      "missing " + ", ".join(spec.label.en for spec in missing))
    return passed(f"คำอธิบายชุดข้อมูลที่จำเป็นครบ {len(profile.mandatory_fields)} รายการ",
                  f"all {len(profile.mandatory_fields)} mandatory metadata items are filled")


def data_current(ctx: Context, dataset: Dataset, as_of: dt.date, params: dict[str, Any]) -> Outcome:
    longest = Cycle.model_validate(params["longest_cycle"]) if params.get("longest_cycle") else None
    cycle = update_cycle(dataset, stage_set(), longest)
    history = update_history(ctx, dataset.id, as_of)
    if not history:
        return failed(f"ยังไม่มีการปรับปรุงข้อมูล (รอบ {cycle.th})", f"no data update recorded (cycle: {cycle.en})")
    latest, start = history[-1], cycle.window_start(as_of)
    th = f"ปรับปรุงล่าสุด {format_be_date(latest)} (รอบ {cycle.th}; ประวัติการปรับปรุง {len(history)} ครั้ง)"
    en = f"last updated {latest.isoformat()} (cycle: {cycle.en}; {len(history)} update(s) on record)"
    if latest < start:
        return failed(f"{th} เกินรอบแล้ว ต้องปรับปรุงตั้งแต่ {format_be_date(start)}",
                      f"{en}: overdue, needed an update on or after {start.isoformat()}")
    return passed(th, en)


def published(ctx: Context, dataset: Dataset, as_of: dt.date, _params: dict[str, Any]) -> Outcome:
    model = optional_model("catalog.models.publishing", "Publication")
    if model is None:
        return unknown("ระบบยังไม่บันทึกการเผยแพร่", "publications are not recorded by this Banchi")
    cutoff = end_of_thai_day(as_of)
    for publication in ctx.session.exec(select(model).where(model.dataset_id == dataset.id)).all():
        first = getattr(publication, "first_published_at", None) or publication.published_at
        withdrawn = getattr(publication, "withdrawn_at", None)
        if first <= cutoff and (withdrawn is None or withdrawn > cutoff):
            where = f"{publication.portal_url} ({publication.package_id})"
            return passed(f"เผยแพร่ที่ {where} เมื่อ {format_be_date(thai_date(first))}",
                          f"published at {where} on {thai_date(first)}")
    return failed("ยังไม่ได้เผยแพร่บนระบบบัญชีข้อมูล", "not published to a portal")


def optional_model(module: str, name: str) -> Any:
    """A model of a feature this Banchi may not have (yet): None when it is not installed."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


CHECKS: dict[str, Check] = {
    "working_group_appointed": working_group_appointed,
    "working_group_met": working_group_met,
    "in_catalog": in_catalog,
    "metadata_complete": metadata_complete,
    "data_current": data_current,
    "published": published,
}


def dictionary_approved(ctx: Context, dataset: Dataset, as_of: dt.date, _params: dict[str, Any]) -> Outcome:
    """Every data dictionary of the dataset kept in Banchi by then has an approved version; none kept: unknown."""
    dictionary = optional_model("catalog.models.dictionary", "DataDictionary")
    version = optional_model("catalog.models.dictionary", "DictionaryVersion")
    if dictionary is None or version is None:
        return unknown("ระบบยังไม่เก็บพจนานุกรมข้อมูล", "data dictionaries are not kept by this Banchi")
    cutoff = end_of_thai_day(as_of)
    rows = ctx.session.exec(
        select(version, Resource.name).join(dictionary, version.dictionary_id == dictionary.id)
        .join(Resource, dictionary.resource_id == Resource.id)
        .where(Resource.dataset_id == dataset.id, version.created_at <= cutoff)
    ).all()
    if not rows:
        return unknown("ยังไม่มีพจนานุกรมข้อมูลของชุดข้อมูลนี้ในระบบ", "no data dictionary of this dataset in Banchi")
    approved: dict[str, dt.datetime | None] = {}  # resource name → when a version of its dictionary was approved
    for row, resource in rows:
        done = row.approved_at if row.approved_at is not None and row.approved_at <= cutoff else None
        approved[resource] = approved.get(resource) or done
    pending = sorted(name for name, day in approved.items() if day is None)
    if pending:
        return failed("พจนานุกรมข้อมูลยังไม่ได้รับความเห็นชอบ: " + ", ".join(pending),
                      "data dictionary not approved yet: " + ", ".join(pending))
    last = thai_date(max(day for day in approved.values() if day is not None))
    return passed(f"พจนานุกรมข้อมูลได้รับความเห็นชอบแล้ว ({len(approved)} ทรัพยากร) เมื่อ {format_be_date(last)}",
                  f"data dictionary approved ({len(approved)} resource(s)) by {last}")


def data_valid(ctx: Context, dataset: Dataset, as_of: dt.date, _params: dict[str, Any]) -> Outcome:
    """The latest validation run of each resource by then passed; no run in Banchi: unknown."""
    run = optional_model("catalog.models.dictionary", "ValidationRun")
    if run is None:
        return unknown("ระบบยังไม่เก็บผลการตรวจสอบข้อมูล", "validation runs are not kept by this Banchi")
    runs = ctx.session.exec(
        select(run, Resource.name).join(Resource, run.resource_id == Resource.id)
        .where(run.dataset_id == dataset.id, run.created_at <= end_of_thai_day(as_of))
        .order_by(col(run.created_at))
    ).all()
    if not runs:
        return unknown("ยังไม่มีผลการตรวจสอบข้อมูลของชุดข้อมูลนี้ในระบบ", "no validation run of this dataset in Banchi")
    latest = {name: item for item, name in runs}  # ordered by time: the last one of each resource stays
    bad = sorted(f"{name} ({item.errors})" for name, item in latest.items() if not item.valid)
    if bad:
        return failed("ข้อมูลล่าสุดไม่ผ่านการตรวจสอบ (จำนวนข้อผิดพลาด): " + ", ".join(bad),
                      "the latest data failed validation (errors): " + ", ".join(bad))
    day = thai_date(max(item.created_at for item in latest.values()))
    return passed(f"ข้อมูลล่าสุดผ่านการตรวจสอบ ({len(latest)} ทรัพยากร) ล่าสุดเมื่อ {format_be_date(day)}",
                  f"the latest data passed validation ({len(latest)} resource(s)), last run {day}")


CHECKS["dictionary_approved"] = dictionary_approved
CHECKS["data_valid"] = data_valid
