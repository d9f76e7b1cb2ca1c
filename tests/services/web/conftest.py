"""The portal on the test database with the demo catalog, and a way to sign in through its login page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from catalog.actions.accounts import account_create
from catalog.settings import Settings
from services.web.site import create_site
from tests.conftest import OpenContext

PASSWORD = "a long enough password"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SignIn = Callable[..., TestClient]


def csrf_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "the page has no form token"
    return found.group(1)


@pytest.fixture
def site(demo: Settings) -> TestClient:
    return TestClient(create_site(), headers={"accept": "text/html"})


@pytest.fixture
def sign_in(site: TestClient, open_ctx: OpenContext) -> SignIn:
    """``sign_in(email, role=..., org=...)``: an account with that role, signed in on ``site`` through the form."""

    def make(email: str, role: str | None = "steward", org: str = "bma-hrd", **extra: object) -> TestClient:
        roles: list[dict[str, object]] = [] if role is None else [{"role": role, "organization": org}]
        if role == "evaluator":
            roles = [{"role": role, "fiscal_year": extra.pop("fiscal_year")}]
        with open_ctx() as ctx:
            account_create(ctx, {"email": email, "password": PASSWORD, "roles": roles, **extra})
        form = site.get("/user/login")
        answer = site.post("/user/login", data={"csrf_token": csrf_of(form.text), "email": email,
                                                "password": PASSWORD, "came_from": "/workspace/"},
                           follow_redirects=False)
        assert answer.status_code == 303, answer.text
        return site

    return make
