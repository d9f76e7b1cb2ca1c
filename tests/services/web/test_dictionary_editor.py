"""The dictionary editor (issue 14, item 2): the whole dictionary as one grid saved as one draft, inferred in
place, round-tripped through the Excel template, bad cells named by row and column; each version on a
read-only page where the working group approves the newest draft only."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from catalog.actions.accounts import account_create
from catalog.actions.dictionaries import dictionary_version_create, dictionary_versions
from catalog.settings import get_settings
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.services.web.conftest import PASSWORD, SignIn, csrf_of, form_values
from tests.services.web.test_workspace import CHAIR, DATASET, STEWARD, resource_id

THAI_CSV = "รหัสเขต,ชื่อเขต,จำนวนผู้ผ่านการอบรม\n1001,พระนคร,129\n1002,ดุสิต,107\n".encode()


def editor_url(rid: str) -> str:
    return f"/dataset/{DATASET}/resource/{rid}/dictionary"


def saved_versions(open_ctx: OpenContext, rid: str) -> list[dict[str, object]]:
    with open_ctx() as ctx:
        return [v.model_dump() for v in dictionary_versions(ctx, DATASET, rid)]


def test_infer_works_with_a_relative_storage_path_and_shows_no_server_path(
    demo: object, open_ctx: OpenContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The README's set-up keeps uploads under a relative ``./data/storage``: inferring the dictionary linked
    the file from a scratch folder to that relative path and found nothing there ("ไม่พบไฟล์ /tmp/…")."""
    workdir = tmp_path / "checkout"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("BANCHI_STORAGE_DIR", "data/storage")  # relative, as the default is
    get_settings.cache_clear()
    assert get_settings().effective_storage_dir == workdir / "data" / "storage"  # absolute from the start
    with open_ctx() as ctx:
        account_create(ctx, {"email": STEWARD, "password": PASSWORD,
                             "roles": [{"role": "steward", "organization": "bma-hrd"}]})
    site = TestClient(create_site(), headers={"accept": "text/html"})
    form = site.get("/user/login")
    site.post("/user/login", data={"csrf_token": csrf_of(form.text), "email": STEWARD, "password": PASSWORD,
                                   "came_from": "/"})
    page = site.get(f"/dataset/{DATASET}/resource/new")
    made = site.post(f"/dataset/{DATASET}/resource/upload", data={"csrf_token": csrf_of(page.text)},
                     files={"file": ("เขต.csv", THAI_CSV, "text/csv")}, follow_redirects=False)
    assert made.status_code == 303
    rid = made.headers["location"].rsplit("/", 1)[-1]
    assert any((workdir / "data" / "storage").rglob("*"))  # stored under the working directory
    editor = site.get(editor_url(rid))
    assert editor.status_code == 200 and 'class="notice"' in editor.text, editor.text[-2000:]
    values = form_values(editor.text, "dictionary-form")
    assert [values[f"name_{i}"] for i in range(3)] == ["รหัสเขต", "ชื่อเขต", "จำนวนผู้ผ่านการอบรม"]
    assert values["type_2"] == "integer"
    # a resource whose stored file is gone: told by its name, never by a server path
    for stored in (workdir / "data" / "storage").rglob("*"):
        if stored.is_file():
            stored.unlink()
    missing = site.get(editor_url(rid))
    assert "ไม่พบไฟล์ เขต.csv" in missing.text
    assert str(workdir) not in missing.text and "/tmp" not in missing.text and "banchi-" not in missing.text
    get_settings.cache_clear()


def test_the_whole_grid_is_saved_as_one_draft(site: TestClient, sign_in: SignIn, open_ctx: OpenContext) -> None:
    sign_in(STEWARD)
    rid = resource_id(site)
    editor = site.get(editor_url(rid))
    form = form_values(editor.text, "dictionary-form")
    names = [form[f"name_{i}"] for i in range(6)]
    assert names == ["district_code", "district_name", "fiscal_year", "trained_male", "trained_female",
                     "trained_total"]
    assert form["count"] == "8"  # six fields and two blank rows to add fields in
    form.update({
        "title_1": "ชื่อเขต", "titleEn_1": "District name", "description_1": "ชื่อสำนักงานเขต",
        "descriptionEn_1": "The district office", "personalData_1": "1", "classification_1": "ชั้นเผยแพร่ภายในองค์กร",
        "unit_3": "คน", "minimum_3": "0", "maximum_3": "1000", "required_3": "1", "unique_0": "1",
        "primaryKey_0": "1", "minLength_1": "2", "maxLength_1": "40", "pattern_1": "[ก-๙ ]+",
        "codeList_0": "1001=พระนคร=Phra Nakhon; 1002=ดุสิต", "example_2": "2564",
        "remove_4": "1",  # trained_female goes
        "order_5": "4", "order_3": "6",  # trained_total before trained_male
        "name_6": "หมายเหตุ", "identifier_6": "note", "type_6": "string",  # a new field in a blank row
        "enum_6": "ปกติ | แก้ไข",
        "dict_title": "ผู้ผ่านการอบรมรายเขต", "missingValues": " | -", "fieldsMatch": "equal",
    })
    saved = site.post(editor_url(rid), data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?version=1")
    versions = saved_versions(open_ctx, rid)
    assert len(versions) == 1  # many fields changed, one draft
    schema = versions[0]["table_schema"]
    assert isinstance(schema, dict)
    fields = {f["name"]: f for f in schema["fields"]}
    assert [f["name"] for f in schema["fields"]] == ["district_code", "district_name", "fiscal_year",
                                                     "trained_total", "trained_male", "หมายเหตุ"]
    assert fields["district_name"]["titleEn"] == "District name"
    assert fields["district_name"]["descriptionEn"] == "The district office"
    assert fields["district_name"]["personalData"] is True
    assert fields["district_name"]["classification"] == "ชั้นเผยแพร่ภายในองค์กร"
    assert fields["district_name"]["constraints"] == {"required": True, "minLength": 2, "maxLength": 40,
                                                      "pattern": "[ก-๙ ]+"}  # required: inferred
    assert fields["trained_male"]["constraints"] == {"required": True, "minimum": 0, "maximum": 1000}
    assert fields["trained_male"]["unit"] == "คน"
    assert fields["district_code"]["codeList"] == [
        {"code": "1001", "label": "พระนคร", "labelEn": "Phra Nakhon"}, {"code": "1002", "label": "ดุสิต"}]
    assert fields["district_code"]["constraints"] == {"required": True, "unique": True}
    assert fields["หมายเหตุ"] == {"name": "หมายเหตุ", "identifier": "note", "type": "string",
                                  "constraints": {"enum": ["ปกติ", "แก้ไข"]}}
    assert schema["primaryKey"] == ["district_code"]
    assert schema["title"] == "ผู้ผ่านการอบรมรายเขต" and schema["fieldsMatch"] == "equal"
    assert schema["missingValues"] == ["", "-"]
    # the saved version opens in the grid as it was saved
    again = form_values(site.get(f"{editor_url(rid)}?version=1").text, "dictionary-form")
    assert again["name_3"] == "trained_total" and again["codeList_0"] == "1001=พระนคร=Phra Nakhon; 1002=ดุสิต"
    assert again["personalData_1"] == "1" and again["classification_1"] == "ชั้นเผยแพร่ภายในองค์กร"


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_saved(
    site: TestClient, sign_in: SignIn, open_ctx: OpenContext,
) -> None:
    sign_in(STEWARD)
    rid = resource_id(site)
    form = form_values(site.get(editor_url(rid)).text, "dictionary-form")
    form.update({"minLength_1": "สอง", "codeList_0": "1001", "identifier_2": "ปี งบ", "name_6": "",
                 "title_6": "ฟิลด์ที่ไม่มีชื่อ"})
    refused = site.post(editor_url(rid), data=form)
    assert refused.status_code == 422
    text = refused.text
    assert "แถวที่ 2 คอลัมน์ ความยาวต่ำสุด" in text and "“สอง” ต้องเป็นตัวเลข" in text
    assert "Min length: “สอง” must be a number" in text  # and in English
    assert "แถวที่ 1 คอลัมน์ รายการรหัส" in text
    assert "แถวที่ 3 คอลัมน์ ชื่อระบบ (อังกฤษ)" in text and "identifier “ปี งบ”" in text
    assert "แถวที่ 7" in text and "ต้องกรอก ชื่อฟิลด์" in text  # a row with a title and no name
    assert saved_versions(open_ctx, rid) == []
    # the grid comes back as it was typed, the bad cells marked
    back = form_values(text, "dictionary-form")
    assert back["minLength_1"] == "สอง" and back["title_6"] == "ฟิลด์ที่ไม่มีชื่อ"
    assert re.search(r'<td data-key="minLength" class="bad-cell">\s*<input name="minLength_1"', text)
    # two fields whose names are one name once normalized: named by row
    form = form_values(site.get(editor_url(rid)).text, "dictionary-form")
    form["name_1"], form["name_2"] = "จำนวน", " จ\u0e4d\u0e32นวน"  # ำ typed as ํ + า
    colliding = site.post(editor_url(rid), data=form)
    assert colliding.status_code == 422 and "แถวที่ 3" in colliding.text and "เป็นชื่อเดียวกัน" in colliding.text
    assert saved_versions(open_ctx, rid) == []


def test_properties_the_grid_has_no_column_for_are_kept(site: TestClient, sign_in: SignIn,
                                                        open_ctx: OpenContext) -> None:
    sign_in(STEWARD)
    rid = resource_id(site)
    schema = {"fields": [{"name": "district_code", "type": "integer", "bareNumber": False,
                          "constraints": {"exclusiveMinimum": 1000, "required": True}},
                         {"name": "flag", "type": "boolean", "trueValues": ["มี"], "falseValues": ["ไม่มี"]}],
              "foreignKeys": []}
    with open_ctx() as ctx:
        dictionary_version_create(ctx, DATASET, rid, schema)
    form = form_values(site.get(editor_url(rid)).text, "dictionary-form")
    form.update({"order_0": "2", "order_1": "1", "unit_0": "รหัส"})  # swap and edit
    assert site.post(editor_url(rid), data=form, follow_redirects=False).status_code == 303
    saved = saved_versions(open_ctx, rid)[-1]["table_schema"]
    assert isinstance(saved, dict)
    assert saved["fields"] == [
        {"name": "flag", "type": "boolean", "trueValues": ["มี"], "falseValues": ["ไม่มี"]},
        {"name": "district_code", "type": "integer", "bareNumber": False, "unit": "รหัส",
         "constraints": {"exclusiveMinimum": 1000, "required": True}},
    ]


def test_excel_template_round_trip_from_the_editor(site: TestClient, sign_in: SignIn,
                                                   open_ctx: OpenContext) -> None:
    sign_in(STEWARD)
    rid = resource_id(site)
    editor = site.get(editor_url(rid))
    assert site.post(editor_url(rid), data=form_values(editor.text, "dictionary-form"),
                     follow_redirects=False).status_code == 303
    page = site.get(f"{editor_url(rid)}?version=1")
    assert f'{editor_url(rid)}/template.xlsx?version=1"' in page.text
    download = site.get(f"{editor_url(rid)}/template.xlsx", params={"version": 1})
    assert download.status_code == 200 and download.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    assert "city-development-indicators-dictionary-v1.xlsx" in download.headers["content-disposition"]
    book = load_workbook(io.BytesIO(download.content))
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    unit = header.index("หน่วยนับ / Unit") + 1
    sheet.cell(row=5, column=unit, value="คน")  # trained_male
    sheet.cell(row=5, column=header.index("ชื่อภาษาอังกฤษ / English title") + 1, value="Men trained")
    edited = io.BytesIO()
    book.save(edited)
    loaded = site.post(f"{editor_url(rid)}/upload", data={"csrf_token": csrf_of(page.text)},
                       files={"file": ("dictionary.xlsx", edited.getvalue(), "application/octet-stream")})
    assert loaded.status_code == 200 and "โหลดจากแม่แบบ Excel แล้ว ยังไม่ได้บันทึก" in loaded.text
    assert len(saved_versions(open_ctx, rid)) == 1  # loading saves nothing
    form = form_values(loaded.text, "dictionary-form")
    assert (form["unit_3"], form["titleEn_3"]) == ("คน", "Men trained")
    assert site.post(editor_url(rid), data=form, follow_redirects=False).status_code == 303
    latest = saved_versions(open_ctx, rid)[-1]
    assert latest["number"] == 2
    table_schema = latest["table_schema"]
    assert isinstance(table_schema, dict)
    assert table_schema["fields"][3]["unit"] == "คน"
    # a workbook with a bad cell: its sheet, row and column, and nothing loaded or saved
    sheet.cell(row=3, column=header.index("ชนิดข้อมูล / Type") + 1, value="ตัวเลข")
    bad = io.BytesIO()
    book.save(bad)
    refused = site.post(f"{editor_url(rid)}/upload", data={"csrf_token": csrf_of(page.text)},
                        files={"file": ("dictionary.xlsx", bad.getvalue(), "application/octet-stream")})
    assert refused.status_code == 422 and "ชีต พจนานุกรมข้อมูล แถวที่ 3 คอลัมน์ ชนิดข้อมูล" in refused.text
    not_xlsx = site.post(f"{editor_url(rid)}/upload", data={"csrf_token": csrf_of(page.text)},
                         files={"file": ("dictionary.csv", b"a,b\n", "text/csv")})
    assert not_xlsx.status_code == 422 and "ไม่รองรับไฟล์ชนิด" in not_xlsx.text
    assert len(saved_versions(open_ctx, rid)) == 2


def test_approver_reads_the_version_and_its_changes_and_approves_only_the_newest_draft(
    site: TestClient, sign_in: SignIn, open_ctx: OpenContext,
) -> None:
    sign_in(STEWARD)
    rid = resource_id(site)
    form = form_values(site.get(editor_url(rid)).text, "dictionary-form")
    form["title_3"] = "จำนวนผู้ผ่านการอบรม (ชาย)"
    site.post(editor_url(rid), data=form)  # version 1
    token = csrf_of(site.get(editor_url(rid)).text)
    site.post("/user/logout", data={"csrf_token": token})
    sign_in(CHAIR, role=None)
    first = site.get(f"{editor_url(rid)}/versions/1")
    assert first.status_code == 200
    assert 'data-field="trained_male"' in first.text and "จำนวนผู้ผ่านการอบรม (ชาย)" in first.text
    assert "<input name=" not in first.text  # read-only: nothing to type into
    assert "ยังไม่มีฉบับที่อนุมัติ" in first.text
    approved = site.post(f"{editor_url(rid)}/approve",
                         data={"csrf_token": csrf_of(first.text), "version_id": _version_id(first.text)})
    assert approved.status_code == 200 and 'data-status="approved" data-current="true"' in approved.text
    # two more drafts: the older is refused by the catalog (not only hidden by the page)
    site.post("/user/logout", data={"csrf_token": csrf_of(approved.text)})
    sign_in("second.steward@bangkok.go.th")
    for maximum in ("500", "400"):
        form = form_values(site.get(f"{editor_url(rid)}?version=1").text, "dictionary-form")
        form["maximum_3"] = maximum
        site.post(editor_url(rid), data=form)
    site.post("/user/logout", data={"csrf_token": csrf_of(site.get(editor_url(rid)).text)})
    login = site.get("/user/login")
    site.post("/user/login", data={"csrf_token": csrf_of(login.text), "email": CHAIR, "password": PASSWORD,
                                   "came_from": "/"})
    older = site.get(f"{editor_url(rid)}/versions/2")
    assert 'data-superseded="true"' in older.text and 'id="approve-form"' not in older.text
    refused = site.post(f"{editor_url(rid)}/approve",
                        data={"csrf_token": csrf_of(older.text), "version_id": _version_id_of(open_ctx, rid, 2)})
    assert refused.status_code == 422 and "อนุมัติได้เฉพาะร่างฉบับล่าสุด" in refused.text
    newest = site.get(f"{editor_url(rid)}/versions/3")
    assert "สิ่งที่เปลี่ยนจากฉบับที่ใช้อยู่ (ฉบับที่ 1)" in newest.text
    assert 'data-field="trained_male"' in newest.text and "กระทบข้อมูลเดิม" in newest.text  # a new maximum
    site.post(f"{editor_url(rid)}/approve", data={"csrf_token": csrf_of(newest.text),
                                                  "version_id": _version_id(newest.text)})
    listed = site.get(editor_url(rid)).text
    assert listed.count('data-current="true"') == 1 and 'data-version="3" data-status="approved" data-current' \
        in listed
    assert 'data-version="1" data-status="approved">' in listed  # approved once, no longer current
    assert "ฉบับที่อนุมัติและใช้อยู่คือฉบับที่ 3" in listed
    assert [v["current"] for v in saved_versions(open_ctx, rid)] == [False, False, True]


def _version_id(page: str) -> str:
    found = re.search(r'name="version_id" value="([^"]+)"', page)
    assert found, "the page has no approve form"
    return found.group(1)


def _version_id_of(open_ctx: OpenContext, rid: str, number: int) -> str:
    return str(next(v["id"] for v in saved_versions(open_ctx, rid) if v["number"] == number))
