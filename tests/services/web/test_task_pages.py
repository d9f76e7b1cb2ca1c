"""Pages for the stewards', working groups' and admins' tasks (issue 15 item 3): each calls the same
``catalog`` action as the API, answers a change with a message after the redirect, shows the action's
problems, and holds against another organization, an evaluator, a cross-site post and the public."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from catalog.actions.accounts import account_create, get_account
from catalog.actions.datasets import dataset_create
from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.organizations import organization_create
from catalog.errors import NotFound
from catalog.models import Dataset, Person, Resource
from catalog.models.governance import StageEvent
from catalog.narratives import quarter_narrative
from tests.conftest import OpenContext
from tests.excel_books import HRD_TITLE, STAT_SHEET, TEMPLATE, stat_row, write_book
from tests.factories import dataset_input
from tests.services.web.conftest import PASSWORD, SignIn, csrf_of

DATASET = "city-development-indicators"  # the demo's public dataset
NON_PUBLIC = "trainee-registry"  # the demo's personal-data dataset
LINK = {"url": "https://data.bangkok.go.th/dataset/indicators.csv", "name": "ตัวชี้วัด (ลิงก์)", "format": "CSV"}


def _links(open_ctx: OpenContext, dataset: str) -> list[str]:
    with open_ctx() as ctx:
        found = get_dataset(ctx, dataset)
        return [r.url or "" for r in ctx.session.query(Resource).filter(col(Resource.dataset_id) == found.id)
                if r.kind == "url"]


def test_a_steward_links_a_resource_and_sees_the_message_or_the_problems(sign_in: SignIn,
                                                                          open_ctx: OpenContext) -> None:
    steward = sign_in("steward@bangkok.go.th")
    form = steward.get(f"/dataset/{DATASET}/resource/new")
    assert form.status_code == 200 and 'action="/dataset/city-development-indicators/resource/link"' in form.text
    token = csrf_of(form.text)
    bad = steward.post(f"/dataset/{DATASET}/resource/link",
                       data={"csrf_token": token, **LINK, "url": "javascript:alert(1)"})
    assert bad.status_code == 422 and 'class="alert"' in bad.text  # the action's problem, beside the form
    assert LINK["url"] not in _links(open_ctx, DATASET)
    done = steward.post(f"/dataset/{DATASET}/resource/link", data={"csrf_token": token, **LINK},
                        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/dataset/{DATASET}"
    assert "เพิ่มลิงก์แล้ว" in steward.get(done.headers["location"]).text
    assert LINK["url"] in _links(open_ctx, DATASET)


def test_links_hold_against_outsiders_evaluators_and_cross_site_posts(sign_in: SignIn, open_ctx: OpenContext,
                                                                      site: TestClient) -> None:
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma-other", "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
    anonymous = TestClient(site.app)
    token = csrf_of(anonymous.get("/user/login").text)
    assert anonymous.post(f"/dataset/{DATASET}/resource/link", data={"csrf_token": token, **LINK},
                          follow_redirects=False).status_code in (303, 401, 403)
    outsider = sign_in("admin.other@bangkok.go.th", role="admin", org="bma-other")
    token = csrf_of(outsider.get("/workspace/").text)
    public = outsider.post(f"/dataset/{DATASET}/resource/link", data={"csrf_token": token, **LINK},
                           follow_redirects=False)
    hidden = outsider.post(f"/dataset/{NON_PUBLIC}/resource/link", data={"csrf_token": token, **LINK},
                           follow_redirects=False)
    assert public.status_code == 403 and hidden.status_code == 404  # a dataset it may not see: not found
    outsider.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    evaluator = sign_in("evaluator@bangkok.go.th", role="evaluator", fiscal_year=2564)
    token = csrf_of(evaluator.get("/evaluation/").text)
    assert evaluator.post(f"/dataset/{DATASET}/resource/link", data={"csrf_token": token, **LINK},
                          follow_redirects=False).status_code == 403
    evaluator.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    steward = sign_in("steward@bangkok.go.th")
    forged = steward.post(f"/dataset/{DATASET}/resource/link", data=LINK,
                          headers={"origin": "https://evil.example"}, follow_redirects=False)
    assert forged.status_code == 403
    assert LINK["url"] not in _links(open_ctx, DATASET) and _links(open_ctx, NON_PUBLIC) == []


# -- one sign-off for several datasets ----------------------------------------------------------------------

MEMBER = "steward.hrd@bangkok.go.th"  # a steward of the demo agency with a seat on its working group
DIRECTOR = "director.hrd@bangkok.go.th"  # the working group's chair: never offered as the signer
THREE = ["bulk-one", "bulk-two", "bulk-three"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _three_datasets(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        for name in THREE:
            dataset_create(ctx, dataset_input(name, title=f"ชุดข้อมูลทดสอบการลงนามพร้อมกัน {name}"), publish=True)


def _signers(open_ctx: OpenContext) -> dict[str, list[str]]:
    with open_ctx() as ctx:
        rows = ctx.session.exec(select(Dataset.name, Person.email).join(
            StageEvent, col(StageEvent.dataset_id) == Dataset.id).join(
            Person, col(Person.id) == StageEvent.signed_off_by_id).where(col(Dataset.name).in_(THREE))).all()
    found: dict[str, list[str]] = {}
    for name, email in rows:
        found.setdefault(name, []).append(email)
    return found


def test_a_member_signs_off_three_datasets_with_one_confirmation(sign_in: SignIn, open_ctx: OpenContext) -> None:
    _three_datasets(open_ctx)
    member = sign_in(MEMBER)
    page = member.get("/organization/bma-hrd/stages/bulk?to=1")
    assert page.status_code == 200 and all(f'value="{name}"' in page.text for name in THREE)
    assert DIRECTOR not in page.text and 'name="signed_off_by"' not in page.text  # no one else to pick
    token = csrf_of(page.text)
    review = member.post("/organization/bma-hrd/stages/bulk/review", data={
        "csrf_token": token, "to": "1", "dataset": THREE, "reason": "ลงทะเบียนในบัญชีข้อมูลแล้ว"})
    assert review.status_code == 200 and "bulk-confirm-button" in review.text
    assert _signers(open_ctx) == {}  # the review writes nothing
    forged = member.post("/organization/bma-hrd/stages/bulk", data={
        "csrf_token": token, "to": "1", "dataset": THREE, "reason": "ลงทะเบียนในบัญชีข้อมูลแล้ว",
        "signed_off_by": DIRECTOR}, follow_redirects=False)
    assert forged.status_code == 422 and "ลงนามในนามของผู้อื่นไม่ได้" in forged.text  # someone else's name: refused
    assert _signers(open_ctx) == {}
    done = member.post("/organization/bma-hrd/stages/bulk", data={
        "csrf_token": token, "to": "1", "dataset": THREE, "reason": "ลงทะเบียนในบัญชีข้อมูลแล้ว"},
        follow_redirects=False)
    assert done.status_code == 303, done.text
    assert "ลงนามรับรองแล้ว 3 ชุดข้อมูล" in member.get(done.headers["location"]).text
    assert _signers(open_ctx) == {name: [MEMBER] for name in THREE}  # the signed-in person


def test_a_bulk_sign_off_is_all_or_nothing_and_keeps_to_the_boards_datasets(
        sign_in: SignIn, open_ctx: OpenContext, site: TestClient) -> None:
    """Attacks: a dataset of another organization slipped into the form (404, nothing signed); a dataset
    already past the stage (every refusal named, nothing signed); another organization's admin, an
    evaluator, a cross-site post."""
    _three_datasets(open_ctx)
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma-other", "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
        dataset_create(ctx, dataset_input("theirs", owner_org="bma-other", title="ชุดข้อมูลของหน่วยงานอื่น"),
                       publish=True)
    member = sign_in(MEMBER)
    token = csrf_of(member.get("/organization/bma-hrd/stages/bulk").text)
    body = {"csrf_token": token, "to": "1", "reason": "ลงทะเบียนแล้ว"}
    slipped = member.post("/organization/bma-hrd/stages/bulk", data={**body, "dataset": [*THREE, "theirs"]})
    assert slipped.status_code == 404 and _signers(open_ctx) == {}
    member.post("/organization/bma-hrd/stages/bulk", data={**body, "dataset": ["bulk-one"]})
    refused = member.post("/organization/bma-hrd/stages/bulk", data={**body, "dataset": THREE})
    assert refused.status_code == 422 and "bulk-one" in refused.text
    assert _signers(open_ctx) == {"bulk-one": [MEMBER]}  # the other two were not signed either
    forged = member.post("/organization/bma-hrd/stages/bulk", data={k: v for k, v in body.items()
                                                                     if k != "csrf_token"} | {"dataset": THREE[1:]},
                         headers={"origin": "https://evil.example"})
    assert forged.status_code == 403 and _signers(open_ctx) == {"bulk-one": [MEMBER]}
    member.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    outsider = sign_in("admin.other@bangkok.go.th", role="admin", org="bma-other")
    assert outsider.get("/organization/bma-hrd/stages/bulk").status_code == 404
    token = csrf_of(outsider.get("/workspace/").text)
    assert outsider.post("/organization/bma-hrd/stages/bulk", data={**body, "csrf_token": token,
                                                                    "dataset": THREE[1:]}).status_code == 404
    outsider.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    evaluator = sign_in("evaluator@bangkok.go.th", role="evaluator", fiscal_year=2564)
    assert evaluator.get("/organization/bma-hrd/stages/bulk").status_code in (403, 404)
    assert _signers(open_ctx) == {"bulk-one": [MEMBER]}


# -- accounts, roles and passwords ----------------------------------------------------------------------------

NEW_PASSWORD = "Lumpini-heron-flies-2564"


def _sign_in_with(site: TestClient, email: str, password: str) -> int:
    form = site.get("/user/login")
    return site.post("/user/login", data={"csrf_token": csrf_of(form.text), "email": email, "password": password,
                                          "came_from": "/workspace/"}, follow_redirects=False).status_code


def test_an_admin_adds_an_account_and_resets_its_password(sign_in: SignIn, site: TestClient) -> None:
    admin = sign_in("admin.hrd@bangkok.go.th", role="admin")
    page = admin.get("/accounts/")
    assert page.status_code == 200 and "add-account" in page.text
    token = csrf_of(page.text)
    weak = admin.post("/accounts/", data={"csrf_token": token, "email": "new.steward@bangkok.go.th",
                                          "role": "steward", "organization": "bma-hrd", "password": "password123"})
    assert weak.status_code == 422 and 'class="alert"' in weak.text and "password123" not in weak.text
    added = admin.post("/accounts/", data={"csrf_token": token, "email": "new.steward@bangkok.go.th",
                                           "display_name": "นางสาวใหม่ ใจดี", "role": "steward",
                                           "organization": "bma-hrd"}, follow_redirects=False)
    assert added.status_code == 303
    account_url = added.headers["location"]
    shown = admin.get(account_url)
    assert "เพิ่มบัญชีผู้ใช้แล้ว" in shown.text and 'data-role="steward"' in shown.text
    reset = admin.post(f"{account_url}/password", data={"csrf_token": token, "password": NEW_PASSWORD},
                       follow_redirects=False)
    assert reset.status_code == 303 and "ตั้งรหัสผ่านใหม่แล้ว" in admin.get(account_url).text
    admin.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    assert _sign_in_with(site, "new.steward@bangkok.go.th", NEW_PASSWORD) == 303


def test_changing_ones_own_password_needs_the_current_one(sign_in: SignIn, site: TestClient) -> None:
    steward = sign_in("steward@bangkok.go.th")
    page = steward.get("/user/password")
    token = csrf_of(page.text)
    wrong = steward.post("/user/password", data={"csrf_token": token, "current_password": "not it",
                                                 "password": NEW_PASSWORD})
    assert wrong.status_code == 422 and "รหัสผ่านปัจจุบันไม่ถูกต้อง" in wrong.text
    done = steward.post("/user/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                "password": NEW_PASSWORD}, follow_redirects=False)
    assert done.status_code == 303 and "เปลี่ยนรหัสผ่านแล้ว" in steward.get("/workspace/").text
    steward.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    assert _sign_in_with(site, "steward@bangkok.go.th", PASSWORD) == 401
    assert _sign_in_with(site, "steward@bangkok.go.th", NEW_PASSWORD) == 303


def test_accounts_hold_against_another_admin_an_evaluator_and_a_cross_site_post(
        sign_in: SignIn, site: TestClient, open_ctx: OpenContext) -> None:
    """Attacks: the admin of another organization resets the password of this organization's steward or
    grants itself a role here; an evaluator opens the accounts; a cross-site page posts a reset."""
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma-other", "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
        victim = account_create(ctx, {"email": "victim@bangkok.go.th", "password": NEW_PASSWORD,
                                      "roles": [{"role": "steward", "organization": "bma-hrd"}]})
    outsider = sign_in("admin.other@bangkok.go.th", role="admin", org="bma-other")
    listed = outsider.get("/accounts/")
    assert listed.status_code == 200 and "victim@bangkok.go.th" not in listed.text
    token = csrf_of(listed.text)
    assert outsider.get(f"/accounts/{victim.id}").status_code in (403, 404)
    reset = outsider.post(f"/accounts/{victim.id}/password", data={"csrf_token": token, "password": "x" * 20 + "Q1!"})
    grant = outsider.post(f"/accounts/{victim.id}/roles", data={"csrf_token": token, "role": "admin",
                                                               "organization": "bma-other"})
    added = outsider.post("/accounts/", data={"csrf_token": token, "email": "mole@bangkok.go.th",
                                              "role": "admin", "organization": "bma-hrd"})
    assert reset.status_code in (403, 404) and grant.status_code in (403, 404) and added.status_code in (403, 404)
    outsider.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    evaluator = sign_in("evaluator@bangkok.go.th", role="evaluator", fiscal_year=2564)
    assert evaluator.get("/accounts/").status_code == 403
    token = csrf_of(evaluator.get("/user/password").text)
    evaluator.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    admin = sign_in("admin.hrd@bangkok.go.th", role="admin")
    forged = admin.post(f"/accounts/{victim.id}/password", data={"password": "Another-heron-2565-x"},
                        headers={"origin": "https://evil.example"})
    assert forged.status_code == 403
    admin.post("/user/logout", data={"csrf_token": csrf_of(admin.get("/workspace/").text)})
    site.cookies.clear()
    assert _sign_in_with(site, "victim@bangkok.go.th", NEW_PASSWORD) == 303  # nobody changed it
    with open_ctx() as ctx, pytest.raises(NotFound):
        get_account(ctx, "mole@bangkok.go.th")


# -- working-group meetings and quarterly narratives --------------------------------------------------------


def test_a_member_records_a_meeting_and_a_quarters_narrative(sign_in: SignIn, open_ctx: OpenContext) -> None:
    member = sign_in(MEMBER)
    page = member.get("/organization/bma-hrd/meetings")
    assert page.status_code == 200
    token = csrf_of(page.text)
    bad = member.post("/organization/bma-hrd/meetings", data={"csrf_token": token, "meeting_date": "2021-03-15",
                                                              "title": "", "minutes_url": "ftp://x"})
    assert bad.status_code == 422 and 'class="alert"' in bad.text
    done = member.post("/organization/bma-hrd/meetings", data={
        "csrf_token": token, "meeting_date": "2021-03-15", "title": "ครั้งที่ 9/2564",
        "minutes_url": "https://hrd.bangkok.go.th/minutes-9-2564.pdf"}, follow_redirects=False)
    assert done.status_code == 303
    shown = member.get(done.headers["location"]).text
    assert "บันทึกการประชุมแล้ว" in shown and "ครั้งที่ 9/2564" in shown
    narratives = member.get("/organization/bma-hrd/narratives?year=2564")
    assert narratives.status_code == 200 and 'data-quarter="4"' in narratives.text
    saved = member.post("/organization/bma-hrd/narratives", data={
        "csrf_token": token, "fiscal_year": "2564", "quarter": "2", "version": "",
        "text": "ไตรมาสที่ 2 คณะทำงานฯ ทบทวนบัญชีข้อมูลครบทุกชุด"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    again = member.get(saved.headers["location"]).text
    assert "บันทึกรายงานรายไตรมาสแล้ว" in again and "ทบทวนบัญชีข้อมูลครบทุกชุด" in again
    with open_ctx() as ctx:
        assert quarter_narrative(ctx, "bma-hrd", 2564, 2).text == "ไตรมาสที่ 2 คณะทำงานฯ ทบทวนบัญชีข้อมูลครบทุกชุด"


def test_meetings_and_narratives_hold_against_outsiders_and_evaluators(sign_in: SignIn, site: TestClient,
                                                                       open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma-other", "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
    outsider = sign_in("admin.other@bangkok.go.th", role="admin", org="bma-other")
    token = csrf_of(outsider.get("/workspace/").text)
    assert outsider.get("/organization/bma-hrd/meetings").status_code == 404
    assert outsider.get("/organization/bma-hrd/narratives").status_code == 404
    meeting = {"csrf_token": token, "meeting_date": "2021-03-15", "title": "ประชุมปลอม"}
    story = {"csrf_token": token, "fiscal_year": "2564", "quarter": "1", "text": "เรื่องแต่ง"}
    assert outsider.post("/organization/bma-hrd/meetings", data=meeting).status_code == 404
    assert outsider.post("/organization/bma-hrd/narratives", data=story).status_code == 404
    outsider.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    evaluator = sign_in("evaluator@bangkok.go.th", role="evaluator", fiscal_year=2564)
    page = evaluator.get("/organization/bma-hrd/narratives?year=2564")
    assert page.status_code == 200 and "save-q1" not in page.text  # reads the report's text, edits nothing
    token = csrf_of(evaluator.get("/evaluation/").text)
    assert evaluator.post("/organization/bma-hrd/narratives", data={**story, "csrf_token": token}).status_code == 403
    assert evaluator.post("/organization/bma-hrd/meetings", data={**meeting, "csrf_token": token}).status_code == 403
    evaluator.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    member = sign_in(MEMBER)
    forged = member.post("/organization/bma-hrd/narratives", data={k: v for k, v in story.items()
                                                                    if k != "csrf_token"},
                         headers={"origin": "https://evil.example"})
    assert forged.status_code == 403
    with open_ctx() as ctx:
        assert quarter_narrative(ctx, "bma-hrd", 2564, 1).text != "เรื่องแต่ง"


# -- importing a catalog workbook ---------------------------------------------------------------------------


def test_an_admin_uploads_a_workbook_sees_the_dry_run_then_confirms(sign_in: SignIn, open_ctx: OpenContext,
                                                                    tmp_path: Path) -> None:
    book = write_book(tmp_path / "catalog.xlsx", {STAT_SHEET: [stat_row("imported-stats",
                                                                        title="สถิติที่นำเข้าจากไฟล์")]})
    admin = sign_in("admin.hrd@bangkok.go.th", role="admin")
    page = admin.get("/organization/bma-hrd/import")
    assert page.status_code == 200
    token = csrf_of(page.text)
    preview = admin.post("/organization/bma-hrd/import/upload", data={"csrf_token": token},
                         files={"file": ("catalog.xlsx", book.read_bytes(), XLSX)})
    assert preview.status_code == 200, preview.text
    assert 'data-count="created">1<' in preview.text and "imported-stats" in preview.text
    with open_ctx() as ctx, pytest.raises(NotFound):
        get_dataset(ctx, "imported-stats")  # the dry run wrote nothing
    sha256 = re.search(r'name="sha256" value="([0-9a-f]{64})"', preview.text)
    assert sha256
    done = admin.post("/organization/bma-hrd/import", data={"csrf_token": token, "sha256": sha256.group(1)},
                      follow_redirects=False)
    assert done.status_code == 303 and "นำเข้าบัญชีข้อมูลแล้ว 1 ชุดข้อมูล" in admin.get("/workspace/").text
    with open_ctx() as ctx:
        assert get_dataset(ctx, "imported-stats").owner_org_id == get_organization(ctx, "bma-hrd").id
    again = admin.post("/organization/bma-hrd/import", data={"csrf_token": token, "sha256": sha256.group(1)})
    assert again.status_code == 404  # confirmed once; the held workbook is gone


def test_the_import_page_warns_of_headers_filters_by_template_org_and_offers_to_publish(
        sign_in: SignIn, open_ctx: OpenContext, tmp_path: Path) -> None:
    keys = [c.key for c in TEMPLATE.dataset_layouts[1].columns]  # the statistics sheet
    keys[4] = "ผู้ติดต่อ"
    rows = [{**stat_row("ours-stats", title="สถิติของเรา"), "ผู้ติดต่อ": "ฝ่ายแผน"},
            {**stat_row("their-stats", title="สถิติของเขา", owner_org="สำนักการศึกษา"), "ผู้ติดต่อ": "ฝ่ายอื่น"}]
    book = write_book(tmp_path / "catalog.xlsx", {STAT_SHEET: rows}, columns={STAT_SHEET: keys})
    admin = sign_in("admin.hrd@bangkok.go.th", role="admin")
    page = admin.get("/organization/bma-hrd/import").text
    assert 'name="template_org"' in page and 'id="import-publish"' in page and "template_org" in page
    token = csrf_of(page)
    preview = admin.post("/organization/bma-hrd/import/upload",
                         data={"csrf_token": token, "template_org": HRD_TITLE},
                         files={"file": ("catalog.xlsx", book.read_bytes(), XLSX)})
    assert preview.status_code == 200, preview.text
    assert 'id="import-warnings"' in preview.text and "ผู้ติดต่อ" in preview.text  # the header that differs
    assert 'id="import-left-out"' in preview.text and 'data-count="created">1<' in preview.text
    assert 'id="import-drafts"' in preview.text  # not asked to publish: drafts
    english = admin.post("/organization/bma-hrd/import/upload?lang=en",
                         data={"csrf_token": token, "template_org": HRD_TITLE, "publish": "true"},
                         files={"file": ("catalog.xlsx", book.read_bytes(), XLSX)})
    assert "Warnings (columns are read by position)" in english.text and 'data-count="published">1<' in english.text
    sha256 = re.search(r'name="sha256" value="([0-9a-f]{64})"', english.text)
    assert sha256 and 'name="publish" value="true"' in english.text
    done = admin.post("/organization/bma-hrd/import", data={
        "csrf_token": token, "sha256": sha256.group(1), "template_org": HRD_TITLE, "publish": "true"},
        follow_redirects=False)
    assert done.status_code == 303  # the language chosen with ?lang=en stays
    assert "Catalog imported and published: 1 datasets" in admin.get("/workspace/").text
    with open_ctx() as ctx:
        assert get_dataset(ctx, "ours-stats").state == "active"
        with pytest.raises(NotFound):
            get_dataset(ctx, "their-stats")


def test_imports_hold_against_a_steward_another_admin_and_a_bad_workbook(sign_in: SignIn, site: TestClient,
                                                                         open_ctx: OpenContext,
                                                                         tmp_path: Path) -> None:
    book = write_book(tmp_path / "catalog.xlsx", {STAT_SHEET: [stat_row("sneaked-in", title="ชุดข้อมูลแอบนำเข้า")]})
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma-other", "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
    outsider = sign_in("admin.other@bangkok.go.th", role="admin", org="bma-other")
    token = csrf_of(outsider.get("/workspace/").text)
    upload = outsider.post("/organization/bma-hrd/import/upload", data={"csrf_token": token},
                           files={"file": ("catalog.xlsx", book.read_bytes(), XLSX)})
    assert upload.status_code == 403
    own = outsider.post("/organization/bma-other/import/upload", data={"csrf_token": token},
                        files={"file": ("catalog.xlsx", book.read_bytes(), XLSX)})
    sha256 = re.search(r'name="sha256" value="([0-9a-f]{64})"', own.text)
    assert own.status_code == 200 and sha256
    outsider.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    admin = sign_in("admin.hrd@bangkok.go.th", role="admin")
    token = csrf_of(admin.get("/workspace/").text)
    stolen = admin.post("/organization/bma-hrd/import", data={"csrf_token": token, "sha256": sha256.group(1)})
    assert stolen.status_code == 404  # another account's upload cannot be named
    bad = admin.post("/organization/bma-hrd/import/upload", data={"csrf_token": token},
                     files={"file": ("catalog.xlsx", b"not a workbook", XLSX)})
    assert bad.status_code == 422 and 'class="alert"' in bad.text
    admin.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    steward = sign_in("steward@bangkok.go.th")
    token = csrf_of(steward.get("/workspace/").text)
    assert steward.get("/organization/bma-hrd/import").status_code == 403
    assert steward.post("/organization/bma-hrd/import/upload", data={"csrf_token": token},
                        files={"file": ("catalog.xlsx", book.read_bytes(), XLSX)}).status_code == 403
    with open_ctx() as ctx, pytest.raises(NotFound):
        get_dataset(ctx, "sneaked-in")


# -- withdrawing (private) and deleting a resource ----------------------------------------------------------


def test_a_steward_withdraws_then_deletes_a_resource_and_outsiders_cannot(
        sign_in: SignIn, open_ctx: OpenContext, site: TestClient) -> None:
    steward = sign_in("steward@bangkok.go.th")
    token = csrf_of(steward.get(f"/dataset/{DATASET}/resource/new").text)
    steward.post(f"/dataset/{DATASET}/resource/link", data={"csrf_token": token, **LINK})
    with open_ctx() as ctx:
        found = get_dataset(ctx, DATASET)
        resource_id = next(r.id for r in ctx.session.query(Resource).filter(col(Resource.dataset_id) == found.id)
                           if r.url == LINK["url"])
    base = f"/dataset/{DATASET}/resource/{resource_id}"
    hidden = steward.post(f"{base}/private", data={"csrf_token": token, "private": "true"}, follow_redirects=False)
    assert hidden.status_code == 303 and "กำหนดทรัพยากรเป็นส่วนตัวแล้ว" in steward.get(base).text
    assert TestClient(site.app).get(base).status_code == 404  # the public no longer sees it
    steward.post(f"{base}/private", data={"csrf_token": token, "private": "false"})
    assert TestClient(site.app).get(base).status_code == 200
    steward.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma-other", "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
    outsider = sign_in("admin.other@bangkok.go.th", role="admin", org="bma-other")
    token = csrf_of(outsider.get("/workspace/").text)
    assert outsider.post(f"{base}/delete", data={"csrf_token": token}).status_code == 403
    assert outsider.post(f"/dataset/{NON_PUBLIC}/resource/{resource_id}/delete",
                         data={"csrf_token": token}).status_code == 404  # not of that dataset
    outsider.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    steward = sign_in("steward.two@bangkok.go.th")
    assert steward.post(f"{base}/delete", data={"reason": "x"},
                        headers={"origin": "https://evil.example"}).status_code == 403  # cross-site
    token = csrf_of(steward.get(f"{base}/delete").text)
    deleted = steward.post(f"{base}/delete", data={"csrf_token": token, "reason": "ลิงก์ซ้ำ"}, follow_redirects=False)
    assert deleted.status_code == 303 and "ลบทรัพยากรแล้ว" in steward.get(f"/dataset/{DATASET}").text
    assert LINK["url"] not in _links(open_ctx, DATASET)
