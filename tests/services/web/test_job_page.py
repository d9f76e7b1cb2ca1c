"""The publish page's confirmed run is a background job: its page shows a progress bar that reloads itself
(no script) until the job ends, then the result; the run honours the datasets chosen; a job can be cancelled."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.actions.portals import portal_connection, portal_create
from catalog.settings import Settings
from services.ckan.client import PortalClient
from services.jobs import kinds, runner
from tests.conftest import OpenContext
from tests.services.fake_ckan import FakeCKAN, FakeClient
from tests.services.web.conftest import SignIn, csrf_of


@pytest.fixture
def fake(open_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch) -> FakeCKAN:
    with open_ctx() as ctx:
        portal_create(ctx, {"name": "test", "url": "http://portal.test", "api_key": "secret"})
    fake = FakeCKAN()

    def client_for(run: Any) -> PortalClient:
        with run.opener()() as ctx:
            connection = portal_connection(ctx, run.job.params["portal"], run.job.organization_id)
            return FakeClient(fake, url=connection.url, profile=ctx.profile)

    monkeypatch.setattr(kinds, "_client", client_for)
    return fake


def test_a_confirmed_publish_runs_as_a_job_with_a_progress_page(site: TestClient, sign_in: SignIn, fake: FakeCKAN,
                                                                demo: Settings) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    form = site.get("/organization/bma-hrd/publish")
    chosen = ["annual-training-statistics", "city-development-indicators"]  # both due; the steward keeps one
    started = site.post("/organization/bma-hrd/publish", follow_redirects=False, data={
        "csrf_token": csrf_of(form.text), "portal": "test", "confirm": "1", "dataset": chosen[:1]})
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    job_id = started.headers["location"].removeprefix("/jobs/")

    queued = site.get(f"/jobs/{job_id}")
    assert queued.status_code == 200 and 'data-state="queued"' in queued.text
    assert '<meta http-equiv="refresh"' in queued.text and "<progress" in queued.text  # reloads until it ends
    assert 'id="cancel-job"' in queued.text and "เริ่มงานแล้ว" in queued.text

    assert runner.execute(job_id, demo) == "succeeded"
    done = site.get(f"/jobs/{job_id}?lang=en")
    assert 'data-state="succeeded"' in done.text and '<meta http-equiv="refresh"' not in done.text
    assert f'data-dataset="{chosen[0]}" data-status="done"' in done.text and 'value="1"' in done.text
    assert [p["name"] for p in fake.packages.values()] == chosen[:1]  # only the dataset chosen was sent
    assert 'id="cancel-job"' not in done.text


def test_cancel_a_queued_job_and_who_sees_its_page(site: TestClient, sign_in: SignIn, fake: FakeCKAN,
                                                   demo: Settings) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    form = site.get("/organization/bma-hrd/publish")
    started = site.post("/organization/bma-hrd/publish", follow_redirects=False, data={
        "csrf_token": csrf_of(form.text), "portal": "test", "confirm": "1", "dataset": ["city-development-indicators"]})
    page = site.get(started.headers["location"])
    cancelled = site.post(f"{started.headers['location']}/cancel", data={"csrf_token": csrf_of(page.text)})
    assert cancelled.status_code == 200 and 'data-state="cancelled"' in cancelled.text
    site.post("/user/logout", data={"csrf_token": csrf_of(site.get("/").text)})
    sign_in("member.hrd@bangkok.go.th", role="wg_member")  # a member who does not publish: as if there were none
    assert site.get(started.headers["location"]).status_code == 404


def test_a_drift_found_by_a_check_is_shown_to_the_stewards(site: TestClient, sign_in: SignIn, fake: FakeCKAN,
                                                           demo: Settings, open_ctx: OpenContext) -> None:
    from catalog.actions.jobs import job_create

    with open_ctx() as ctx:
        publish = job_create(ctx, "publish", "bma-hrd", {"portal": "test", "organization": "bma-hrd",
                                                         "datasets": ["city-development-indicators"]})
    assert runner.execute(publish.id, demo) == "succeeded"
    package = fake.by_name("city-development-indicators")
    package["notes"] = "แก้บนพอร์ทัล"  # someone edits it on the portal
    with open_ctx() as ctx:
        drift = job_create(ctx, "drift_check", "bma-hrd", {"portal": "test", "organization": "bma-hrd"})
    assert runner.execute(drift.id, demo) == "succeeded"
    sign_in("steward.hrd@bangkok.go.th")
    page = site.get("/organization/bma-hrd/publish").text
    assert 'id="last-drift"' in page and 'data-drift="city-development-indicators"' in page
    assert "รายละเอียด" in page.split('id="last-drift"')[1]  # the edited field by its label, not its key "notes"
