"""The message a page shows after a change (a "flash"): set on the redirect that follows a form's POST, shown
once by the next page, then dropped. The cookie holds only the key of a text of ``texts.yaml`` (and a count),
never text of the request, so nothing a cross-site page or a link sets can put words on a Banchi page."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import RedirectResponse

from services.web.i18n import texts, translate

FLASH_COOKIE = "banchi_flash"
_VALUE = re.compile(r"^(?P<key>[a-z0-9_]{1,60})(?::(?P<count>\d{1,6}))?$")


def redirect_with_flash(url: str, key: str, count: int | None = None) -> RedirectResponse:
    """A 303 to ``url`` whose page says ``flash_<key>`` (with ``{count}`` filled in when given)."""
    if f"flash_{key}" not in texts():
        raise KeyError(f"no text flash_{key} in texts.yaml")
    response = RedirectResponse(url, status_code=303)
    value = key if count is None else f"{key}:{count}"
    response.set_cookie(FLASH_COOKIE, value, max_age=120, httponly=True, samesite="lax", path="/")
    return response


def take_flash(request: Request, lang: str) -> str | None:
    """The flash this request carries, in ``lang`` (the page that shows it deletes the cookie)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if raw is None:
        return None
    found = _VALUE.match(raw)
    if found is None or f"flash_{found['key']}" not in texts():
        return None
    count = found["count"]
    return translate(lang, f"flash_{found['key']}", count=int(count) if count else 0)
