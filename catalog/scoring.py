"""Indicator scores as of a day, from the records as they stood on that day.

Progress at a day: every dataset the organization counts for the fiscal year (enrolled by then) has the
stage its history gives on that day, lowered if its data is no longer current; the organization's work is
at stage N when every dataset of each part has reached N or its part's target stage, whichever is lower
(a part with no dataset holds the work at 0). The rubric maps that stage to a percentage, compares it
with the quarter's cumulative target, and scores it: weight × percentage / 100.

A quarter's figure is computed as of its last day (or the as-of day, if earlier); records dated later
are ignored, so the figure does not drift when later work is added.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from catalog import permissions
from catalog.actions.indicator import audited_results, indicator_datasets
from catalog.actions.lookup import get_organization
from catalog.actions.stages import stage_as_of
from catalog.audit import dataset_state_at
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.gates import lineage, stage_set
from catalog.models import DatasetState, Organization
from catalog.permissions import action, helper
from schemas.fiscal_year import FiscalYear, end_of_thai_day, thai_today
from schemas.governance_messages import problem
from schemas.rubric import Rubric, load_rubric
from schemas.stages import MAX_STAGE

# the states of a dataset that no longer counts in the indicator (see work_stage)
LEFT_THE_CATALOG = frozenset({DatasetState.withdrawn, DatasetState.deleted})


class DatasetFigure(BaseModel):
    dataset: str
    title: str
    part: int
    required_stage: int
    stage: int
    effective_stage: int
    stage_name_th: str
    stage_name_en: str
    lapsed: list[dict[str, object]] = []


class QuarterFigure(BaseModel):
    quarter: int
    start: dt.date
    end: dt.date
    computed_as_of: dt.date | None  # the day the figure stands for: the quarter's end, or the as-of day within it
    complete: bool  # the quarter has ended by the as-of day
    target: float
    progress: float | None
    met: bool | None
    score: float | None
    stage: int | None  # the stage the organization's indicator work has reached
    audited: float | None  # the evaluator's audited score, kept beside the agency's own figure
    audited_2_1: float | None = None  # the evaluator's two figures printed under "(2.1 / 2.2)"
    audited_2_2: float | None = None
    announced: bool = False  # the evaluator announced this quarter's result (the report's headline)
    running: bool = False  # the as-of day falls within the quarter: not met yet is not failed
    datasets: list[DatasetFigure] = []


def figure_text(value: float | None, digits: int | None = None) -> str:
    """A figure as the BMA KPI page prints it: progress with two decimals (``5.00``), scores as they are (``95``)."""
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if digits is not None else f"{value:g}"


def seed_row(quarter: QuarterFigure) -> tuple[str, str, str, str]:
    """A quarter's row of the KPI page's table: ไตรมาสที่, ผลงาน (คะแนน), ผลประเมินตัวชี้วัด, (2.1 / 2.2)."""
    pair = "-" if quarter.audited_2_1 is None and quarter.audited_2_2 is None else (
        f"{figure_text(quarter.audited_2_1)} / {figure_text(quarter.audited_2_2)}")
    return str(quarter.quarter), figure_text(quarter.progress, 2), figure_text(quarter.audited), pair


def headline(quarters: list[QuarterFigure], evaluator_short: str) -> str | None:
    """The KPI page's headline, e.g. "สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 95": the quarters whose result
    the evaluator announced; none announced, no headline."""
    announced = [q for q in quarters if q.announced and q.audited is not None]
    if not announced:
        return None
    results = " · ".join(f"ไตรมาสที่ {q.quarter}: {figure_text(q.audited)}" for q in announced)
    return f"{evaluator_short} ตรวจประเมินตัวชี้วัด : {results}"


class Scorecard(BaseModel):
    organization: str
    organization_title: str
    organization_code: str | None = None  # the organization's code on the BMA KPI site, e.g. 0409-0968
    headline: str | None = None  # the evaluator's announced verdict, e.g. "สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 95"
    fiscal_year: int
    rubric: str
    as_of: dt.date
    weight: float
    achieved: float | None  # the latest progress (%)
    score: float | None  # weight × achieved / 100
    quarters: list[QuarterFigure]


@helper
def rubric_for(ctx: Context, organization: Organization, fiscal_year: int) -> Rubric:
    """The organization's own rubric file for the year, else its parent's, else the base rubric."""
    return load_rubric(fiscal_year, [org.name for org in lineage(ctx, organization.id)])


@action("indicator_report_read")
def scorecard(ctx: Context, organization: str, fiscal_year: int, *, as_of: dt.date | None = None,
              rubric: Rubric | None = None) -> Scorecard:
    org = get_organization(ctx, organization)
    permissions.check_governance(ctx, org.id, organization, fiscal_year)
    rubric = rubric or rubric_for(ctx, org, fiscal_year)
    if rubric.fiscal_year != fiscal_year:
        raise ValidationFailed([problem("fiscal_year_mismatch", "fiscal_year", file=rubric.id,
                                        value=rubric.fiscal_year, expected=fiscal_year)])
    today = thai_today(ctx.now())
    day = as_of or today
    if day > today:
        raise ValidationFailed([problem("date_in_future", "as_of", label="วันที่คำนวณ", label_en="As-of date",
                                        value=day.isoformat())])
    audited = audited_results(ctx, org.name, fiscal_year, as_of=day)
    quarters = []
    for quarter in FiscalYear(fiscal_year).quarters:
        verdict = audited.get(quarter.number)
        figure = QuarterFigure(quarter=quarter.number, start=quarter.start, end=quarter.end, computed_as_of=None,
                               complete=quarter.end <= day, target=rubric.target(quarter.number), progress=None,
                               met=None, score=None, stage=None, audited=verdict.result if verdict else None,
                               audited_2_1=verdict.figure_2_1 if verdict else None,
                               audited_2_2=verdict.figure_2_2 if verdict else None,
                               announced=verdict.announced if verdict else False)
        if quarter.start <= day:
            cutoff = min(quarter.end, day)
            stage, datasets = work_stage(ctx, org, rubric, cutoff)
            progress = rubric.percent_for_stage(stage)
            running = not figure.complete
            # a quarter still running has not failed: it is met once its target is reached, else undecided
            met = progress >= figure.target if not running or progress >= figure.target else None
            figure = figure.model_copy(update={
                "computed_as_of": cutoff, "progress": progress, "met": met, "running": running,
                "score": rubric.score(progress), "stage": stage, "datasets": datasets})
        quarters.append(figure)
    latest = next((q for q in reversed(quarters) if q.progress is not None), None)
    short = rubric.indicator.evaluator_short.th if rubric.indicator.evaluator_short else rubric.indicator.evaluator.th
    return Scorecard(organization=org.name, organization_title=org.title, organization_code=org.code,
                     headline=headline(quarters, short), fiscal_year=fiscal_year, rubric=rubric.id,
                     as_of=day, weight=rubric.weight, achieved=latest.progress if latest else None,
                     score=latest.score if latest else None, quarters=quarters)


@helper
def work_stage(ctx: Context, org: Organization, rubric: Rubric, day: dt.date) -> tuple[int, list[DatasetFigure]]:
    """The stage the organization's indicator work had reached on ``day``, with each dataset's figure."""
    stages = stage_set()
    figures = []
    cutoff = end_of_thai_day(day)
    for row, dataset in indicator_datasets(ctx, org.name, rubric.fiscal_year, as_of=day):
        # The indicator scores the databases the agency develops and keeps for its work (indicator-5.2.md,
        # part 1 "keep current", part 2 "develop and store"). A dataset withdrawn from the catalog is no longer
        # kept or offered, and a deleted one was registered in error or replaced: from the day it left the
        # catalog it is not part of that work, so it neither holds the work back nor carries it. Read as of
        # the day (from the log), so a quarter already past keeps the datasets it had and does not drift.
        # A draft counts: a new database (part 2.1) is in development before it is published.
        if dataset_state_at(ctx, dataset, cutoff) in LEFT_THE_CATALOG:
            continue
        part = rubric.part(row.part)
        now = stage_as_of(ctx, dataset, day)
        name = stages.stage(now.effective).name if now.effective else None
        figures.append(DatasetFigure(
            dataset=dataset.name, title=dataset.title, part=row.part,
            required_stage=part.target_stage if part else MAX_STAGE, stage=now.recorded,
            effective_stage=now.effective, stage_name_th=name.th if name else "ยังไม่เริ่ม",
            stage_name_en=name.en if name else "not started", lapsed=now.lapsed))
    needs = [(f.effective_stage, f.required_stage) for f in figures]
    needs += [(0, part.target_stage) for part in rubric.parts if all(f.part != part.number for f in figures)]
    reached = next((n for n in range(MAX_STAGE, 0, -1) if all(have >= min(n, want) for have, want in needs)), 0)
    return reached, figures
