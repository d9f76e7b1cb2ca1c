"""Stages: reached only past passing gates, signed off by a working-group member, logged with who and why."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from catalog.actions.evidence import evidence_add
from catalog.actions.resources import resource_create
from catalog.actions.stages import stage_advance, stage_as_of, stage_revert, stage_status
from catalog.audit import audit_log
from catalog.errors import ValidationFailed
from catalog.gates import CHECKS
from catalog.models import Dataset
from catalog.models.governance import DatasetStage, StageEvent
from schemas.stages import load_stages
from tests.conftest import OpenContext
from tests.governance_helpers import CHAIR, OUTSIDER, at, make_agency

STEP = {"signed_off_by": CHAIR, "reason": "คณะทำงานฯ รับรอง"}


def _stage_rows(open_ctx: OpenContext) -> tuple[int | None, int]:
    with open_ctx() as ctx:
        row = ctx.session.exec(select(DatasetStage)).first()
        return (row.stage if row else None), len(ctx.session.exec(select(StageEvent)).all())


def test_every_gate_check_in_the_stage_file_exists() -> None:
    assert {g.check for s in load_stages().stages for g in s.gates if g.check} <= set(CHECKS)


def test_stage_1_waits_for_the_working_group_to_meet(open_ctx: OpenContext) -> None:
    with open_ctx(clock=at("2020-12-10")) as ctx:
        dataset = make_agency(ctx)
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2020-12-10")) as ctx:
        stage_advance(ctx, dataset, {**STEP, "to": 1})
    [unmet] = caught.value.problems
    assert unmet.field == "gates.working_group_met" and unmet.code == "gate_unmet"
    assert "ประชุม" in unmet.th and "met" in unmet.en
    assert _stage_rows(open_ctx) == (None, 0)
    with open_ctx(clock=at("2020-12-14")) as ctx:
        from catalog.actions.evidence import working_group_meeting_add

        working_group_meeting_add(ctx, {"organization": "bma-hrd", "meeting_date": "2020-12-14", "title": "1/2563",
                                        "added_by": CHAIR})
    with open_ctx(clock=at("2020-12-25")) as ctx:
        event = stage_advance(ctx, dataset, {**STEP, "to": 1})
    assert (event.from_stage, event.to_stage, event.signed_off_by) == (0, 1, CHAIR)
    assert {g["gate"] for g in event.gates} == {"working_group_appointed", "working_group_met", "in_catalog"}
    assert _stage_rows(open_ctx) == (1, 1)
    with open_ctx() as ctx:
        [entry] = [e for e in audit_log(ctx, entity_type="dataset") if e.action == "stage_advance"]
    assert entry.reason == STEP["reason"] and entry.before == {"stage": 0} and entry.after is not None
    assert entry.after["stage"] == 1 and entry.after["signed_off_by"] == CHAIR and entry.actor == "system"


def test_sign_off_needs_a_working_group_member(open_ctx: OpenContext) -> None:
    with open_ctx(clock=at("2020-12-20")) as ctx:
        dataset = make_agency(ctx, meeting=True)
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2020-12-20")) as ctx:
        stage_advance(ctx, dataset, {**STEP, "to": 1, "signed_off_by": OUTSIDER})
    assert [(p.field, p.code) for p in caught.value.problems] == [("signed_off_by", "not_working_group_member")]
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2020-12-20")) as ctx:
        stage_advance(ctx, dataset, {"to": 1, "signed_off_by": CHAIR})
    assert [p.field for p in caught.value.problems] == ["reason"]
    assert _stage_rows(open_ctx) == (None, 0)


def test_a_jump_past_unmet_gates_is_refused(open_ctx: OpenContext) -> None:
    with open_ctx(clock=at("2021-01-10")) as ctx:
        dataset = make_agency(ctx, meeting=True)
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2021-01-10")) as ctx:
        stage_advance(ctx, dataset, {**STEP, "to": 4})
    unmet = {p.field for p in caught.value.problems}
    assert {"gates.dictionary_approved", "gates.data_current", "gates.data_valid", "gates.usage_evidence"} == unmet
    assert _stage_rows(open_ctx) == (None, 0)


def test_stage_2_from_evidence_then_revert_with_reason(open_ctx: OpenContext) -> None:
    with open_ctx(clock=at("2021-03-01")) as ctx:
        dataset = make_agency(ctx, meeting=True)
        stage_advance(ctx, dataset, {**STEP, "to": 1, "effective_date": "2020-12-25"})
        evidence_add(ctx, {"dataset": dataset, "gate": "dictionary_approved", "evidence_date": "2021-02-20",
                           "description": "พจนานุกรมข้อมูลที่เห็นชอบแล้ว", "added_by": CHAIR,
                           "url": "https://hrd.bangkok.go.th/dictionary.pdf"})
        event = stage_advance(ctx, dataset, {**STEP, "to": 2})
    assert [g["source"] for g in event.gates] == ["records", "evidence"]
    with open_ctx(clock=at("2021-03-02")) as ctx:
        back = stage_revert(ctx, dataset, {**STEP, "to": 1, "reason": "พจนานุกรมต้องแก้ไข"})
    assert (back.from_stage, back.to_stage) == (2, 1)
    assert _stage_rows(open_ctx) == (1, 3)
    with open_ctx() as ctx:
        actions = [e.action for e in audit_log(ctx, entity_type="dataset")]
        assert actions[:3] == ["stage_revert", "stage_advance", "stage_advance"]
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2021-03-03")) as ctx:
        stage_revert(ctx, dataset, {**STEP, "to": 3})
    assert caught.value.problems[0].code == "not_backward"


def test_dates_cannot_be_in_the_future_or_before_the_history(open_ctx: OpenContext) -> None:
    with open_ctx(clock=at("2021-01-10")) as ctx:
        dataset = make_agency(ctx, meeting=True)
        stage_advance(ctx, dataset, {**STEP, "to": 1, "effective_date": "2020-12-25"})
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2021-01-10")) as ctx:
        stage_revert(ctx, dataset, {**STEP, "to": 0, "effective_date": "2020-12-20"})
    assert caught.value.problems[0].code == "date_before_history"
    with pytest.raises(ValidationFailed) as caught, open_ctx(clock=at("2021-01-10")) as ctx:
        stage_revert(ctx, dataset, {**STEP, "to": 0, "effective_date": "2021-02-01"})
    assert caught.value.problems[0].code == "date_in_future"


def test_stage_3_lapses_when_data_stops_being_current(open_ctx: OpenContext) -> None:
    import datetime as dt

    with open_ctx(clock=at("2021-03-01")) as ctx:
        dataset = make_agency(ctx, meeting=True)
        stage_advance(ctx, dataset, {**STEP, "to": 1, "effective_date": "2020-12-25"})
        for gate in ("dictionary_approved", "data_valid"):
            evidence_add(ctx, {"dataset": dataset, "gate": gate, "evidence_date": "2021-02-20",
                               "description": gate, "added_by": CHAIR, "url": "https://hrd.bangkok.go.th/e.pdf"})
        stage_advance(ctx, dataset, {**STEP, "to": 2})
    with open_ctx(clock=at("2021-04-30")) as ctx:
        resource_create(ctx, dataset, {"encoding": "utf-8"}, content=io.BytesIO(b"a,b\n1,2\n"), filename="m.csv")
        stage_advance(ctx, dataset, {**STEP, "to": 3})
    with open_ctx(clock=at("2021-07-15")) as ctx:
        row = ctx.session.exec(select(Dataset)).one()
        assert stage_as_of(ctx, row, dt.date(2021, 5, 20)).effective == 3
        late = stage_as_of(ctx, row, dt.date(2021, 7, 15))
        assert (late.recorded, late.effective) == (3, 2)
        assert late.lapsed[0]["gate"] == "data_current" and "2021-04-30" in late.lapsed[0]["detail_en"]
        [status] = stage_status(ctx, "bma-hrd")
    assert status.stage == 3 and status.effective_stage == 2 and not status.ready
    assert {b["gate"] for b in status.blocking} == {"data_current", "usage_evidence"}
