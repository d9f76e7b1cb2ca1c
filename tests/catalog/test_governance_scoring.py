"""Scores per quarter as of a day: the demo year gives 5 / 30 / 70 / 100, and past figures do not drift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from catalog.actions.evidence import evidence_add
from catalog.actions.indicator import audited_result_record, narrative_set
from catalog.actions.stages import stage_revert
from catalog.context import Context
from catalog.demo import load_demo
from catalog.errors import Conflict, ValidationFailed
from catalog.narratives import quarter_narrative
from catalog.scoring import scorecard
from schemas.rubric import RUBRICS_DIR, RubricError, load_rubric_file
from tests.conftest import OpenContext
from tests.governance_helpers import at

SECRETARY = "steward.hrd@bangkok.go.th"


@pytest.fixture
def demo(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        load_demo(ctx)


def _figures(ctx: Context, **kwargs: object) -> list[tuple[float | None, bool | None, float | None]]:
    card = scorecard(ctx, "bma-hrd", 2564, **kwargs)  # type: ignore[arg-type]
    return [(q.progress, q.met, q.score) for q in card.quarters]


def test_demo_year_scores_like_the_seed(open_ctx: OpenContext, demo: None) -> None:
    with open_ctx() as ctx:
        card = scorecard(ctx, "bma-hrd", 2564)
    assert [(q.target, q.progress, q.met, q.score) for q in card.quarters] == [
        (5, 5, True, 0.5), (30, 30, True, 3), (70, 70, True, 7), (100, 100, True, 10)]
    assert [q.audited for q in card.quarters] == [95, 100, 100, 95]
    assert (card.weight, card.achieved, card.score) == (10, 100, 10)
    assert [q.stage for q in card.quarters] == [1, 2, 4, 5]


def test_loading_the_demo_twice_changes_nothing(open_ctx: OpenContext, demo: None) -> None:
    with open_ctx() as ctx:
        assert load_demo(ctx).created == {}


def test_as_of_recomputation_does_not_drift(open_ctx: OpenContext, demo: None) -> None:
    with open_ctx() as ctx:
        mid_may = _figures(ctx, as_of=dt.date(2021, 5, 15))
    assert mid_may == [(5, True, 0.5), (30, True, 3), (50, None, 5), (None, None, None)]  # Q3 is running
    with open_ctx(clock=at("2021-10-15")) as ctx:  # later work: a revert and new evidence after the year
        stage_revert(ctx, "junior-executive-personal-reports",
                     {"to": 3, "signed_off_by": "director.hrd@bangkok.go.th", "reason": "เว็บไซต์ปิดปรับปรุง"})
        evidence_add(ctx, {"dataset": "city-development-indicators", "gate": "usage_evidence",
                           "evidence_date": "2021-10-15", "description": "ภายหลัง", "added_by": SECRETARY,
                           "url": "https://hrd.bangkok.go.th/later.pdf"})
    with open_ctx() as ctx:
        assert _figures(ctx, as_of=dt.date(2021, 5, 15)) == mid_may
        assert [p for p, _m, _s in _figures(ctx, as_of=dt.date(2021, 9, 30))] == [5, 30, 70, 100]
        assert scorecard(ctx, "bma-hrd", 2565, as_of=dt.date(2021, 10, 20)).quarters[0].progress == 0


def test_another_agencys_targets_are_configuration(open_ctx: OpenContext, demo: None, tmp_path: Path) -> None:
    (tmp_path / "bma-5.2-2564.yaml").write_bytes((RUBRICS_DIR / "bma-5.2-2564.yaml").read_bytes())
    path = tmp_path / "bma-5.2-2564.other.yaml"
    path.write_text(yaml.safe_dump({"extends": "bma-5.2-2564", "targets": {1: 20, 2: 40, 3: 80, 4: 100}}),
                    encoding="utf-8")
    with open_ctx() as ctx:
        card = scorecard(ctx, "bma-hrd", 2564, rubric=load_rubric_file(path))
    assert [(q.target, q.progress, q.met) for q in card.quarters] == [
        (20, 5, False), (40, 30, False), (80, 70, False), (100, 100, True)]


def test_fiscal_year_without_rubric_and_future_as_of(open_ctx: OpenContext, demo: None) -> None:
    with pytest.raises(RubricError) as caught, open_ctx() as ctx:
        scorecard(ctx, "bma-hrd", 2590)
    assert caught.value.problems[0].code == "rubric_missing"
    with pytest.raises(ValidationFailed) as failed, open_ctx(clock=at("2021-06-01")) as ctx:
        scorecard(ctx, "bma-hrd", 2564, as_of=dt.date(2021, 7, 1))
    assert failed.value.problems[0].code == "date_in_future"


def test_audited_result_is_kept_beside_the_agency_figure(open_ctx: OpenContext, demo: None) -> None:
    with open_ctx(clock=at("2021-10-25")) as ctx:
        corrected = audited_result_record(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 4,
                                                "result": 100, "evaluator": "evaluator.spe@bangkok.go.th"})
    assert corrected.version == 2 and corrected.result == 100
    with open_ctx() as ctx:
        card = scorecard(ctx, "bma-hrd", 2564)
        assert card.quarters[3].audited == 100 and card.quarters[3].progress == 100
        assert scorecard(ctx, "bma-hrd", 2564, as_of=dt.date(2021, 9, 30)).quarters[3].audited is None
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        audited_result_record(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 5, "result": 101,
                                    "evaluator": "evaluator.spe@bangkok.go.th"})
    assert {p.field for p in caught.value.problems} == {"quarter", "result"}


def test_narrative_drafted_from_events_then_edited(open_ctx: OpenContext, demo: None) -> None:
    with open_ctx() as ctx:
        saved = quarter_narrative(ctx, "bma-hrd", 2564, 1)
        assert not saved.drafted and "14 ธันวาคม 2563" in saved.text
        from catalog.narratives import draft_narrative

        draft = draft_narrative(ctx, "bma-hrd", 2564, 3)
    assert "ผ่านขั้นตอนที่ 4" in draft and "ปรับปรุงข้อมูล" in draft and "30 มิถุนายน 2564" in draft
    with open_ctx() as ctx:
        empty = quarter_narrative(ctx, "bma-hrd", 2565, 2)
    assert empty.drafted and empty.text
    with open_ctx() as ctx:
        edited = narrative_set(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 1, "text": "แก้ไข"},
                               expected_version=saved.version)
    assert edited.version == (saved.version or 0) + 1
    with pytest.raises(Conflict) as caught, open_ctx() as ctx:
        narrative_set(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 1, "text": "ของเก่า"},
                      expected_version=saved.version)
    assert caught.value.problems[0].code == "stale_version"


def test_blank_narrative_is_refused_naming_the_text(open_ctx: OpenContext, demo: None) -> None:
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        narrative_set(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 1, "text": "  "})
    [found] = caught.value.problems
    assert (found.field, found.code) == ("text", "required") and found.th.startswith("ต้องระบุ")


def test_evaluators_read_scores_only_for_the_years_they_evaluate(open_ctx: OpenContext, demo: None) -> None:
    from catalog.context import Actor
    from catalog.errors import Hidden

    evaluator = Actor(name="evaluator.spe@bangkok.go.th", evaluator_years=frozenset({2564}))
    with open_ctx(evaluator) as ctx:
        assert scorecard(ctx, "bma-hrd", 2564).score == 10
    with pytest.raises(Hidden), open_ctx(evaluator) as ctx:  # as if it did not exist (404)
        scorecard(ctx, "bma-hrd", 2565)


def test_a_dataset_that_left_the_catalog_stops_counting_from_that_day(open_ctx: OpenContext, demo: None) -> None:
    """Part 2's only database withdrawn in April: part 2 then has no dataset, so the work is held at 0 from
    that day; the quarters before keep their figures (read as of their day), and restoring it counts it again."""
    from catalog.actions.datasets import dataset_delete, dataset_restore, dataset_withdraw
    from catalog.models import AuditEntry

    with open_ctx() as ctx:  # the demo registers and publishes its catalog today; here it did so in 2020
        for entry in ctx.session.exec(select(AuditEntry).where(AuditEntry.entity_type == "dataset")).all():
            entry.at = dt.datetime(2020, 10, 1, 3, tzinfo=dt.UTC)
            ctx.session.add(entry)
    with open_ctx() as ctx:
        before = _figures(ctx, as_of=dt.date(2021, 5, 15))
    assert [p for p, _m, _s in before] == [5, 30, 50, None]
    with open_ctx(clock=at("2021-04-10")) as ctx:
        dataset_withdraw(ctx, "junior-executive-personal-reports", reason="ทดสอบ")
    with open_ctx() as ctx:
        assert _figures(ctx, as_of=dt.date(2021, 5, 15)) == [(5, True, 0.5), (30, True, 3), (0, None, 0),
                                                             (None, None, None)]
        assert _figures(ctx, as_of=dt.date(2021, 3, 31)) == before[:2] + [(None, None, None)] * 2
    with open_ctx(clock=at("2021-04-20")) as ctx:
        dataset_restore(ctx, "junior-executive-personal-reports")
    with open_ctx() as ctx:
        assert _figures(ctx, as_of=dt.date(2021, 5, 15)) == before
        assert _figures(ctx, as_of=dt.date(2021, 4, 15))[2][0] == 0  # withdrawn on that day
    with open_ctx(clock=at("2021-10-15")) as ctx:  # deleted after the year: the year's figures stay
        dataset_delete(ctx, "junior-executive-personal-reports", reason="ทดสอบ")
    with open_ctx() as ctx:
        assert [p for p, _m, _s in _figures(ctx, as_of=dt.date(2021, 9, 30))] == [5, 30, 70, 100]
        assert scorecard(ctx, "bma-hrd", 2564).quarters[3].datasets[-1].dataset == "junior-executive-personal-reports"
