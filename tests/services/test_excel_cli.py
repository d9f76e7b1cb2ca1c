"""`banchi catalog import|export` end to end on the test database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from catalog.settings import Settings
from tests.excel_books import HRD_TITLE, RECORD_SHEET, TEMPLATE, record_row, write_book
from tests.services.test_cli import banchi, demo  # noqa: F401 (demo: the demo catalog fixture)


@pytest.mark.usefixtures("demo")
def test_export_then_dry_run_and_real_import_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out" / "catalog.xlsx"
    code, out, err = banchi("catalog", "export", str(path), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["datasets"] == 14 and path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["catalog.xlsx"]  # no temporary file left behind
    code, out, err = banchi("catalog", "import", str(path), "--dry-run", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["dry_run"] and len(report["datasets_unchanged"]) == 14 and report["datasets_updated"] == []
    code, out, _ = banchi("catalog", "import", str(path))
    assert code == 0 and "14" in out
    audit = json.loads(banchi("audit", "--format", "json", "--limit", "500")[1])
    assert not any(entry["action"] in ("dataset_update", "resource_update") for entry in audit)


@pytest.mark.usefixtures("demo")
def test_import_problems_are_reported_with_sheet_row_and_column(tmp_path: Path) -> None:
    path = write_book(tmp_path / "bad.xlsx", {RECORD_SHEET: [record_row("new-one", maintainer_email="nope")]})
    code, out, _ = banchi("catalog", "import", str(path), "--format", "json")
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert (error["sheet"], error["row"], error["column"], error["code"]) == (RECORD_SHEET, 6, "F", "invalid_email")
    code, _, err = banchi("catalog", "import", str(path))
    assert code == 1 and "Temp2_Meta_Record row 6 F" in err and "อีเมลสำหรับติดต่อ" in err
    assert "new-one" not in banchi("dataset", "list", "--format", "json")[1]


@pytest.mark.usefixtures("demo")
def test_a_corrupt_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    code, out, _ = banchi("catalog", "import", str(path), "--format", "json")
    assert code == 1 and json.loads(out)["errors"][0]["code"] == "not_xlsx"


def test_import_into_one_organization_creating_it(banchi_env: Settings, tmp_path: Path) -> None:
    assert banchi("init")[0] == 0
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row("district-registry")]})
    code, out, err = banchi("catalog", "import", str(path), "--org", "district-office", "--create-organizations")
    assert code == 0, err
    assert "district-office" in out
    [dataset] = json.loads(banchi("dataset", "list", "--format", "json")[1])
    assert dataset["owner_org"] == "district-office"


@pytest.mark.usefixtures("demo")
def test_gdc_export_csv_and_json_lines(tmp_path: Path) -> None:
    code, _, err = banchi("catalog", "export", str(tmp_path / "dataset.xlsx"), "--layout", "gdc-export")
    assert code == 0, err
    assert load_workbook(tmp_path / "dataset.xlsx").sheetnames[0] == "ข้อมูลระเบียน"
    assert banchi("catalog", "export", str(tmp_path / "catalog.csv"))[0] == 0
    raw = (tmp_path / "catalog.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Thai text as UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 14
    by_name = {row["name"]: row for row in rows}
    assert by_name["city-development-indicators"]["organization"] == "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"
    assert by_name["city-development-indicators"]["data_format"] == "CSV, XLS"
    assert banchi("catalog", "export", str(tmp_path / "catalog.jsonl"), "--org", "bma-hrd")[0] == 0
    lines = (tmp_path / "catalog.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 14 and all(r["owner_org"] == "bma-hrd" for r in records)
    assert any(r["resources"] for r in records)


@pytest.mark.usefixtures("demo")
def test_unknown_export_type_is_refused(tmp_path: Path) -> None:
    code, _, err = banchi("catalog", "export", str(tmp_path / "catalog.ods"))
    assert code == 2 and ".jsonl" in err


@pytest.mark.usefixtures("demo")
def test_template_export_names_what_thai_gdc_cannot_hold(tmp_path: Path) -> None:
    code, out, err = banchi("catalog", "export", str(tmp_path / "catalog.xlsx"), "--format", "json")
    assert code == 0, err
    notes = json.loads(out)["thai_gdc_notes"]
    assert notes[0]["field"] == "owner_org" and "template_org" in notes[0]["en"]
    cells = [n for n in notes if n["sheet"]]
    assert cells and all(n["th"] and n["en"] and n["row"] >= 6 for n in cells)
    code, out, err = banchi("catalog", "export", str(tmp_path / "again.xlsx"))
    assert code == 0, err
    assert f"{len(cells)} values thai_gdc's importer cannot hold" in out and "Banchi_Notes" in out


def test_import_warns_of_a_header_that_differs_and_takes_template_org(banchi_env: Settings, tmp_path: Path) -> None:
    assert banchi("init")[0] == 0
    keys = [c.key for c in TEMPLATE.dataset_layouts[0].columns]
    keys[4] = "ผู้ติดต่อ"
    rows = [{**record_row("ours"), "ผู้ติดต่อ": "ฝ่ายทะเบียน"},
            {**record_row("theirs", owner_org="สำนักการศึกษา"), "ผู้ติดต่อ": "ฝ่ายอื่น"}]
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: rows}, columns={RECORD_SHEET: keys})
    options = ["--org", "district-office", "--create-organizations", "--template-org", HRD_TITLE]
    code, out, err = banchi("catalog", "import", str(path), *options, "--dry-run", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["warnings"][0]["column"], report["left_out"], report["datasets_created"]) == ("E", 1, ["ours"])
    code, out, err = banchi("catalog", "import", str(path), *options)
    assert code == 0, err
    assert "Temp2_Meta_Record row 4 E" in err and "ผู้ติดต่อ" in err and "maintainer" in err  # the warning
    assert "rows of other organizations left out: 1" in out
    [dataset] = json.loads(banchi("dataset", "list", "--format", "json")[1])
    assert (dataset["name"], dataset["owner_org"], dataset["maintainer"]) == ("ours", "district-office", "ฝ่ายทะเบียน")
    assert dataset["state"] == "draft" and "new datasets are drafts" in out  # unless told to publish


def test_import_with_publish_publishes_or_names_each_missing_cell(banchi_env: Settings, tmp_path: Path) -> None:
    assert banchi("init")[0] == 0
    options = ["--org", "district-office", "--create-organizations"]
    bad = write_book(tmp_path / "bad.xlsx", {RECORD_SHEET: [record_row("ours", maintainer=None)]})
    code, out, _ = banchi("catalog", "import", str(bad), *options, "--publish", "--format", "json")
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert (error["sheet"], error["row"], error["column"], error["code"]) == (RECORD_SHEET, 6, "E",
                                                                              "required_to_publish")
    assert "ก่อนเผยแพร่" in error["th"] and "before publishing" in error["en"]
    good = write_book(tmp_path / "good.xlsx", {RECORD_SHEET: [record_row("ours")]})
    code, out, err = banchi("catalog", "import", str(good), *options, "--publish")
    assert code == 0, err
    assert "published: ours" in out
    [dataset] = json.loads(banchi("dataset", "list", "--format", "json")[1])
    assert dataset["state"] == "active"
