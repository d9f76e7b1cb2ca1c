"""Accounts on the web: one's own password; an organization admin's accounts (add one, its roles, reset its
password, whether it may sign in). Each form calls the same ``catalog.actions.accounts`` action as the API,
which decides who manages which account; a change comes back with a message, a refusal with its problems."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from catalog.actions.accounts import (
    account_create,
    account_list,
    account_role_grant,
    account_role_revoke,
    account_show,
    account_update,
)
from catalog.context import Context
from catalog.models import Organization
from catalog.models.accounts import ROLE_LABELS, Role
from catalog.permissions import allowed
from schemas.messages import Problem
from services.web.deps import CSRF, MemberCtx, attempt
from services.web.flash import redirect_with_flash
from services.web.render import page_for, render
from services.web.security import page_context

router = APIRouter(include_in_schema=False)
ORG_ROLES = (Role.admin, Role.steward, Role.wg_member)


def _fields(form: Any, *keys: str) -> dict[str, str]:
    return {key: str(form.get(key) or "").strip() for key in keys}


# -- one's own password --------------------------------------------------------------------------------------


@router.get("/user/password", response_class=HTMLResponse)
def password_page(request: Request, ctx: MemberCtx) -> HTMLResponse:
    return render(request, "password.html", {"account": account_show(ctx, ctx.actor.account_id or "")})


@router.post("/user/password", dependencies=[CSRF])
async def change_password(request: Request) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in ("current_password", "password")}
    _, problems = attempt(request, lambda ctx: account_update(ctx, ctx.actor.account_id or "", values))
    if not problems:
        return redirect_with_flash("/workspace/", "password_changed")
    with page_context(request) as ctx:
        return render(request, "password.html", {"account": account_show(ctx, ctx.actor.account_id or ""),
                                                 "problems": problems}, 422)


# -- an admin's accounts -------------------------------------------------------------------------------------


def _admin_orgs(ctx: Context, lang: str) -> list[tuple[str, str]]:
    orgs = ctx.session.exec(select(Organization).order_by(col(Organization.name))).all()
    return [(org.name, org.title_en if lang == "en" and org.title_en else org.title)
            for org in orgs if allowed(ctx, "account_create", org.id)]


def _roles(lang: str) -> list[tuple[str, str]]:
    return [(role.value, ROLE_LABELS[role][1 if lang == "en" else 0]) for role in ORG_ROLES]


def _list_page(request: Request, ctx: Context, problems: list[Problem] | None = None,
               form: dict[str, str] | None = None, status: int = 200) -> HTMLResponse:
    lang = page_for(request).lang
    _, accounts = account_list(ctx, limit=500)
    return render(request, "accounts.html", {
        "accounts": accounts, "orgs": _admin_orgs(ctx, lang), "roles": _roles(lang), "problems": problems or [],
        "form": form or {},
    }, status)


@router.get("/accounts/", response_class=HTMLResponse)
@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, ctx: MemberCtx) -> HTMLResponse:
    return _list_page(request, ctx)


@router.post("/accounts/", dependencies=[CSRF])
async def add_account(request: Request) -> Response:
    form = await request.form()
    values = _fields(form, "email", "display_name", "password", "role", "organization")
    data: dict[str, Any] = {"email": values["email"],
                            "roles": [{"role": values["role"], "organization": values["organization"]}]}
    if values["display_name"]:
        data["display_name"] = values["display_name"]
    if values["password"]:
        data["password"] = values["password"]
    created, problems = attempt(request, lambda ctx: account_create(ctx, data))
    if created is not None:
        return redirect_with_flash(f"/accounts/{created.id}", "account_created")
    with page_context(request) as ctx:
        return _list_page(request, ctx, problems, {k: v for k, v in values.items() if k != "password"}, 422)


def _account_page(request: Request, ctx: Context, key: str, problems: list[Problem] | None = None,
                  status: int = 200) -> HTMLResponse:
    account = account_show(ctx, key)  # refused unless the actor manages it (or it is the actor's own)
    lang = page_for(request).lang
    return render(request, "account.html", {
        "account": account, "orgs": _admin_orgs(ctx, lang), "roles": _roles(lang), "problems": problems or [],
    }, status)


@router.get("/accounts/{key}", response_class=HTMLResponse)
def account_page(request: Request, ctx: MemberCtx, key: str) -> HTMLResponse:
    return _account_page(request, ctx, key)


async def _change(request: Request, key: str, change: Any, done: str) -> Response:
    form = await request.form()
    _, problems = attempt(request, lambda ctx: change(ctx, form))
    if not problems:
        return redirect_with_flash(f"/accounts/{key}", done)
    with page_context(request) as ctx:
        return _account_page(request, ctx, key, problems, 422)


def _version(form: Any) -> int | None:
    try:
        return int(str(form.get("version")))
    except ValueError:
        return None


@router.post("/accounts/{key}/password", dependencies=[CSRF])
async def reset_password(request: Request, key: str) -> Response:
    """An admin sets a new password for an account it manages (the account's sessions and tokens end)."""
    return await _change(request, key, lambda ctx, form: account_update(
        ctx, key, {"password": str(form.get("password") or "")}, _version(form)), "password_reset")


@router.post("/accounts/{key}/active", dependencies=[CSRF])
async def set_active(request: Request, key: str) -> Response:
    return await _change(request, key, lambda ctx, form: account_update(
        ctx, key, {"active": form.get("active") == "true"}, _version(form)), "account_saved")


@router.post("/accounts/{key}/roles", dependencies=[CSRF])
async def grant_role(request: Request, key: str) -> Response:
    return await _change(request, key, lambda ctx, form: account_role_grant(
        ctx, key, _fields(form, "role", "organization")), "role_granted")


@router.post("/accounts/{key}/roles/revoke", dependencies=[CSRF])
async def revoke_role(request: Request, key: str) -> Response:
    return await _change(request, key, lambda ctx, form: account_role_revoke(
        ctx, key, _fields(form, "role", "organization")), "role_revoked")
