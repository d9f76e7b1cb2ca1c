"""The evaluator's report built by a job (issue 16 item 1): ``POST …/report-jobs`` answers 202 with the job,
which the requester follows (an evaluator too, not being of the organization); once built, the job's file is
served at ``GET /api/jobs/{id}/file``, the same report as the direct download. The page's side: a button on the
dashboard, the job's page with its bar, then the download. The worker's code runs in this process."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from catalog.models.jobs import BackgroundState
from catalog.settings import Settings
from services.jobs import runner
from tests.services.api.conftest import TokenFor
from tests.services.web.conftest import SignIn, csrf_of, sign_in, site

__all__ = ["sign_in", "site"]  # the page's fixtures, for the dashboard's side
JOBS = "/api/organizations/bma-hrd/report-jobs"


@pytest.fixture
def no_broker(demo: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(runner, "dispatch", lambda settings, job_id: True)  # the test runs the job itself
    return demo


def test_an_evaluator_asks_for_the_pdf_follows_the_job_and_downloads_it(
    client: TestClient, evaluator_for: TokenFor, token_for: TokenFor, no_broker: Settings,
) -> None:
    of_2564, of_2565 = evaluator_for("e64@bangkok.go.th", 2564), evaluator_for("e65@bangkok.go.th", 2565)
    assert client.post(JOBS, json={"fiscal_year": 2564}).status_code == 401
    assert client.post(JOBS, json={"fiscal_year": 2564}, headers=of_2565).status_code == 404  # not their year
    bad = client.post(JOBS, json={"fiscal_year": 2564, "format": "docx"}, headers=of_2564)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"

    started = client.post(JOBS, json={"fiscal_year": 2564, "format": "pdf"}, headers=of_2564)
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == f"/api/jobs/{job['id']}"
    assert (job["kind"], job["state"], job["organization"]) == ("report", "queued", "bma-hrd")
    assert client.get(f"/api/jobs/{job['id']}", headers=of_2564).json()["state"] == "queued"  # theirs to follow
    assert client.get(f"/api/jobs/{job['id']}", headers=of_2565).status_code == 404  # no one else's
    assert client.get(f"/api/jobs/{job['id']}/file", headers=of_2564).status_code == 404  # not built yet

    assert runner.execute(job["id"], no_broker) == BackgroundState.succeeded
    done = client.get(f"/api/jobs/{job['id']}", headers=of_2564).json()
    assert (done["state"], done["progress_done"], done["progress_total"]) == ("succeeded", 3, 3)
    assert done["result"]["download_url"] == f"/api/jobs/{job['id']}/file"
    built = client.get(done["result"]["download_url"], headers=of_2564)
    assert built.status_code == 200 and built.content.startswith(b"%PDF") and len(built.content) == \
        done["result"]["size"]
    assert built.headers["content-type"] == "application/pdf"
    assert 'filename="indicator-5.2-bma-hrd-2564.pdf"' in built.headers["content-disposition"]
    assert client.get(done["result"]["download_url"], headers=of_2565).status_code == 404

    steward = token_for("steward@bangkok.go.th", "steward")  # the organization's steward sees it too
    xlsx_job = client.post(JOBS, json={"fiscal_year": 2564, "format": "xlsx"}, headers=steward).json()
    assert runner.execute(xlsx_job["id"], no_broker) == BackgroundState.succeeded
    book = load_workbook(io.BytesIO(client.get(f"/api/jobs/{xlsx_job['id']}/file", headers=steward).content))
    direct = client.get("/api/organizations/bma-hrd/report.xlsx", params={"fy": 2564}, headers=steward)
    assert book.sheetnames == load_workbook(io.BytesIO(direct.content)).sheetnames  # the same report


def test_the_dashboard_builds_the_report_as_a_job_then_offers_it(
    site: TestClient, sign_in: SignIn, no_broker: Settings,
) -> None:
    sign_in("steward@bangkok.go.th")
    dashboard = site.get("/organization/bma-hrd/dashboard?year=2564").text
    assert 'data-report-job="pdf"' in dashboard
    started = site.post("/organization/bma-hrd/report/2564.pdf/job", data={"csrf_token": csrf_of(dashboard)},
                        follow_redirects=False)
    assert started.status_code == 303, started.text
    found = re.fullmatch(r"/jobs/([0-9a-f-]{36})", started.headers["location"])
    assert found
    waiting = site.get(started.headers["location"]).text
    assert '<meta http-equiv="refresh"' in waiting and 'id="job-download"' not in waiting
    assert runner.execute(found.group(1), no_broker) == BackgroundState.succeeded
    done = site.get(started.headers["location"]).text
    link = re.search(r'id="job-download" href="([^"]+)"', done)
    assert link and site.get(link.group(1)).content.startswith(b"%PDF")
    assert site.post("/organization/bma-hrd/report/2564.docx/job", data={"csrf_token": csrf_of(dashboard)},
                     follow_redirects=False).status_code == 404


def test_a_buddhist_era_as_of_in_the_body_is_read_as_one(
    client: TestClient, token_for: TokenFor, no_broker: Settings,
) -> None:
    # the body's date goes through the one reader of entered dates, as the direct download's ?as_of does
    steward = token_for("steward@bangkok.go.th", "steward")
    started = client.post(JOBS, json={"fiscal_year": 2564, "as_of": "2564-03-31"}, headers=steward)
    assert started.status_code == 202, started.text
    assert started.json()["params"]["as_of"] == "2021-03-31"
    refused = client.post(JOBS, json={"fiscal_year": 2564, "as_of": "3564-03-31"}, headers=steward)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "as_of"
