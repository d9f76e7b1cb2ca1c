"""End-to-end journeys in headless Chromium (Debian's ``chromium``, driven by Playwright's Python client)
against Banchi served by uvicorn with a fresh database and the demo data. Every page visited is saved as
a screenshot under ``test-output/screenshots/`` (desktop, and phone width for the public pages)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("BANCHI_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "test-output" / "screenshots"
PHONE = {"width": 375, "height": 812}
PASSWORD = "a long enough password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the Python client) is not installed")
pytest.importorskip("time_machine", reason="time-machine is not installed (pip install -e '.[test]')")
expect = sync_api.expect
# assertions wait as long as actions do: on a loaded machine ReDoc takes over 5 s (their default) to render
expect.set_options(timeout=20_000)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port, data = free_port(), tmp_path_factory.mktemp("browser-site")
    log = (data / "server.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANCHI_")}
    process = subprocess.Popen([sys.executable, "-m", "tests.services.web.browser_server", str(port), str(data)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"Banchi did not start: {(data / 'server.log').read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900}, locale="th-TH")
    context.set_default_timeout(20_000)
    opened = context.new_page()
    refused = watch_policy(opened)
    yield opened
    context.close()
    assert refused == [], "the Content-Security-Policy refused something the page needs"


def watch_policy(page: Any) -> list[str]:
    """What the page's Content-Security-Policy refused (Chromium reports each refusal on the console)."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def sign_in(page: Any, email: str) -> None:
    page.goto("/user/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))


def sign_out(page: Any) -> None:
    page.click("header form.inline button")
    expect(page).to_have_url(re.compile(r"/$"))


def found(page: Any) -> int:
    return int(page.get_attribute(".found", "data-found"))


# -- public --------------------------------------------------------------------------------------------


def test_public_search_with_facets(page: Any) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    shot(page, "01-home")
    page.fill("#q", "สถิติ")
    page.press("#q", "Enter")
    expect(page).to_have_url(re.compile(r"/dataset/\?q="))
    everything = found(page)
    assert everything > 1
    shot(page, "02-search")
    page.click('.facet[data-facet="data_type"] a[data-value="ข้อมูลสถิติ"]')
    expect(page).to_have_url(re.compile("data_type="))
    statistics = found(page)
    assert 0 < statistics <= everything
    first_tag = page.locator('.facet[data-facet="tags"] a').first
    first_tag.click()
    expect(page).to_have_url(re.compile("tags="))
    assert 0 < found(page) <= statistics
    shot(page, "03-search-facets")
    shared = page.url  # the filters are in the URL: the same search opens again from the link
    page.goto(shared)
    assert found(page) <= statistics and page.locator('.facets a[aria-current="true"]').count() == 2
    page.locator(".results .card h3 a").first.click()
    expect(page.locator("h2#meta")).to_be_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 1
    shot(page, "04-dataset")
    page.click("a.lang")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h2#meta")).to_have_text("Metadata")
    shot(page, "05-dataset-en")


def test_public_pages_fit_a_phone(browser: Any, server: str) -> None:
    context = browser.new_context(base_url=server, viewport=PHONE, locale="th-TH", is_mobile=True)
    phone = context.new_page()
    for path, name in (("/", "home"), ("/dataset/?data_type=ข้อมูลสถิติ", "search"),
                       ("/dataset/city-development-indicators", "dataset"), ("/organization/bma-hrd", "organization"),
                       ("/user/login", "login")):
        phone.goto(path)
        shot(phone, f"phone-{name}")
        assert fits_phone(phone), f"{path} is wider than a phone screen"
    phone.keyboard.press("Tab")  # the first stop is the skip link, shown when focused
    expect(phone.locator("a.skip")).to_be_focused()
    context.close()


# -- the stewards' and the working group's journey -------------------------------------------------------

HEADER = "รหัสเขต,ชื่อเขต,จำนวนผู้ผ่านการอบรม\n"  # Thai headers, as agencies' files have them
COUNT = "จำนวนผู้ผ่านการอบรม"
GOOD = HEADER + "1001,พระนคร,129\n1002,ดุสิต,107\n1003,หนองจอก,88\n1004,บางรัก,95\n"
BAD = HEADER + "1001,พระนคร,129\n1002,ดุสิต,หนึ่งร้อย\n1003,หนองจอก,-5\n1004,บางรัก,95\n"
FIXED = HEADER + "1001,พระนคร,131\n1002,ดุสิต,110\n1003,หนองจอก,90\n1004,บางรัก,97\n"
NAME = "district-training-2568"
BULK = ("bulk-sign-off-1", "bulk-sign-off-2", "bulk-sign-off-3")  # published by browser_server, at stage 0


def fill_statistics(page: Any, name: str, title: str, tags: str, notes: str, unit: str) -> None:
    """The statistical dataset form's fields, each with a valid value (of bma-hrd, public, monthly)."""
    page.fill("#f-title", title)
    page.fill("#f-name", name)
    page.select_option("#f-owner_org", "bma-hrd")
    page.fill("#f-maintainer", "ส่วนวิชาการและแผนงาน")
    page.fill("#f-maintainer_email", "plan.hrd@bangkok.go.th")
    page.fill("#f-tag_string", tags)
    page.fill("#f-notes", notes)
    page.check('input[name="objective"][value="พันธกิจหน่วยงาน"]')
    page.select_option("#f-update_frequency_unit", "เดือน")
    page.fill("#f-update_frequency_interval", "1")
    page.select_option("#f-geo_coverage", "จังหวัด")
    page.fill("#f-data_source", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร")
    page.check('input[name="data_format"][value="CSV"]')
    page.select_option("#f-data_category", "ข้อมูลสาธารณะ")
    page.select_option("#f-license_id", "Open Data Common")
    page.fill("#f-first_year_of_data", "2568")
    page.fill("#f-last_year_of_data", "2568")
    page.fill("#f-unit_of_measure", unit)


def register_dataset(page: Any) -> None:
    page.goto("/dataset/new")
    page.check('input[name="data_type"][value="ข้อมูลสถิติ"]')
    page.click("main form button[type=submit]")
    expect(page.locator("#dataset-form")).to_be_visible()
    # only the statistical type's fields are shown
    expect(page.locator("#f-unit_of_measure")).to_be_visible()
    expect(page.locator('.field[data-key="geo_coverage"]')).to_be_visible()
    # the category decides the classification while the form is filled in
    page.select_option("#f-data_category", "ข้อมูลใช้ภายใน")
    assert page.locator('#f-data_classification option[value="เปิดเผย"]').is_disabled()
    page.select_option("#f-data_category", "ข้อมูลสาธารณะ")
    expect(page.locator("#f-data_classification")).to_have_value("เปิดเผย")
    # the "other" box opens when "อื่นๆ" is chosen
    expect(page.locator('.field[data-key="disaggregate_other"]')).to_be_hidden()
    page.check('input[name="disaggregate"][value="อื่นๆ"]')
    expect(page.locator("#f-disaggregate_other")).to_be_visible()
    shot(page, "10-dataset-form")
    fill_statistics(page, NAME, "จำนวนผู้ผ่านการฝึกอบรมรายเขต ปีงบประมาณ 2568", "ฝึกอบรม,สถิติ,สำนักงานเขต",
                    "จำนวนข้าราชการที่ผ่านการฝึกอบรมของสถาบัน จำแนกตามสำนักงานเขต", "คน")
    page.fill("#f-maintainer_email", "training-at-bangkok")
    page.click("#dataset-form button[type=submit]")
    # a draft may leave fields empty, not wrong: the email is refused, and said beside that field
    expect(page.locator("#f-maintainer_email-error")).to_be_visible()
    shot(page, "11-dataset-form-errors")
    page.fill("#f-maintainer_email", "training@bangkok.go.th")
    page.fill("#f-disaggregate_other", "สำนักงานเขต")  # the "other" box, asked for when it is published
    page.click("#dataset-form button[type=submit]")
    expect(page).to_have_url(re.compile(f"/dataset/{NAME}$"))
    expect(page.locator('.notice[data-state="draft"]')).to_be_visible()  # a draft until it is published
    expect(page.locator(".flash")).to_be_visible()
    shot(page, "12-dataset-registered")
    page.click("#publish-dataset")
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator('.notice[data-state="draft"]')).to_have_count(0)


def upload(page: Any, selector: str, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.set_input_files(selector, str(path))


def test_steward_and_working_group_journey(page: Any, tmp_path: Path) -> None:
    sign_in(page, "steward.hrd@bangkok.go.th")
    shot(page, "09-workspace")
    register_dataset(page)

    # the first data file (Thai headers), and a dictionary inferred from it in the editor's grid
    page.click(f'a[href="/dataset/{NAME}/resource/new"]')
    upload(page, "#file", tmp_path, "district-training.csv", GOOD)
    page.fill("#resource_name", "จำนวนผู้ผ่านการฝึกอบรมรายเขต")
    page.click("form.form button[type=submit]")
    expect(page.locator("table.preview")).to_be_visible()
    shot(page, "13-resource")
    page.click('a[href$="/dictionary"]')
    expect(page.locator(".notice")).to_be_visible()  # inferred, not saved yet
    row = page.locator("table.editor tbody tr").filter(has=page.locator(f'input[value="{COUNT}"]'))
    expect(row.locator('select[name^="type_"]')).to_have_value("integer")
    row.locator('input[name^="titleEn_"]').fill("People trained")
    row.locator('input[name^="unit_"]').fill("คน")
    row.locator('input[name^="minimum_"]').fill("0")
    row.locator('input[name^="description_"]').fill("จำนวนข้าราชการที่ผ่านการอบรมในปีงบประมาณ")
    rows_before = page.locator("table.editor tbody tr").count()
    page.click("button.add-row")  # the grid's script adds a row (left blank: not a field)
    expect(page.locator("table.editor tbody tr")).to_have_count(rows_before + 1)
    shot(page, "14-dictionary-grid")
    page.click("#dictionary-form button[type=submit]")
    expect(page.locator('tr[data-version="1"][data-status="draft"]')).to_be_visible()
    shot(page, "15-dictionary-draft")
    sign_out(page)

    # the working group's chair reads the whole version, then approves it
    sign_in(page, "director.hrd@bangkok.go.th")
    page.goto(f"/dataset/{NAME}/dictionary")
    page.click('tr[data-version="1"] a[href$="/dictionary/versions/1"]')
    read = page.locator(f'table.version-fields tr[data-field="{COUNT}"]')
    expect(read).to_contain_text("People trained")
    expect(read).to_contain_text("คน")
    assert page.locator("table.version-fields input").count() == 0  # read-only
    shot(page, "16-dictionary-version-to-approve")
    page.click("#approve-form button[type=submit]")
    expect(page.locator('#version-status[data-status="approved"][data-current="true"]')).to_be_visible()
    shot(page, "17-dictionary-approved")
    sign_out(page)

    # new data with errors: the report shows the rows as a grid, the bad cells marked with their messages
    sign_in(page, "steward.hrd@bangkok.go.th")
    page.goto(f"/dataset/{NAME}")
    page.click(f'a[href^="/dataset/{NAME}/resource/"]:has-text("จำนวนผู้ผ่านการฝึกอบรมรายเขต")')
    upload(page, "#newfile", tmp_path, "district-training.csv", BAD)
    page.click("#upload-data button[type=submit]")
    expect(page.locator('[data-valid="false"]')).to_be_visible()
    marked = page.locator(f'table.data-grid tr[data-row="3"] td.bad-cell[data-field="{COUNT}"]')
    expect(marked).to_contain_text("หนึ่งร้อย")
    expect(marked.locator(".cell-errors")).to_contain_text("แถวที่ 3")
    expect(page.locator(f'table.data-grid tr[data-row="4"] td.bad-cell[data-field="{COUNT}"]')).to_contain_text("-5")
    assert page.locator('table.data-grid tr[data-row="2"]').count() == 0  # only rows with errors
    shot(page, "18-validation-report-grid")
    page.select_option("#f-type", "constraint-error")
    page.click("#report-filters button[type=submit]")
    expect(page.locator("table.report tbody tr")).to_have_count(1)
    expect(page.locator('table.report tr[data-row="4"]')).to_be_visible()
    shot(page, "19-validation-report-filtered")
    # the steward fixes the file and uploads it from the report
    upload(page, "#newfile", tmp_path, "district-training.csv", FIXED)
    page.click("#upload-data button[type=submit]")
    expect(page.locator('[data-valid="true"]')).to_be_visible()
    assert page.locator("table.data-grid td.bad-cell").count() == 0
    shot(page, "20-validation-report-valid")
    page.click("nav.crumbs a >> nth=1")
    expect(page.locator("table.preview")).to_contain_text("131")
    sign_out(page)

    sign_in(page, "director.hrd@bangkok.go.th")
    # ... counts the dataset in this year's indicator work, beside a dataset of part 2 ...
    page.goto("/organization/bma-hrd/dashboard")
    page.select_option("#enrol-dataset", NAME)
    page.select_option("#enrol-part", "1")
    page.click('form[action$="/enrol"] button[type=submit]')
    page.select_option("#enrol-dataset", "junior-executive-personal-reports")
    page.select_option("#enrol-part", "2")
    page.click('form[action$="/enrol"] button[type=submit]')
    expect(page.locator(f'li[data-dataset="{NAME}"]')).to_be_visible()
    before = float(page.get_attribute('tr[data-quarter="4"] td[data-progress]', "data-progress") or 0)
    shot(page, "21-dashboard-before")

    # ... and signs off its stages on the board, where what blocks each dataset is shown
    for stage in (1, 2):
        page.goto("/organization/bma-hrd/stages")
        item = page.locator(f'article[data-dataset="{NAME}"]')
        expect(item.locator(".badge.good")).to_be_visible()  # all gates met
        item.locator("summary").click()
        item.locator('input[name="reason"]').fill(f"มติที่ประชุมคณะทำงานฯ ให้เลื่อนเป็นขั้นที่ {stage}")
        shot(page, f"2{stage + 1}-stage-board")
        item.locator("form button[type=submit]").click()
        expect(page.locator(".success")).to_be_visible()
        expect(page.locator(f'section[data-stage="{stage}"] article[data-dataset="{NAME}"]')).to_be_visible()
    shot(page, "24-stage-board-signed")

    # the dashboard shows the new progress
    page.goto("/organization/bma-hrd/dashboard")
    after = float(page.get_attribute('tr[data-quarter="4"] td[data-progress]', "data-progress") or 0)
    assert after > before
    expect(page.locator("figure.chart-box svg")).to_be_visible()
    shot(page, "25-dashboard-after")
    page.goto("/organization/bma-hrd/report/2568.html")
    shot(page, "26-printable-report")


@pytest.mark.parametrize("kind", ["cp874", "utf-8-sig", "xlsx"])
def test_a_thai_headed_file_goes_from_infer_to_a_clean_report(page: Any, tmp_path: Path, kind: str) -> None:
    """Issue 14's done-when on the web: a file with Thai headers in TIS-620/cp874, in UTF-8 with a BOM or in
    XLSX becomes a resource; its dictionary is inferred in the editor and saved; the working group's chair
    reads the version and approves it; the same file checked against it gives a clean report."""
    from tests.dictionaries.datagen import THAI_HEADER, write_csv, write_xlsx

    dataset = "junior-executive-personal-reports"
    path = tmp_path / f"ข้อมูล-{kind}.{'xlsx' if kind == 'xlsx' else 'csv'}"
    if kind == "xlsx":
        write_xlsx(path, 300, 0, header=THAI_HEADER)
    else:
        write_csv(path, 300, 0, encoding=kind, header=THAI_HEADER)
    province = THAI_HEADER[2]  # จังหวัด
    sign_in(page, "steward.hrd@bangkok.go.th")
    page.goto(f"/dataset/{dataset}/resource/new")
    page.set_input_files("#file", str(path))
    page.fill("#resource_name", f"ข้อมูลหัวตารางภาษาไทย ({kind})")
    page.click('form[action$="/resource/upload"] button[type=submit]')
    expect(page).to_have_url(re.compile(r"/resource/[0-9a-f-]{36}$"))
    resource = "/" + page.url.split("/", 3)[3]
    expect(page.locator("table.preview")).to_contain_text(province)  # the Thai headers read right
    page.goto(f"{resource}/dictionary")
    expect(page.locator(".notice")).to_be_visible()  # inferred from the file, not saved yet
    expect(page.locator(f'table.editor tbody input[value="{province}"]').first).to_be_visible()
    page.click("#dictionary-form button[type=submit]")
    expect(page.locator('tr[data-version="1"][data-status="draft"]')).to_be_visible()
    shot(page, f"30-thai-headers-{kind}-draft")
    sign_out(page)

    sign_in(page, "director.hrd@bangkok.go.th")
    page.goto(f"{resource}/dictionary/versions/1")
    expect(page.locator(f'table.version-fields tr[data-field="{province}"]')).to_be_visible()
    assert page.locator("table.version-fields input").count() == 0  # read-only
    page.click("#approve-form button[type=submit]")
    expect(page.locator('#version-status[data-status="approved"][data-current="true"]')).to_be_visible()
    sign_out(page)

    sign_in(page, "steward.hrd@bangkok.go.th")
    page.goto(resource)
    page.set_input_files("#newfile", str(path))
    page.click("#upload-data button[type=submit]")
    expect(page.locator('[data-valid="true"]')).to_be_visible()
    assert page.locator("table.data-grid td.bad-cell").count() == 0
    shot(page, f"31-thai-headers-{kind}-clean-report")
    sign_out(page)


def test_workspace_pages_fit_a_phone(browser: Any, server: str) -> None:
    context = browser.new_context(base_url=server, viewport=PHONE, locale="th-TH", is_mobile=True)
    phone = context.new_page()
    sign_in(phone, "steward.hrd@bangkok.go.th")
    for path, name in (("/workspace/", "workspace"), ("/dataset/new?data_type=ข้อมูลสถิติ", "dataset-form"),
                       ("/organization/bma-hrd/stages", "stage-board"),
                       ("/organization/bma-hrd/dashboard", "dashboard")):
        phone.goto(path)
        shot(phone, f"phone-{name}")
        assert fits_phone(phone), f"{path} is wider than a phone screen"
    context.close()


# -- the API documentation -------------------------------------------------------------------------------


def test_api_docs_render_from_banchi_alone(page: Any, server: str) -> None:
    """Swagger UI and ReDoc come from Banchi itself and run under the site's Content-Security-Policy."""
    elsewhere: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith((server, "data:", "blob:")) else None)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Banchi")
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, "40-api-docs")
    page.goto("/redoc")
    expect(page.locator("h1").first).to_contain_text("Banchi")
    shot(page, "41-api-redoc")
    assert elsewhere == []


# -- a draft's way to publication, one sign-off for three datasets, an admin's accounts (issue 15) --------------

DRAFT = "district-budget-2568"


def test_steward_drafts_a_dataset_adds_a_link_and_a_file_and_publishes_it(page: Any, browser: Any, server: str,
                                                                          tmp_path: Path) -> None:
    sign_in(page, "steward.hrd@bangkok.go.th")
    page.goto("/dataset/new?data_type=ข้อมูลสถิติ&owner_org=bma-hrd")
    fill_statistics(page, DRAFT, "งบประมาณการฝึกอบรมรายเขต ปีงบประมาณ 2568", "งบประมาณ,ฝึกอบรม",
                    "งบประมาณการฝึกอบรมของสถาบัน จำแนกตามสำนักงานเขต", "บาท")
    page.click("#dataset-form button[type=submit]")
    expect(page).to_have_url(re.compile(f"/dataset/{DRAFT}$"))
    expect(page.locator(".flash")).to_contain_text("บันทึกชุดข้อมูลเป็นฉบับร่างแล้ว")
    expect(page.locator('.notice[data-state="draft"]')).to_be_visible()
    shot(page, "50-draft-dataset")
    outsider = browser.new_context(base_url=server).new_page()
    assert outsider.goto(f"/dataset/{DRAFT}").status == 404  # the public does not see a draft
    # a link to data held elsewhere
    page.click(f'a[href="/dataset/{DRAFT}/resource/new"]')
    page.fill("#link-url", "https://data.bangkok.go.th/dataset/district-budget-2568.csv")
    page.fill("#link-name", "งบประมาณรายเขต (พอร์ทัลกรุงเทพมหานคร)")
    page.fill("#link-format", "CSV")
    shot(page, "51-add-link")
    page.click("#add-link")
    expect(page.locator(".flash")).to_contain_text("เพิ่มลิงก์แล้ว")
    # and a file
    page.click(f'a[href="/dataset/{DRAFT}/resource/new"]')
    upload(page, "#file", tmp_path, "district-budget.csv", "district_code,budget\n1001,120000\n1002,95000\n")
    page.fill("#resource_name", "งบประมาณรายเขต")
    page.click('form[action$="/resource/upload"] button[type=submit]')
    expect(page.locator(".flash")).to_contain_text("อัปโหลดไฟล์แล้ว")
    page.goto(f"/dataset/{DRAFT}")
    expect(page.locator(".resources > li")).to_have_count(2)
    page.click("#publish-dataset")
    expect(page.locator(".flash")).to_contain_text("เผยแพร่ชุดข้อมูลแล้ว")
    shot(page, "52-published")
    assert outsider.goto(f"/dataset/{DRAFT}").status == 200  # public now
    outsider.context.close()


def test_member_signs_off_a_stage_for_three_datasets_at_once(page: Any) -> None:
    sign_in(page, "director.hrd@bangkok.go.th")
    page.goto("/organization/bma-hrd/stages")
    page.click("#bulk-link")
    page.goto("/organization/bma-hrd/stages/bulk?to=1")
    expect(page.locator('select[name="signed_off_by"]')).to_have_count(0)  # no one else's name to pick
    assert "steward.hrd@bangkok.go.th" not in page.content()
    boxes = page.locator('#bulk-choose input[name="dataset"]')
    for name in BULK:
        page.check(f'#bulk-choose input[name="dataset"][value="{name}"]')
    for index in range(boxes.count()):
        value = boxes.nth(index).get_attribute("value")
        if value not in BULK:
            boxes.nth(index).uncheck()
    page.fill("#bulk-reason", "มติที่ประชุมคณะทำงานฯ ครั้งที่ 3/2568")
    shot(page, "53-bulk-choose")
    page.click("#bulk-review")
    expect(page.locator("#bulk-confirm li")).to_have_count(3)
    shot(page, "54-bulk-confirm")
    # a form doctored to sign as the vice chair (a person id the page never offered) is refused, nothing signed
    groups = page.request.get("/api/organizations/bma-hrd/working-groups").json()
    deputy = next(m["person_id"] for g in groups for m in g["members"] if m["role"] == "vice_chair")
    page.evaluate("""id => { const input = document.createElement('input'); input.type = 'hidden';
        input.name = 'signed_off_by'; input.value = id; document.getElementById('bulk-confirm').append(input); }""",
                  deputy)
    page.click("#bulk-confirm-button")
    expect(page.locator(".alert")).to_contain_text("ลงนามในนามของผู้อื่นไม่ได้")
    shot(page, "54b-bulk-someone-else-refused")
    page.goto("/organization/bma-hrd/stages")
    for name in BULK:  # still at stage 0
        expect(page.locator(f'section[data-stage="0"] article[data-dataset="{name}"]')).to_be_visible()
    page.goto("/organization/bma-hrd/stages/bulk?to=1")
    for index in range(boxes.count()):
        value = boxes.nth(index).get_attribute("value")
        (boxes.nth(index).check if value in BULK else boxes.nth(index).uncheck)()
    page.fill("#bulk-reason", "มติที่ประชุมคณะทำงานฯ ครั้งที่ 3/2568")
    page.click("#bulk-review")
    expect(page.locator("#bulk-confirm li")).to_have_count(3)
    page.click("#bulk-confirm-button")
    expect(page.locator(".flash")).to_contain_text("ลงนามรับรองแล้ว 3 ชุดข้อมูล")
    for name in BULK:
        expect(page.locator(f'section[data-stage="1"] article[data-dataset="{name}"]')).to_be_visible()
    shot(page, "55-bulk-signed")


def test_admin_adds_an_account_and_resets_its_password(page: Any) -> None:
    sign_in(page, "admin.hrd@bangkok.go.th")
    page.click(".accounts-link >> nth=0")
    page.fill("#acc-email", "clerk.hrd@bangkok.go.th")
    page.fill("#acc-name", "นางสาวพิมพ์ใจ รักงาน")
    page.select_option("#acc-role", "steward")
    page.select_option("#acc-org", "bma-hrd")
    shot(page, "56-add-account")
    page.click("#add-account-button")
    expect(page.locator(".flash")).to_contain_text("เพิ่มบัญชีผู้ใช้แล้ว")
    page.fill("#reset-new", "Bangkok-clerk-2568-river")
    page.click("#reset-password-button")
    expect(page.locator(".flash")).to_contain_text("ตั้งรหัสผ่านใหม่แล้ว")
    shot(page, "57-password-reset")
    sign_out(page)
    page.goto("/user/login")
    page.fill("#email", "clerk.hrd@bangkok.go.th")
    page.fill("#password", "Bangkok-clerk-2568-river")
    page.click("form.form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
