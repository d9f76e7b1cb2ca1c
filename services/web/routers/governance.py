"""An agency's governance work: the stage board (datasets by stage, what blocks each, sign-off), evidence,
and the indicator dashboard with its chart, score and printable report. Every rule is the catalog's:
``stage_advance`` checks the gates and the signer, ``evidence_add`` the evidence, ``scorecard`` the figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from catalog import permissions
from catalog.actions.evidence import evidence_add, evidence_list
from catalog.actions.indicator import indicator_dataset_add
from catalog.actions.lookup import get_organization
from catalog.actions.organizations import organization_public
from catalog.actions.report_jobs import report_job_file, report_job_start
from catalog.actions.stages import stage_advance, stage_advance_many, stage_status
from catalog.context import Context
from catalog.errors import NotFound, PermissionDenied
from catalog.gates import stage_set
from catalog.models import Person
from catalog.permissions import allowed
from catalog.reporting import indicator_report
from catalog.settings import get_settings
from schemas.fiscal_year import fiscal_year_of, thai_today
from schemas.governance_messages import problem as governance_problem
from schemas.messages import Problem
from schemas.rubric import available_fiscal_years
from schemas.stages import MAX_STAGE
from services.api.headers import REPORT_CSP
from services.api.uploads import gated, may_add_evidence
from services.jobs.runner import dispatch
from services.reports import ReportFormat
from services.reports import render as render_report
from services.reports.chart import progress_chart
from services.web.deps import CSRF, MemberCtx, PageUploadRoute, attempt, problem_status
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.security import page_context

router = APIRouter(include_in_schema=False, route_class=PageUploadRoute)
REPORT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _board(request: Request, ctx: Context, name: str, problems: dict[str, list[Problem]] | None = None,
           form: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    org = get_organization(ctx, name)
    statuses = stage_status(ctx, org.name)
    columns = [(n, [s for s in statuses if s.stage == n]) for n in range(MAX_STAGE + 1)]
    me = ctx.session.get(Person, ctx.actor.person_id) if ctx.actor.person_id else None
    return render(request, "stages.html", {
        "org": organization_public(ctx, org), "columns": columns, "stages": stage_set().stages,
        "me": me, "problems": problems or {},
        "form": form or {}, "today": thai_today(ctx.now()).isoformat(),
        "can_sign": allowed(ctx, "stage_change", org.id), "done": request.query_params.get("done"),
    }, status)


@router.get("/organization/{name}/stages", response_class=HTMLResponse)
def stage_board(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    return _board(request, ctx, name)


@router.post("/organization/{name}/stages/advance", dependencies=[CSRF])
async def sign_off(request: Request, name: str) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items() if key != "csrf_token"}
    dataset = form.pop("dataset", "")
    # the signer is the signed-in account's person: the page offers no one else, and a name sent anyway goes to
    # the action, which refuses anyone but that person (signer_not_you), as the API does
    data = {key: form.get(key) or None for key in ("to", "reason", "effective_date", "signed_off_by")}

    def advance(ctx: Context) -> Any:
        org = get_organization(ctx, name)
        if not any(s.dataset == dataset for s in stage_status(ctx, org.name)):
            raise NotFound("dataset", dataset)
        return stage_advance(ctx, dataset, data)

    moved, problems = attempt(request, advance)
    if moved is not None:
        return RedirectResponse(f"/organization/{name}/stages?done={dataset}#ds-{dataset}", status_code=303)
    with page_context(request) as ctx:
        return _board(request, ctx, name, {dataset: problems}, {dataset: form}, 422)


# -- one sign-off for several datasets ----------------------------------------------------------------------


def _bulk_page(request: Request, ctx: Context, name: str, to: int, *, chosen: list[str] | None = None,
               form: dict[str, str] | None = None, confirm: bool = False, problems: list[Problem] | None = None,
               status: int = 200) -> HTMLResponse:
    org = get_organization(ctx, name)
    statuses = [s for s in stage_status(ctx, org.name) if s.next_stage == to]
    permissions.check(ctx, "stage_change", org.id)
    me = ctx.session.get(Person, ctx.actor.person_id) if ctx.actor.person_id else None
    return render(request, "stages_bulk.html", {
        "org": organization_public(ctx, org), "to": to, "stages": stage_set().stages, "items": statuses,
        "chosen": chosen if chosen is not None else [s.dataset for s in statuses if s.ready],
        "form": {"reason": "", "effective_date": thai_today(ctx.now()).isoformat(), **(form or {})},
        "me": me, "confirm": confirm, "problems": problems or [],
    }, status)


def _bulk_input(form: Any, org_datasets: set[str]) -> tuple[list[str], dict[str, str]]:
    chosen = [str(value) for value in form.getlist("dataset")]
    for key in chosen:
        if key not in org_datasets:  # only the board's own datasets; another's is as if it did not exist
            raise NotFound("dataset", key)
    return chosen, {key: str(form.get(key) or "") for key in ("reason", "effective_date")}


@router.get("/organization/{name}/stages/bulk", response_class=HTMLResponse)
def bulk_sign_off_page(request: Request, ctx: MemberCtx, name: str, to: int = 1) -> HTMLResponse:
    return _bulk_page(request, ctx, name, max(1, min(MAX_STAGE, to)))


@router.post("/organization/{name}/stages/bulk/review", dependencies=[CSRF])
async def bulk_sign_off_review(request: Request, name: str) -> Response:
    """The confirmation: what will be signed, by whom (the signed-in person), nothing written yet."""
    form = await request.form()
    to = _stage_number(form.get("to"))
    with page_context(request) as ctx:
        if not ctx.actor.authenticated:
            raise PermissionDenied("login")
        org = get_organization(ctx, name)
        chosen, values = _bulk_input(form, {s.dataset for s in stage_status(ctx, org.name)})
        if not chosen:
            return _bulk_page(request, ctx, name, to, chosen=[], form=values, status=422,
                              problems=[governance_problem("nothing_selected", "datasets")])
        return _bulk_page(request, ctx, name, to, chosen=chosen, form=values, confirm=True)


@router.post("/organization/{name}/stages/bulk", dependencies=[CSRF])
async def bulk_sign_off(request: Request, name: str) -> Response:
    form = await request.form()
    to = _stage_number(form.get("to"))

    def sign(ctx: Context) -> Any:
        org = get_organization(ctx, name)
        chosen, values = _bulk_input(form, {s.dataset for s in stage_status(ctx, org.name)})
        return stage_advance_many(ctx, chosen, {"to": to, "reason": values["reason"] or None,
                                                "effective_date": values["effective_date"] or None,
                                                "signed_off_by": str(form.get("signed_off_by") or "") or None})

    moved, problems = attempt(request, sign)
    if moved is not None:
        return redirect_with_flash(f"/organization/{name}/stages", "signed_off_many", count=len(moved))
    with page_context(request) as ctx:
        chosen = [str(value) for value in form.getlist("dataset")]
        values = {key: str(form.get(key) or "") for key in ("reason", "effective_date")}
        return _bulk_page(request, ctx, name, to, chosen=chosen, form=values, problems=problems, status=422)


def _stage_number(raw: Any) -> int:
    try:
        return max(1, min(MAX_STAGE, int(str(raw))))
    except ValueError:
        return 1


# -- evidence ---------------------------------------------------------------------------------------------


def _evidence_page(request: Request, ctx: Context, name: str, problems: list[Problem] | None = None,
                   form: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    org = get_organization(ctx, name)
    items = evidence_list(ctx, org.name)
    datasets = [(s.dataset, s.title) for s in stage_status(ctx, org.name)]
    gates = [(stage.number, gate.id, gate.text) for stage in stage_set().stages for gate in stage.gates]
    prefill = {"dataset": request.query_params.get("dataset", ""), "gate": request.query_params.get("gate", ""),
               "evidence_date": thai_today(ctx.now()).isoformat(), **(form or {})}
    return render(request, "evidence.html", {
        "org": organization_public(ctx, org), "items": items, "datasets": datasets, "gates": gates,
        "problems": problems or [], "form": prefill, "can_add": allowed(ctx, "evidence_add", org.id),
    }, status)


@router.get("/organization/{name}/evidence", response_class=HTMLResponse)
def evidence_page(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    return _evidence_page(request, ctx, name)


@router.post("/organization/{name}/evidence/upload", dependencies=[CSRF])
@gated(may_add_evidence)
async def add_evidence(request: Request, name: str,
                       file: Annotated[UploadFile | None, File()] = None) -> Response:
    submitted = await request.form()
    form = {key: str(value) for key, value in submitted.items() if isinstance(value, str) and key != "csrf_token"}
    upload = file if file is not None and file.filename else None
    data = {key: form.get(key) or None for key in ("dataset", "gate", "evidence_date", "description", "url")}

    def add(ctx: Context) -> Any:
        org = get_organization(ctx, name)
        return evidence_add(ctx, {"organization": org.name, **data}, content=upload.file if upload else None,
                            filename=upload.filename if upload else None)

    added, problems = attempt(request, add)
    if added is not None:
        return redirect_with_flash(f"/organization/{name}/evidence#ev-{added.id}", "evidence_added")
    with page_context(request) as ctx:
        return _evidence_page(request, ctx, name, problems, form, problem_status(problems))


# -- the indicator dashboard and report -------------------------------------------------------------------


def default_year(ctx: Context) -> int:
    """An evaluator's year (the latest of their role's years up to now); else this fiscal year if it has a
    rubric, else the latest one that has."""
    current, years = fiscal_year_of(thai_today(ctx.now())).year, available_fiscal_years()
    if ctx.actor.evaluator_years and not ctx.actor.sysadmin:
        evaluated = sorted(ctx.actor.evaluator_years)
        return max((year for year in evaluated if year <= current), default=evaluated[0])
    earlier = [year for year in years if year <= current]
    if current in years or not years:
        return current
    return max(earlier) if earlier else min(years)


def _year(request: Request, ctx: Context) -> int:
    return _year_of(request.query_params.get("year"), ctx)


def _dashboard(request: Request, ctx: Context, name: str, year: int, problems: list[Problem] | None = None,
               status: int = 200) -> HTMLResponse:
    org = get_organization(ctx, name)
    report = indicator_report(ctx, org.name, year)
    counted = {d.dataset for part in report.parts for d in part.datasets}
    return render(request, "dashboard.html", {
        "org": organization_public(ctx, org), "report": report, "chart": progress_chart(report), "year": year,
        "years": available_fiscal_years(), "formats": list(REPORT_TYPES), "problems": problems or [],
        "can_enrol": allowed(ctx, "indicator_dataset_add", org.id),
        "candidates": [(s.dataset, s.title) for s in stage_status(ctx, org.name) if s.dataset not in counted],
    }, status)


@router.get("/organization/{name}/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    return _dashboard(request, ctx, name, _year(request, ctx))


@router.post("/organization/{name}/dashboard/enrol", dependencies=[CSRF])
async def enrol(request: Request, name: str) -> Response:
    """Count a dataset in the organization's indicator work for the year, in one part of the rubric."""
    form = {key: str(value) for key, value in (await request.form()).items() if key != "csrf_token"}
    data = {key: form.get(key) or None for key in ("dataset", "fiscal_year", "part")}

    def add(ctx: Context) -> Any:
        org = get_organization(ctx, name)
        if not any(s.dataset == data["dataset"] for s in stage_status(ctx, org.name)):
            raise NotFound("dataset", str(data["dataset"]))
        return indicator_dataset_add(ctx, data)

    added, problems = attempt(request, add)
    if added is not None:
        return redirect_with_flash(f"/organization/{name}/dashboard?year={added.fiscal_year}", "dataset_enrolled")
    with page_context(request) as ctx:
        return _dashboard(request, ctx, name, _year_of(form.get("fiscal_year"), ctx), problems, 422)


def _year_of(raw: str | None, ctx: Context) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return default_year(ctx)


@router.get("/organization/{name}/report/{year}.{fmt}")
def indicator_report_file(ctx: MemberCtx, name: str, year: int, fmt: str) -> Response:
    """The evaluator's report: printable HTML, PDF or XLSX (services.reports renders it)."""
    if fmt not in REPORT_TYPES:
        raise NotFound("report", f"{year}.{fmt}")
    org = get_organization(ctx, name)
    body = render_report(indicator_report(ctx, org.name, year), ReportFormat(fmt))
    headers = {"Content-Security-Policy": REPORT_CSP} if fmt == "html" else {
        "Content-Disposition": f'attachment; filename="indicator-5.2-{org.name}-{year}.{fmt}"'}
    return Response(body, media_type=REPORT_TYPES[fmt], headers=headers)


@router.post("/organization/{name}/report/{year}.{fmt}/job", dependencies=[CSRF])
def indicator_report_job(request: Request, name: str, year: int, fmt: str) -> Response:
    """Build the report as a background job: to the job's page, whose bar shows its progress and which offers
    the download once it is built."""
    job, problems = attempt(request, lambda ctx: report_job_start(ctx, name, year, fmt))
    if job is None:
        with page_context(request) as ctx:
            return _dashboard(request, ctx, name, year, problems, problem_status(problems))
    dispatch(get_settings(), job.id)
    return redirect_with_flash(f"/jobs/{job.id}", "job_started")


@router.get("/jobs/{job_id}/file")
def indicator_report_job_file(ctx: MemberCtx, job_id: str) -> Response:
    """The file a report job built (404 until it is built)."""
    job, path = report_job_file(ctx, job_id)
    fmt = str(job.params["format"])
    if fmt == "html":
        return FileResponse(path, media_type=REPORT_TYPES[fmt], headers={"Content-Security-Policy": REPORT_CSP})
    return FileResponse(path, media_type=REPORT_TYPES[fmt], filename=(job.result or {}).get("filename"))
