"""Signing in and out of the portal, and the form token every POST needs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from catalog.actions.accounts import account_create
from catalog.settings import get_settings
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.services.web.conftest import PASSWORD, SignIn, csrf_of


def test_wrong_password_is_refused_in_the_page_language(site: TestClient) -> None:
    form = site.get("/user/login").text
    answer = site.post("/user/login", data={"csrf_token": csrf_of(form), "email": "nobody@bangkok.go.th",
                                            "password": "wrong password here"})
    assert answer.status_code == 401 and "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in answer.text
    english = site.post("/user/login?lang=en", data={"csrf_token": csrf_of(form), "email": "nobody@bangkok.go.th",
                                                     "password": "wrong password here"})
    assert "Wrong email or password" in english.text


def test_sign_in_goes_back_only_to_a_page_of_this_site(site: TestClient, open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        account_create(ctx, {"email": "someone@bangkok.go.th", "password": PASSWORD})
    for target, expected in (("/dataset/", "/dataset/"), ("//evil.example/x", "/workspace/"),
                             ("https://evil.example/", "/workspace/")):
        form = site.get("/user/login").text
        answer = site.post("/user/login", data={"csrf_token": csrf_of(form), "email": "someone@bangkok.go.th",
                                                "password": PASSWORD, "came_from": target}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == expected


def test_sign_out_ends_the_session(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    workspace = site.get("/workspace/")
    assert workspace.status_code == 200
    cookie = site.cookies.get("banchi_session")
    assert site.post("/user/logout", data={"csrf_token": csrf_of(workspace.text)},
                     follow_redirects=False).status_code == 303
    again = TestClient(site.app, cookies={"banchi_session": cookie or ""})  # the old cookie no longer works
    assert again.get("/workspace/", follow_redirects=False).status_code == 303


def test_login_form_needs_its_token(site: TestClient) -> None:
    answer = site.post("/user/login", data={"email": "x@bangkok.go.th", "password": "whatever it is"})
    assert answer.status_code == 403 and "แบบฟอร์มหมดอายุ" in answer.text


def test_an_upload_over_the_limit_gets_a_page_saying_so(site: TestClient, sign_in: SignIn,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    monkeypatch.setenv("BANCHI_MAX_UPLOAD_BYTES", "1000")
    get_settings.cache_clear()
    small = TestClient(create_site(), cookies=dict(site.cookies), headers={"accept": "text/html"})
    form = small.get("/dataset/city-development-indicators/resource/new").text
    over = small.post("/dataset/city-development-indicators/resource/upload", data={"csrf_token": csrf_of(form)},
                      files={"file": ("big.csv", b"a,b\n" + b"1,2\n" * 200_000, "text/csv")})
    assert over.status_code == 413 and "เกินที่ระบบรับได้" in over.text  # refused as it streams in
    answer = small.post("/dataset/city-development-indicators/resource/upload", data={"csrf_token": csrf_of(form)},
                        files={"file": ("big.csv", b"a,b\n" + b"1,2\n" * 1000, "text/csv")})
    get_settings.cache_clear()
    assert answer.status_code == 413 and "1,000" in answer.text  # under the overhead: refused by the store
