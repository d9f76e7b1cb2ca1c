"""Publishing an organization's open datasets to a CKAN portal: a dry run shows field by field what would
change, and only a confirmed run writes (``services.ckan.Publisher``; the portal's key is never stored)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from catalog.context import open_context
from catalog.db import get_engine
from catalog.errors import PermissionDenied
from catalog.permissions import allowed
from catalog.settings import get_settings
from schemas.messages import ProblemsError
from services.ckan.client import PortalClient, PortalUnavailable
from services.ckan.publisher import Publisher, RunReport
from services.web.deps import CSRF, MemberCtx
from services.web.render import render
from services.web.routers.governance import governed_org
from services.web.security import page_context

router = APIRouter(include_in_schema=False)
UrlField = Annotated[str, Form(max_length=500)]
KeyField = Annotated[str, Form(max_length=500)]


def _page(request: Request, org: Any, ckan_url: str = "", report: RunReport | None = None, dry_run: bool = True,
          problems: list[Any] | None = None, status: int = 200) -> HTMLResponse:
    outcomes = {o.dataset: o for o in report.outcomes} if report else {}
    return render(request, "publish.html", {"org": org, "ckan_url": ckan_url, "report": report, "dry_run": dry_run,
                                            "outcomes": outcomes, "problems": problems or []}, status)


def _publisher(request: Request, name: str, ckan_url: str, api_key: str) -> tuple[Any, Publisher]:
    with page_context(request) as ctx:
        org = governed_org(ctx, name)
        if not allowed(ctx, "dataset_publish", org.id):
            raise PermissionDenied("dataset_publish")
        actor, profile = ctx.actor, ctx.profile
    engine, settings = get_engine(), get_settings()
    client = PortalClient(ckan_url.strip(), api_key.strip() or None, profile=profile, timeout=60)
    return org, Publisher(lambda: open_context(actor, engine=engine, settings=settings), client)


@router.get("/organization/{name}/publish", response_class=HTMLResponse)
def publish_form(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    org = governed_org(ctx, name)
    if not allowed(ctx, "dataset_publish", org.id):
        raise PermissionDenied("dataset_publish")
    return _page(request, org)


@router.post("/organization/{name}/publish", dependencies=[CSRF])
def publish(request: Request, name: str, ckan_url: UrlField, api_key: KeyField = "",
            confirm: Annotated[str, Form()] = "") -> HTMLResponse:
    """Without ``confirm``: the dry run (reads the portal, writes nothing). With it: the run itself."""
    try:
        org, publisher = _publisher(request, name, ckan_url, api_key)
        dry_run = not confirm
        report = publisher.dry_run(organization=org.name) if dry_run else publisher.run(organization=org.name)
    except PortalUnavailable as exc:
        return _page(request, _org(request, name), ckan_url, problems=[exc.problem], status=502)
    except ProblemsError as exc:
        return _page(request, _org(request, name), ckan_url, problems=exc.problems, status=422)
    return _page(request, org, ckan_url, report, dry_run)


def _org(request: Request, name: str) -> Any:
    with page_context(request) as ctx:
        return governed_org(ctx, name)


