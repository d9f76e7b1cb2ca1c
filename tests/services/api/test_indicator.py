"""Indicator 5.2 over HTTP: the datasets a year counts, quarterly narratives (If-Match), scores as of a day with
the CLI's JSON shape, the evaluator's report in four formats, stage reads and audited results by year."""

from __future__ import annotations

import io
import json

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.services.api.conftest import TokenFor

CHAIR = "director.hrd@bangkok.go.th"  # chairs bma-hrd's working group: enrols datasets, writes narratives
SCORE = "/api/organizations/bma-hrd/score"
NARRATIVE = "/api/organizations/bma-hrd/narratives"


def test_score_has_the_clis_shape_and_follows_as_of(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    response = client.get(SCORE, params={"fy": 2564}, headers=steward)
    assert response.status_code == 200, response.text
    card = response.json()
    assert (card["weight"], card["score"]) == (10, 10)
    assert [(q["target"], q["progress"], q["met"], q["score"]) for q in card["quarters"]] == [
        (5, 5, True, 0.5), (30, 30, True, 3), (70, 70, True, 7), (100, 100, True, 10)]
    assert all("datasets" not in q for q in card["quarters"])  # as `banchi score --format json`
    earlier = client.get(SCORE, params={"fy": 2564, "as_of": "2021-06-30"}, headers=steward).json()
    assert [q["progress"] for q in earlier["quarters"]] == [5, 30, 70, None] and earlier["as_of"] == "2021-06-30"

    future = client.get(SCORE, params={"fy": 2564, "as_of": "2999-01-01"}, headers={**steward, "Accept-Language": "en"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "as_of"
    no_rubric = client.get(SCORE, params={"fy": 2590}, headers=steward)
    assert no_rubric.status_code == 422 and no_rubric.json()["errors"][0]["field"] == "fiscal_year"
    assert "2590" in no_rubric.json()["errors"][0]["th"]
    assert client.get(SCORE, params={"fy": 2564}).status_code == 404
    assert client.get(SCORE, headers=steward).status_code == 422  # fy is required


def test_evaluators_read_only_the_years_they_evaluate(client: TestClient, evaluator_for: TokenFor) -> None:
    of_2564, of_2565 = evaluator_for("e64@bangkok.go.th", 2564), evaluator_for("e65@bangkok.go.th", 2565)
    assert client.get(SCORE, params={"fy": 2564}, headers=of_2564).status_code == 200
    assert client.get(SCORE, params={"fy": 2564}, headers=of_2565).status_code == 404
    assert client.get("/api/organizations/bma-hrd/report.json", params={"fy": 2564},
                      headers=of_2565).status_code == 404
    body = {"organization": "bma-hrd", "fiscal_year": 2564, "quarter": 4, "result": 90,
            "evaluator": "evaluator.spe@bangkok.go.th"}
    assert client.post("/api/audited-results", json=body, headers=of_2565).status_code == 403
    recorded = client.post("/api/audited-results", json=body, headers=of_2564)
    assert recorded.status_code == 200 and recorded.json()["result"] == 90
    audited = client.get("/api/organizations/bma-hrd/audited-results", params={"fiscal_year": 2564},
                         headers=of_2564).json()
    assert audited["4"]["result"] == 90


def test_report_in_every_format(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    url = "/api/organizations/bma-hrd/report"
    html = client.get(f"{url}.html", params={"fy": 2564}, headers=steward)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร" in html.text
    data = client.get(f"{url}.json", params={"fy": 2564, "as_of": "2021-03-31"}, headers=steward).json()
    assert data["fiscal_year"] == 2564 and [q["progress"] for q in data["quarters"]][:3] == [5, 30, None]
    pdf = client.get(f"{url}.pdf", params={"fy": 2564}, headers=steward)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="bma-hrd-2564.pdf"'
    xlsx = client.get(f"{url}.xlsx", params={"fy": 2564}, headers=steward)
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert client.get(f"{url}.docx", params={"fy": 2564}, headers=steward).status_code == 422
    assert client.get(f"{url}.html", params={"fy": 2564}).status_code == 404


def test_indicator_datasets_read_and_enrol(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    listed = client.get("/api/organizations/bma-hrd/indicator-datasets", params={"fy": 2564}, headers=steward)
    assert [(d["part"], d["dataset"]) for d in listed.json()] == [
        (1, "city-development-indicators"), (2, "junior-executive-personal-reports")]
    assert client.get("/api/organizations/bma-hrd/indicator-datasets", params={"fy": 2564}).status_code == 404

    body = {"dataset": "training-satisfaction", "fiscal_year": 2565, "part": 1}
    assert client.post("/api/indicator-datasets", json=body).status_code == 401
    assert client.post("/api/indicator-datasets", json=body, headers=steward).status_code == 403  # admin or WG
    chair = token_for(CHAIR)
    made = client.post("/api/indicator-datasets", json=body, headers=chair)
    assert made.status_code == 200, made.text
    assert made.json() == {"dataset": "training-satisfaction", "title": made.json()["title"], "fiscal_year": 2565,
                           "part": 1, "enrolled_on": "2021-10-01"}
    unknown_part = client.post("/api/indicator-datasets", json={**body, "part": 9}, headers=chair)
    assert unknown_part.status_code == 422 and unknown_part.json()["errors"][0]["field"] == "part"
    bad = client.post("/api/indicator-datasets", json={"dataset": "training-satisfaction", "part": "หนึ่ง"},
                      headers={**chair, "Accept-Language": "en"})
    errors = {e["field"]: e for e in bad.json()["errors"]}
    assert bad.status_code == 422 and {"fiscal_year", "part"} <= set(errors)
    assert "ปีงบประมาณ" in errors["fiscal_year"]["th"] and "Fiscal year" in errors["fiscal_year"]["en"]
    outsider = token_for("other@bangkok.go.th", "admin", org="bma-spe")
    hidden = client.post("/api/indicator-datasets", json={**body, "dataset": "trainee-registry"}, headers=outsider)
    assert hidden.status_code == 404


def test_narrative_get_and_set_with_if_match(client: TestClient, token_for: TokenFor) -> None:
    chair = token_for(CHAIR)
    saved = client.get(f"{NARRATIVE}/2564/1", headers=chair)
    assert saved.status_code == 200 and saved.headers["etag"] == '"1"' and not saved.json()["drafted"]
    assert client.get(f"{NARRATIVE}/2564/1").status_code == 404

    url, text = f"{NARRATIVE}/2564/1", {"text": "ไตรมาสที่ 1: แต่งตั้งคณะทำงานและประชุมแล้ว"}
    assert client.put(url, json=text, headers=chair).status_code == 428
    edited = client.put(url, json=text, headers={**chair, "If-Match": '"1"'})
    assert edited.status_code == 200 and edited.headers["etag"] == '"2"' and edited.json()["text"] == text["text"]
    stale = client.put(url, json={"text": "ทับ"}, headers={**chair, "If-Match": '"1"', "Accept-Language": "en"})
    assert stale.status_code == 412 and stale.json()["errors"][0]["field"] == "version"
    assert client.get(url, headers=chair).json()["text"] == text["text"]

    empty = client.put(url, json={"text": "  "}, headers={**chair, "If-Match": '"2"'})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "text"
    assert client.put(f"{NARRATIVE}/2564/5", json=text, headers={**chair, "If-Match": "*"}).status_code == 422
    assert client.put(url, json=text, headers={"If-Match": '"2"'}).status_code == 401
    steward = token_for("steward@bangkok.go.th", "steward")
    assert client.put(url, json=text, headers={**steward, "If-Match": '"2"'}).status_code == 403

    draft = client.get(f"{NARRATIVE}/2565/2", headers=chair)
    assert draft.json()["drafted"] and "etag" not in draft.headers
    first = client.put(f"{NARRATIVE}/2565/2", json={"text": "เริ่มงานปี 2565"}, headers={**chair, "If-Match": "*"})
    assert first.status_code == 200 and first.headers["etag"] == '"1"'
    assert client.put(f"{NARRATIVE}/2564/1", json=text,
                      headers={**chair, "If-Match": "*"}).json()["version"] == 3


def test_stage_reads_are_guarded(client: TestClient, token_for: TokenFor) -> None:
    outsider = token_for("other@bangkok.go.th", "admin", org="bma-spe")
    member = token_for("steward@bangkok.go.th", "steward")
    for url in ("/api/organizations/bma-hrd/stages", "/api/datasets/city-development-indicators/stages",
                "/api/datasets/trainee-registry/stages"):
        assert client.get(url).status_code == 404
        assert client.get(url, headers=outsider).status_code == 404
        assert client.get(url, headers=member).status_code == 200
    history = client.get("/api/datasets/city-development-indicators/stages", headers=member).json()
    assert [e["to_stage"] for e in history][:1] == [1]
    statuses = client.get("/api/organizations/bma-hrd/stages", params={"as_of": "2021-09-30"}, headers=member).json()
    assert json.dumps(statuses, ensure_ascii=False).count("city-development-indicators") == 1
