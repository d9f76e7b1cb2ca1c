"""A dataset's lifecycle on the web: publish a draft, withdraw, restore, delete (with a confirmation), keep
private; each form calls the same ``catalog`` action as the API and comes back with a message, or with the
action's problems on the dataset page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from catalog.actions.access import readable_dataset
from catalog.actions.datasets import (
    dataset_delete,
    dataset_publish_draft,
    dataset_restore,
    dataset_update,
    dataset_withdraw,
)
from catalog.context import Context
from catalog.permissions import check_dataset
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.flash import redirect_with_flash
from services.web.render import render
from services.web.routers.public import dataset_page_response
from services.web.security import page_context

router = APIRouter(include_in_schema=False)


def _version(raw: Any) -> int | None:
    try:
        return int(str(raw))
    except ValueError:
        return None


async def _run(request: Request, name: str, change: Callable[[Context, int | None, str | None], Any],
               done: str, target: str | None = None) -> Response:
    form = await request.form()
    version = _version(form.get("version"))
    reason = str(form.get("reason") or "").strip() or None
    _, problems = attempt(request, lambda ctx: change(ctx, version, reason))
    if not problems:
        return redirect_with_flash(target or f"/dataset/{name}", done)
    with page_context(request) as ctx:
        return dataset_page_response(request, ctx, name, problems=problems, status=422)


@router.post("/dataset/{name}/publish", dependencies=[CSRF])
async def publish(request: Request, name: str) -> Response:
    return await _run(request, name, lambda ctx, v, r: dataset_publish_draft(ctx, name, v, r), "dataset_published")


@router.post("/dataset/{name}/withdraw", dependencies=[CSRF])
async def withdraw(request: Request, name: str) -> Response:
    return await _run(request, name, lambda ctx, v, r: dataset_withdraw(ctx, name, v, r), "dataset_withdrawn")


@router.post("/dataset/{name}/restore", dependencies=[CSRF])
async def restore(request: Request, name: str) -> Response:
    return await _run(request, name, lambda ctx, v, r: dataset_restore(ctx, name, v, r), "dataset_restored")


@router.post("/dataset/{name}/private", dependencies=[CSRF])
async def set_private(request: Request, name: str) -> Response:
    form = await request.form()
    private = form.get("private") == "true"
    return await _run(request, name, lambda ctx, v, r: dataset_update(ctx, name, {"private": private}, v, r),
                      "dataset_made_private" if private else "dataset_made_shareable")


@router.get("/dataset/{name}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    """The confirmation a deletion asks for (its organization's admins and stewards; others: 404 or 403)."""
    dataset = readable_dataset(ctx, name)
    check_dataset(ctx, "dataset_delete", dataset)
    return render(request, "dataset_delete.html", {"dataset": dataset})


@router.post("/dataset/{name}/delete", dependencies=[CSRF])
async def delete(request: Request, name: str) -> Response:
    return await _run(request, name, lambda ctx, v, r: dataset_delete(ctx, name, v, r), "dataset_deleted",
                      target="/workspace/")
