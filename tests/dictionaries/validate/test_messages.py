"""Findings read as people need them: row, column (its Thai title) and rule, in Thai and English, with no
Python values; a missing required cell is one problem; files without a dictionary get structural checks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from dictionaries.infer import infer
from dictionaries.validate import validate
from schemas.messages import ProblemsError

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "รหัส", "type": "integer", "title": "รหัสหน่วยงาน", "constraints": {"required": True}},
        {"name": "อีเมล", "type": "string", "format": "email", "title": "อีเมลติดต่อ", "titleEn": "Contact email"},
        {"name": "สถานะ", "type": "string", "constraints": {"enum": ["เปิด", "ปิด"]}},
        {"name": "ปี", "type": "year", "title": "ปีงบประมาณ", "constraints": {"required": True,
                                                                          "exclusiveMinimum": 2000}},
        {"name": "ใช้งาน", "type": "boolean"},
        {"name": "วันที่", "type": "date", "format": "%d/%m/%Y"},
    ]
}
PYTHON_VALUES = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\[\'|\'\]|Decimal\(|datetime\.")


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding)
    return path


def test_messages_name_row_column_and_rule_without_python_values(tmp_path: Path):
    data = _write(tmp_path / "d.csv", "รหัส,อีเมล,สถานะ,ปี,ใช้งาน,วันที่\n"
                  "1,a@b.go.th,เปิด,2567,true,01/02/2024\n"
                  "x,not-an-email,ปิดชั่วคราว,1999,บางที,2024-02-01\n"
                  ",a@b.go.th,เปิด\n")
    report = validate(data, SCHEMA)
    by_place = {(e.row_number, e.field_name, e.type): e for e in report.errors}
    email = by_place[(3, "อีเมล", "type-error")]
    assert email.message_th == "แถวที่ 3 คอลัมน์ “อีเมลติดต่อ” (อีเมล): ค่า “not-an-email” ไม่ใช่อีเมลที่ถูกต้อง"
    assert email.message == "Row 3, column “Contact email” (อีเมล): “not-an-email” is not a valid email address"
    assert "not a string" not in email.message and email.rule == "string/email"
    enum = by_place[(3, "สถานะ", "constraint-error")]
    assert "เปิด, ปิด" in enum.message_th and "must be one of: เปิด, ปิด" in enum.message
    year = by_place[(3, "ปี", "constraint-error")]
    assert "ต้องมากกว่า 2000" in year.message_th and "must be greater than 2000" in year.message
    assert year.field_title == "ปีงบประมาณ" and year.rule == "exclusiveMinimum"
    assert "true, 1, false, 0" in by_place[(3, "ใช้งาน", "type-error")].message
    assert "DD/MM/YYYY" in by_place[(3, "วันที่", "type-error")].message_th
    for error in report.errors:
        assert not PYTHON_VALUES.search(error.message), error.message
        assert not PYTHON_VALUES.search(error.message_th), error.message_th
        assert error.message_th != error.message
        if error.row_number is not None:
            assert f"แถวที่ {error.row_number}" in error.message_th and f"Row {error.row_number}" in error.message
    assert "ปีงบประมาณ" in by_place[(4, "ปี", "missing-cell")].message_th


def test_a_missing_required_cell_is_one_problem(tmp_path: Path):
    full = "1,a@b.go.th,เปิด,2567,true,01/02/2024\n" * 3
    data = _write(tmp_path / "d.csv", "รหัส,อีเมล,สถานะ,ปี,ใช้งาน,วันที่\n" + full + "5,a@b.go.th,เปิด\n")
    report = validate(data, SCHEMA)
    # frictionless's list (both errors) stays, for programs and the differential tests
    assert {(e.type, e.field_name) for e in report.errors} >= {("constraint-error", "ปี"), ("missing-cell", "ปี")}
    assert report.stats.errors == len(report.errors)
    shown = [(e.type, e.field_name) for e in report.distinct_errors()]
    assert shown.count(("missing-cell", "ปี")) == 1 and ("constraint-error", "ปี") not in shown
    missing = next(e for e in report.distinct_errors() if e.field_name == "ปี")
    assert "ซึ่งต้องมีค่า" in missing.message_th and "required" in missing.message


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_structure_without_a_dictionary_same_as_frictionless(tmp_path: Path, kind: str):
    import frictionless

    rows: list[list[Any]] = [["ชื่อ", "", "ชื่อ", "จังหวัด"], ["ก", "1", "ข", "ค"], [], ["ง", "2"], ["จ", "3", "ฉ", "ช", "ซ"],
            ["", "", "", ""]]
    if kind == "csv":
        path = _write(tmp_path / "raw.csv", "\n".join(",".join(r) for r in rows) + "\n")
    else:
        from openpyxl import Workbook

        book = Workbook()
        for row in rows:
            book.active.append(list(row) if row else [None])
        path = tmp_path / "raw.xlsx"
        book.save(path)
    report = validate(path)
    assert report.source["structureOnly"] is True
    reference = frictionless.Resource(path.name, basepath=str(tmp_path)).validate(limit_errors=0)
    expected = {(d.get("rowNumber"), d.get("fieldName") or None, d["type"])
                for d in (e.to_descriptor() for e in reference.tasks[0].errors)}
    assert report.finding_keys() == expected
    expected_types = {"blank-label", "duplicate-label", "blank-row"}
    if kind == "csv":  # a worksheet's rows are as wide as its widest: no missing or extra cells there
        expected_types |= {"missing-cell", "extra-cell"}
    assert {e.type for e in report.errors} >= expected_types


def test_structure_of_a_clean_file_and_an_encoding_error(tmp_path: Path):
    clean = _write(tmp_path / "clean.csv", "ชื่อ,จังหวัด\nสมชาย,เชียงใหม่\n", "cp874")
    assert validate(clean).valid
    broken = tmp_path / "broken.csv"
    broken.write_bytes("ชื่อ,จังหวัด\n".encode() + "สมชาย,เชียงใหม่\n".encode() * 2000 + b"\xff\xfe,x\n")
    report = validate(broken)
    error = next(e for e in report.errors if e.type == "encoding-error")
    assert "UTF-8" in error.message and "ไบต์" in error.message_th


def test_a_title_line_above_the_header_is_named(tmp_path: Path):
    data = _write(tmp_path / "titled.csv", "รายงานประจำปี\n\nรหัส,ชื่อ,จังหวัด\n1,ก,ข\n2,ค,ง\n3,จ,ฉ\n")
    report = validate(data)  # frictionless reads the title as the header; so do we, and say why it fails
    assert report.warnings and "1 คอลัมน์" in report.warnings[0] and "3" in report.warnings[0]
    assert "title" in report.warnings[0]
    with pytest.raises(ProblemsError) as caught:
        infer(data)
    problem = caught.value.problems[0]
    assert problem.code == "title_above_header" and "แถวที่ 3" in problem.th and "row 3" in problem.en
    below = _write(tmp_path / "below.csv", "\n\nรหัส,ชื่อ\n1,ก\n")
    with pytest.raises(ProblemsError) as caught:
        infer(below)
    assert caught.value.problems[0].code == "blank_header"


@pytest.mark.parametrize(("content", "kind"), [
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "XLSX"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
])
def test_a_file_that_is_not_csv_under_a_csv_name(tmp_path: Path, content: bytes, kind: str):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    for run in (lambda: validate(path, SCHEMA), lambda: validate(path), lambda: infer(path)):
        with pytest.raises(ProblemsError) as caught:
            run()
        problem = caught.value.problems[0]
        assert problem.code == "not_csv" and kind in problem.th and kind in problem.en


def test_report_json_carries_the_new_keys(tmp_path: Path):
    data = _write(tmp_path / "d.csv", "รหัส,อีเมล,สถานะ,ปี,ใช้งาน,วันที่\n1,x,เปิด,2567,true,01/02/2024\n")
    error = json.loads(json.dumps(validate(data, SCHEMA).to_json()))["errors"][0]
    assert error["fieldTitle"] == "อีเมลติดต่อ" and error["rule"] == "string/email" and "sameCellAs" not in error
