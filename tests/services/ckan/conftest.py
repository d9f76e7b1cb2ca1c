"""Fixtures for the integration tests against a real CKAN (``../shared/ckan/ckan-ci.sh up``).

They read ``CKAN_URL`` and ``CKAN_API_TOKEN`` (a sysadmin token, as ``ckan-ci.sh up`` prints) and
skip with the reason when those are not set. The CI CKAN is registered in each Banchi as a portal, as a
sysadmin registers one (it runs on loopback, so allowing private networks), and clients are built from
the registry with the stored key. Every name used on the portal carries a random suffix,
and whatever a test created there is purged afterwards, so the tests can run again and again.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ckanapi import NotFound, RemoteCKAN
from sqlalchemy.engine import Engine

from catalog.actions.portals import portal_connection, portal_create
from catalog.context import Context, open_context
from catalog.db import make_engine
from catalog.errors import ValidationFailed
from catalog.migrate import upgrade
from catalog.settings import Settings
from schemas.profile import load_profile
from services.ckan.client import PortalClient
from services.ckan.publisher import Opener, Publisher
from tests.conftest import OpenContext

CKAN_URL = os.environ.get("CKAN_URL", "").rstrip("/")
CKAN_API_TOKEN = os.environ.get("CKAN_API_TOKEN", "")


@pytest.fixture(autouse=True)
def _needs_ckan() -> None:
    if not CKAN_URL or not CKAN_API_TOKEN:
        reason = ("CKAN_URL and CKAN_API_TOKEN are not set: start CKAN with "
                  "eval \"$(bash ../shared/ckan/ckan-ci.sh up)\" (or run .ci/ckan.sh)")
        if os.environ.get("BANCHI_REQUIRE_CKAN"):  # .ci/ckan.sh: a skip there would hide a broken setup
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def ckan() -> RemoteCKAN:
    """Direct access to the portal, as its own users and admins have it."""
    return RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN)


@dataclass
class PortalNames:
    """Unique names for this test; everything named through it is purged from the portal afterwards."""

    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    datasets: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)

    def dataset(self, stem: str) -> str:
        self.datasets.append(f"{stem}-{self.suffix}")
        return self.datasets[-1]

    def org(self, stem: str) -> str:
        self.orgs.append(f"{stem}-{self.suffix}")
        return self.orgs[-1]


@pytest.fixture
def names(ckan: RemoteCKAN) -> Iterator[PortalNames]:
    names = PortalNames()
    yield names
    for name in names.datasets:
        purge(ckan, "dataset_purge", name)
    for name in names.orgs:
        purge(ckan, "organization_purge", name)


def purge(ckan: RemoteCKAN, action: str, name: str) -> None:
    with contextlib.suppress(NotFound):
        ckan.call_action(action, {"id": name})


class LoggingClient(PortalClient):
    """A PortalClient that also keeps what each call sent, so tests can say exactly what went out."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def call(self, action: str, data: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> Any:
        self.sent.append((action, dict(data or {})))
        return super().call(action, data, files)

    def writes(self) -> list[tuple[str, dict[str, Any]]]:
        return [(a, d) for a, d in self.sent if not a.endswith(("_show", "_list", "_search"))]


def register_portal(opener: Callable[[], AbstractContextManager[Context]], url: str = "") -> str:
    """Register the CI CKAN (or a proxy in front of it) as a portal of that Banchi; its name."""
    url = url or CKAN_URL
    name = "ci" if url == CKAN_URL else "ci-" + url.rsplit(":", 1)[-1]
    with contextlib.suppress(ValidationFailed), opener() as ctx:  # registered already
        portal_create(ctx, {"name": name, "url": url, "api_key": CKAN_API_TOKEN, "allow_private_network": True})
    return name


def make_client(opener: Callable[[], AbstractContextManager[Context]], url: str = "",
                **kwargs: Any) -> LoggingClient:
    """The client of the registered CI CKAN, with the key the registry stored."""
    name = register_portal(opener, url)
    with opener() as ctx:
        connection = portal_connection(ctx, name)
    return LoggingClient.connect(connection, profile=load_profile(), **kwargs)  # type: ignore[return-value]


@pytest.fixture
def client(open_ctx: OpenContext) -> LoggingClient:
    return make_client(open_ctx)


@pytest.fixture
def publisher(open_ctx: OpenContext, client: LoggingClient) -> Publisher:
    return Publisher(lambda: open_ctx(), client)


@dataclass
class OtherBanchi:
    """A second, empty Banchi (another agency's), e.g. to harvest into."""

    engine: Engine
    settings: Settings

    def opener(self) -> Opener:
        return lambda: open_context(engine=self.engine, settings=self.settings)

    def ctx(self) -> AbstractContextManager[Context]:
        return open_context(engine=self.engine, settings=self.settings)


@pytest.fixture
def other_banchi(tmp_path: Path) -> Iterator[OtherBanchi]:
    """On SQLite whatever the main backend: harvesting into PostgreSQL is covered by the main database."""
    url = f"sqlite:///{tmp_path / 'other' / 'banchi.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield OtherBanchi(engine, Settings(database_url=url, data_dir=tmp_path / "other"))
    engine.dispose()
