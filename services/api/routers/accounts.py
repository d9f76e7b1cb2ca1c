"""Accounts and their roles, for sysadmins and organization admins."""

from __future__ import annotations

from fastapi import APIRouter, Response

from catalog.actions.accounts import (
    AccountCreate,
    AccountPublic,
    AccountUpdate,
    RoleGrant,
    account_create,
    account_list,
    account_role_grant,
    account_role_revoke,
    account_show,
    account_update,
)
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_ONLY, Ctx, IfMatch, Page, Paging, tagged

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


@router.get("", responses=READ_ERRORS)
def list_accounts(ctx: Ctx, paging: Paging) -> Page[AccountPublic]:
    """Every account (sysadmin) or those with a role in the organizations you administer."""
    total, accounts = account_list(ctx, limit=paging.limit, offset=paging.offset)
    return Page(count=total, limit=paging.limit, offset=paging.offset, results=accounts)


@router.post("", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def create_account(ctx: Ctx, body: AccountCreate, response: Response) -> AccountPublic:
    return tagged(response, account_create(ctx, body.model_dump(mode="json", exclude_unset=True)))


@router.get("/{key}", responses=READ_ERRORS)
def show_account(ctx: Ctx, key: str, response: Response) -> AccountPublic:
    return tagged(response, account_show(ctx, key))


@router.patch("/{key}", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def update_account(ctx: Ctx, key: str, body: AccountUpdate, version: IfMatch, response: Response) -> AccountPublic:
    """Change display name, password or whether the account may sign in (If-Match: its ETag)."""
    return tagged(response, account_update(ctx, key, body.model_dump(mode="json", exclude_unset=True), version))


@router.post("/{key}/roles", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def grant_role(ctx: Ctx, key: str, body: RoleGrant) -> AccountPublic:
    return account_role_grant(ctx, key, body.model_dump(mode="json", exclude_unset=True))


@router.post("/{key}/roles/revoke", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def revoke_role(ctx: Ctx, key: str, body: RoleGrant) -> AccountPublic:
    return account_role_revoke(ctx, key, body.model_dump(mode="json", exclude_unset=True))
