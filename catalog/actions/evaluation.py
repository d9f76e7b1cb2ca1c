"""The evaluators' overview: for a fiscal year, every agency whose indicator report the actor may read, its
scorecard side by side with the others, and whether the actor may record the audited results of that year.
Who sees which agency is decided here (``indicator_report_read`` per organization and year), not by a page."""

from __future__ import annotations

from typing import NamedTuple

from sqlmodel import col, select

from catalog import permissions
from catalog.context import Context
from catalog.models import Organization, OrganizationKind
from catalog.permissions import action
from catalog.scoring import Scorecard, scorecard
from schemas.messages import Problem, ProblemsError


class AgencyCard(NamedTuple):
    organization: Organization
    scorecard: Scorecard | None  # None when the year cannot be scored for it (e.g. no rubric): see problems
    problems: list[Problem]


class EvaluationOverview(NamedTuple):
    fiscal_year: int
    cards: list[AgencyCard]
    may_record: bool  # the actor records the audited results of this year (an evaluator of it, or a sysadmin)


@action("evaluation_read")
def evaluation_overview(ctx: Context, fiscal_year: int) -> EvaluationOverview:
    """The agencies of ``fiscal_year`` the actor evaluates, by name. Open to evaluators (of any year: a year
    they do not evaluate shows no agency) and sysadmins; anyone else is refused (PermissionDenied)."""
    permissions.check(ctx, "evaluation_read")
    agencies = ctx.session.exec(select(Organization).where(Organization.kind == OrganizationKind.agency)
                                .order_by(col(Organization.name))).all()
    cards: list[AgencyCard] = []
    for org in agencies:
        if not permissions.allowed(ctx, "indicator_report_read", org.id, fiscal_year=fiscal_year):
            continue
        try:
            cards.append(AgencyCard(org, scorecard(ctx, org.name, fiscal_year), []))
        except ProblemsError as exc:  # e.g. no rubric for the year: said beside the agency
            cards.append(AgencyCard(org, None, exc.problems))
    may_record = permissions.allowed(ctx, "audited_result_record", None, fiscal_year=fiscal_year)
    return EvaluationOverview(fiscal_year, cards, may_record)
