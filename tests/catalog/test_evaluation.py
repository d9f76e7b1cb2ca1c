"""The evaluators' overview: which agencies an evaluator sees, and whether they record, is the catalog's rule."""

from __future__ import annotations

import uuid

import pytest

from catalog.actions.evaluation import evaluation_overview
from catalog.actions.lookup import get_organization
from catalog.context import Actor
from catalog.demo import load_demo
from catalog.errors import PermissionDenied
from tests.conftest import OpenContext


@pytest.fixture
def demo(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        load_demo(ctx)
        return get_organization(ctx, "bma-hrd").id


def test_an_evaluator_sees_every_agency_of_their_year_and_records_only_there(open_ctx: OpenContext,
                                                                            demo: str) -> None:
    evaluator = Actor(name="evaluator", account_id=str(uuid.uuid4()), evaluator_years=frozenset({2564}))
    with open_ctx(evaluator) as ctx:
        year = evaluation_overview(ctx, 2564)
        other = evaluation_overview(ctx, 2565)
    assert [card.organization.name for card in year.cards] == ["bma-hrd", "bma-spe"] and year.may_record
    card = year.cards[0]
    assert card.scorecard is not None and [q.audited for q in card.scorecard.quarters] == [95, 100, 100, 95]
    assert other.cards == [] and not other.may_record  # a year they do not evaluate: nothing of it


def test_the_overview_is_the_evaluators_and_sysadmins_only(open_ctx: OpenContext, demo: str) -> None:
    steward = Actor(name="steward", account_id=str(uuid.uuid4()), roles={demo: frozenset({"steward"})})
    with open_ctx(steward) as ctx, pytest.raises(PermissionDenied):
        evaluation_overview(ctx, 2564)  # the agency's own dashboard is theirs; this page is not
    with open_ctx() as ctx:  # the operator (sysadmin)
        overview = evaluation_overview(ctx, 2564)
    assert [card.organization.name for card in overview.cards] == ["bma-hrd", "bma-spe"] and overview.may_record
