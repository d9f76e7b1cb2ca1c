"""Publishing an organization's open datasets to a registered CKAN portal: a dry run shows field by field
what would change, and only a confirmed run writes (``services.ckan.Publisher``). The portal is chosen from
those a sysadmin registered, with its stored key; the page never takes an address or a key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from catalog.actions.jobs import job_cancel, job_create, job_list, job_show
from catalog.actions.lookup import get_organization
from catalog.actions.portals import PortalPublic, portal_connection, portal_list
from catalog.context import open_context
from catalog.db import get_engine
from catalog.errors import PermissionDenied
from catalog.permissions import allowed
from catalog.settings import get_settings
from schemas.governance_messages import problem as governance_problem
from schemas.messages import ProblemsError
from services.ckan.client import PortalClient, PortalUnavailable
from services.ckan.publisher import Publisher, RunReport
from services.jobs.runner import dispatch
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.security import page_context

router = APIRouter(include_in_schema=False)
PortalField = Annotated[str, Form(max_length=100)]


def _page(request: Request, org: Any, portals: list[PortalPublic] | None = None, portal: str = "",
          report: RunReport | None = None, dry_run: bool = True, problems: list[Any] | None = None,
          status: int = 200, drift_job: Any = None) -> HTMLResponse:
    outcomes = {o.dataset: o for o in report.outcomes} if report else {}
    if portals is None:
        with page_context(request) as ctx:
            portals = portal_list(ctx)
    return render(request, "publish.html", {"org": org, "portal": portal, "portals": portals, "report": report,
                                            "drift_job": drift_job,
                                            "dry_run": dry_run, "outcomes": outcomes, "problems": problems or [],
                                            "included": {"publish", "withdraw"}}, status)


def _publisher(request: Request, name: str, portal: str) -> tuple[Any, Publisher]:
    with page_context(request) as ctx:
        org = get_organization(ctx, name)
        if not allowed(ctx, "dataset_publish", org.id):
            raise PermissionDenied("dataset_publish")
        connection = portal_connection(ctx, portal, org.id)
        actor, profile = ctx.actor, ctx.profile
    engine, settings = get_engine(), get_settings()
    client = PortalClient.connect(connection, profile=profile, timeout=60)
    return org, Publisher(lambda: open_context(actor, engine=engine, settings=settings), client)


@router.get("/organization/{name}/publish", response_class=HTMLResponse)
def publish_form(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    org = get_organization(ctx, name)
    if not allowed(ctx, "dataset_publish", org.id):
        raise PermissionDenied("dataset_publish")
    # a drift the last check found is shown to the organization's publishers
    drift = job_list(ctx, org.name, states=("succeeded",), kinds=("drift_check",), limit=1)
    return _page(request, org, portal_list(ctx), drift_job=drift[0] if drift else None)


@router.post("/organization/{name}/publish", dependencies=[CSRF])
def publish(request: Request, name: str, portal: PortalField, confirm: Annotated[str, Form()] = "",
            dataset: Annotated[list[str] | None, Form()] = None) -> Response:
    """Without ``confirm``: the dry run (reads the portal, writes nothing), each dataset with a box to keep it
    in the run. With it: the run itself, of the datasets kept (at least one), as a background job whose page
    shows its progress."""
    if confirm and not dataset:
        return _page(request, _org(request, name), portal=portal, status=422,
                     problems=[governance_problem("nothing_selected", "dataset")])
    if confirm:
        return _start_job(request, name, portal, dataset or [])
    try:
        org, publisher = _publisher(request, name, portal)
        dry_run = True
        report = publisher.dry_run(organization=org.name)
    except PortalUnavailable as exc:
        return _page(request, _org(request, name), portal=portal, problems=[exc.problem], status=502)
    except PermissionDenied:
        raise
    except ProblemsError as exc:
        return _page(request, _org(request, name), portal=portal, problems=exc.problems, status=422)
    # the run's report is the page itself (a redirect would lose it), with the message on top
    return _page(request, org, portal=portal, report=report, dry_run=dry_run)


def _start_job(request: Request, name: str, portal: str, datasets: list[str]) -> Response:
    params = {"portal": portal, "organization": name, "datasets": datasets, "force": False}
    job, problems = attempt(request, lambda ctx: job_create(ctx, "publish", name, params))
    if job is None:
        return _page(request, _org(request, name), portal=portal, problems=problems, status=422)
    dispatch(get_settings(), job.id)
    return redirect_with_flash(f"/jobs/{job.id}", "job_started")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, ctx: MemberCtx, job_id: str) -> HTMLResponse:
    """A job's progress: a bar that the page refreshes every few seconds until the job ends (no script)."""
    job = job_show(ctx, job_id)
    may_cancel = not job.finished and allowed(ctx, "job_cancel", _org_id(ctx, job.organization))
    return render(request, "job.html", {"job": job, "may_cancel": may_cancel, "refresh": not job.finished})


@router.post("/jobs/{job_id}/cancel", dependencies=[CSRF])
def cancel_job(request: Request, job_id: str) -> Response:
    _, problems = attempt(request, lambda ctx: job_cancel(ctx, job_id))
    if problems:
        with page_context(request) as ctx:
            job = job_show(ctx, job_id)
            return render(request, "job.html", {"job": job, "may_cancel": False, "refresh": False,
                                                "problems": problems}, 422)
    return redirect_with_flash(f"/jobs/{job_id}", "job_cancel_requested")


def _org_id(ctx: Any, name: str | None) -> str | None:
    return get_organization(ctx, name).id if name else None


def _org(request: Request, name: str) -> Any:
    with page_context(request) as ctx:
        return get_organization(ctx, name)
