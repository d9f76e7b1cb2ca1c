"""The sysadmin's page of registered CKAN portals: register one (its API key is stored encrypted and never
shown again), see them, remove one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from catalog.actions.portals import portal_create, portal_delete, portal_list
from catalog.context import Context
from catalog.errors import PermissionDenied
from catalog.permissions import allowed
from schemas.messages import Problem
from services.web.deps import CSRF, MemberCtx, attempt, problem_status
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.security import page_context

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]


def _page(request: Request, ctx: Context, form: dict[str, Any] | None = None,
          problems: list[Problem] | None = None, status: int = 200) -> HTMLResponse:
    if not allowed(ctx, "portal_create"):
        raise PermissionDenied("portal_create")
    return render(request, "portals.html", {"portals": portal_list(ctx), "form": form or {},
                                            "problems": problems or []}, status)


@router.get("/portals/", response_class=HTMLResponse)
@router.get("/portals", response_class=HTMLResponse)
def portals(request: Request, ctx: MemberCtx) -> HTMLResponse:
    return _page(request, ctx)


@router.post("/portals/", dependencies=[CSRF])
def register(request: Request, name: Text, url: Text, title: Text = "", api_key: Text = "",
             allow_private_network: Annotated[str, Form(max_length=10)] = "") -> Response:
    form = {"name": name, "url": url, "title": title, "allow_private_network": bool(allow_private_network)}
    _, problems = attempt(request, lambda ctx: portal_create(ctx, {**form, "api_key": api_key}))
    if not problems:
        return redirect_with_flash("/portals/", "portal_added")
    with page_context(request) as ctx:
        return _page(request, ctx, form, problems, problem_status(problems))


@router.post("/portals/{name}/remove", dependencies=[CSRF])
def remove(request: Request, name: str) -> Response:
    _, problems = attempt(request, lambda ctx: portal_delete(ctx, name))
    if not problems:
        return redirect_with_flash("/portals/", "portal_removed")
    with page_context(request) as ctx:
        return _page(request, ctx, problems=problems, status=problem_status(problems))
