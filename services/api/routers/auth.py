"""Signing in with a password (a web session in a cookie), the signed-in account, and its personal tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from catalog.actions.accounts import (
    AccountPublic,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    account_show,
    password_login,
    session_create,
    session_end,
    token_create,
    token_list,
    token_revoke,
)
from catalog.context import ANONYMOUS, open_context
from catalog.db import get_engine
from catalog.settings import get_settings
from services.api.common import WRITE_ERRORS, problem_responses
from services.api.csrf import csrf_token_for
from services.api.deps import JSON_ONLY, SESSION_COOKIE, Ctx, require_account, require_csrf
from services.api.limits import client_address

router = APIRouter(tags=["accounts"])


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=200)


class SignedIn(BaseModel):
    account: AccountPublic
    expires_at: dt.datetime | None
    csrf_token: str = Field(description="send it as X-CSRF-Token with every change made with the session cookie")


@router.post("/api/auth/login", dependencies=[JSON_ONLY], responses=problem_responses(401, 415, 422, 429))
def login(body: Login, request: Request, response: Response) -> SignedIn:
    """Sign in with email and password; the session is kept in an HttpOnly cookie. Repeated failures
    are slowed down per account and client address (429 with Retry-After); the owner signing in from
    another address is not held back by someone else's guesses."""
    # two transactions: the failure count must be kept even though the login is refused
    settings = get_settings()
    with open_context(ANONYMOUS, engine=get_engine(), settings=settings) as ctx:
        outcome = password_login(ctx, body.email, body.password, client_address(request))
    actor = outcome.raise_for_failure()
    with open_context(actor, engine=get_engine(), settings=settings) as ctx:
        session = session_create(ctx, actor)
        account = account_show(ctx, actor.account_id or "")
    max_age = int((session.expires_at - session.created_at).total_seconds()) if session.expires_at else None
    response.set_cookie(SESSION_COOKIE, session.token, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return SignedIn(account=account, expires_at=session.expires_at, csrf_token=csrf_token_for(session.token))


@router.post("/api/auth/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(403))
def logout(request: Request, response: Response) -> None:
    """End the web session: its token is revoked and the cookie cleared (with its CSRF token, as any change)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        require_csrf(request, secret)
        with open_context(ANONYMOUS, engine=get_engine(), settings=get_settings()) as ctx:
            session_end(ctx, secret)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/api/me", responses=problem_responses(401))
def me(ctx: Ctx) -> AccountPublic:
    """The account the request acts as."""
    return account_show(ctx, require_account(ctx))


@router.get("/api/me/tokens", responses=problem_responses(401))
def my_tokens(ctx: Ctx) -> list[TokenPublic]:
    """Your personal tokens that still work (never their secrets)."""
    require_account(ctx)
    return [token for token in token_list(ctx) if not token.session]


@router.post("/api/me/tokens", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def create_token(ctx: Ctx, body: TokenCreate) -> TokenCreated:
    """A new personal token. Its secret is in this response only; keep it."""
    require_account(ctx)
    return token_create(ctx, body.model_dump(mode="json"))


@router.delete("/api/me/tokens/{token_id}", responses=problem_responses(401, 403, 404))
def revoke_token(ctx: Ctx, token_id: str) -> TokenPublic:
    """Revoke a token; it stops working at once (needs the write scope)."""
    require_account(ctx)
    return token_revoke(ctx, token_id)

