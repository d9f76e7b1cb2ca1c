"""Background jobs through the API: start a publish job of the datasets chosen, follow its state and progress,
cancel it; who sees a job. The worker's code runs in this process here (``runner.execute``); the tests of
worker processes (killed, broker away) are in test_workers.py."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.actions.datasets import dataset_create
from catalog.actions.portals import PortalConnection, portal_connection, portal_create
from catalog.models.jobs import BackgroundState
from catalog.settings import Settings
from schemas.profile import Profile
from services.ckan.client import PortalClient
from services.jobs import kinds, runner
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.services.api.conftest import TokenFor
from tests.services.fake_ckan import FakeCKAN, FakeClient

ORG = "/api/organizations/bma-hrd"
EXTRA = [f"job-city-{i}" for i in range(4)]


@pytest.fixture
def fake(open_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch, demo: Settings) -> FakeCKAN:
    with open_ctx() as ctx:
        portal_create(ctx, {"name": "test", "url": "http://portal.test", "api_key": "secret"})
        for name in EXTRA:
            dataset_create(ctx, dataset_input(name, title=f"ชุดข้อมูลงานเบื้องหลัง {name}"), publish=True)
    fake = FakeCKAN()

    def client_for(run: Any) -> PortalClient:
        with run.opener()() as ctx:  # the requester's rights, as in production
            connection: PortalConnection = portal_connection(ctx, run.job.params["portal"], run.job.organization_id)
            profile: Profile = ctx.profile
        assert connection.api_key == "secret"  # the stored key, decrypted for the unattended run
        return FakeClient(fake, url=connection.url, profile=profile)

    monkeypatch.setattr(kinds, "_client", client_for)
    monkeypatch.setattr(runner, "dispatch", lambda settings, job_id: True)
    return fake


def test_a_publish_job_of_the_chosen_datasets(client: TestClient, token_for: TokenFor, fake: FakeCKAN,
                                             demo: Settings) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    started = client.post(f"{ORG}/jobs", json={"kind": "publish", "portal": "test", "datasets": EXTRA[:2]},
                          headers=steward)
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == f"/api/jobs/{job['id']}"
    assert job["state"] == "queued" and job["organization"] == "bma-hrd" and job["requested_by"] == \
        "steward@bangkok.go.th"

    assert runner.execute(job["id"], demo) == BackgroundState.succeeded
    done = client.get(f"/api/jobs/{job['id']}", headers=steward).json()
    assert done["state"] == "succeeded" and done["progress_done"] == done["progress_total"] == 2
    assert done["result"]["outcomes"] == {"done": 2} and done["attempts"] == 1
    assert sorted(p["name"] for p in fake.packages.values()) == EXTRA[:2]  # only the datasets chosen
    assert runner.execute(job["id"], demo) is None  # a second delivery of the message does nothing
    assert len(fake.packages) == 2

    listed = client.get(f"{ORG}/jobs", headers=steward).json()
    assert [j["id"] for j in listed] == [job["id"]]
    finished = client.post(f"/api/jobs/{job['id']}/cancel", headers=steward)
    assert finished.status_code == 422 and finished.json()["errors"][0]["code"] == "job_finished"


def test_who_sees_a_job(client: TestClient, token_for: TokenFor, fake: FakeCKAN, open_ctx: OpenContext) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    job = client.post(f"{ORG}/jobs", json={"kind": "publish", "portal": "test"}, headers=admin).json()
    from tests.factories import make_org

    with open_ctx() as ctx:
        make_org(ctx, "other-agency")
    outsider = token_for("steward@other.go.th", "steward", org="other-agency")
    member = token_for("wg@bangkok.go.th", "wg_member")
    reader = token_for("reader@bangkok.go.th", "steward", scopes=["read"])
    for headers in (outsider, member, {}):
        assert client.get(f"/api/jobs/{job['id']}", headers=headers).status_code == 404
        assert client.post(f"/api/jobs/{job['id']}/cancel", headers=headers).status_code == 404
    assert client.get(f"{ORG}/jobs", headers=outsider).status_code == 404
    assert client.get(f"/api/jobs/{job['id']}", headers=reader).status_code == 200
    assert client.post(f"/api/jobs/{job['id']}/cancel", headers=reader).status_code == 403
    assert client.post(f"{ORG}/jobs", json={"kind": "publish", "portal": "test"}, headers=member).status_code == 403
    assert client.get("/api/jobs/no-such-job", headers=admin).status_code == 404


def test_cancel_a_queued_job_then_a_running_one(client: TestClient, token_for: TokenFor, fake: FakeCKAN,
                                                demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    queued = client.post(f"{ORG}/jobs", json={"kind": "publish", "portal": "test"}, headers=admin).json()
    cancelled = client.post(f"/api/jobs/{queued['id']}/cancel", headers=admin).json()
    assert cancelled["state"] == "cancelled"
    assert runner.execute(queued["id"], demo) is None and fake.packages == {}  # never runs

    monkeypatch.setattr(demo, "job_heartbeat_seconds", 0.05)
    job = client.post(f"{ORG}/jobs", json={"kind": "publish", "portal": "test", "datasets": EXTRA},
                      headers=admin).json()
    original = fake.package_create

    def slow_create(data: dict[str, Any], files: Any) -> dict[str, Any]:
        package = original(data, files)
        if len(fake.packages) == 1:  # while the first dataset is sent, someone cancels the run
            answer = client.post(f"/api/jobs/{job['id']}/cancel", headers=admin).json()
            assert answer["state"] == "running" and answer["cancel_requested"] is True
            time.sleep(0.3)  # the heartbeat brings the request to the worker
        return package

    monkeypatch.setattr(fake, "package_create", slow_create)
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(runner.execute(job["id"], demo)))
    worker.start()
    worker.join(30)
    assert outcome == [BackgroundState.cancelled]
    shown = client.get(f"/api/jobs/{job['id']}", headers=admin).json()
    assert shown["state"] == "cancelled" and shown["progress_done"] == 1 and shown["progress_total"] == len(EXTRA)
    assert len(fake.packages) == 1  # what was finished stays; the rest waits in the outbox


def test_schedules_and_check_jobs_over_http(client: TestClient, token_for: TokenFor, fake: FakeCKAN,
                                            demo: Settings) -> None:
    admin, steward = token_for("admin@bangkok.go.th", "admin"), token_for("steward@bangkok.go.th", "steward")
    body = {"kind": "publish", "portal": "test", "organization": "bma-hrd", "interval_minutes": 1440}
    assert client.put("/api/schedules", json=body, headers=steward).status_code == 403  # an admin's
    made = client.put("/api/schedules", json=body, headers=admin)
    assert made.status_code == 200, made.text
    again = client.put("/api/schedules", json={**body, "interval_minutes": 60}, headers=admin).json()
    assert again["id"] == made.json()["id"] and again["interval_minutes"] == 60  # one schedule per scope
    everyone = client.put("/api/schedules", json={**body, "organization": None}, headers=admin)
    assert everyone.status_code == 403  # every organization's: sysadmins
    no_portal = client.put("/api/schedules", json={**body, "portal": None}, headers=admin)
    assert no_portal.status_code == 422 and no_portal.json()["errors"][0]["code"] == "portal_required"
    assert [s["kind"] for s in client.get("/api/schedules?organization=bma-hrd", headers=admin).json()] == ["publish"]
    assert client.delete(f"/api/schedules/{again['id']}", headers=admin).status_code == 204

    # links on loopback are not the checker's to reach unless the operator allows it: not checked, not broken
    links = client.post(f"{ORG}/jobs", json={"kind": "link_check"}, headers=steward).json()
    assert runner.execute(links["id"], demo) == BackgroundState.succeeded
    timely = client.post(f"{ORG}/jobs", json={"kind": "timeliness_check"}, headers=steward).json()
    assert runner.execute(timely["id"], demo) == BackgroundState.succeeded
    result = client.get(f"/api/jobs/{timely['id']}", headers=steward).json()["result"]
    assert result["checked"] > 0 and all(o["th"] and o["en"] for o in result["overdue"])
    assert client.post(f"{ORG}/jobs", json={"kind": "drift_check"}, headers=steward).status_code == 422


def test_job_metrics_for_operators(client: TestClient, token_for: TokenFor, fake: FakeCKAN, demo: Settings,
                                   open_ctx: OpenContext) -> None:
    from catalog.actions.jobs import job_metrics

    admin = token_for("admin@bangkok.go.th", "admin")
    client.post(f"{ORG}/jobs", json={"kind": "timeliness_check"}, headers=admin)
    time.sleep(0.05)
    with open_ctx() as ctx:
        counts, lag = job_metrics(ctx)
    assert counts["queued"] == 1 and counts["running"] == 0 and lag > 0
