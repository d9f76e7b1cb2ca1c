"""Excel template round-trip, its data-validation lists and row-level errors on import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from dictionaries.excel import COLUMNS, SHEET, export_xlsx, import_xlsx
from dictionaries.model import parse_schema
from schemas.messages import ProblemsError
from tests.dictionaries.datagen import SCHEMA
from tests.dictionaries.test_model import BANCHI_FIELD


@pytest.fixture
def dictionary():
    return parse_schema({**SCHEMA, "fields": [BANCHI_FIELD, *SCHEMA["fields"]], "missingValues": ["", "-"]})


def test_round_trip(tmp_path: Path, dictionary):
    path = export_xlsx(dictionary, tmp_path / "template.xlsx")
    assert import_xlsx(path) == dictionary


def test_template_is_ready_to_fill_in(tmp_path: Path, dictionary):
    book = load_workbook(export_xlsx(dictionary, tmp_path / "template.xlsx"))
    sheet = book[SHEET]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].value.startswith("ชื่อฟิลด์") and sheet["A1"].font.name == "TH Sarabun New"
    lists = {str(rule.sqref): rule.formula1
             for rule in sheet.data_validations.dataValidation}
    type_column = "ABCDEFGHIJKLMNOPQRSTU"[[c.key for c in COLUMNS].index("type")]
    assert any(ref.startswith(type_column) and "integer" in formula for ref, formula in lists.items())
    assert any("ใช่,ไม่ใช่" in formula for formula in lists.values())
    assert any("ลับมาก" in formula for formula in lists.values())


def test_row_level_errors(tmp_path: Path, dictionary):
    path = export_xlsx(dictionary, tmp_path / "template.xlsx")
    book = load_workbook(path)
    sheet = book[SHEET]
    column = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    sheet.cell(row=3, column=column["type"], value="money")
    sheet.cell(row=4, column=column["required"], value="บางที")
    sheet.cell(row=5, column=column["identifier"], value="ชื่อ ไทย")
    sheet.cell(row=6, column=column["maxLength"], value="สิบ")
    sheet.cell(row=7, column=column["codeList"], value="1=ก; ไม่มีเครื่องหมาย")
    sheet.cell(row=8, column=column["name"]).value = None
    book.save(path)
    with pytest.raises(ProblemsError) as caught:
        import_xlsx(path)
    found = {(p.row, p.code) for p in caught.value.problems}
    assert found == {
        (3, "xlsx_bad_choice"), (4, "xlsx_bad_choice"), (5, "bad_identifier"), (6, "xlsx_bad_number"),
        (7, "xlsx_bad_value"), (8, "xlsx_required"),
    }
    assert all(p.sheet == SHEET and p.th and p.en for p in caught.value.problems)


def test_schema_rules_are_placed_on_their_row(tmp_path: Path, dictionary):
    path = export_xlsx(dictionary, tmp_path / "template.xlsx")
    book = load_workbook(path)
    column = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    book[SHEET].cell(row=4, column=column["minimum"], value="ไม่ใช่ตัวเลข")  # row 4 is "name", a string
    book.save(path)
    with pytest.raises(ProblemsError) as caught:
        import_xlsx(path)
    assert [(p.row, p.code) for p in caught.value.problems] == [(4, "bad_constraint")]


def test_not_a_template(tmp_path: Path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(ProblemsError) as caught:
        import_xlsx(fake)
    assert caught.value.problems[0].code == "bad_xlsx"
