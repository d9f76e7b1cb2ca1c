"""Security headers on every response: what a browser may load and run for Banchi's pages.

HTML pages get a Content-Security-Policy that allows scripts, styles and images from Banchi only (no inline
script: the pages' scripts are files under /static) and no framing by other sites; everything else (JSON,
downloads of uploaded files, feeds) gets a policy that allows nothing and sandboxes it, so an uploaded HTML
file opened from its download address cannot run script as Banchi. A response that sets its own policy (the
printable report, ReDoc) keeps it. Every response says ``nosniff`` and a referrer policy that keeps paths
on Banchi; behind https (the request's scheme, as uvicorn's proxy headers give it) browsers are told to keep
to https.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SANDBOX_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
# the printable report is one self-contained document: its styles and fonts inline, no script at all
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")
REDOC_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
             "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
             "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if "content-security-policy" not in headers:
                    html = headers.get("content-type", "").startswith("text/html")
                    headers["Content-Security-Policy"] = PAGE_CSP if html else SANDBOX_CSP
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
