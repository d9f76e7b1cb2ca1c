"""The stewards' and working groups' pages: upload, validation report, dictionary editor, stage board,
evidence, dashboard, evaluation and publishing, each through the catalog's actions."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from catalog.actions.datasets import dataset_create
from catalog.actions.dictionaries import dictionary_versions
from catalog.actions.portals import portal_create
from catalog.demo import DEMO_DIR
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.services.web.conftest import SignIn, csrf_of, form_values

DATASET = "city-development-indicators"
GOOD_CSV = (DEMO_DIR / "files" / "city-indicators-2564.csv").read_bytes()
# the same table with a word where a count belongs (row 3) and a missing district code (row 4)
BAD_CSV = GOOD_CSV.replace(b"1002,\xe0\xb8\x94\xe0\xb8\xb8\xe0\xb8\xaa\xe0\xb8\xb4\xe0\xb8\x95,2564,44",
                           b"1002,\xe0\xb8\x94\xe0\xb8\xb8\xe0\xb8\xaa\xe0\xb8\xb4\xe0\xb8\x95,2564,many")
BAD_CSV = BAD_CSV.replace(b"\n1004,", b"\n,", 1)
CHAIR = "director.hrd@bangkok.go.th"  # the working group's chair in the demo
STEWARD = "data.steward@bangkok.go.th"  # a steward with no seat on the working group


def resource_id(site: TestClient, dataset: str = DATASET) -> str:
    found = re.search(rf'/dataset/{dataset}/resource/([0-9a-f-]{{36}})"', site.get(f"/dataset/{dataset}").text)
    assert found
    return found.group(1)


def editor_form(page: str) -> dict[str, str]:
    """What the dictionary editor would submit as it stands."""
    return form_values(page, "dictionary-form")


@pytest.fixture
def with_dictionary(site: TestClient, sign_in: SignIn) -> str:
    """A steward signed in, and a draft dictionary inferred from the demo file saved for its resource."""
    sign_in(STEWARD)
    rid = resource_id(site)
    editor = site.get(f"/dataset/{DATASET}/resource/{rid}/dictionary")
    assert editor.status_code == 200 and "ร่างนี้สร้างจากไฟล์ข้อมูล" in editor.text
    form = editor_form(editor.text)
    form["title_3"], form["unit_3"], form["minimum_3"] = "จำนวนผู้ผ่านการอบรม (ชาย)", "คน", "0"
    saved = site.post(f"/dataset/{DATASET}/resource/{rid}/dictionary", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?version=1")
    return rid


def test_dictionary_editor_saves_versions_and_compares_them(site: TestClient, with_dictionary: str) -> None:
    rid = with_dictionary
    page = site.get(f"/dataset/{DATASET}/resource/{rid}/dictionary?version=1").text
    assert 'data-version="1" data-status="draft"' in page and "จำนวนผู้ผ่านการอบรม (ชาย)" in page
    form = editor_form(page)
    form["maximum_3"] = "100"
    assert site.post(f"/dataset/{DATASET}/resource/{rid}/dictionary", data=form).status_code == 200
    compared = site.get(f"/dataset/{DATASET}/resource/{rid}/dictionary", params={"old": 1, "new": 2}).text
    assert 'class="changes"' in compared and "กระทบข้อมูลเดิม" in compared  # a tighter maximum breaks old data
    thai = site.post(f"/dataset/{DATASET}/resource/{rid}/dictionary", data={**form, "name_1": "ชื่อเขต"})
    assert thai.status_code == 200 and "ชื่อเขต" in thai.text  # a Thai header is a field name
    refused = site.post(f"/dataset/{DATASET}/resource/{rid}/dictionary", data={**form, "identifier_1": "ชื่อ เขต"})
    assert refused.status_code == 422 and 'class="alert"' in refused.text and "identifier" in refused.text


def test_upload_with_errors_is_reported_by_row_and_field_then_fixed(site: TestClient, with_dictionary: str) -> None:
    rid = with_dictionary
    page = site.get(f"/dataset/{DATASET}/resource/{rid}").text
    served = re.search(r'href="([^"]+/download/[^"]+)"', page).group(1)  # type: ignore[union-attr]
    bad = site.post(f"/dataset/{DATASET}/resource/{rid}/upload", data={"csrf_token": csrf_of(page)},
                    files={"file": ("city-indicators-2564.csv", BAD_CSV, "text/csv")})
    assert bad.status_code == 200 and 'data-valid="false"' in bad.text
    assert 'data-row="3" data-field="trained_male"' in bad.text
    assert 'data-row="4" data-field="district_code"' in bad.text
    assert "ไม่ถูกบันทึก" in bad.text  # the earlier data is kept
    assert site.get(served.replace("http://testserver", "")).content == GOOD_CSV
    fixed_csv = GOOD_CSV.replace(b"2564,58,71,129", b"2564,59,71,130")
    good = site.post(f"/dataset/{DATASET}/resource/{rid}/upload", data={"csrf_token": csrf_of(bad.text)},
                     files={"file": ("city-indicators-2564.csv", fixed_csv, "text/csv")})
    assert 'data-valid="true"' in good.text
    assert "59" in site.get(f"/dataset/{DATASET}").text  # the preview shows the new data
    assert 'data-validity="100.0"' in site.get(f"/dataset/{DATASET}").text


def test_working_group_member_approves_the_dictionary(site: TestClient, with_dictionary: str,
                                                       sign_in: SignIn, open_ctx: OpenContext) -> None:
    rid = with_dictionary
    page = site.get(f"/dataset/{DATASET}/resource/{rid}/dictionary/versions/1").text
    assert 'id="approve-form"' not in page and "คณะทำงานกำกับดูแลข้อมูล" in page  # no seat, no button
    with open_ctx() as ctx:
        version_id = dictionary_versions(ctx, DATASET, rid)[0].id
    refused = site.post(f"/dataset/{DATASET}/resource/{rid}/dictionary/approve",
                        data={"csrf_token": csrf_of(page), "version_id": version_id})
    assert refused.status_code == 422  # the steward does not sit on the working group
    site.post("/user/logout", data={"csrf_token": csrf_of(page)})
    sign_in(CHAIR, role=None)  # a seat on the working group is enough
    page = site.get(f"/dataset/{DATASET}/resource/{rid}/dictionary/versions/1").text
    approved = site.post(f"/dataset/{DATASET}/resource/{rid}/dictionary/approve",
                         data={"csrf_token": csrf_of(page), "version_id": version_id})
    assert 'data-status="approved"' in approved.text and CHAIR in approved.text
    public = TestClient(site.app).get(f"/dataset/{DATASET}").text
    assert "จำนวนผู้ผ่านการอบรม (ชาย)" in public  # the approved dictionary on the public page


def test_stage_board_and_sign_off(site: TestClient, sign_in: SignIn, open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input("stage-me", title="ชุดข้อมูลทดสอบขั้นตอน"), publish=True)
    sign_in(CHAIR, role=None)
    board = site.get("/organization/bma-hrd/stages").text
    column = board.split('data-stage="0"')[1].split('data-stage="1"')[0]
    assert 'data-dataset="stage-me"' in column and "ผ่านเกณฑ์ครบ" in column
    missing = site.post("/organization/bma-hrd/stages/advance", data={
        "csrf_token": csrf_of(board), "dataset": "stage-me", "to": "1", "reason": ""})
    assert missing.status_code == 422 and "เหตุผล" in missing.text
    done = site.post("/organization/bma-hrd/stages/advance", data={
        "csrf_token": csrf_of(board), "dataset": "stage-me", "to": "1",
        "reason": "ประชุมคณะทำงานครั้งที่ 1/2568"})
    assert done.status_code == 200 and "ลงนามรับรองเลื่อนขั้นชุดข้อมูล stage-me แล้ว" in done.text
    column = done.text.split('data-stage="1"')[1].split('data-stage="2"')[0]
    assert 'data-dataset="stage-me"' in column
    assert "พจนานุกรม" in column  # what blocks stage 2 is named


def test_evidence_is_added_and_listed(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    page = site.get("/organization/bma-hrd/evidence").text
    added = site.post("/organization/bma-hrd/evidence/upload", data={
        "csrf_token": csrf_of(page), "dataset": DATASET, "gate": "usage_evidence", "evidence_date": "2021-06-01",
        "description": "รายงานการนำข้อมูลไปใช้ประกอบการวางแผน", "url": "https://hrd.bangkok.go.th/report.pdf"})
    assert added.status_code == 200 and "รายงานการนำข้อมูลไปใช้ประกอบการวางแผน" in added.text
    neither = site.post("/organization/bma-hrd/evidence/upload", data={
        "csrf_token": csrf_of(page), "evidence_date": "2021-06-01", "description": "ไม่มีไฟล์"})
    assert neither.status_code == 422 and 'class="alert"' in neither.text


def test_dashboard_shows_quarterly_progress_chart_and_report(site: TestClient, sign_in: SignIn) -> None:
    sign_in("steward.hrd@bangkok.go.th")
    page = site.get("/organization/bma-hrd/dashboard", params={"year": 2564}).text
    progress = re.findall(r'data-progress="([\d.]+)"', page)
    assert [float(p) for p in progress] == [5, 30, 70, 100]  # the demo's FY 2564, as the seed page tells it
    assert "<svg" in page and 'data-figure="score"' in page
    report = site.get("/organization/bma-hrd/report/2564.html")
    assert report.status_code == 200 and "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร" in report.text
    workbook = site.get("/organization/bma-hrd/report/2564.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert site.get("/organization/bma-hrd/report/2564.exe").status_code == 404


def test_governance_pages_are_for_members_only(site: TestClient, sign_in: SignIn) -> None:
    assert site.get("/organization/bma-hrd/stages", follow_redirects=False).status_code == 303
    sign_in("outsider@bangkok.go.th", role="steward", org="bma-spe")
    assert site.get("/organization/bma-hrd/stages").status_code == 404
    assert site.get("/organization/bma-hrd/dashboard").status_code == 404


def test_evaluator_sees_agencies_side_by_side_and_records_a_result(site: TestClient, sign_in: SignIn) -> None:
    sign_in("evaluator.spe@bangkok.go.th", role="evaluator", fiscal_year=2564)
    page = site.get("/evaluation/", params={"year": 2564}).text
    row = page.split('data-org="bma-hrd"')[1].split("</tr>")[0]
    assert "<strong>95</strong>" in row and "(2.1 / 2.2: 95 / 100)" in row  # Q1 of the demo, as the seed page
    saved = site.post("/evaluation/audited", data={"csrf_token": csrf_of(page), "organization": "bma-hrd",
                                                   "fiscal_year": "2564", "quarter": "1", "result": "97.5",
                                                   "figure_2_1": "97.5", "figure_2_2": "100", "announced": "1"})
    assert saved.status_code == 200
    row = saved.text.split('data-org="bma-hrd"')[1].split("</tr>")[0]
    assert "<strong>97.5</strong>" in row and "(2.1 / 2.2: 97.5 / 100)" in row
    wrong = site.post("/evaluation/audited", data={"csrf_token": csrf_of(page), "organization": "bma-hrd",
                                                   "fiscal_year": "2564", "quarter": "1", "result": "120"})
    assert wrong.status_code == 422


def test_publish_needs_a_steward_and_reports_an_unreachable_portal(site: TestClient, sign_in: SignIn,
                                                                  open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:  # on loopback, registered without --allow-private-network: never connected to
        portal_create(ctx, {"name": "local", "url": "http://127.0.0.1:9", "api_key": "x"})
    sign_in("member.hrd@bangkok.go.th", role="wg_member")
    assert site.get("/organization/bma-hrd/publish").status_code == 403
    site.post("/user/logout", data={"csrf_token": csrf_of(site.get("/").text)})
    sign_in("steward.hrd@bangkok.go.th")
    form = site.get("/organization/bma-hrd/publish")
    assert form.status_code == 200
    assert '<option value="local"' in form.text and 'name="api_key"' not in form.text
    answer = site.post("/organization/bma-hrd/publish", data={"csrf_token": csrf_of(form.text), "portal": "local"})
    assert answer.status_code == 200 and 'class="alert"' in answer.text  # stopped: refused, never connected
    assert "127.0.0.1" in answer.text and "--allow-private-network" in answer.text


def test_workspace_lists_the_accounts_organizations_roles_and_datasets(site: TestClient, sign_in: SignIn) -> None:
    sign_in(STEWARD)
    page = site.get("/workspace/").text
    assert "บริกรข้อมูล" in page  # the role's Thai name
    assert "งบประมาณและค่าใช้จ่ายการฝึกอบรม" in page  # the organization's internal datasets too
    assert 'href="/dataset/new?owner_org=bma-hrd"' in page
    assert 'href="/organization/bma-hrd/publish"' in page  # stewards publish their organization's datasets
