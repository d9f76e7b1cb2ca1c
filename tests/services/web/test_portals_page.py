"""The sysadmin's page of registered portals: register (the key never shown again), remove; others are refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.services.web.conftest import SignIn, csrf_of

KEY = "page-token-never-shown"


def test_a_sysadmin_registers_and_removes_a_portal(site: TestClient, sign_in: SignIn) -> None:
    sign_in("root@bangkok.go.th", role=None, sysadmin=True)
    assert 'href="/portals/"' in site.get("/workspace/").text
    page = site.get("/portals/")
    assert page.status_code == 200 and 'name="api_key"' in page.text
    bad = site.post("/portals/", data={"csrf_token": csrf_of(page.text), "name": "x y", "url": "ftp://x"})
    assert bad.status_code == 422 and 'class="alert"' in bad.text
    added = site.post("/portals/", data={"csrf_token": csrf_of(page.text), "name": "data-bangkok",
                                         "url": "https://data.bangkok.go.th/", "api_key": KEY})
    assert added.status_code == 200 and 'data-portal="data-bangkok"' in added.text
    assert "https://data.bangkok.go.th<" in added.text and KEY not in added.text
    publish = site.get("/organization/bma-hrd/publish").text
    assert '<option value="data-bangkok"' in publish and KEY not in publish
    removed = site.post("/portals/data-bangkok/remove", data={"csrf_token": csrf_of(added.text)})
    assert removed.status_code == 200 and 'data-portal="data-bangkok"' not in removed.text


def test_only_a_sysadmin_sees_the_page(site: TestClient, sign_in: SignIn) -> None:
    sign_in("admin.hrd@bangkok.go.th", role="admin")
    assert site.get("/portals/").status_code == 403
    form = site.get("/workspace/").text
    answer = site.post("/portals/", data={"csrf_token": csrf_of(form), "name": "evil", "url": "http://127.0.0.1"})
    assert answer.status_code == 403
