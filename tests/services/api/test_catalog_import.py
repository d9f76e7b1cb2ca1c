"""POST /api/organizations/NAME/catalog/import: a workbook in the thai_gdc template, drafts unless ``publish``,
thai_gdc's ``template_org`` filter, header warnings in the report, problems as 422 naming sheet, row, column."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import OpenContext
from tests.excel_books import HRD_TITLE, RECORD_SHEET, TEMPLATE, record_row, write_book
from tests.services.api.conftest import TokenFor

URL = "/api/organizations/bma-hrd/catalog/import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _post(client: TestClient, headers: dict[str, str], path: Path, **data: str) -> Response:
    return client.post(URL, headers=headers, files={"file": (path.name, path.read_bytes(), XLSX)}, data=data)


def test_an_admin_imports_drafts_then_publishes_with_the_field(client: TestClient, token_for: TokenFor,
                                                               tmp_path: Path) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    keys = [c.key for c in TEMPLATE.dataset_layouts[0].columns]
    keys[4] = "ผู้ติดต่อ"
    rows = [{**record_row("api-ours"), "ผู้ติดต่อ": "ฝ่ายทะเบียน"},
            {**record_row("api-theirs", owner_org="สำนักการศึกษา"), "ผู้ติดต่อ": "ฝ่ายอื่น"}]
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: rows}, columns={RECORD_SHEET: keys})
    answer = _post(client, admin, path, template_org=HRD_TITLE)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["datasets_created"], report["left_out"], report["published"]) == (["api-ours"], 1, False)
    assert [(w["code"], w["column"]) for w in report["warnings"]] == [("header_differs", "E")]
    shown = client.get("/api/datasets/api-ours", headers=admin).json()
    assert shown["state"] == "draft" and shown["maintainer"] == "ฝ่ายทะเบียน"
    assert client.get("/api/datasets/api-ours").status_code == 404  # a draft: not public
    again = _post(client, admin, path, template_org=HRD_TITLE, publish="true")
    assert again.status_code == 200, again.text
    assert again.json()["datasets_published"] == ["api-ours"]
    assert client.get("/api/datasets/api-ours", headers=admin).json()["state"] == "active"


def test_publishing_an_incomplete_row_is_a_422_naming_the_cell(client: TestClient, token_for: TokenFor,
                                                               tmp_path: Path, open_ctx: OpenContext) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    path = write_book(tmp_path / "bad.xlsx", {RECORD_SHEET: [record_row("api-bad", maintainer=None)]})
    answer = _post(client, {**admin, "Accept-Language": "en"}, path, publish="true")
    assert answer.status_code == 422
    body = answer.json()
    [found] = body["errors"] if "errors" in body else body["problems"]
    assert (found["sheet"], found["row"], found["column"], found["code"]) == (RECORD_SHEET, 6, "E",
                                                                              "required_to_publish")
    assert client.get("/api/datasets/api-bad", headers=admin).status_code == 404  # nothing written
    assert _post(client, admin, path).status_code == 200  # as a draft it may wait


def test_only_the_organizations_admin_imports(client: TestClient, token_for: TokenFor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row("api-x")]})
    steward = token_for("steward@bangkok.go.th", "steward")
    assert _post(client, steward, path).status_code == 403
    assert _post(client, {}, path).status_code == 401
