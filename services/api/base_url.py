"""Links follow the address the client used: each request's base URL is recorded for its duration.

The base URL is the scheme, host and root path the request arrived with, as the ASGI server hands them on:
behind a reverse proxy, uvicorn's ``--proxy-headers`` (for the addresses in ``--forwarded-allow-ips``) sets
the scheme from ``X-Forwarded-Proto``; forwarded headers from anyone else are not believed, and the proxy
passes the public ``Host`` on. A ``Host`` that is not a host name (and port) is ignored for the server's own
address, so a forged header cannot put markup or a path into a link. ``BANCHI_SITE_URL``, when set, wins
(``catalog.links``).
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from catalog.links import serving_at

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::\d{{1,5}})?$")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def request_base_url(scope: Scope) -> str:
    """``scheme://host[:port]/root_path`` of an HTTP request, without a trailing slash."""
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    host = next((value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"host"), "")
    if not _HOST.match(host):
        server = scope.get("server")
        if server and server[1] is not None:
            address, port = server
            address = f"[{address}]" if ":" in address else address
            host = address if port == _DEFAULT_PORTS[scheme] else f"{address}:{port}"
        else:
            host = "localhost"
    root_path = scope.get("root_path", "").rstrip("/")
    return f"{scheme}://{host}{root_path}"


class RequestBaseURLMiddleware:
    """Makes the request's base URL the start of the links made while it is served."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        with serving_at(request_base_url(scope)):
            await self.app(scope, receive, send)
