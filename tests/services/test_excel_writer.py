"""Exported workbooks, opened with openpyxl: frozen headers, widths, drop-downs, Thai font, date cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from catalog.actions.catalog_export import CatalogSnapshot, catalog_snapshot
from catalog.actions.datasets import dataset_create
from catalog.actions.resources import resource_create
from schemas.excel_template import NOTES_SHEET, ORGANIZATIONS_SHEET, VERSIONS_SHEET
from schemas.profile import load_profile
from services.excel.writer import DATE_FORMAT, FONT_NAME, LISTS_SHEET, write_gdc_export, write_template
from tests.conftest import OpenContext
from tests.excel_books import TEMPLATE
from tests.factories import RECORD, dataset_input, make_org

PROFILE = load_profile()


@pytest.fixture
def snapshot(open_ctx: OpenContext) -> CatalogSnapshot:
    with open_ctx() as ctx:
        make_org(ctx, "bma", title="กรุงเทพมหานคร", kind="administration")
        make_org(ctx, "bma-hrd", title="สถาบันพัฒนาข้าราชการกรุงเทพมหานคร", parent="bma")
        dataset_create(ctx, dataset_input("city-stats", last_updated_date="2024-03-31",
                                          data_release_calendar="2024-02-29"), publish=True)
        dataset_create(ctx, dataset_input(
            "trainees", title="ทะเบียนผู้เข้าอบรม", data_type=RECORD, first_year_of_data=None, last_year_of_data=None,
            created_date="2020-10-01", high_value_dataset="True", data_format=["CSV", "อื่นๆ"],
            data_format_other="Parquet"), publish=True)
        resource_create(ctx, "trainees", {"name": "ทะเบียน 2567", "url": "https://example.go.th/t.csv",
                                          "format": "CSV", "resource_created_date": "2024-01-05"})
        return catalog_snapshot(ctx)


def test_template_export_has_every_sheet_frozen_headers_and_profile_labels(
    snapshot: CatalogSnapshot, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.xlsx"
    write_template(path, snapshot, today=dt.date(2025, 1, 2))
    book = load_workbook(path)
    expected = [lay.sheet for lay in (*TEMPLATE.dataset_layouts, *TEMPLATE.resource_layouts)]
    assert book.sheetnames[: len(expected)] == expected
    assert set(book.sheetnames[len(expected):]) == {ORGANIZATIONS_SHEET, NOTES_SHEET, VERSIONS_SHEET, LISTS_SHEET}
    assert book[LISTS_SHEET].sheet_state == book[VERSIONS_SHEET].sheet_state == "hidden"
    versions = {(row[0], row[1]): row[3] for row in book[VERSIONS_SHEET].iter_rows(min_row=2, values_only=True)}
    expected_versions: dict[tuple[str, str | None], int] = {("trainees", None): 1, ("trainees", "ทะเบียน 2567"): 1}
    expected_versions |= {(d["name"], None): 1 for d in snapshot.datasets if d["name"] != "trainees"}
    assert versions == expected_versions
    for layout in TEMPLATE.dataset_layouts:
        sheet = book[layout.sheet]
        assert sheet.freeze_panes == "A6"
        assert [c.value for c in sheet[4]][: len(layout.columns)] == [c.key for c in layout.columns]
        for index, column in enumerate(layout.columns, start=1):
            assert sheet.cell(5, index).value.startswith(column.label.th)  # the profile's label, not retyped
            assert sheet.column_dimensions[sheet.cell(4, index).column_letter].width >= 12
    assert "2568" in book[TEMPLATE.dataset_layouts[0].sheet]["A2"].value  # exported on 2 Jan 2568


def _exported(snapshot: CatalogSnapshot, tmp_path: Path) -> tuple:
    path = tmp_path / "catalog.xlsx"
    write_template(path, snapshot)
    book = load_workbook(path)
    return book, book["Temp2_Meta_Record"], [c.value for c in book["Temp2_Meta_Record"][4]]


def test_template_export_writes_values_dates_and_thai_font(snapshot: CatalogSnapshot, tmp_path: Path) -> None:
    book, record, keys = _exported(snapshot, tmp_path)
    row = {key: record.cell(6, index).value for index, key in enumerate(keys, start=1) if key}
    assert row["name"] == "trainees" and row["owner_org"] == "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"
    assert row["data_format"] == "CSV"  # one choice per cell, as thai_gdc's importer reads it
    notes = {(r[0].value, r[1].value, r[2].value, r[5].value): [c.value for c in r]
             for r in book[NOTES_SHEET].iter_rows(min_row=2)}
    column = get_column_letter(keys.index("data_format") + 1)
    # the cell, what Banchi holds, what thai_gdc reads
    assert notes[("Temp2_Meta_Record", 6, column, "data_format")][6:9] == ["CSV", "CSV, Parquet", "CSV"]
    assert row["high_value_dataset"] == "ใช่"
    created = record.cell(6, keys.index("created_date") + 1)
    assert created.is_date and created.value == dt.datetime(2563, 10, 1) and created.number_format == DATE_FORMAT
    assert record.cell(6, 3).font.name == FONT_NAME
    stat = book["Temp2_Meta_Stat"]
    stat_keys = [c.value for c in stat[4]]
    assert stat.cell(6, stat_keys.index("last_updated_date") + 1).value == dt.datetime(2567, 3, 31)
    assert stat.cell(6, stat_keys.index("data_release_calendar") + 1).value == "2567-02-29"  # year first
    resources = book["Temp3_Resource_Record"]
    assert [c.value for c in resources[6]][:3] == ["trainees", "ทะเบียน 2567", "https://example.go.th/t.csv"]
    orgs = book[ORGANIZATIONS_SHEET]
    assert [[c.value for c in row] for row in orgs.iter_rows(min_row=6)] == [
        ["bma", "กรุงเทพมหานคร", None, "administration", None, None],  # the last column: the organization's code
        ["bma-hrd", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร", None, "agency", "bma", None],
    ]


def test_vocabulary_columns_have_drop_down_lists_that_allow_other_text(
    snapshot: CatalogSnapshot, tmp_path: Path
) -> None:
    book, record, keys = _exported(snapshot, tmp_path)
    lists = book[LISTS_SHEET]
    by_column = {}
    for validation in record.data_validations.dataValidation:
        assert validation.type == "list" and validation.errorStyle == "information"
        for cell_range in validation.sqref.ranges:
            by_column[keys[cell_range.min_col - 1]] = (validation.formula1, cell_range.min_row)
    assert set(by_column) == {"objective", "update_frequency_unit", "geo_coverage", "data_format", "data_category",
                              "data_classification", "license_id", "data_support", "data_collect", "data_language",
                              "high_value_dataset", "reference_data"}
    formula, first_row = by_column["objective"]
    assert first_row == 6
    column = formula.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    values = [c.value for c in lists[column] if c.value is not None][1:]
    assert values == PROFILE.term_values(PROFILE.dataset_field("objective"))
    yes_no = by_column["high_value_dataset"][0].split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    assert [c.value for c in lists[yes_no] if c.value is not None][1:] == ["ไม่ใช่", "ใช่"]


def test_gdc_export_layout_has_a_sheet_per_thai_type(snapshot: CatalogSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "dataset.xlsx"
    write_gdc_export(path, snapshot)
    book = load_workbook(path)
    assert book.sheetnames == ["ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลประเภทอื่นๆ",
                               "ข้อมูลหลากหลายประเภท", LISTS_SHEET]
    stat = book["ข้อมูลสถิติ"]
    keys = [c.value for c in stat[1]]
    assert keys[:4] == ["id", "data_type", "title", "organization"]
    assert keys.index("data_classification") == keys.index("license_id") + 1
    assert stat.cell(2, keys.index("maintainer_email") + 1).value == PROFILE.label("maintainer_email")
    assert stat.freeze_panes == "A3"
    row = {key: stat.cell(3, index).value for index, key in enumerate(keys, start=1)}
    assert row["id"] == snapshot.datasets[0]["id"] and row["organization"] == "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"
    assert row["data_type"] == "ข้อมูลสถิติ" and row["last_updated_date"] == dt.datetime(2567, 3, 31)
    assert "high_value_dataset" not in keys  # R/M/O only
    assert book["ข้อมูลภูมิสารสนเทศเชิงพื้นที่"].max_row == 2  # header rows only
