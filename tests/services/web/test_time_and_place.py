"""Dates on the pages are the Bangkok day in the Buddhist Era, and date inputs show and take the Buddhist
Era (issue 15 item 5)."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from catalog.actions.access import dataset_show
from catalog.actions.datasets import dataset_update
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.services.web.conftest import SignIn, csrf_of

DATASET = "training-satisfaction"  # a statistics dataset of the demo: it has the two date fields below


def test_a_change_just_after_bangkok_midnight_shows_that_bangkok_day(site: TestClient,
                                                                     open_ctx: OpenContext) -> None:
    late_in_utc = dt.datetime(2026, 12, 4, 18, 30, tzinfo=dt.UTC)  # 01:30 on 5 December in Bangkok
    with open_ctx(clock=lambda: late_in_utc) as ctx:
        version = dataset_show(ctx, DATASET)["version"]
        dataset_update(ctx, DATASET, {"notes": "ปรับปรุงหลังเที่ยงคืน"}, expected_version=version)
    page = site.get(f"/dataset/{DATASET}").text
    assert "5 ธันวาคม 2569" in page and "4 ธันวาคม 2569" not in page
    assert "5 December 2026" in site.get(f"/dataset/{DATASET}", params={"lang": "en"}).text


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]


def _date_input(html: str, key: str) -> str:
    found = re.search(rf'<input id="f-{key}"[^>]*>', html, re.S)
    assert found, key
    return found.group(0)


def test_the_dataset_form_shows_and_takes_buddhist_era_dates_and_a_round_trip_keeps_them(
    site: TestClient, sign_in: SignIn, open_ctx: OpenContext
) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    form = site.get(f"/dataset/edit/{DATASET}").text
    fields = {"csrf_token": csrf_of(form), "version": _version(form), **dataset_input(
        DATASET, title="ผลการประเมินความพึงพอใจของผู้เข้ารับการฝึกอบรม", first_year_of_data="2563",
        last_updated_date="31/03/2564", data_release_calendar="2567-02-29")}
    saved = site.post(f"/dataset/edit/{DATASET}", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with open_ctx() as ctx:
        stored = dataset_show(ctx, DATASET)
    assert (stored["last_updated_date"], stored["data_release_calendar"]) == ("2021-03-31", "2024-02-29")

    again = site.get(f"/dataset/edit/{DATASET}").text
    box = _date_input(again, "last_updated_date")
    assert 'type="text"' in box and 'value="31/03/2564"' in box and 'type="date"' not in again
    assert 'value="29/02/2567"' in _date_input(again, "data_release_calendar")
    assert "31/03/2564" in again and "2564-03-31" in again  # the hint says both ways of writing it
    # saving the form as it is shown keeps the dates
    shown = {key: re.search(r'value="([^"]*)"', _date_input(again, key)).group(1)  # type: ignore[union-attr]
             for key in ("last_updated_date", "data_release_calendar")}
    resaved = site.post(f"/dataset/edit/{DATASET}", data={**fields, **shown, "csrf_token": csrf_of(again),
                                                          "version": _version(again)}, follow_redirects=False)
    assert resaved.status_code == 303
    with open_ctx() as ctx:
        kept = dataset_show(ctx, DATASET)
    assert (kept["last_updated_date"], kept["data_release_calendar"]) == ("2021-03-31", "2024-02-29")
    assert kept["version"] == stored["version"] + 1

    refused = site.post(f"/dataset/edit/{DATASET}", data={**fields, "last_updated_date": "31/03/3564",
                                                          "csrf_token": csrf_of(again), "version": _version(again)})
    assert refused.status_code == 422
    error = re.search(r'<p class="error" id="f-last_updated_date-error">([^<]+)</p>', refused.text)
    assert error and "วันที่ปรับปรุงข้อมูลล่าสุด" in error.group(1) and "3564" in error.group(1)
    assert 'value="31/03/3564"' in refused.text  # what was typed is shown again beside its error


def test_evidence_and_meeting_forms_take_buddhist_era_dates(site: TestClient, sign_in: SignIn,
                                                           open_ctx: OpenContext) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    page = site.get("/organization/bma-hrd/evidence").text
    box = re.search(r'<input id="ev-date"[^>]*>', page).group(0)  # type: ignore[union-attr]
    assert 'type="text"' in box and re.search(r'value="\d{2}/\d{2}/25\d{2}"', box)  # today, in the BE
    added = site.post("/organization/bma-hrd/evidence/upload", data={
        "csrf_token": csrf_of(page), "dataset": DATASET, "evidence_date": "01/06/2564",
        "description": "รายงานการใช้ข้อมูลปี 2564", "url": "https://hrd.bangkok.go.th/use-2564.pdf"})
    assert added.status_code == 200, added.text
    assert "1 มิถุนายน 2564" in added.text
    meetings = site.get("/organization/bma-hrd/meetings").text
    assert 'type="date"' not in meetings and 'id="meeting-date-hint"' in meetings
