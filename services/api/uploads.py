"""Uploads are authorized before their body is read.

FastAPI parses a multipart body (spooling the file) before it resolves a route's dependencies, so without
this an anonymous client could make the server take in a 400 MB upload only to be told 401 at the end. A
route of class :class:`UploadRoute` whose endpoint is marked with :func:`gated` first settles who sends the
request and whether they may write to the target its path names, from the headers and the path alone; only
then is the body read (and counted by ``services.api.limits``, which stops it at the size limit with 413).
The rules themselves are the catalog's: the gates call the same reads and permission checks the actions do.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from catalog import permissions
from catalog.actions.access import readable_dataset, readable_resource
from catalog.actions.lookup import get_organization
from catalog.context import ANONYMOUS, Context, open_context
from catalog.db import get_engine
from catalog.settings import get_settings
from services.api.deps import act_as_presented
from services.api.errors import HTTPProblem, http_problem

# a gate: the request's context (as the signed-in account) and the path parameters; raises to refuse
Gate = Callable[[Context, Mapping[str, str]], None]
E = TypeVar("E", bound=Callable[..., Any])
GATE_ATTRIBUTE = "__banchi_upload_gate__"


def gated(gate: Gate) -> Callable[[E], E]:
    """Mark an upload endpoint with the check to pass before its body is read."""

    def mark(endpoint: E) -> E:
        setattr(endpoint, GATE_ATTRIBUTE, gate)
        return endpoint

    return mark


# -- the gates: signed in, and allowed to write to the target the path names ------------------------------


def signed_in(ctx: Context, params: Mapping[str, str]) -> None:
    """Any signed-in account (the target is named in the form; the action checks it once read)."""


def may_add_resource(ctx: Context, params: Mapping[str, str]) -> None:
    dataset = readable_dataset(ctx, params["name"])  # one it may not read: 404, as everywhere
    permissions.check(ctx, "resource_create", dataset.owner_org_id)


def may_update_resource(ctx: Context, params: Mapping[str, str]) -> None:
    dataset, _ = readable_resource(ctx, params["resource_id"], params["name"])
    permissions.check(ctx, "resource_update", dataset.owner_org_id)


def may_import_catalog(ctx: Context, params: Mapping[str, str]) -> None:
    """A catalog workbook into an organization: its admin (the rule of ``catalog_import``)."""
    permissions.check(ctx, "catalog_import", get_organization(ctx, params["name"]).id)


def may_add_evidence(ctx: Context, params: Mapping[str, str]) -> None:
    permissions.check(ctx, "evidence_add", get_organization(ctx, params["name"]).id)


# -- the route class ------------------------------------------------------------------------------------------


@contextmanager
def _api_caller(request: Request) -> Iterator[Context]:
    """The API's caller: a token (or the session cookie with its CSRF token); anonymous is refused (401)."""
    with open_context(ANONYMOUS, engine=get_engine(), settings=get_settings()) as ctx:
        act_as_presented(ctx, request)
        if ctx.actor.account_id is None:
            raise HTTPProblem(401, [http_problem("authentication_required")])
        yield ctx


class UploadRoute(APIRoute):
    """A route that runs its endpoint's gate (see :func:`gated`) before FastAPI reads the body."""

    @staticmethod
    def caller(request: Request) -> Any:
        return _api_caller(request)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        gate: Gate | None = getattr(self.endpoint, GATE_ATTRIBUTE, None)
        if gate is None:
            return handler
        caller = self.caller

        def check(request: Request) -> None:
            with caller(request) as ctx:
                gate(ctx, request.path_params)

        async def gated_handler(request: Request) -> Response:
            await run_in_threadpool(check, request)
            return await handler(request)

        return gated_handler
