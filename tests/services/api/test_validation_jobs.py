"""A data file larger than ``validate_inline_max_bytes`` is stored and checked by a job (issue 16 item 1): the
API answers 202 with the job, whose result links the run once done; smaller files are still checked within the
request (the page's side: tests/services/web/test_validation_job_page.py). The threshold is set small here; the worker's
code runs in this process (``runner.execute``), as in tests/services/api/test_jobs.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalog.actions.validation_jobs import JOB_FILES
from catalog.models.jobs import BackgroundState
from catalog.settings import Settings, get_settings
from services.jobs import runner
from tests.services.api.conftest import TokenFor
from tests.services.web.test_workspace import BAD_CSV, DATASET, GOOD_CSV, with_dictionary

__all__ = ["with_dictionary"]
THRESHOLD = 200  # bytes: the demo's file (315 B) is "large", a two-row file is not
SMALL_CSV = b"\n".join(GOOD_CSV.splitlines()[:2]) + b"\n"


@pytest.fixture
def small_threshold(demo: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("BANCHI_VALIDATE_INLINE_MAX_BYTES", str(THRESHOLD))
    monkeypatch.setattr(runner, "dispatch", lambda settings, job_id: True)  # the test runs the job itself
    get_settings.cache_clear()
    assert len(SMALL_CSV) <= THRESHOLD < len(BAD_CSV)
    return get_settings()


def kept_files(settings: Settings) -> list[Path]:
    folder = settings.effective_storage_dir / JOB_FILES
    return sorted(folder.iterdir()) if folder.is_dir() else []


def resource_base(client: TestClient) -> str:
    """The API address of the demo dataset's uploaded resource."""
    rid = next(r["id"] for r in client.get(f"/api/datasets/{DATASET}").json()["resources"] if r.get("sha256"))
    return f"/api/datasets/{DATASET}/resources/{rid}"


def test_the_api_queues_a_large_files_check_and_links_the_run_when_done(
    client: TestClient, token_for: TokenFor, small_threshold: Settings,
) -> None:
    base, steward = resource_base(client), token_for("steward@bangkok.go.th", "steward")
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    files = {"file": ("new.csv", BAD_CSV, "text/csv")}
    no_dictionary = client.post(f"{base}/validation-runs/upload", headers=steward, files=files)
    assert no_dictionary.status_code == 422 and no_dictionary.json()["errors"][0]["code"] == "no_dictionary"
    assert client.post(f"{base}/validation-runs/upload", headers=outsider, files=files).status_code == 403
    assert kept_files(small_threshold) == []  # refused at once: nothing kept, no job
    client.post(f"{base}/dictionary/infer/upload", headers=steward,
                files={"file": ("sample.csv", GOOD_CSV, "text/csv")})

    small = client.post(f"{base}/validation-runs/upload", headers=steward, files={"file": ("s.csv", SMALL_CSV)})
    assert small.status_code == 201 and small.json()["valid"] is True  # inline, as before
    queued = client.post(f"{base}/validation-runs/upload", headers=steward, data={"version": "1"}, files=files)
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert queued.headers["location"] == f"/api/jobs/{job['id']}"
    assert (job["kind"], job["state"], job["organization"]) == ("validation", "queued", "bma-hrd")
    [kept] = kept_files(small_threshold)
    assert kept.read_bytes() == BAD_CSV
    assert len(client.get(f"{base}/validation-runs", headers=steward).json()) == 1  # only the small file's run

    assert runner.execute(job["id"], small_threshold) == BackgroundState.succeeded
    done = client.get(f"/api/jobs/{job['id']}", headers=steward).json()
    assert done["state"] == "succeeded" and done["progress_done"] == done["progress_total"] == len(BAD_CSV)
    result = done["result"]
    assert result["valid"] is False and result["replaced"] is False
    report = client.get(result["api_url"], headers=steward)
    assert report.status_code == 200 and len(report.json()["report"]["errors"]) == result["errors"]
    assert {e["rowNumber"] for e in report.json()["report"]["errors"]} == {3, 4}  # the word, the missing code
    assert kept_files(small_threshold) == []  # the job's copy goes once it ends

    stored = client.post(f"{base}/validation-runs", json={}, headers=steward)  # the served file, 315 B: a job
    assert stored.status_code == 202 and stored.json()["kind"] == "validation"
    assert runner.execute(stored.json()["id"], small_threshold) == BackgroundState.succeeded
    served = client.get(f"/api/jobs/{stored.json()['id']}", headers=steward).json()["result"]
    assert served["valid"] is True
    assert [r["valid"] for r in client.get(f"{base}/validation-runs", headers=steward).json()] == [True, False, True]


def test_a_large_files_check_cancelled_before_it_ran_leaves_nothing_kept(
    client: TestClient, token_for: TokenFor, small_threshold: Settings,
) -> None:
    base, steward = resource_base(client), token_for("steward@bangkok.go.th", "steward")
    client.post(f"{base}/dictionary/infer/upload", headers=steward,
                files={"file": ("sample.csv", GOOD_CSV, "text/csv")})
    queued = client.post(f"{base}/validation-runs/upload", headers=steward,
                         files={"file": ("new.csv", BAD_CSV, "text/csv")}).json()
    assert len(kept_files(small_threshold)) == 1
    cancelled = client.post(f"/api/jobs/{queued['id']}/cancel", headers=steward)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert kept_files(small_threshold) == []
    assert runner.execute(queued["id"], small_threshold) is None  # a late message runs nothing
    assert client.get(f"{base}/validation-runs", headers=steward).json() == []
