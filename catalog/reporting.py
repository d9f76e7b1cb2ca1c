"""What the evaluator's report of an indicator holds, assembled once here; ``services.reports`` only renders it.

Modelled on the BMA KPI page: the indicator, its weight and what was achieved, the quarterly table
(the page's own columns: progress, the evaluator's score and the two figures under "(2.1 / 2.2)"; then
Banchi's target, met, computed score and stage), the evaluator's announced verdict as headline, a
narrative per quarter, the datasets of each part with their stages, the working group's meetings, and the
evidence with links.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from catalog import permissions
from catalog.actions.evidence import EvidencePublic, MeetingPublic, evidence_list, working_group_meetings
from catalog.actions.indicator import NarrativePublic
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.gates import stage_set
from catalog.narratives import quarter_narrative
from catalog.permissions import action
from catalog.scoring import DatasetFigure, QuarterFigure, rubric_for, scorecard, seed_row
from schemas.fiscal_year import FiscalYear
from schemas.rubric import Indicator, Rubric


class ReportQuarter(QuarterFigure):
    label_th: str
    period_th: str
    narrative: NarrativePublic
    # the row as the BMA KPI page prints it: ไตรมาสที่, ผลงาน (คะแนน), ผลประเมินตัวชี้วัด, (2.1 / 2.2)
    page_row: tuple[str, str, str, str]


class ReportPart(BaseModel):
    number: int
    name_th: str
    name_en: str
    description_th: str | None
    target_stage: int
    datasets: list[DatasetFigure]


class StageName(BaseModel):
    number: int
    th: str
    en: str


class IndicatorReport(BaseModel):
    organization: str
    organization_title: str
    organization_title_en: str | None
    organization_code: str | None  # its code on the BMA KPI site, printed after the indicator's name
    headline: str | None  # the evaluator's announced verdict, e.g. "สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 95"
    fiscal_year: int
    fiscal_year_th: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    generated_at: dt.datetime
    rubric: str
    indicator: Indicator
    weight: float
    achieved: float | None
    score: float | None
    quarters: list[ReportQuarter]
    parts: list[ReportPart]
    stages: list[StageName]
    meetings: list[MeetingPublic]
    evidence: list[EvidencePublic]


@action("indicator_report_read")
def indicator_report(ctx: Context, organization: str, fiscal_year: int, *, as_of: dt.date | None = None,
                     rubric: Rubric | None = None) -> IndicatorReport:
    org = get_organization(ctx, organization)
    permissions.check_governance(ctx, org.id, organization, fiscal_year)
    rubric = rubric or rubric_for(ctx, org, fiscal_year)
    card = scorecard(ctx, org.name, fiscal_year, as_of=as_of, rubric=rubric)
    fy = FiscalYear(fiscal_year)
    quarters = [
        ReportQuarter(**figure.model_dump(), page_row=seed_row(figure),
                      label_th=fy.quarter(figure.quarter).label_th, period_th=fy.quarter(figure.quarter).period_th,
                      narrative=quarter_narrative(ctx, org.name, fiscal_year, figure.quarter, card.as_of))
        for figure in card.quarters
    ]
    latest = next((q for q in reversed(card.quarters) if q.progress is not None), None)
    datasets = latest.datasets if latest else []
    parts = [ReportPart(number=part.number, name_th=part.name.th, name_en=part.name.en,
                        description_th=part.description.th if part.description else None,
                        target_stage=part.target_stage, datasets=[d for d in datasets if d.part == part.number])
             for part in rubric.parts]
    until = min(fy.end, card.as_of)
    return IndicatorReport(
        organization=org.name, organization_title=org.title, organization_title_en=org.title_en,
        organization_code=org.code, headline=card.headline, fiscal_year=fiscal_year, fiscal_year_th=fy.label_th,
        period_start=fy.start, period_end=fy.end,
        as_of=card.as_of, generated_at=ctx.now(), rubric=rubric.id, indicator=rubric.indicator,
        weight=card.weight, achieved=card.achieved, score=card.score, quarters=quarters, parts=parts,
        stages=[StageName(number=s.number, th=s.name.th, en=s.name.en) for s in stage_set().stages],
        meetings=working_group_meetings(ctx, org.name, since=fy.start, until=until),
        evidence=evidence_list(ctx, org.name, fiscal_year=fiscal_year, as_of=until),
    )
