"""The portal on the test database with the demo catalog, and a way to sign in through its login page."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

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


class _FormReader(HTMLParser):
    """What a browser would submit from one form of a page: inputs with their values (checked boxes only),
    each select's chosen option; no script runs."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, {}  # type: ignore[var-annotated]
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option: tuple[str | None, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        if not self.inside:
            return
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in ("file", "submit"):
            if found.get("type") in ("checkbox", "radio"):
                if "checked" in found:
                    self.values[name] = found.get("value") or "on"
            else:
                self.values[name] = found.get("value") or ""
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.option = (found.get("value"), "selected" in found)
            self.options.append(("", "selected" in found))
            if found.get("value") is not None:
                self.options[-1] = (found["value"] or "", "selected" in found)

    def handle_data(self, data: str) -> None:
        if self.option is not None and self.option[0] is None and self.options:
            text, chosen = self.options[-1]
            self.options[-1] = (text + data, chosen)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self.option = None
        elif tag == "select" and self.select:
            chosen = [text.strip() for text, selected in self.options if selected] or \
                [text.strip() for text, _ in self.options[:1]]
            self.values[self.select] = chosen[0] if chosen else ""
            self.select = None
        elif tag == "form":
            self.inside = False


def form_values(page: str, form_id: str) -> dict[str, str]:
    reader = _FormReader(form_id)
    reader.feed(page)
    assert reader.values, f"the page has no form #{form_id}"
    return dict(reader.values)
