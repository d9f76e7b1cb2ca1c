"""The page's side of a large file's check (issue 16 item 1): new data larger than ``validate_inline_max_bytes``
is kept and checked by a job; the resource's page shows it "validating" with the job's progress (refreshing
itself), then the report, and the file replaces the data only if it passed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from catalog.models.jobs import BackgroundState
from catalog.settings import Settings
from services.jobs import runner
from tests.services.api.test_validation_jobs import SMALL_CSV, small_threshold
from tests.services.web.conftest import csrf_of
from tests.services.web.test_workspace import BAD_CSV, DATASET, GOOD_CSV, with_dictionary

__all__ = ["small_threshold", "with_dictionary"]


def upload(site: TestClient, rid: str, content: bytes, **fields: str) -> str:
    page = site.get(f"/dataset/{DATASET}/resource/{rid}").text
    answer = site.post(f"/dataset/{DATASET}/resource/{rid}/upload", data={"csrf_token": csrf_of(page), **fields},
                       files={"file": ("city-indicators-2564.csv", content, "text/csv")}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def test_the_page_shows_a_large_upload_validating_then_its_report(
    site: TestClient, with_dictionary: str, small_threshold: Settings,
) -> None:
    rid = with_dictionary
    page_url = f"/dataset/{DATASET}/resource/{rid}"
    assert re.search(r"/report/[0-9a-f-]{36}$", upload(site, rid, SMALL_CSV))  # small: the report at once

    larger = GOOD_CSV.replace(b",2564,", b",2565,")  # new data: the next year's
    assert upload(site, rid, larger) == page_url  # large: back to the resource's page…
    waiting = site.get(page_url).text
    assert "ไฟล์มีขนาดใหญ่จึงตรวจสอบเป็นงานเบื้องหลัง" in waiting  # …which says so
    found = re.search(r'data-validating="([0-9a-f-]{36})" data-state="queued"', waiting)
    assert found and '<meta http-equiv="refresh"' in waiting and "<progress" in waiting
    job_id = found.group(1)
    assert site.get(f"/jobs/{job_id}").status_code == 200

    assert runner.execute(job_id, small_threshold) == BackgroundState.succeeded
    shown = site.get(page_url).text
    assert "data-validating" not in shown and '<meta http-equiv="refresh"' not in shown
    assert 'data-valid="true"' in shown
    job_page = site.get(f"/jobs/{job_id}").text
    report = re.search(r'id="job-report" href="([^"]+)"', job_page)
    assert report and site.get(report.group(1)).status_code == 200
    download = re.search(rf'href="(?:https?://[^/"]+)?(/dataset/{DATASET}/resource/{rid}/download/[^"?]+)"', shown)
    assert download and site.get(download.group(1)).content == larger  # it passed: it is the data now

    assert upload(site, rid, BAD_CSV + b"9999,x,2566,1,1,2\n") == page_url  # fails, not kept anyway
    [queued] = re.findall(r'data-validating="([0-9a-f-]{36})"', site.get(page_url).text)
    assert runner.execute(queued, small_threshold) == BackgroundState.succeeded
    assert site.get(download.group(1)).content == larger  # a failing file does not replace the data
    assert 'data-valid="false"' in site.get(f"/jobs/{queued}").text


def test_validate_now_on_a_large_served_file_is_a_job_too(
    site: TestClient, with_dictionary: str, small_threshold: Settings,
) -> None:
    rid = with_dictionary
    page_url = f"/dataset/{DATASET}/resource/{rid}"
    page = site.get(page_url).text
    answer = site.post(f"{page_url}/validate", data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == page_url  # the served file is 315 B
    [queued] = re.findall(r'data-validating="([0-9a-f-]{36})"', site.get(page_url).text)
    assert runner.execute(queued, small_threshold) == BackgroundState.succeeded
    assert 'data-valid="true"' in site.get(page_url).text
    assert not any((small_threshold.effective_storage_dir / "job-files").iterdir())  # the job's link is gone…
    shown = site.get(page_url).text
    download = re.search(rf'href="(?:https?://[^/"]+)?(/dataset/{DATASET}/resource/{rid}/download/[^"?]+)"', shown)
    assert download and site.get(download.group(1)).content == GOOD_CSV  # …not the file it pointed to
