"""Publishing from the portal's page to a real CKAN (``ckan-ci.sh up``), registered as a portal: the dry run
shows the changes and writes nothing; only the confirmed run publishes (a background job, run here by the
worker's own code), with the key the registry stored."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from ckanapi import NotFound, RemoteCKAN
from fastapi.testclient import TestClient

from catalog.actions.datasets import dataset_create
from catalog.settings import Settings
from services.jobs import runner
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org
from tests.services.ckan.conftest import register_portal
from tests.services.web.conftest import SignIn, csrf_of

CKAN_URL = os.environ.get("CKAN_URL", "").rstrip("/")
CKAN_API_TOKEN = os.environ.get("CKAN_API_TOKEN", "")

pytestmark = pytest.mark.ckan


@pytest.fixture
def portal() -> Iterator[RemoteCKAN]:
    if not CKAN_URL or not CKAN_API_TOKEN:
        reason = ("CKAN_URL and CKAN_API_TOKEN are not set: start CKAN with "
                  "eval \"$(bash ../shared/ckan/ckan-ci.sh up)\"")
        if os.environ.get("BANCHI_REQUIRE_CKAN"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN)


def test_dry_run_then_confirmed_publish(site: TestClient, sign_in: SignIn, open_ctx: OpenContext,
                                        portal: RemoteCKAN, demo: Settings) -> None:
    suffix = uuid.uuid4().hex[:8]
    org, name = f"web-pub-{suffix}", f"web-pub-data-{suffix}"
    with open_ctx() as ctx:
        make_org(ctx, org, title=f"หน่วยงานทดสอบการเผยแพร่ {suffix}")
        dataset_create(ctx, dataset_input(name, owner_org=org, title=f"ชุดข้อมูลทดสอบการเผยแพร่ {suffix}"), publish=True)
        dataset_create(ctx, dataset_input(f"{name}-later", owner_org=org, title=f"ชุดข้อมูลไว้ทีหลัง {suffix}"),
                       publish=True)
    registered = register_portal(open_ctx)
    sign_in(f"admin-{suffix}@bangkok.go.th", role="admin", org=org)
    try:
        form = site.get(f"/organization/{org}/publish").text
        assert f'<option value="{registered}"' in form and CKAN_API_TOKEN not in form
        preview = site.post(f"/organization/{org}/publish", data={"csrf_token": csrf_of(form), "portal": registered})
        assert preview.status_code == 200
        assert f'data-dataset="{name}" data-action="publish"' in preview.text
        assert "สร้างชุดข้อมูลใหม่บนระบบ CKAN" in preview.text and 'table class="diff"' in preview.text
        with pytest.raises(NotFound):  # the dry run wrote nothing
            portal.action.package_show(id=name)
        assert f'name="dataset" value="{name}-later"' in preview.text  # each one may be left out of the run
        none = site.post(f"/organization/{org}/publish", data={
            "csrf_token": csrf_of(preview.text), "portal": registered, "confirm": "1"})
        assert none.status_code == 422  # a run of nothing is refused
        started = site.post(f"/organization/{org}/publish", follow_redirects=False, data={
            "csrf_token": csrf_of(preview.text), "portal": registered, "confirm": "1", "dataset": [name]})
        assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
        assert runner.execute(started.headers["location"].removeprefix("/jobs/"), demo) == "succeeded"
        done = site.get(started.headers["location"])
        assert done.status_code == 200 and "ผลการเผยแพร่" in done.text and 'data-state="succeeded"' in done.text
        assert portal.action.package_show(id=name)["title"] == f"ชุดข้อมูลทดสอบการเผยแพร่ {suffix}"
        with pytest.raises(NotFound):  # left out of the run
            portal.action.package_show(id=f"{name}-later")
    finally:
        for purge, key in ((portal.action.dataset_purge, name), (portal.action.dataset_purge, f"{name}-later"),
                           (portal.action.organization_purge, org)):
            with contextlib.suppress(NotFound):
                purge(id=key)
