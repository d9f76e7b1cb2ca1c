"""Request bodies are counted as they arrive, so an oversized upload is refused (413) without being kept;
JSON and form bodies are also checked for text no database can store (``services.api.text``); requests are
counted per client address against the catalog's rate limits (429)."""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.rate_limits import Limited, RateLimits
from services.api.errors import BodyTooLarge
from services.api.text import check_body

JSON_BODY_LIMIT = 2 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and the other fields around an uploaded file


class BodyLimitMiddleware:
    """Refuse a body over the limit: at once by its Content-Length, or as soon as the stream passes it.

    Uploads (paths ending in ``/upload``) may be as large as the settings allow; other bodies are JSON.
    """

    def __init__(self, app: ASGIApp, upload_limit: int):
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        upload = scope["path"].rstrip("/").endswith("/upload")
        limit = self.upload_limit + MULTIPART_OVERHEAD if upload else JSON_BODY_LIMIT
        shown = self.upload_limit if upload else JSON_BODY_LIMIT
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            scope.setdefault("state", {})["body_too_large"] = shown
        received = 0
        media = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower().decode("latin-1")
        kept: list[bytes] | None = None if upload else []  # a JSON or form body, to check once complete

        async def counting_receive() -> Message:
            nonlocal received
            if scope.get("state", {}).get("body_too_large"):
                raise BodyTooLarge(shown)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(shown)
                if kept is not None:
                    kept.append(message.get("body", b""))
                    if not message.get("more_body", False):
                        check_body(media, b"".join(kept))
            return message

        await self.app(scope, counting_receive, send)


# a password sign-in, through the API or the sign-in page
SIGN_IN_PATHS = frozenset({"/api/auth/login", "/user/login"})


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "-"


def rate_limited(request: Request) -> None:
    """Count the request against its client address's limits (the catalog's); over one it answers 429."""
    limits: RateLimits = request.app.state.rate_limits
    address = client_address(request)
    if request.method == "POST" and request.url.path in SIGN_IN_PATHS:
        limits.hit(Limited.sign_in, address)
    if request.url.path.startswith("/api/"):
        limits.hit(Limited.api, address)
