"""Evaluators: every agency of a fiscal year side by side, and the audited result recorded per quarter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from catalog.actions.evaluation import evaluation_overview
from catalog.actions.indicator import audited_result_record
from catalog.context import Context
from schemas.messages import Problem
from schemas.rubric import available_fiscal_years
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.routers.governance import default_year
from services.web.security import page_context

router = APIRouter(include_in_schema=False)


def _page(request: Request, ctx: Context, year: int, problems: list[Problem] | None = None,
          status: int = 200) -> HTMLResponse:
    overview = evaluation_overview(ctx, year)  # who sees which agency: the catalog's rule
    return render(request, "evaluation.html", {
        "year": year, "years": available_fiscal_years(), "cards": overview.cards, "problems": problems or [],
        "can_record": overview.may_record,
    }, status)


def _year(request: Request, ctx: Context) -> int:
    try:
        return int(request.query_params.get("year", ""))
    except ValueError:
        return default_year(ctx)


@router.get("/evaluation/", response_class=HTMLResponse)
@router.get("/evaluation", response_class=HTMLResponse)
def evaluation(request: Request, ctx: MemberCtx) -> HTMLResponse:
    return _page(request, ctx, _year(request, ctx))


@router.post("/evaluation/audited", dependencies=[CSRF])
async def record(request: Request) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items() if key != "csrf_token"}

    def save(ctx: Context) -> Any:
        return audited_result_record(ctx, {
            "organization": form.get("organization"), "fiscal_year": form.get("fiscal_year"),
            "quarter": form.get("quarter"), "result": form.get("result") or None,
            "figure_2_1": form.get("figure_2_1") or None, "figure_2_2": form.get("figure_2_2") or None,
            "announced": bool(form.get("announced")),
            "evaluator": ctx.actor.person_id or ctx.actor.name, "note": form.get("note") or None})

    saved, problems = attempt(request, save)
    if saved is not None:
        return redirect_with_flash(f"/evaluation/?year={saved.fiscal_year}#org-{saved.organization}", "audited_saved")
    with page_context(request) as ctx:
        try:
            year = int(form.get("fiscal_year", ""))
        except ValueError:
            year = default_year(ctx)
        return _page(request, ctx, year, problems, 422)
