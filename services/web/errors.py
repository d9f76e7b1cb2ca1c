"""Refusals on the portal's pages are pages too (in the page language); the API keeps its problem+json."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.errors import NotFound, PermissionDenied
from schemas.messages import ProblemsError
from services.api.errors import status_for
from services.web.render import render

log = logging.getLogger("banchi.web")


class CsrfRefused(Exception):
    """A form came without this browser's token (forged, or from a page too old)."""


def is_page(request: Request) -> bool:
    """Whether the request was for one of the portal's pages (else the API answers in its own way)."""
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    if endpoint is not None:
        return getattr(endpoint, "__module__", "").startswith("services.web")
    path = request.url.path
    return not path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/user/login?came_from={quote(target)}", status_code=303)


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, CsrfRefused):
        return render(request, "error.html", {"title": "error_title", "messages": [], "text": "csrf_failed"}, 403)
    if isinstance(exc, PermissionDenied):
        actor = getattr(request.state, "actor", None)
        if actor is None or not actor.authenticated:
            return login_redirect(request)
        return render(request, "error.html", {"title": "forbidden_title", "problems": exc.problems}, 403)
    if isinstance(exc, NotFound) or (isinstance(exc, StarletteHTTPException) and exc.status_code == 404):
        return render(request, "error.html", {"title": "not_found_title", "text": "not_found_text"}, 404)
    if isinstance(exc, ProblemsError):
        return render(request, "error.html", {"title": "error_title", "problems": exc.problems},
                      status_for(exc, request))
    if isinstance(exc, StarletteHTTPException):
        text = "too_large" if exc.status_code == 413 else None
        return render(request, "error.html", {"title": "error_title", "text": text}, exc.status_code)
    if isinstance(exc, RequestValidationError):
        return render(request, "error.html", {"title": "error_title"}, 400)
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return render(request, "error.html", {"title": "error_title"}, 500)


def install_page_errors(app: FastAPI) -> None:
    """Wrap the API's handlers: pages get an HTML page, everything else what the API gives."""
    for kind in (ProblemsError, StarletteHTTPException, RequestValidationError, Exception, CsrfRefused):
        original: Any = app.exception_handlers.get(kind)

        async def handler(request: Request, exc: Exception, original: Any = original) -> Response:
            if original is None or is_page(request):
                return error_page(request, exc)
            return await original(request, exc)

        app.add_exception_handler(kind, handler)
