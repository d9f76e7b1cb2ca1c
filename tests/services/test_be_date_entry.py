"""A Buddhist Era date entered at the command line, the API or a workbook is read as BE (or refused naming
the field), never stored 543 years off (issue 15 item 5)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient

from catalog.actions.accounts import token_create
from catalog.settings import Settings
from schemas.buddhist_era import BANGKOK
from services.api.app import create_app
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.services.api.conftest import TokenFor, token_for  # noqa: F401 (the token_for fixture)
from tests.services.test_cli import banchi, demo  # noqa: F401 (the demo fixture)


def test_cli_dataset_and_evidence_dates_in_buddhist_era(demo: Settings, tmp_path: Path) -> None:  # noqa: F811
    metadata = tmp_path / "dataset.json"
    metadata.write_text(json.dumps(dataset_input("be-dates", data_release_calendar="31/03/2564"), ensure_ascii=False),
                        encoding="utf-8")
    code, _, err = banchi("dataset", "add", "--file", str(metadata))
    assert code == 0, err
    shown = json.loads(banchi("dataset", "show", "be-dates", "--format", "json")[1])
    assert shown["data_release_calendar"] == "2021-03-31"
    code, out, err = banchi("dataset", "edit", "be-dates", "--set", "last_updated_date=2567-02-29", "--version", "1",
                            "--format", "json")
    assert code == 0, err
    assert json.loads(out)["last_updated_date"] == "2024-02-29"
    code, _, err = banchi("dataset", "edit", "be-dates", "--set", "last_updated_date=3567-02-01", "--version", "2")
    assert code == 1 and "วันที่ปรับปรุงข้อมูลล่าสุด" in err and "Last updated date" in err and "3567" in err
    assert json.loads(banchi("dataset", "show", "be-dates", "--format", "json")[1])["last_updated_date"] == "2024-02-29"

    code, out, err = banchi("evidence", "add", "--dataset", "be-dates", "--description", "หนังสือ",
                            "--by", "steward.hrd@bangkok.go.th", "--date", "30/06/2564",
                            "--url", "https://hrd.bangkok.go.th/a", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["evidence_date"] == "2021-06-30"
    code, _, err = banchi("evidence", "add", "--dataset", "be-dates", "--description", "หนังสือ",
                          "--by", "steward.hrd@bangkok.go.th", "--date", "30/06/0564", "--url", "https://a.go.th/")
    assert code == 2 and "evidence_date" in err and "พ.ศ." in err and "Buddhist Era" in err


def test_api_dataset_and_evidence_dates_in_buddhist_era(
    demo: Settings, token_for: TokenFor, open_ctx: OpenContext,  # noqa: F811
) -> None:
    client = TestClient(create_app())
    steward = token_for("steward@bangkok.go.th", "steward")
    made = client.post("/api/datasets", json=dataset_input("api-be", data_release_calendar="2564-03-31"),
                       headers=steward)
    assert made.status_code == 201, made.text
    assert made.json()["data_release_calendar"] == "2021-03-31"  # ISO (CE) in storage and in the API
    edited = client.patch("/api/datasets/api-be", json={"data_release_calendar": "29/02/2567"},
                          headers={**steward, "If-Match": made.headers["etag"]})
    assert edited.status_code == 200 and edited.json()["data_release_calendar"] == "2024-02-29"
    refused = client.patch("/api/datasets/api-be", json={"data_release_calendar": "2300-01-01"},
                           headers={**steward, "If-Match": edited.headers["etag"], "Accept-Language": "en"})
    assert refused.status_code == 422
    [problem] = refused.json()["errors"]
    assert problem["field"] == "data_release_calendar" and problem["code"] == "invalid_date_year"
    assert client.get("/api/datasets/api-be", headers=steward).json()["data_release_calendar"] == "2024-02-29"

    with open_ctx() as ctx:  # the demo's steward account, bound to a person on record, adds evidence
        secretary = {"Authorization": "Bearer " + token_create(ctx, {"name": "t"}, "steward.hrd@bangkok.go.th").token}
    evidence = client.post("/api/evidence", headers=secretary, json={
        "dataset": "api-be", "evidence_date": "2564-06-30", "description": "หนังสือ", "url": "https://a.go.th/x"})
    assert evidence.status_code == 201, evidence.text
    assert evidence.json()["evidence_date"] == "2021-06-30"


def test_api_query_dates_are_read_the_same_way(demo: Settings, token_for: TokenFor) -> None:  # noqa: F811
    client = TestClient(create_app())
    steward = token_for("steward@bangkok.go.th", "steward")
    path = "/api/organizations/bma-hrd/stages"
    christian = client.get(path, params={"as_of": "2021-09-30"}, headers=steward)
    assert christian.status_code == 200, christian.text
    assert client.get(path, params={"as_of": "30/09/2564"}, headers=steward).json() == christian.json()
    refused = client.get(path, params={"as_of": "2300-09-30"}, headers={**steward, "Accept-Language": "en"})
    assert refused.status_code == 422
    [problem] = refused.json()["errors"]
    assert problem["field"] == "as_of" and problem["code"] == "invalid_date_year" and "พ.ศ." in problem["th"]


def test_cli_shows_dates_in_the_buddhist_era(demo: Settings, tmp_path: Path) -> None:  # noqa: F811
    metadata = tmp_path / "dataset.json"
    metadata.write_text(json.dumps(dataset_input("shown-dates", last_updated_date="2021-03-31"), ensure_ascii=False),
                        encoding="utf-8")
    assert banchi("dataset", "add", "--file", str(metadata))[0] == 0
    code, out, _ = banchi("dataset", "show", "shown-dates")
    assert code == 0 and "31 มีนาคม 2564" in out and "2021-03-31" not in out
    code, out, _ = banchi("audit", "--dataset", "shown-dates")
    this_year = dt.datetime.now(dt.UTC).astimezone(BANGKOK).year + 543  # when, as a Buddhist Era day in Bangkok
    assert code == 0 and str(this_year) in out
