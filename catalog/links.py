"""Where Banchi's own links (downloads, evidence, API results, DCAT) point.

``BANCHI_SITE_URL``, when it is set on purpose, is the one public address. Otherwise a link follows the
address the client used: the web application records each request's base URL (scheme, host and root path)
for the request's duration (``serving_at``), and a job records the base URL of the request that queued it.
With neither (the command line), a link is a path from the site's root, which is what a person can use
against wherever they serve Banchi.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from catalog.settings import Settings

_request_base_url: ContextVar[str | None] = ContextVar("banchi_request_base_url", default=None)


@contextmanager
def serving_at(base_url: str | None) -> Iterator[None]:
    """Links made inside the block (and in contexts opened in it) start at ``base_url``."""
    token = _request_base_url.set(base_url.rstrip("/") if base_url else None)
    try:
        yield
    finally:
        _request_base_url.reset(token)


def current_base_url() -> str | None:
    """The base URL of the request (or the queuing request) being served, if any."""
    return _request_base_url.get()


def link_base(settings: Settings, base_url: str | None) -> str:
    """What Banchi's links start with: the configured site URL, else ``base_url``, else "" (root paths)."""
    return (settings.site_url or base_url or "").rstrip("/")
