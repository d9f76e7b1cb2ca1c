"""The working group's records on the web: its meetings (with the minutes' link, which becomes stage-1
evidence) and the quarterly narratives the indicator 5.2 report prints. Each form calls the same catalog
action as the API (``working_group_meeting_add``, ``narrative_set``) and comes back with a message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from catalog.actions.evidence import working_group_meeting_add, working_group_meetings
from catalog.actions.indicator import narrative_set
from catalog.actions.lookup import get_organization
from catalog.actions.organizations import organization_public
from catalog.context import Context
from catalog.narratives import quarter_narrative
from catalog.permissions import allowed
from schemas.fiscal_year import fiscal_year_of, thai_today
from schemas.messages import Problem
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.security import page_context

router = APIRouter(include_in_schema=False)


def _fields(form: Any, *keys: str) -> dict[str, str]:
    return {key: str(form.get(key) or "").strip() for key in keys}


# -- meetings ------------------------------------------------------------------------------------------------


def _meetings_page(request: Request, ctx: Context, name: str, problems: list[Problem] | None = None,
                   form: dict[str, str] | None = None, status: int = 200) -> HTMLResponse:
    org = get_organization(ctx, name)
    meetings = working_group_meetings(ctx, org.name)  # Hidden (404) unless the actor reads its governance
    return render(request, "meetings.html", {
        "org": organization_public(ctx, org), "meetings": meetings, "problems": problems or [],
        "form": {"meeting_date": thai_today(ctx.now()).isoformat(), **(form or {})},
        "can_add": allowed(ctx, "wg_meeting_add", org.id),
    }, status)


@router.get("/organization/{name}/meetings", response_class=HTMLResponse)
def meetings_page(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    return _meetings_page(request, ctx, name)


@router.post("/organization/{name}/meetings", dependencies=[CSRF])
async def add_meeting(request: Request, name: str) -> Response:
    form = await request.form()
    values = _fields(form, "meeting_date", "title", "minutes_url")
    data: dict[str, Any] = {"organization": name, **{k: v for k, v in values.items() if v}}

    def add(ctx: Context) -> Any:
        get_organization(ctx, name)
        working_group_meetings(ctx, name)  # an organization the actor may not see answers 404 first
        return working_group_meeting_add(ctx, data)

    added, problems = attempt(request, add)
    if added is not None:
        return redirect_with_flash(f"/organization/{name}/meetings", "meeting_added")
    with page_context(request) as ctx:
        return _meetings_page(request, ctx, name, problems, values, 422)


# -- quarterly narratives ----------------------------------------------------------------------------------


def _narratives_page(request: Request, ctx: Context, name: str, year: int | None,
                     problems: dict[int, list[Problem]] | None = None, texts: dict[int, str] | None = None,
                     status: int = 200) -> HTMLResponse:
    org = get_organization(ctx, name)
    fiscal_year = year or fiscal_year_of(thai_today(ctx.now())).year
    narratives = [quarter_narrative(ctx, org.name, fiscal_year, quarter) for quarter in (1, 2, 3, 4)]
    return render(request, "narratives.html", {
        "org": organization_public(ctx, org), "year": fiscal_year, "narratives": narratives,
        "problems": problems or {}, "texts": texts or {}, "can_edit": allowed(ctx, "narrative_update", org.id),
    }, status)


@router.get("/organization/{name}/narratives", response_class=HTMLResponse)
def narratives_page(request: Request, ctx: MemberCtx, name: str, year: int | None = None) -> HTMLResponse:
    return _narratives_page(request, ctx, name, year)


@router.post("/organization/{name}/narratives", dependencies=[CSRF])
async def save_narrative(request: Request, name: str) -> Response:
    form = await request.form()
    values = _fields(form, "fiscal_year", "quarter", "version")
    text = str(form.get("text") or "")

    def save(ctx: Context) -> Any:
        get_organization(ctx, name)  # an organization whose records the actor may not read: 404 first
        working_group_meetings(ctx, name)
        version = _number(values["version"]) or None
        return narrative_set(ctx, {"organization": name, "fiscal_year": values["fiscal_year"],
                                   "quarter": values["quarter"], "text": text}, version)

    saved, problems = attempt(request, save)
    year = _number(values["fiscal_year"])
    if saved is not None:
        return redirect_with_flash(f"/organization/{name}/narratives?year={year}#q{saved.quarter}", "narrative_saved")
    with page_context(request) as ctx:
        quarter = _number(values["quarter"])
        return _narratives_page(request, ctx, name, year or None, {quarter: problems}, {quarter: text}, 422)


def _number(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        return 0
