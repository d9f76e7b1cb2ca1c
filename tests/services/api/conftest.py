"""The API on the test database with the demo catalog; accounts and tokens to call it as."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from catalog.actions.accounts import account_create, token_create
from catalog.settings import Settings
from services.api.app import create_app
from tests.conftest import OpenContext

PASSWORD = "a long enough password"
TokenFor = Callable[..., dict[str, str]]


@pytest.fixture
def client(demo: Settings) -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def token_for(open_ctx: OpenContext) -> TokenFor:
    """``token_for(email, role=..., org=..., scopes=[...])``: an account and the auth header of a token of it."""

    def make(email: str, role: str | None = None, org: str = "bma-hrd", **token: object) -> dict[str, str]:
        roles = [] if role in (None, "sysadmin") else [{"role": role, "organization": org}]
        with open_ctx() as ctx:
            account_create(ctx, {"email": email, "password": PASSWORD, "roles": roles,
                                 "sysadmin": role == "sysadmin"})
            created = token_create(ctx, {"name": "test", **token}, email)
        return {"Authorization": f"Bearer {created.token}"}

    return make


@pytest.fixture
def evaluator_for(open_ctx: OpenContext) -> Callable[..., dict[str, str]]:
    """``evaluator_for(email, 2564, ...)``: an evaluator account for those fiscal years, and its auth header."""

    def make(email: str, *years: int, **token: object) -> dict[str, str]:
        with open_ctx() as ctx:
            account_create(ctx, {"email": email, "roles": [{"role": "evaluator", "fiscal_year": y} for y in years]})
            created = token_create(ctx, {"name": "test", **token}, email)
        return {"Authorization": f"Bearer {created.token}"}

    return make
