"""Web sessions and CSRF protection for the pages' forms.

A signed-in browser holds the session token (issue 7's ``session_create``) in the same HttpOnly cookie
the API reads. Every form carries a CSRF token: an HMAC keyed by a secret only this browser's cookies
hold (the session token, or before sign-in a random cookie of its own), which another site can neither
read nor compute, so a forged cross-site POST is refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request, Response

from catalog.actions.accounts import LoginFailed, actor_for_token
from catalog.context import ANONYMOUS, Context, open_context
from catalog.db import get_engine
from catalog.settings import get_settings
from services.api.csrf import csrf_token_for, token_matches
from services.api.deps import SESSION_COOKIE

CSRF_COOKIE = "banchi_csrf"
CSRF_FIELD = "csrf_token"


@contextmanager
def page_context(request: Request) -> Iterator[Context]:
    """One transaction as the signed-in account (anonymous without a session, or with one that ended)."""
    with open_context(ANONYMOUS, engine=get_engine(), settings=get_settings()) as ctx:
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            try:
                ctx.actor = actor_for_token(ctx, secret)
            except LoginFailed:
                request.state.drop_session = True
        request.state.actor = ctx.actor
        yield ctx


def _live_session(request: Request) -> str | None:
    return None if getattr(request.state, "drop_session", False) else request.cookies.get(SESSION_COOKIE)


def _csrf_key(request: Request) -> str:
    key = _live_session(request) or request.cookies.get(CSRF_COOKIE)
    if not key:
        key = getattr(request.state, "new_csrf_seed", None) or secrets.token_urlsafe(32)
        request.state.new_csrf_seed = key
    return key


def csrf_token(request: Request) -> str:
    return csrf_token_for(_csrf_key(request))


def csrf_valid(request: Request, submitted: str | None) -> bool:
    return token_matches(request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE), submitted)


def set_session_cookie(request: Request, response: Response, token: str, max_age: int | None) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


def finish_cookies(request: Request, response: Response) -> None:
    """Cookies a page leaves: the CSRF seed it made, and no session cookie that no longer works."""
    seed = getattr(request.state, "new_csrf_seed", None)
    if seed and not _live_session(request):
        response.set_cookie(CSRF_COOKIE, seed, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
    if getattr(request.state, "drop_session", False):
        response.delete_cookie(SESSION_COOKIE, path="/")
