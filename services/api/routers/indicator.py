"""Indicator 5.2 over HTTP: the datasets each fiscal year counts (part 1 / part 2), the quarterly
narratives, the scores as of a day, and the evaluator's report in HTML, PDF, XLSX or JSON: at once (``GET
…/report.pdf``), or built by a job (``POST …/report-jobs``; the job's file at ``GET /api/jobs/{id}/file``).

Reading them is for the organization's members, evaluators (their fiscal years) and sysadmins; to anyone
else they do not exist (404). Figures and rules are the catalog's (``catalog.scoring``, ``catalog.reporting``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Path, Query, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from catalog.actions.indicator import (
    IndicatorDatasetPublic,
    NarrativePublic,
    indicator_dataset_add,
    indicator_datasets,
    narrative_set,
)
from catalog.actions.jobs import JobPublic
from catalog.actions.lookup import get_organization
from catalog.actions.report_jobs import report_job_file, report_job_start
from catalog.narratives import quarter_narrative
from catalog.reporting import indicator_report
from catalog.scoring import Scorecard, scorecard
from schemas.buddhist_era import EnteredDate
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_WRITE, Ctx, IfMatch, set_etag, tagged
from services.api.headers import REPORT_CSP
from services.api.queued import queued
from services.reports import ReportFormat, render

router = APIRouter(tags=["governance"])

FiscalYear = Annotated[int, Query(ge=2400, le=2800, description="fiscal year (Buddhist Era), e.g. 2564")]
FiscalYearPath = Annotated[int, Path(ge=2400, le=2800, description="fiscal year (Buddhist Era)")]
QuarterPath = Annotated[int, Path(ge=1, le=4)]
AsOf = Annotated[EnteredDate | None, Query(description="from the records as they stood that day (default: today)")]

REPORT_MEDIA_TYPES = {
    ReportFormat.html: "text/html; charset=utf-8",
    ReportFormat.pdf: "application/pdf",
    ReportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.json: "application/json",
}


class EnrolBody(BaseModel):
    """``dataset``, ``fiscal_year`` (B.E.), ``part`` of the year's rubric, optional ``enrolled_on`` (counted
    from; default: the year's first day). Checked by the catalog."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"dataset": "junior-executive-personal-reports", "fiscal_year": 2564, "part": 2, "enrolled_on": "2020-12-14"}]})


class NarrativeBody(BaseModel):
    # blank text is refused here: narrative_set's own check for it fails (catalog/actions/indicator.py)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=100_000, description="the quarter's narrative (replaces the draft)")


@router.get("/api/organizations/{name}/indicator-datasets", responses=READ_ERRORS)
def list_indicator_datasets(ctx: Ctx, name: str, fy: FiscalYear, as_of: AsOf = None) -> list[IndicatorDatasetPublic]:
    """The datasets the organization's indicator counts in a fiscal year, by part."""
    return [IndicatorDatasetPublic(dataset=dataset.name, title=dataset.title, fiscal_year=row.fiscal_year,
                                   part=row.part, enrolled_on=row.enrolled_on)
            for row, dataset in indicator_datasets(ctx, name, fy, as_of)]


@router.post("/api/indicator-datasets", dependencies=JSON_WRITE, responses=WRITE_ERRORS)
def enrol_dataset(ctx: Ctx, body: EnrolBody) -> IndicatorDatasetPublic:
    """Count a dataset in its organization's indicator work for a fiscal year, in one part of the rubric
    (again: change its part or start day)."""
    return indicator_dataset_add(ctx, body.model_dump(mode="json"))


@router.get("/api/organizations/{name}/narratives/{fiscal_year}/{quarter}", responses=READ_ERRORS)
def show_narrative(ctx: Ctx, name: str, fiscal_year: FiscalYearPath, quarter: QuarterPath, response: Response,
                   as_of: AsOf = None) -> NarrativePublic:
    """The quarter's narrative: the saved text (with its ETag), or a draft made from the recorded events."""
    narrative = quarter_narrative(ctx, name, fiscal_year, quarter, as_of)
    if narrative.version is not None:
        set_etag(response, narrative.version)
    return narrative


@router.put("/api/organizations/{name}/narratives/{fiscal_year}/{quarter}", dependencies=JSON_WRITE,
            responses=WRITE_ERRORS)
def save_narrative(ctx: Ctx, name: str, fiscal_year: FiscalYearPath, quarter: QuarterPath, body: NarrativeBody,
                   version: IfMatch, response: Response) -> NarrativePublic:
    """Save the narrative (If-Match: the ETag you edited; ``*`` for the first save over the draft)."""
    org = get_organization(ctx, name)
    saved = narrative_set(ctx, {"organization": org.name, "fiscal_year": fiscal_year, "quarter": quarter,
                                "text": body.text}, expected_version=version)
    return tagged(response, saved)


@router.get("/api/organizations/{name}/score", responses=READ_ERRORS,
            response_model_exclude={"quarters": {"__all__": {"datasets"}}})
def score(ctx: Ctx, name: str, fy: FiscalYear, as_of: AsOf = None) -> Scorecard:
    """Indicator figures per quarter as of a day: ``weight``, ``score``, and each quarter's ``target``,
    ``progress``, ``met`` and ``score`` (as ``banchi score --format json``)."""
    return scorecard(ctx, name, fy, as_of=as_of)


@router.get("/api/organizations/{name}/report.{fmt}", response_class=Response, responses=READ_ERRORS)
def report(ctx: Ctx, name: str, fmt: ReportFormat, fy: FiscalYear, as_of: AsOf = None) -> Response:
    """The evaluator's report: quarterly table, chart, narratives, datasets, meetings and evidence with links."""
    found = indicator_report(ctx, name, fy, as_of=as_of)
    content = render(found, fmt)
    headers: dict[str, Any] = {}
    if fmt in (ReportFormat.pdf, ReportFormat.xlsx):
        headers["Content-Disposition"] = f'attachment; filename="{found.organization}-{fy}.{fmt.value}"'
    elif fmt is ReportFormat.html:
        headers["Content-Security-Policy"] = REPORT_CSP  # inline styles and fonts; no script at all
    return Response(content, media_type=REPORT_MEDIA_TYPES[fmt], headers=headers)


class ReportJobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"fiscal_year": 2564, "format": "pdf"}]})

    fiscal_year: int = Field(ge=2400, le=2800, description="fiscal year (Buddhist Era)")
    format: Literal["pdf", "xlsx", "html"] = "pdf"
    as_of: EnteredDate | None = Field(None, description="from the records as they stood that day (default: the day the "
                                                    "job runs)")


@router.post("/api/organizations/{name}/report-jobs", status_code=202, dependencies=JSON_WRITE,
             responses=WRITE_ERRORS, tags=["jobs"])
def start_report_job(ctx: Ctx, name: str, body: ReportJobRequest, response: Response,
                     tasks: BackgroundTasks) -> JobPublic:
    """Build the evaluator's report as a job (a PDF of a large organization takes a while): 202 with the job
    (``Location``); once it succeeded, its ``result.download_url`` serves the file. The same report as
    ``GET …/report.{fmt}``, with the rights of whoever asked."""
    return queued(report_job_start(ctx, name, body.fiscal_year, body.format, body.as_of), response, tasks)


@router.get("/api/jobs/{job_id}/file", response_class=FileResponse, responses=READ_ERRORS, tags=["jobs"])
def report_job_download(ctx: Ctx, job_id: str) -> Any:
    """The file a report job built (404 until it succeeded)."""
    job, path = report_job_file(ctx, job_id)
    fmt = ReportFormat(job.params["format"])
    headers = {"Content-Security-Policy": REPORT_CSP} if fmt is ReportFormat.html else None
    return FileResponse(path, media_type=REPORT_MEDIA_TYPES[fmt], headers=headers,
                        filename=(job.result or {}).get("filename") if fmt is not ReportFormat.html else None)
