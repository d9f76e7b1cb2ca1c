"""Schedules run unattended in a worker process (``banchi worker``): a link check flags a dead link on a local
web server (on the dataset page and in its quality score), and a portal's publish runs with the key stored
encrypted in the registry. The schedules are made due by moving their next run into the past."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col

from catalog.actions.datasets import dataset_create
from catalog.actions.jobs import job_list
from catalog.actions.portals import portal_create
from catalog.actions.resources import resource_create
from catalog.actions.schedules import schedule_set
from catalog.models.jobs import Schedule
from catalog.settings import get_settings
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org
from tests.services.http_ckan import HttpCKAN
from tests.services.test_job_workers import workers  # noqa: F401 (the workers fixture)

ORG = "link-agency"


class Links(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self.send_response(200 if self.path == "/data.csv" else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.do_HEAD()


@pytest.fixture
def web_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Links)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_scheduled_link_check_and_publish_run_unattended(
    open_ctx: OpenContext, web_server: str, workers: Callable[..., Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BANCHI_LINK_CHECK_ALLOW_PRIVATE_NETWORK", "true")  # the test server is on loopback
    with HttpCKAN() as portal, open_ctx() as ctx:
        make_org(ctx, ORG)
        portal_create(ctx, {"name": "local", "url": portal.url, "api_key": "stored", "allow_private_network": True})
        dataset_create(ctx, dataset_input("linked-data", ORG, title="ชุดข้อมูลมีลิงก์"), publish=True)
        resource_create(ctx, "linked-data", {"name": "ใช้ได้", "url": f"{web_server}/data.csv", "format": "CSV"})
        resource_create(ctx, "linked-data", {"name": "ลิงก์เสีย", "url": f"{web_server}/gone.csv", "format": "CSV"})
        schedule_set(ctx, {"kind": "link_check", "organization": ORG, "interval_minutes": 60})
        schedule_set(ctx, {"kind": "publish", "portal": "local", "organization": ORG, "interval_minutes": 1440})
        ctx.session.execute(update(Schedule).values(next_run_at=ctx.now() - dt.timedelta(seconds=1))
                            .where(col(Schedule.id).is_not(None)))
        ctx.session.commit()
        get_settings.cache_clear()
        workers("scheduler")

        def jobs() -> list[Any]:
            with open_ctx() as ctx:
                return job_list(ctx, ORG)

        deadline = time.monotonic() + 60
        while not ((finished := jobs()) and len(finished) == 2 and all(j.finished for j in finished)):
            assert time.monotonic() < deadline, finished
            time.sleep(0.2)
        assert {j.kind: j.state for j in finished} == {"link_check": "succeeded", "publish": "succeeded"}
        assert {j.requested_by for j in finished} == {"schedule:link_check", "schedule:publish"}
        checked = next(j for j in finished if j.kind == "link_check")
        assert [b["url"] for b in checked.result["broken"]] == [f"{web_server}/gone.csv"]
        assert checked.result["broken"][0]["status_code"] == 404 and checked.result["checked"] == 2
        assert portal.creates == {"linked-data": 1}  # published unattended, with the stored key
        with open_ctx() as ctx:  # the next runs are one interval on; nothing else started meanwhile
            assert len(job_list(ctx, ORG)) == 2

    page = TestClient(create_site()).get("/dataset/linked-data")
    assert page.status_code == 200 and page.text.count("data-broken-link=") == 1  # the dead one, on its resource
    assert 'data-broken-links="1"' in page.text and "(404)" in page.text
    score = int(page.text.split('data-quality-score="')[1].split('"')[0])
    assert score < 100  # one of two links is broken: the score says so
