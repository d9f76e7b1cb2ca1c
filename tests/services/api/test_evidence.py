"""Evidence and working-group meetings over HTTP: documents streamed to the store and served at the address
the evaluator's report links to; read by members and evaluators of the year only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from catalog.settings import Settings, get_settings
from services.api.app import create_app
from tests.services.api.conftest import TokenFor

SECRETARY = "steward.hrd@bangkok.go.th"  # a person on record and the working group's secretary
DOCUMENT = "หนังสือขอใช้ข้อมูล ฉบับที่ 1\n".encode()


def _upload(client: TestClient, headers: dict[str, str], **fields: str) -> Response:
    data = {"evidence_date": "2021-06-30", "description": "หนังสือขอใช้ข้อมูล",
            "dataset": "city-development-indicators", "gate": "usage_evidence", **fields}
    return client.post("/api/evidence/upload", headers=headers, data=data,
                       files={"file": ("../หนังสือ.txt", DOCUMENT, "text/plain")})


def test_document_is_stored_listed_and_downloaded_by_members_and_evaluators_of_its_year(
    client: TestClient, token_for: TokenFor, evaluator_for: TokenFor, demo: Settings,
) -> None:
    steward = token_for(SECRETARY, "steward")
    made = _upload(client, steward)
    assert made.status_code == 201, made.text
    item = made.json()
    assert item["kind"] == "document" and item["filename"] == "หนังสือ.txt" and item["fiscal_year"] == 2564
    assert item["added_by"] == SECRETARY and item["stage"] == 4
    path = item["url"].removeprefix("http://testserver")
    assert path == f"/evidence/{item['id']}/download/หนังสือ.txt"
    download = client.get(path, headers=steward)
    assert download.status_code == 200 and download.content == DOCUMENT

    listed = client.get("/api/organizations/bma-hrd/evidence", params={"fy": 2564}, headers=steward).json()
    assert item["id"] in {e["id"] for e in listed}
    assert client.get(path).status_code == 404  # anonymous
    assert client.get("/api/organizations/bma-hrd/evidence").status_code == 404
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    assert client.get(path, headers=outsider).status_code == 404
    assert client.get("/api/organizations/bma-hrd/evidence", headers=outsider).status_code == 404

    of_2564, of_2565 = evaluator_for("e64@bangkok.go.th", 2564), evaluator_for("e65@bangkok.go.th", 2565)
    assert client.get(path, headers=of_2564).status_code == 200
    assert client.get(path, headers=of_2565).status_code == 404
    assert client.get("/api/organizations/bma-hrd/evidence", params={"fy": 2564}, headers=of_2565).status_code == 404
    # without a year an evaluator sees only the years they evaluate
    assert {e["fiscal_year"] for e in client.get("/api/organizations/bma-hrd/evidence",
                                                 headers=of_2565).json()} <= {2565}


def test_the_reports_evidence_links_are_served(client: TestClient, token_for: TokenFor, demo: Settings) -> None:
    steward = token_for(SECRETARY, "steward")
    report = client.get("/api/organizations/bma-hrd/report.json", params={"fy": 2564}, headers=steward).json()
    documents = [e for e in report["evidence"] if e["kind"] == "document"]
    assert documents, "the demo keeps the meetings' minutes as documents"
    for item in documents:
        response = client.get(item["url"].removeprefix("http://testserver"), headers=steward)
        assert response.status_code == 200 and len(response.content) == item["size"]


def test_link_evidence_permissions_and_bad_input(client: TestClient, token_for: TokenFor) -> None:
    body = {"organization": "bma-hrd", "evidence_date": "2021-01-10", "description": "บัญชีรายการข้อมูล",
            "url": "https://hrd.bangkok.go.th/catalog", "stage": 1}
    assert client.post("/api/evidence", json=body).status_code == 401
    outsider = token_for("other@bangkok.go.th", "steward", org="bma-spe")
    assert client.post("/api/evidence", json={**body, "added_by": SECRETARY}, headers=outsider).status_code == 403
    # a non-public dataset of another organization answers as one that does not exist
    hidden = client.post("/api/evidence", json={**body, "dataset": "trainee-registry"}, headers=outsider)
    missing = client.post("/api/evidence", json={**body, "dataset": "no-such-dataset"}, headers=outsider)
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json()["errors"][0]["field"] == missing.json()["errors"][0]["field"] == "dataset"
    steward = token_for(SECRETARY, "steward")
    made = client.post("/api/evidence", json=body, headers=steward)
    assert made.status_code == 201 and made.json()["kind"] == "link" and made.json()["url"] == body["url"]

    bad = client.post("/api/evidence", json={"organization": "bma-hrd", "url": "not a link", "stage": 9},
                      headers={**steward, "Accept-Language": "en"})
    assert bad.status_code == 422
    errors = {e["field"]: e for e in bad.json()["errors"]}
    assert {"evidence_date", "description", "url", "stage"} <= set(errors)
    assert "วันที่ของหลักฐาน" in errors["evidence_date"]["th"] and "Evidence date" in errors["evidence_date"]["en"]
    assert errors["evidence_date"]["message"] == errors["evidence_date"]["en"]
    neither = client.post("/api/evidence", json={k: v for k, v in body.items() if k != "url"}, headers=steward)
    assert neither.status_code == 422 and neither.json()["errors"][0]["field"] == "file"


def test_oversized_document_gets_413(token_for: TokenFor, demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANCHI_MAX_UPLOAD_BYTES", "1000")
    get_settings.cache_clear()
    client = TestClient(create_app())
    steward = token_for(SECRETARY, "steward")
    response = client.post("/api/evidence/upload", headers=steward,
                           data={"evidence_date": "2021-06-30", "description": "ใหญ่เกิน", "organization": "bma-hrd"},
                           files={"file": ("big.pdf", b"x" * 1001, "application/pdf")})
    assert response.status_code == 413 and response.json()["errors"][0]["field"] == "file"
    listed = client.get("/api/organizations/bma-hrd/evidence", headers=steward).json()
    assert "ใหญ่เกิน" not in {e["description"] for e in listed}


def test_meetings_with_minutes(client: TestClient, token_for: TokenFor, demo: Settings) -> None:
    secretary = token_for(SECRETARY, "steward")
    meetings = client.get("/api/organizations/bma-hrd/meetings", headers=secretary).json()
    assert meetings and meetings[0]["title"].endswith("ครั้งที่ 1/2563") and meetings[0]["minutes"]["kind"] == "document"
    assert client.get("/api/organizations/bma-hrd/meetings").status_code == 404

    made = client.post("/api/meetings/upload", headers=secretary,
                       data={"organization": "bma-hrd", "meeting_date": "2021-03-15", "title": "ครั้งที่ 2/2564"},
                       files={"minutes": ("minutes.txt", "รายงานการประชุม".encode(), "text/plain")})
    assert made.status_code == 201, made.text
    minutes = made.json()["minutes"]
    assert minutes["stage"] == 1 and client.get(minutes["url"].removeprefix("http://testserver"),
                                                headers=secretary).content == "รายงานการประชุม".encode()
    linked = client.post("/api/meetings", headers=secretary, json={
        "organization": "bma-hrd", "meeting_date": "2021-05-01", "title": "ครั้งที่ 3/2564",
        "minutes_url": "https://hrd.bangkok.go.th/minutes/3"})
    assert linked.status_code == 201 and linked.json()["minutes"]["kind"] == "link"

    steward = token_for("steward@bangkok.go.th", "steward")  # not a working-group member, nor an admin
    refused = client.post("/api/meetings", headers=steward, json={
        "organization": "bma-hrd", "meeting_date": "2021-05-01", "title": "x", "added_by": SECRETARY})
    assert refused.status_code == 403
    untitled = client.post("/api/meetings", headers={**secretary, "Accept-Language": "en"},
                           json={"organization": "bma-hrd", "meeting_date": "2021-05-01"})
    assert untitled.status_code == 422 and untitled.json()["errors"][0]["field"] == "title"
    future = client.post("/api/meetings", headers=secretary,
                         json={"organization": "bma-hrd", "meeting_date": "2999-01-01", "title": "ล่วงหน้า"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "meeting_date"
    assert "วันที่ประชุม" in future.json()["errors"][0]["th"]
