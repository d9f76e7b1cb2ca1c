"""Signing in and out of the portal (CKAN's ``/user/login``): a password login makes a web session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalog.actions.accounts import password_login, session_create, session_end
from catalog.context import ANONYMOUS, open_context
from catalog.db import get_engine
from catalog.errors import TooManyRequests
from catalog.settings import get_settings
from schemas.messages import ProblemsError
from services.api.deps import SESSION_COOKIE
from services.api.limits import client_address
from services.web.deps import CSRF
from services.web.render import render
from services.web.security import set_session_cookie

router = APIRouter(include_in_schema=False)


def safe_target(came_from: str | None) -> str:
    """Only a path on this site: a sign-in link cannot send people elsewhere."""
    if came_from and came_from.startswith("/") and not came_from.startswith("//") and "\\" not in came_from:
        return came_from
    return "/workspace/"


@router.get("/user/login", response_class=HTMLResponse)
def login_form(request: Request, came_from: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"came_from": safe_target(came_from), "email": ""})


@router.post("/user/login", dependencies=[CSRF])
def login(request: Request, email: Annotated[str, Form(max_length=320)] = "",
          password: Annotated[str, Form(max_length=200)] = "", came_from: Annotated[str, Form()] = "") -> Response:
    settings, engine = get_settings(), get_engine()
    # two transactions: a failure is counted (to slow the next guess) even though the login is refused
    with open_context(ANONYMOUS, engine=engine, settings=settings) as ctx:
        outcome = password_login(ctx, email, password, client_address(request))
    try:
        actor = outcome.raise_for_failure()
    except ProblemsError as exc:
        status = 429 if isinstance(exc, TooManyRequests) else 401
        return render(request, "login.html", {"came_from": safe_target(came_from), "email": email,
                                              "problems": exc.problems}, status)
    with open_context(actor, engine=engine, settings=settings) as ctx:
        session = session_create(ctx, actor)
    response = RedirectResponse(safe_target(came_from), status_code=303)
    max_age = int((session.expires_at - session.created_at).total_seconds()) if session.expires_at else None
    set_session_cookie(request, response, session.token, max_age)
    return response


@router.post("/user/logout", dependencies=[CSRF])
def logout(request: Request) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        with open_context(ANONYMOUS, engine=get_engine(), settings=get_settings()) as ctx:
            session_end(ctx, secret)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
