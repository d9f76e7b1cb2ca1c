"""Publishing over HTTP: a dry-run plan, queued jobs, a run (against an in-memory CKAN), and who may see what
was published where."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from catalog.actions.portals import PortalConnection, portal_create
from schemas.profile import Profile
from services.api.routers import publishing
from services.ckan.client import PortalClient
from tests.conftest import OpenContext
from tests.services.api.conftest import TokenFor
from tests.services.fake_ckan import FakeCKAN, FakeClient

PORTAL = "http://portal.test"
ORG = "/api/organizations/bma-hrd"


@pytest.fixture(autouse=True)
def registered(open_ctx: OpenContext) -> None:
    """The portal, as a sysadmin registered it (``banchi portal add test --url … --api-key …``)."""
    with open_ctx() as ctx:
        portal_create(ctx, {"name": "test", "url": PORTAL, "api_key": "secret"})


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeCKAN:
    fake = FakeCKAN()

    def client_for(connection: PortalConnection, profile: Profile) -> PortalClient:
        assert connection.api_key == "secret"  # the stored key, decrypted for the run
        return FakeClient(fake, url=connection.url, profile=profile)

    monkeypatch.setattr(publishing, "portal_client", client_for)
    return fake


def test_plan_writes_nothing_and_names_why_a_dataset_is_refused(
    client: TestClient, token_for: TokenFor, fake: FakeCKAN,
) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    response = client.post(f"{ORG}/publish/plan", json={"portal": "test"}, headers=admin)
    assert response.status_code == 200, response.text
    plan = {d["dataset"]: d for d in response.json()["datasets"]}
    assert plan["city-development-indicators"]["action"] == "publish"
    refused = plan["trainee-registry"]
    assert refused["action"] == "refused" and refused["refusals"][0]["th"] and refused["refusals"][0]["en"]
    assert client.get(f"{ORG}/publish-jobs", headers=admin).json() == [] and fake.sent == []

    preview = client.post(f"{ORG}/publish/plan", json={"portal": "test", "dataset": "city-development-indicators",
                                                       "preview": True}, headers=admin).json()
    [item] = preview["datasets"]
    assert item["changes"]["exists"] is False and item["changes"]["fields"]
    assert fake.writes() == []


def test_queue_then_run_then_read_publications(client: TestClient, token_for: TokenFor, fake: FakeCKAN) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    body = {"portal": "test", "dataset": "city-development-indicators"}
    queued = client.post(f"{ORG}/publish", json=body, headers=admin)
    assert queued.status_code == 202 and queued.json()["queued"] is True
    [job] = client.get(f"{ORG}/publish-jobs", params={"state": "pending"}, headers=admin).json()
    assert job["dataset"] == "city-development-indicators" and job["id"] == queued.json()["datasets"][0]["job_id"]
    assert fake.writes() == []  # queued, not sent

    ran = client.post(f"{ORG}/publish", json={**body, "run": True}, headers=admin)
    assert ran.status_code == 200, ran.text
    assert ran.json()["ok"] is True and [d["status"] for d in ran.json()["datasets"]] == ["done"]
    assert fake.by_name("city-development-indicators")["title"] == "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"
    [publication] = client.get(f"{ORG}/publications", headers=admin).json()
    assert publication["dataset"] == "city-development-indicators" and publication["portal_url"] == PORTAL
    assert client.get("/api/datasets/city-development-indicators/publications", headers=admin).json() == [publication]
    jobs = client.get("/api/datasets/city-development-indicators/publish-jobs", headers=admin).json()
    assert [j["state"] for j in jobs] == ["done"] and "payload" not in jobs[0]


def test_who_may_plan_publish_and_read(client: TestClient, token_for: TokenFor, fake: FakeCKAN) -> None:
    body = {"portal": "test"}
    assert client.post(f"{ORG}/publish/plan", json=body).status_code == 401
    member = token_for("member@bangkok.go.th", "wg_member")
    assert client.post(f"{ORG}/publish/plan", json=body, headers=member).status_code == 403
    assert client.get(f"{ORG}/publish-jobs", headers=member).status_code == 404
    steward = token_for("steward@bangkok.go.th", "steward")  # stewards publish their organization's datasets
    assert client.post(f"{ORG}/publish/plan", json=body, headers=steward).status_code == 200
    assert client.get(f"{ORG}/publish-jobs", headers=steward).status_code == 200
    for url in (f"{ORG}/publications", f"{ORG}/publish-jobs", "/api/datasets/city-development-indicators/publications"):
        assert client.get(url).status_code == 404
    other = token_for("other@bangkok.go.th", "admin", org="bma-spe")
    assert client.get(f"{ORG}/publications", headers=other).status_code == 404
    assert client.post(f"{ORG}/publish/plan", json=body, headers=other).status_code == 403
    hidden = client.post(f"{ORG}/publish/plan", json={**body, "dataset": "trainee-registry"}, headers=other)
    assert hidden.status_code == 404
    assert fake.sent == []


def test_bad_input_is_named(client: TestClient, token_for: TokenFor) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    bad_url = client.post(f"{ORG}/publish/plan", json={"ckan_url": "ftp://portal"},
                          headers={**admin, "Accept-Language": "en"})
    assert bad_url.status_code == 422 and {e["field"] for e in bad_url.json()["errors"]} == {"ckan_url", "portal"}
    assert bad_url.json()["errors"][0]["th"] != bad_url.json()["errors"][0]["en"]
    unregistered = client.post(f"{ORG}/publish/plan", json={"portal": "no-such"}, headers=admin)
    assert unregistered.status_code == 404 and "no-such" in unregistered.text
    unknown = client.post(f"{ORG}/publish", json={"portal": "test", "colour": "red"}, headers=admin)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "colour"
    missing = client.post(f"{ORG}/publish", json={}, headers=admin)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "portal"
    elsewhere = client.post(f"{ORG}/publish/plan", json={"portal": "test", "dataset": "no-such"}, headers=admin)
    assert elsewhere.status_code == 404


def test_drift_check_names_a_registered_portal(client: TestClient, token_for: TokenFor, fake: FakeCKAN) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    body = {"portal": "test", "dataset": "city-development-indicators"}
    assert client.post(f"{ORG}/publish", json={**body, "run": True}, headers=admin).json()["ok"] is True
    clean = client.post(f"{ORG}/publish/check", json=body, headers=admin)
    assert clean.status_code == 200, clean.text
    assert clean.json() == {"portal_url": PORTAL, "stopped": None, "drift": []}
    package = fake.by_name("city-development-indicators")
    package["notes"] = "แก้ไขบนพอร์ทัล"
    [drift] = client.post(f"{ORG}/publish/check", json=body, headers=admin).json()["drift"]
    assert drift["dataset"] == "city-development-indicators" and drift["missing"] is False
    assert [(c["key"], c["old"]) for c in drift["changes"]["fields"]] == [("notes", "แก้ไขบนพอร์ทัล")]
    assert client.post(f"{ORG}/publish/check", json={"ckan_url": PORTAL}, headers=admin).status_code == 422
    member = token_for("member@bangkok.go.th", "wg_member")
    assert client.post(f"{ORG}/publish/check", json=body, headers=member).status_code in (403, 404)
