"""An organization's own details on the web (its admins): names, code (e.g. 0409-0968 on the BMA KPI site),
description and contacts, through the same catalog action as the API (``organization_update``), with the
version the editor saw, and a message after the save."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from catalog.actions.lookup import get_organization
from catalog.actions.organizations import organization_public, organization_update
from catalog.context import Context
from catalog.errors import PermissionDenied
from catalog.permissions import allowed
from schemas.messages import Problem
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.security import page_context

router = APIRouter(include_in_schema=False)
FIELDS = ("title", "title_en", "code", "description", "email", "url")


def _page(request: Request, ctx: Context, name: str, problems: list[Problem] | None = None,
          form: dict[str, str] | None = None, status: int = 200) -> HTMLResponse:
    org = get_organization(ctx, name)
    if not allowed(ctx, "organization_update", org.id):
        raise PermissionDenied("organization_update")
    shown = organization_public(ctx, org)
    values = {key: getattr(shown, key) or "" for key in FIELDS} | {"version": str(shown.version)}
    return render(request, "organization_edit.html", {
        "org": shown, "form": {**values, **(form or {})}, "problems": problems or []}, status)


@router.get("/organization/{name}/edit", response_class=HTMLResponse)
def edit_page(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    return _page(request, ctx, name)


@router.post("/organization/{name}/edit", dependencies=[CSRF])
async def save(request: Request, name: str) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "").strip() for key in (*FIELDS, "version")}
    version = int(values["version"]) if values["version"].isdigit() else None

    def update(ctx: Context) -> Any:
        return organization_update(ctx, name, {key: values[key] for key in FIELDS}, version)

    saved, problems = attempt(request, update)
    if saved is not None:
        return redirect_with_flash(f"/organization/{saved.name}", "organization_saved")
    with page_context(request) as ctx:
        return _page(request, ctx, name, problems, values, 422)
