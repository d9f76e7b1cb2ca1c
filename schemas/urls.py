"""Links people enter: only ``http://`` and ``https://`` addresses with a host.

Every URL field (a dataset's and a resource's links, evidence, meeting minutes, an organization's website,
a portal's address) goes through :func:`http_url`, so a ``javascript:``, ``data:``, ``file:`` or ``ftp:``
link is refused where it is entered, before any page or export shows it. In a pydantic model use
:data:`HttpUrlText`; the error it raises has the code ``invalid_url``, which ``schemas.messages`` turns
into a bilingual problem naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000


def is_http_url(text: str) -> bool:
    """True for an absolute ``http``/``https`` URL with a host and no whitespace or control characters."""
    if not text or len(text) > MAX_URL_LENGTH:
        return False
    if any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in text):
        return False  # browsers drop tabs and newlines and read "\" as "/": what they open must be what we checked
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.hostname)


def http_url(value: Any) -> str:
    """``value`` stripped, when it is an http(s) URL; a ``PydanticCustomError('invalid_url')`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise PydanticCustomError("invalid_url", "not an http:// or https:// URL", {"value": str(value)[:200]})
    text = value.strip()
    if not is_http_url(text):
        raise PydanticCustomError("invalid_url", "not an http:// or https:// URL", {"value": text[:200]})
    return text


# a pydantic field holding a link: ``url: HttpUrlText | None = None``
HttpUrlText = Annotated[str, BeforeValidator(http_url)]


def safe_href(value: Any) -> str:
    """``value`` for a link's ``href`` when it is an http(s) URL or a path on this site; ``#`` otherwise, so
    a link stored before these checks (or harvested) can never run script when clicked."""
    text = str(value or "").strip()
    if is_http_url(text) or (text.startswith("/") and not text.startswith("//") and "\\" not in text):
        return text
    return "#"
