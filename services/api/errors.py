"""Problems as RFC 9457 ``application/problem+json``, in the language the client asks for."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from catalog.errors import Conflict, NotFound, PermissionDenied
from schemas.messages import ProblemsError


def preferred_language(request: Request) -> str:
    header = request.headers.get("accept-language", "th").lower()
    return "en" if header.startswith("en") else "th"


def status_for(exc: ProblemsError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, PermissionDenied):
        return 403
    return 422


def problems_response(request: Request, exc: ProblemsError) -> JSONResponse:
    lang = preferred_language(request)
    status = status_for(exc)
    body = {
        "type": "about:blank",
        "title": exc.problems[0].message(lang) if len(exc.problems) == 1 else
        ("ข้อมูลไม่ถูกต้อง" if lang == "th" else "Invalid input"),
        "status": status,
        "errors": [p.model_dump(exclude_none=True) | {"message": p.message(lang)} for p in exc.problems],
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json",
                        headers={"Content-Language": lang})
