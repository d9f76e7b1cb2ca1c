"""What the seed page needs recorded: an organization's own code, the evaluator's 2.1 / 2.2 figures and announced
verdict beside the score, and each fiscal year's indicator name (or a note that it could not be established)."""

from __future__ import annotations

import pytest

from catalog.actions.indicator import audited_result_record
from catalog.actions.organizations import organization_create, organization_show, organization_update
from catalog.demo import load_demo
from catalog.errors import ValidationFailed
from catalog.scoring import scorecard, seed_row
from schemas.rubric import load_rubric
from tests.conftest import OpenContext
from tests.governance_helpers import at

EVALUATOR = "evaluator.spe@bangkok.go.th"


def test_organization_code_is_set_changed_cleared_and_checked(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        created = organization_create(ctx, {"name": "bma-dindaeng", "title": "สำนักงานเขตดินแดง", "code": "5037-0946"})
    assert created.code == "5037-0946"
    with open_ctx() as ctx:
        assert organization_update(ctx, "bma-dindaeng", {"code": "5037-0950"}).code == "5037-0950"
    with open_ctx() as ctx:
        assert organization_update(ctx, "bma-dindaeng", {"code": ""}).code is None
        assert organization_show(ctx, "bma-dindaeng").code is None
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        organization_update(ctx, "bma-dindaeng", {"code": "50 37"})
    assert caught.value.problems[0].field == "code" and "รหัสหน่วยงาน" in caught.value.problems[0].th


def test_audited_figures_and_the_announced_headline(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        load_demo(ctx)
    with open_ctx() as ctx:
        card = scorecard(ctx, "bma-hrd", 2564)
        assert card.organization_code == "0409-0968"
        assert card.headline == "สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 95"
        assert [seed_row(q)[2:] for q in card.quarters] == [
            ("95", "95 / 100"), ("100", "100 / 100"), ("100", "100 / 100"), ("95", "100 / 100")]
    with open_ctx(clock=at("2021-10-25")) as ctx:  # the evaluator withdraws Q1's announcement, announces Q4
        audited_result_record(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 1, "result": 95,
                                    "figure_2_1": 95, "figure_2_2": 100, "evaluator": EVALUATOR})
        saved = audited_result_record(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 4,
                                            "result": 97.5, "figure_2_1": 100, "figure_2_2": 95, "announced": True,
                                            "evaluator": EVALUATOR})
    assert (saved.figure_2_1, saved.figure_2_2, saved.announced, saved.version) == (100, 95, True, 2)
    with open_ctx() as ctx:
        card = scorecard(ctx, "bma-hrd", 2564)
        assert card.headline == "สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 4: 97.5"
        assert seed_row(card.quarters[3]) == ("4", "100.00", "97.5", "100 / 95")
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        audited_result_record(ctx, {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 2, "result": 90,
                                    "figure_2_1": 120, "evaluator": EVALUATOR})
    assert [p.field for p in caught.value.problems] == ["figure_2_1"]


def test_each_year_names_its_indicator_or_says_it_could_not() -> None:
    rubrics = {year: load_rubric(year).indicator for year in range(2564, 2571)}
    assert rubrics[2564].name_established and rubrics[2566].name_established
    assert rubrics[2566].name.th != rubrics[2564].name.th and "เปลี่ยนผ่านดิจิทัล" in rubrics[2566].name.th
    for year in (2565, 2567, 2568, 2569, 2570):
        indicator = rubrics[year]
        assert not indicator.name_established and indicator.name_source is not None
        assert str(year) in indicator.name_source.th and str(year) in indicator.name_source.en
    assert rubrics[2565].name == rubrics[2564].name and rubrics[2567].name == rubrics[2566].name
    assert all("reference" not in indicator.model_dump() for indicator in rubrics.values())
