"""What the ``publish`` and ``harvest`` commands share: a transaction opener per step, and the client.

The operator running the command line names the portal either by its address (``--ckan-url`` and
``--api-key``, as before: their own choice, so private addresses are allowed) or as registered
(``--portal NAME``: its stored key and its network permission).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from catalog.actions.portals import portal_connection
from catalog.context import open_context
from catalog.publish_messages import publish_problem
from schemas.messages import ProblemsError
from schemas.profile import load_profile
from services.ckan.client import PortalClient
from services.ckan.publisher import Opener
from services.cli.output import fail
from services.cli.session import action_context, cli_actor

UrlOption = Annotated[str | None, typer.Option("--ckan-url", help="the CKAN portal, e.g. https://data.example.go.th")]
PortalOption = Annotated[str | None, typer.Option("--portal", help="a registered portal (banchi portal list), "
                                                                   "instead of --ckan-url and --api-key")]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="seconds to wait for each answer of the portal")]


@contextmanager
def portal_steps(*, as_json: bool) -> Iterator[Opener]:
    """An opener of one short transaction per step; bilingual problems end the command (exit 1)."""
    with action_context(as_json=as_json) as ctx:  # refuses a database that is not set up
        engine, settings = ctx.session.get_bind(), ctx.settings
    try:
        yield lambda: open_context(cli_actor(), engine=engine, settings=settings)  # type: ignore[arg-type]
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json)


def portal_client(url: str | None, api_key: str | None, timeout: float, *, portal: str | None = None,
                  as_json: bool) -> PortalClient:
    if portal is not None and url is None:
        with action_context(as_json=as_json) as ctx:
            connection = portal_connection(ctx, portal)
        return PortalClient.connect(connection, profile=load_profile(), timeout=timeout)
    if (portal is None) == (url is None):
        fail([publish_problem("portal_or_url", "portal")], as_json=as_json, exit_code=2)
    assert url is not None
    if not url.startswith(("http://", "https://")):
        fail([publish_problem("bad_portal_url", "ckan_url", value=url)], as_json=as_json, exit_code=2)
    return PortalClient(url, api_key, profile=load_profile(), timeout=timeout, allow_private_network=True)
