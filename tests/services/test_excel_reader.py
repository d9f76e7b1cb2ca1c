"""Reading catalog workbooks: the template's sheets, and every kind of bad file refused with its place named."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from schemas.messages import Problem, ProblemsError
from services.excel import reader as reader_module
from services.excel.reader import read_catalog_workbook
from services.excel.safety import check_workbook_file
from tests.excel_books import (
    RECORD_SHEET,
    RES_RECORD,
    STAT_SHEET,
    TEMPLATE,
    record_row,
    resource_row,
    stat_row,
    write_book,
)


def _codes(problems: list[Problem]) -> list[tuple]:
    return [(p.code, p.sheet, p.row, p.column) for p in problems]


def _refused(path: Path) -> Problem:
    with pytest.raises(ProblemsError) as caught:
        read_catalog_workbook(path)
    [problem] = caught.value.problems
    assert problem.th and problem.en and problem.th != problem.en
    return problem


def test_reads_rows_from_row_6_skipping_the_instruction_row(tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row("a"), {}, record_row("b")],
                                                  STAT_SHEET: [stat_row()], RES_RECORD: [resource_row("a")]})
    content = read_catalog_workbook(path)
    assert content.problems == []
    assert [(r.sheet, r.row, r.cells["name"]) for r in content.datasets] == [
        (RECORD_SHEET, 6, "a"), (RECORD_SHEET, 8, "b"), (STAT_SHEET, 6, "training-statistics"),
    ]
    assert content.datasets[0].cells["last_updated_date"] == dt.datetime(2567, 3, 31)
    assert content.datasets[0].letters["maintainer_email"] == "F"
    assert [r.cells["dataset_name"] for r in content.resources] == ["a"]


def test_a_missing_sheet_is_named(tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row()]}, missing=["Temp2_Meta_GIS"])
    content = read_catalog_workbook(path)
    [problem] = content.problems
    assert (problem.code, problem.sheet) == ("missing_sheet", "Temp2_Meta_GIS")
    assert "Temp2_Meta_GIS" in problem.th and "Temp2_Meta_GIS" in problem.en
    assert len(content.datasets) == 1  # the other sheets are still read, so every problem is reported


def test_a_shifted_header_row_is_named_with_where_it_is(tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row()]}, header_row=5)
    content = read_catalog_workbook(path)
    assert ("header_shifted", RECORD_SHEET, 5, None) in _codes(content.problems)
    assert content.datasets == []
    shifted = next(p for p in content.problems if p.sheet == RECORD_SHEET)
    assert "แถวที่ 4" in shifted.th and "row 4" in shifted.en


def test_a_header_text_that_differs_is_read_by_position_with_a_warning_as_thai_gdc_reads_it(tmp_path: Path) -> None:
    keys = [c.key for c in TEMPLATE.dataset_layouts[0].columns]
    keys[4] = "หมายเหตุ"  # maintainer's header replaced: thai_gdc still reads the 5th column as maintainer
    row = {**record_row(), "หมายเหตุ": "ฝ่ายทะเบียน"}
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [row]}, columns={RECORD_SHEET: keys})
    content = read_catalog_workbook(path)
    assert content.problems == []
    assert content.datasets[0].cells["maintainer"] == "ฝ่ายทะเบียน"
    [warning] = content.warnings
    assert (warning.code, warning.sheet, warning.row, warning.column, warning.field) == (
        "header_differs", RECORD_SHEET, 4, "E", "maintainer")
    for text in (warning.th, warning.en):  # sheet, column and header named, in Thai and in English
        assert RECORD_SHEET in text and " E" in text and "หมายเหตุ" in text and "maintainer" in text
    assert "ชื่อฝ่ายงานสำหรับติดต่อ" in warning.th and "Contact" in warning.en


def test_swapped_columns_are_read_by_position_and_each_header_is_named(tmp_path: Path) -> None:
    keys = [c.key for c in TEMPLATE.dataset_layouts[0].columns]
    keys[4], keys[5] = keys[5], keys[4]  # maintainer_email before maintainer: thai_gdc reads by position
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row()]}, columns={RECORD_SHEET: keys})
    content = read_catalog_workbook(path)
    assert [(w.column, w.field, w.value) for w in content.warnings] == [
        ("E", "maintainer", "maintainer_email"), ("F", "maintainer_email", "maintainer")]
    assert content.datasets[0].cells["maintainer"] == "registry@bangkok.go.th"  # what is in the 5th column


def test_a_header_of_another_width_is_read_by_name_and_unknown_and_missing_columns_are_named(tmp_path: Path) -> None:
    keys = [c.key for c in TEMPLATE.dataset_layouts[0].columns]
    keys[4] = "หมายเหตุ"  # maintainer replaced, and one more column: thai_gdc could not read this sheet
    keys.append("ผู้บันทึก")
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row()]}, columns={RECORD_SHEET: keys})
    content = read_catalog_workbook(path)
    assert _codes(content.problems) == [("unknown_column", RECORD_SHEET, 4, "E"),
                                        ("unknown_column", RECORD_SHEET, 4, "AA"),
                                        ("missing_column", RECORD_SHEET, 4, None)]
    assert "ชื่อฝ่ายงานสำหรับติดต่อ" in content.problems[2].th  # the profile's label of maintainer


def test_a_renamed_sheet_is_named_with_the_name_it_should_have(tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row()]}, missing=[STAT_SHEET])
    book = load_workbook(path)
    book.create_sheet("temp2_meta_stats")
    book.save(path)
    content = read_catalog_workbook(path)
    [problem] = content.problems
    assert (problem.code, problem.sheet) == ("misnamed_sheet", "temp2_meta_stats")
    assert STAT_SHEET in problem.th and "temp2_meta_stats" in problem.en


def test_a_21_sheet_without_data_classification_is_read(tmp_path: Path) -> None:
    keys = [c.key for c in TEMPLATE.dataset_layouts[0].columns if c.key != "data_classification"]
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row()]}, columns={RECORD_SHEET: keys})
    content = read_catalog_workbook(path)
    assert content.problems == []
    assert "data_classification" not in content.datasets[0].cells
    assert content.datasets[0].cells["license_id"] == "Open Data Common"


def test_header_in_other_words_is_read_by_position_as_the_gd_catalog_importer_does(tmp_path: Path) -> None:
    layout = TEMPLATE.dataset_layouts[0]
    keys = [f"คอลัมน์ที่ {i}" for i in range(1, len(layout.columns) + 1)]
    row = {f"คอลัมน์ที่ {i}": record_row()[c.key] for i, c in enumerate(layout.columns, start=1)}
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [row]}, columns={RECORD_SHEET: keys})
    content = read_catalog_workbook(path)
    assert content.problems == []
    assert content.datasets[0].cells["maintainer_email"] == "registry@bangkok.go.th"
    assert len(content.warnings) == len(layout.columns)  # each header named


def test_formula_cells_are_refused_with_their_place(tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row(), record_row("b", title="=A7&\"x\"")]})
    content = read_catalog_workbook(path)
    assert _codes(content.problems) == [("formula_cell", RECORD_SHEET, 7, "C")]
    assert content.datasets[1].cells["title"] is None


def test_merged_cells_below_the_header_are_refused_but_merged_titles_above_are_fine(tmp_path: Path) -> None:
    path = write_book(tmp_path / "catalog.xlsx", {RECORD_SHEET: [record_row("a"), record_row("b")]})
    book = load_workbook(path)
    book[RECORD_SHEET].merge_cells("A1:F1")
    book[RECORD_SHEET].merge_cells("E6:E7")
    book.save(path)
    content = read_catalog_workbook(path)
    assert _codes(content.problems) == [("merged_cell", RECORD_SHEET, 6, "E")]
    assert "E6:E7" in content.problems[0].th
    assert [r.cells["maintainer"] for r in content.datasets] == [None, None]


def _encrypted(tmp_path: Path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_book(tmp_path / "plain.xlsx", {RECORD_SHEET: [record_row()]})
    target = io.BytesIO()
    with plain.open("rb") as source:
        OOXMLFile(source).encrypt("secret", target)
    return target.getvalue()


def test_a_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(_encrypted(tmp_path))
    problem = _refused(locked)
    assert problem.code == "encrypted" and "รหัสผ่าน" in problem.th and "password" in problem.en


def test_an_old_xls_container_is_refused(tmp_path: Path) -> None:
    # the same OLE container without the EncryptedPackage stream, as an Excel 97-2003 file is
    stream = "EncryptedPackage".encode("utf-16-le")
    path = tmp_path / "old.xls"
    path.write_bytes(_encrypted(tmp_path).replace(stream, "WorkbookPackage_".encode("utf-16-le")))
    problem = _refused(path)
    assert problem.code == "legacy_xls" and ".xlsx" in problem.en


def test_a_damaged_ole_container_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stub.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    assert _refused(path).code == "not_xlsx"


@pytest.mark.parametrize(
    "content",
    [b"this is not a workbook", b"PK\x03\x04 broken zip", b""],
    ids=["text", "truncated-zip", "empty"],
)
def test_a_corrupt_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    assert _refused(path).code == "not_xlsx"


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    problem = _refused(path)
    assert problem.code == "not_xlsx" and "xl/workbook.xml" in problem.en


def test_a_workbook_with_a_damaged_part_is_refused(tmp_path: Path) -> None:
    good = write_book(tmp_path / "good.xlsx", {RECORD_SHEET: [record_row()]})
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<not xml" if item.filename == "xl/workbook.xml" else data)
    assert _refused(damaged).code == "not_xlsx"


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_book(tmp_path / "bomb.xlsx", {RECORD_SHEET: [record_row()]})
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet99.xml", b" " * (40 << 20))  # 40 MiB of spaces, ~40 KiB packed

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(reader_module, "load_workbook", never)
    problem = _refused(path)
    assert problem.code == "zip_bomb" and "sheet99.xml" in problem.en


def test_too_much_inflated_data_is_refused_even_at_modest_ratios(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from services.excel import safety

    path = write_book(tmp_path / "big.xlsx", {RECORD_SHEET: [record_row()]})
    monkeypatch.setattr(safety, "MAX_INFLATED_TOTAL", 1000)
    with pytest.raises(ProblemsError) as caught:
        check_workbook_file(path)
    assert caught.value.problems[0].code == "zip_bomb"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    problem = _refused(tmp_path / "nowhere.xlsx")
    assert problem.code == "file_missing"


def test_an_empty_template_reads_as_no_rows(tmp_path: Path) -> None:
    path = write_book(tmp_path / "empty.xlsx")
    content = read_catalog_workbook(path)
    assert (content.datasets, content.resources, content.problems) == ([], [], [])


def test_a_blank_workbook_lacks_every_template_sheet(tmp_path: Path) -> None:
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "plain.xlsx"
    path.write_bytes(buffer.getvalue())
    content = read_catalog_workbook(path)
    assert [p.code for p in content.problems].count("missing_sheet") == 10
