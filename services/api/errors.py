"""Problems as RFC 9457 ``application/problem+json``, in the language the client asks for.

Every refusal the API gives goes through here: domain problems from the catalog, request validation
(malformed JSON, unknown fields), HTTP-level refusals (wrong content type, body too large, stale
``If-Match``) and unexpected errors. Routes under the CKAN-compatible API get CKAN's envelope instead.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.actions.accounts import LoginFailed
from catalog.actions.validation import SECRET_FIELDS
from catalog.errors import TAKEN_CODES, AlreadyTaken, Conflict, NotFound, PermissionDenied, TooManyRequests
from schemas.messages import Problem, ProblemsError, problem

log = logging.getLogger("banchi.api")

PROBLEM_JSON = "application/problem+json"
CKAN_PREFIXES = ("/api/3/action/", "/api/action/")

# HTTP-level messages of the API (the catalog's own live in schemas/messages.py)
HTTP_MESSAGES: dict[str, tuple[str, str]] = {
    "malformed_json": ("เนื้อหาคำขอไม่ใช่ JSON ที่ถูกต้อง ({detail})", "The request body is not valid JSON ({detail})"),
    "unknown_field": ("ไม่รู้จักฟิลด์ {field}", "{field} is not a known field"),
    "required": ("ต้องระบุ {field}", "{field} is required"),
    "invalid_value": ("{field}: ค่า “{value}” ไม่ถูกต้อง ({detail})", "{field}: “{value}” is not valid ({detail})"),
    "unsupported_media_type": (
        "ชนิดเนื้อหา “{value}” ใช้ไม่ได้ที่นี่ ต้องเป็น {allowed}", "Content type “{value}” is not accepted here; send {allowed}"
    ),
    "payload_too_large": ("คำขอมีขนาดเกิน {limit:,} ไบต์", "The request is larger than the limit of {limit:,} bytes"),
    "precondition_required": (
        "ต้องส่งส่วนหัว If-Match พร้อม ETag ของฉบับที่ท่านแก้ไข",
        "Send an If-Match header with the ETag of the version you edited",
    ),
    "invalid_if_match": ("ส่วนหัว If-Match “{value}” ไม่ถูกต้อง", "The If-Match header “{value}” is not a valid ETag"),
    "authentication_required": ("กรุณาเข้าสู่ระบบหรือส่งโทเค็น", "Sign in or send a token"),
    "csrf_required": (
        "คำขอที่เปลี่ยนแปลงข้อมูลด้วยคุกกี้การเข้าสู่ระบบต้องมาจากหน้าเว็บของ Banchi: ส่งโทเค็น CSRF ในส่วนหัว X-CSRF-Token",
        "A change made with the session cookie must come from Banchi's own pages: send the CSRF token in the "
        "X-CSRF-Token header",
    ),
    "route_not_found": ("ไม่พบหน้าที่ขอ", "Not found"),
    "method_not_allowed": ("ไม่รองรับวิธี {value} ที่ที่อยู่นี้", "Method {value} is not allowed here"),
    "internal_error": ("ระบบขัดข้อง กรุณาลองใหม่ภายหลัง", "Something went wrong on our side; please try again later"),
    "bad_request": ("คำขอไม่ถูกต้อง ({detail})", "Bad request ({detail})"),
}


def http_problem(code: str, field: str | None = None, **params: Any) -> Problem:
    th, en = HTTP_MESSAGES[code]
    params.setdefault("field", field or "")
    return Problem(code=code, field=field, th=th.format(**params), en=en.format(**params),
                   value=params.get("value") if isinstance(params.get("value"), str | int | None) else None)


class HTTPProblem(ProblemsError):
    """A refusal at the HTTP level, with its status and headers."""

    def __init__(self, status: int, problems: list[Problem], headers: dict[str, str] | None = None):
        super().__init__(problems)
        self.status, self.headers = status, headers or {}


class BodyTooLarge(HTTPException):
    """Raised from inside the body stream, so FastAPI's body parsing passes it on untouched."""

    def __init__(self, limit: int):
        super().__init__(413)
        self.limit = limit


def preferred_language(request: Request) -> str:
    """``th`` or ``en`` by the client's ``Accept-Language`` weights; Thai when it names neither."""
    best, best_q = "th", -1.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in ("th", "en") and quality > best_q:
            best, best_q = language, quality
    return best


def status_for(exc: ProblemsError, request: Request | None = None) -> int:
    if isinstance(exc, HTTPProblem):
        return exc.status
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 412  # the version the client saw (If-Match) is no longer current
    if isinstance(exc, AlreadyTaken) or (exc.problems and all(p.code in TAKEN_CODES for p in exc.problems)):
        return 409  # a name, title or email someone else holds
    if isinstance(exc, LoginFailed):
        return 401
    if isinstance(exc, TooManyRequests):
        return 429
    if isinstance(exc, PermissionDenied):
        actor = getattr(getattr(request, "state", None), "actor", None)
        return 403 if actor is not None and actor.authenticated else 401
    if any(p.code == "file_too_large" for p in exc.problems):
        return 413
    return 422


def problems_response(request: Request, exc: ProblemsError) -> JSONResponse:
    status = status_for(exc, request)
    headers = dict(getattr(exc, "headers", {}) or {})
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="banchi"')
    if request.url.path.startswith(CKAN_PREFIXES):
        return ckan_error_response(request, exc, status, headers)
    lang = preferred_language(request)
    body = {
        "type": "about:blank",
        "title": exc.problems[0].message(lang) if len(exc.problems) == 1 else
        ("ข้อมูลไม่ถูกต้อง" if lang == "th" else "Invalid input"),
        "status": status,
        "errors": [p.model_dump(exclude_none=True) | {"message": p.message(lang)} for p in exc.problems],
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON,
                        headers={"Content-Language": lang, **headers})


CKAN_ERROR_TYPES = {404: "Not Found Error", 403: "Authorization Error", 401: "Authorization Error",
                    409: "Validation Error", 422: "Validation Error"}


def ckan_error_response(request: Request, exc: ProblemsError, status: int, headers: dict[str, str]) -> JSONResponse:
    """CKAN's envelope, so ckanapi raises NotFound / NotAuthorized / ValidationError as it does for CKAN."""
    lang = preferred_language(request)
    if status == 422:
        status = 409  # CKAN answers validation errors with 409
    error: dict[str, Any] = {"__type": getattr(exc, "ckan_type", None) or CKAN_ERROR_TYPES.get(status, "Error"),
                             "message": "; ".join(p.message(lang) for p in exc.problems)}
    if error["__type"] == "Validation Error":
        for p in exc.problems:
            error.setdefault(p.field or "__junk", []).append(p.message(lang))
    action = request.url.path.rsplit("/", 1)[-1]
    body = {"help": f"{str(request.base_url).rstrip('/')}/api/3/action/help_show?name={action}",
            "success": False, "error": error}
    return JSONResponse(body, status_code=status, headers=headers)


def request_validation_problems(exc: RequestValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
        field = ".".join(loc) or None
        kind = error.get("type", "")
        if kind == "json_invalid":
            problems.append(http_problem("malformed_json", None, detail=(error.get("ctx") or {}).get("error", "")))
        elif kind == "extra_forbidden":
            problems.append(http_problem("unknown_field", field))
        elif kind == "missing":
            problems.append(http_problem("required", field))
        elif kind in ("invalid_url", "invalid_date", "invalid_date_year"):
            problems.append(problem(kind, field, **(error.get("ctx") or {})))
        else:
            value = "…" if loc and loc[-1] in SECRET_FIELDS else error.get("input")
            problems.append(http_problem("invalid_value", field, detail=error.get("msg", ""),
                                         value=value if isinstance(value, str | int | float | bool) else "…"))
    return problems


def install_error_handlers(app: Any) -> None:
    @app.exception_handler(ProblemsError)
    async def _problems(request: Request, exc: ProblemsError) -> JSONResponse:
        return problems_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problems_response(request, HTTPProblem(422, request_validation_problems(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, ProblemsError):  # raised from inside the body stream (services.api.text)
            return problems_response(request, exc)
        if isinstance(exc, BodyTooLarge):
            found = http_problem("payload_too_large", None, limit=exc.limit)
        elif exc.status_code == 404:
            found = http_problem("route_not_found")
        elif exc.status_code == 405:
            found = http_problem("method_not_allowed", value=request.method)
        else:
            found = http_problem("bad_request", detail=str(exc.detail))
        return problems_response(request, HTTPProblem(exc.status_code, [found], dict(exc.headers or {})))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problems_response(request, HTTPProblem(500, [http_problem("internal_error")]))
