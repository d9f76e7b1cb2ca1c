"""Registering and editing datasets (CKAN's ``/dataset/new`` and ``/dataset/edit/NAME``), with forms made
from the metadata profile; ``dataset_create``/``dataset_update`` decide what is valid."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.access import dataset_show, readable_dataset
from catalog.actions.datasets import check_editable, dataset_create, dataset_update
from catalog.context import Context
from catalog.errors import PermissionDenied
from catalog.models import Organization
from schemas.messages import Problem
from schemas.profile import Profile
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.flash import redirect_with_flash
from services.web.forms import dataset_form, form_input, rule_json
from services.web.render import page_for, render
from services.web.security import page_context

router = APIRouter(include_in_schema=False)


def organizations_for(ctx: Context, action: str, lang: str) -> list[tuple[str, str]]:
    """(name, title) of the organizations where the actor may do ``action``."""
    orgs = ctx.session.exec(select(Organization).order_by(col(Organization.name))).all()
    return [(org.name, org.title_en if lang == "en" and org.title_en else org.title)
            for org in orgs if permissions.allowed(ctx, action, org.id)]


def _form_page(request: Request, ctx: Context, profile: Profile, values: dict[str, Any], problems: list[Problem],
               *, heading: str, cancel_url: str, dataset: dict[str, Any] | None = None, status: int = 200,
               version: Any = None) -> HTMLResponse:
    lang = page_for(request).lang
    orgs = organizations_for(ctx, "dataset_create", lang)
    if dataset and not any(name == dataset["owner_org"] for name, _ in orgs):
        orgs.insert(0, (dataset["owner_org"], dataset["organization"]["title"]))
    fields = dataset_form(profile, values, problems, lang, orgs)
    return render(request, "dataset_form.html", {
        "fields": fields, "field_keys": [f.key for f in fields], "problems": problems, "heading": heading,
        "rule": rule_json(profile), "type_codes": json.dumps({t.value: t.code for t in profile.dataset_types},
                                                             ensure_ascii=False),
        "cancel_url": cancel_url, "dataset": dataset, "version": version,
    }, status)


@router.get("/dataset/new", response_class=HTMLResponse)
def new_dataset(request: Request, ctx: MemberCtx, data_type: str | None = None,
                owner_org: str | None = None) -> HTMLResponse:
    profile = ctx.profile
    if not organizations_for(ctx, "dataset_create", "th"):
        raise PermissionDenied("dataset_create")
    if profile.type_code(data_type or "") is None:
        types = [(term.value, term.label(page_for(request).lang))
                 for term in profile.terms(profile.dataset_field("data_type"))]
        return render(request, "dataset_type.html", {"types": types, "owner_org": owner_org})
    values = {"data_type": profile.type_value(profile.type_code(data_type or "") or "O"), "owner_org": owner_org}
    return _form_page(request, ctx, profile, values, [], heading="new_dataset", cancel_url="/workspace/")


@router.post("/dataset/new", dependencies=[CSRF])
async def create_dataset(request: Request) -> Response:
    form = await request.form()
    result, problems = attempt(request, lambda ctx: dataset_create(ctx, form_input(ctx.profile, form,
                                                                                   keep_empty=False)))
    if result is not None:
        return redirect_with_flash(f"/dataset/{result['name']}", "dataset_created")
    with page_context(request) as ctx:
        values = form_input(ctx.profile, form, keep_empty=True)
        return _form_page(request, ctx, ctx.profile, values, problems, heading="new_dataset",
                          cancel_url="/workspace/", status=422)


@router.get("/dataset/edit/{name}", response_class=HTMLResponse)
def edit_dataset(request: Request, ctx: MemberCtx, name: str) -> HTMLResponse:
    dataset = readable_dataset(ctx, name)
    permissions.check(ctx, "dataset_update", dataset.owner_org_id)
    check_editable(dataset)  # deleted: the action's message, not a form that cannot be saved
    shown = dataset_show(ctx, name)
    return _form_page(request, ctx, ctx.profile_for(dataset.profile), shown, [], heading="edit_dataset",
                      cancel_url=f"/dataset/{name}", dataset=shown, version=shown["version"])


@router.post("/dataset/edit/{name}", dependencies=[CSRF])
async def update_dataset(request: Request, name: str) -> Response:
    form = await request.form()
    version = _version(form.get("version"))

    def change(ctx: Context) -> dict[str, Any]:
        dataset = readable_dataset(ctx, name)
        return dataset_update(ctx, name, form_input(ctx.profile_for(dataset.profile), form, keep_empty=True),
                              expected_version=version)

    result, problems = attempt(request, change)
    if result is not None:
        return redirect_with_flash(f"/dataset/{result['name']}", "dataset_saved")
    with page_context(request) as ctx:
        shown = dataset_show(ctx, name)
        profile = ctx.profile_for(shown["profile"])
        values = form_input(profile, form, keep_empty=True)
        return _form_page(request, ctx, profile, values, problems, heading="edit_dataset",
                          cancel_url=f"/dataset/{name}", dataset=shown, status=422, version=shown["version"]
                          if any(p.code == "stale_version" for p in problems) else version)


def _version(raw: Any) -> int | None:
    try:
        return int(str(raw))
    except ValueError:
        return None
