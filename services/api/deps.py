"""What routes depend on: the action context (one transaction as the caller), the version a client saw
(``If-Match``), the content type a write must carry, and list paging."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Header, Query, Request, Response, params
from pydantic import BaseModel

from catalog.actions.accounts import actor_for_token
from catalog.context import ANONYMOUS, Actor, Context, open_context
from catalog.db import get_engine
from catalog.settings import get_settings
from services.api.csrf import cookie_write_allowed
from services.api.errors import HTTPProblem, http_problem

SESSION_COOKIE = "banchi_session"
T = TypeVar("T")


def presented_credential(request: Request) -> tuple[str | None, bool]:
    """A token from ``Authorization: Bearer …``, CKAN's bare ``Authorization``/``X-CKAN-API-Key``, or the
    web session cookie; and whether it came from the cookie (which a browser sends for any site)."""
    header = request.headers.get("authorization") or request.headers.get("x-ckan-api-key") or ""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip(), False
    if header.strip() and not rest:
        return header.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE) or None
    return cookie, cookie is not None


def require_csrf(request: Request, session_secret: str) -> None:
    """Refuse (403) a state-changing request made with the session cookie from anywhere but Banchi."""
    if not cookie_write_allowed(request, session_secret):
        raise HTTPProblem(403, [http_problem("csrf_required", "X-CSRF-Token")])


def action_context(request: Request) -> Iterator[Context]:
    """One transaction for the request, as the account its token names (anonymous without one).

    Scoped to the route function, so it commits before the response is sent: a client never sees
    success for a change that was not kept.
    """
    with open_context(ANONYMOUS, engine=get_engine(), settings=get_settings()) as ctx:
        act_as_presented(ctx, request)
        yield ctx


def acting_actor(request: Request) -> Actor:
    """Who the request acts as, settled in a transaction of its own: for routes that run several short
    transactions themselves (a publish run), so none is held open while a portal answers."""
    with open_context(ANONYMOUS, engine=get_engine(), settings=get_settings()) as ctx:
        act_as_presented(ctx, request)
        return ctx.actor


def act_as_presented(ctx: Context, request: Request) -> None:
    """Act as the account the request's credential names; a cookie's write needs its CSRF token."""
    secret, from_cookie = presented_credential(request)
    if secret:
        if from_cookie:
            require_csrf(request, secret)
        ctx.actor = actor_for_token(ctx, secret)
    request.state.actor = ctx.actor


Ctx = Annotated[Context, Depends(action_context, scope="function")]
Acting = Annotated[Actor, Depends(acting_actor)]


def require_account(ctx: Ctx) -> str:
    """The signed-in account; anonymous requests are refused (401) before their input is looked at."""
    if ctx.actor.account_id is None:
        raise HTTPProblem(401, [http_problem("authentication_required")])
    return ctx.actor.account_id


SIGNED_IN = Depends(require_account)

_ETAG = re.compile(r'^(?:W/)?"(\d+)"$')


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def tagged(response: Response, item: T) -> T:
    """``item`` (a model or dict with a ``version``), its ETag set on the response."""
    version = item["version"] if isinstance(item, dict) else item.version  # type: ignore[attr-defined]
    set_etag(response, version)
    return item


def expected_version(
    if_match: Annotated[str | None, Header(description='ETag of the version being edited, e.g. "3"; * for any')] = None,
) -> int | None:
    """The version the client edited (from ``If-Match``); writes without one are refused (428)."""
    if if_match is None or not if_match.strip():
        raise HTTPProblem(428, [http_problem("precondition_required", "If-Match")])
    value = if_match.strip()
    if value == "*":
        return None
    found = _ETAG.match(value.split(",")[0].strip())
    if not found:
        raise HTTPProblem(400, [http_problem("invalid_if_match", "If-Match", value=value[:100])])
    return int(found.group(1))


IfMatch = Annotated[int | None, Depends(expected_version)]


def require_media_type(*allowed: str) -> params.Depends:
    """A dependency refusing (415) a body of any other content type than ``allowed``."""

    def check(request: Request) -> None:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in allowed and not (media.endswith("+json") and "application/json" in allowed):
            raise HTTPProblem(415, [http_problem("unsupported_media_type", "Content-Type", value=media or "-",
                                                 allowed=" / ".join(allowed))])

    return Depends(check)


JSON_ONLY = require_media_type("application/json")
MULTIPART_ONLY = require_media_type("multipart/form-data")


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=1000, description="items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]

class Page(BaseModel, Generic[T]):
    count: int
    limit: int
    offset: int
    results: list[T]


# the dependencies of a write by a signed-in account, with a JSON body or an upload
JSON_WRITE = [JSON_ONLY, SIGNED_IN]
UPLOAD_WRITE = [MULTIPART_ONLY, SIGNED_IN]
