"""Cross-site request forgery: a change made with the session cookie must come from Banchi's own pages.

A browser sends the session cookie with any request to Banchi, whichever site made it (a form another site
posts, JSON or multipart). So a state-changing request (anything but GET, HEAD, OPTIONS) that authenticates
with the cookie is accepted only with the CSRF token in the ``X-CSRF-Token`` header (the web forms carry it
as the ``csrf_token`` field) or with an ``Origin`` header naming Banchi itself. The token is an HMAC keyed by
the session's secret, which only this browser holds; the same token a page's forms carry, and what
``POST /api/auth/login`` answers. Requests with ``Authorization: Bearer …`` (or a CKAN API key) are exempt:
no other site can make a browser send those.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from catalog.settings import get_settings

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token_for(secret: str) -> str:
    """The CSRF token that goes with a session (or, before sign-in, a browser's own random seed)."""
    return hmac.new(secret.encode(), b"banchi-form", hashlib.sha256).hexdigest()


def token_matches(secret: str | None, submitted: str | None) -> bool:
    if not secret or not submitted:
        return False
    return hmac.compare_digest(csrf_token_for(secret), submitted.strip())


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{parts.hostname.lower()}" + (f":{port}" if port and port != default else "")


def same_origin(request: HTTPConnection) -> bool:
    """The request's ``Origin`` is this site: the address it was sent to, or the configured ``site_url``."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return False
    configured = get_settings().site_url
    own = {_origin(str(request.base_url)), _origin(configured) if configured else None} - {None}
    return _origin(origin) in own


def cookie_write_allowed(request: HTTPConnection, session_secret: str) -> bool:
    """Whether a state-changing request authenticated by the session cookie may go on."""
    if request.scope.get("method", "GET") in SAFE_METHODS:
        return True
    return token_matches(session_secret, request.headers.get(CSRF_HEADER)) or same_origin(request)
