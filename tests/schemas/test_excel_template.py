"""The GD Catalog Excel template as data, and the importer's cell rules (both directions)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from schemas.excel_template import TEMPLATES_DIR, ColumnKind, ExcelTemplate, SheetRow, load_template
from schemas.profile import load_profile
from schemas.template_values import CellReader, CellWriter, date_cell, normalize_name, read_date

TEMPLATE = load_template("gdc-excel-2.2")
PROFILE = load_profile(TEMPLATE.profile)


def test_every_column_is_a_field_of_the_profile_for_its_sheets_type() -> None:
    for layout in (*TEMPLATE.dataset_layouts, *TEMPLATE.resource_layouts):
        for column in layout.columns:
            if column.level == "dataset":
                assert PROFILE.has_dataset_field(column.field), (layout.sheet, column.key)
                spec = PROFILE.dataset_field(column.field)
            else:
                spec = PROFILE.resource_field(column.field)
            assert spec.applies_to(layout.type_code), (layout.sheet, column.key)
            assert column.label == spec.label  # labels come from the profile
    for layout in TEMPLATE.export_layouts:
        for column in layout.columns:
            assert column.key in TEMPLATE.gdc_export.registry_columns or PROFILE.has_dataset_field(column.key)


def test_dataset_sheets_are_the_profiles_sheets_in_order() -> None:
    assert [(lay.sheet, lay.type_code) for lay in TEMPLATE.dataset_layouts] == [
        (t.sheet, t.code) for t in PROFILE.dataset_types
    ]
    assert [lay.sheet for lay in TEMPLATE.resource_layouts] == [
        "Temp3_Resource_Record", "Temp3_Resource_Stat", "Temp3_Resource_GIS", "Temp3_Resource_Multi",
        "Temp3_Resource_Other",
    ]
    assert (TEMPLATE.header_row, TEMPLATE.instruction_row, TEMPLATE.first_data_row) == (4, 5, 6)


def test_record_columns_follow_the_importer_with_22s_classification_after_category() -> None:
    record = [c.key for c in TEMPLATE.dataset_layouts[0].columns]
    assert record == [
        "name", "d_type", "title", "owner_org", "maintainer", "maintainer_email", "tag_string", "notes",
        "objective", "update_frequency_unit", "update_frequency_interval", "geo_coverage", "data_source",
        "data_format", "data_category", "data_classification", "license_id", "accessible_condition",
        "created_date", "last_updated_date", "url", "data_support", "data_collect", "data_language",
        "high_value_dataset", "reference_data",
    ]
    other = [c.key for c in TEMPLATE.layout_of("Temp2_Meta_Other").columns]  # type: ignore[union-attr]
    assert other[1] == "data_type_other" and other[2:] == record[2:]
    for layout in TEMPLATE.dataset_layouts:
        keys = [c.key for c in layout.columns]
        assert keys.index("data_classification") == keys.index("data_category") + 1
        assert layout.by_key["data_classification"].optional


def test_gdc_export_sheets_are_named_with_the_thai_type_and_put_classification_after_license() -> None:
    assert [lay.sheet for lay in TEMPLATE.export_layouts] == [
        "ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลประเภทอื่นๆ", "ข้อมูลหลากหลายประเภท",
    ]
    record, stat, gis = TEMPLATE.export_layouts[:3]
    keys = [c.key for c in record.columns]
    assert keys[:4] == ["id", "data_type", "title", "organization"]
    assert keys.index("data_classification") == keys.index("license_id") + 1
    assert "high_value_dataset" in keys and "first_year_of_data" not in keys
    assert "first_year_of_data" in [c.key for c in stat.columns] and "data_support" not in [c.key for c in stat.columns]
    assert "data_release_date" in [c.key for c in gis.columns]


def test_column_kinds_follow_the_profile() -> None:
    record = TEMPLATE.dataset_layouts[0].by_key
    stat = TEMPLATE.dataset_layouts[1].by_key
    assert {k for k, c in record.items() if c.kind is ColumnKind.date} == {"created_date", "last_updated_date"}
    assert {k for k, c in record.items() if c.kind is ColumnKind.boolean} == {"high_value_dataset", "reference_data"}
    assert {k for k, c in record.items() if c.kind is ColumnKind.choices} == {"objective", "data_format",
                                                                             "data_language"}
    assert stat["official_statistics"].kind is ColumnKind.boolean
    assert stat["disaggregate"].kind is ColumnKind.choices
    assert record["d_type"].kind is ColumnKind.data_type and record["name"].kind is ColumnKind.name
    resource = TEMPLATE.resource_layouts[0].by_key
    assert resource["dataset_name"].kind is ColumnKind.dataset_ref
    assert (resource["resource_name"].field, resource["resource_url"].field) == ("name", "url")


def test_a_column_outside_the_profile_makes_the_template_fail_to_load() -> None:
    data = yaml.safe_load((TEMPLATES_DIR / "gdc-excel-2.2.yaml").read_text(encoding="utf-8"))
    data["dataset_sheets"][0]["columns"].append("budget_code")
    with pytest.raises(ValueError, match="budget_code is not a dataset field"):
        ExcelTemplate.model_validate(data)
    data = yaml.safe_load((TEMPLATES_DIR / "gdc-excel-2.2.yaml").read_text(encoding="utf-8"))
    data["dataset_sheets"][0]["columns"].append("first_year_of_data")  # a statistics field on the Record sheet
    with pytest.raises(ValueError, match="does not apply to type R"):
        ExcelTemplate.model_validate(data)


def test_unknown_template_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"gdc-excel-2\.2"):
        load_template("gdc-excel-9.9")


# -- cell rules ------------------------------------------------------------------------------------------


def _row(layout_index: int, cells: dict, *, resource: bool = False) -> tuple:
    layout = (TEMPLATE.resource_layouts if resource else TEMPLATE.dataset_layouts)[layout_index]
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(layout.columns)}
    return layout, SheetRow(layout.sheet, 6, cells, letters)


def test_name_is_lower_cased_with_whitespace_as_dashes() -> None:
    assert normalize_name("  Trainee Registry\t2567 ") == "trainee-registry-2567"
    assert normalize_name("Trainee  Registry") == "trainee--registry"  # each space, as thai_gdc names it


@pytest.mark.parametrize(
    ("cell", "iso"),
    [
        ("31/03/2567", "2024-03-31"),
        ("2567-03-31", "2024-03-31"),
        (dt.datetime(2567, 3, 31), "2024-03-31"),  # a date cell carrying the BE year, as the template does
        (dt.datetime(2024, 3, 31), "2024-03-31"),  # a real date typed in an Excel showing the Thai calendar
        (dt.date(2567, 3, 31), "2024-03-31"),
        ("29/02/2567", "2024-02-29"),
        ("2024-03-31", "2024-03-31"),  # a Christian Era year typed into the sheet is read as one, not shifted
    ],
)
def test_buddhist_era_dates_become_iso(cell: object, iso: str) -> None:
    assert read_date(cell) == iso


@pytest.mark.parametrize("cell", ["ไม่ทราบ", "0567-03-31", "2300-03-31", "31/13/2567", 45000])
def test_what_is_not_a_be_date_is_refused(cell: object) -> None:
    with pytest.raises(ValueError):
        read_date(cell)


def test_dates_are_written_as_be_date_cells_and_29_february_as_text() -> None:
    assert date_cell("2024-03-31") == dt.date(2567, 3, 31)
    assert date_cell("2024-02-29") == "2567-02-29"  # 2567 is not leap: year-first text, as thai_gdc slices it
    for iso in ("2024-03-31", "2024-02-29", "2020-10-01"):
        assert read_date(date_cell(iso)) == iso


def test_importer_rules_for_choices_lists_yes_no_and_bad_dates() -> None:
    reader = CellReader(TEMPLATE)
    layout, row = _row(0, {
        "name": "My Registry", "d_type": "ข้อมูลสถิติ", "objective": "พันธกิจหน่วยงาน, แผนของเขต, แผนชุมชน",
        "update_frequency_unit": "ทุกภาคเรียน", "data_format": "csv, XLS/XLSX", "geo_coverage": "จังหวัด",
        "license_id": "Open Data Common", "high_value_dataset": "ไม่เป็น", "reference_data": "เป็นข้อมูลอ้างอิง",
        "data_language": None, "created_date": "ไม่ทราบ", "tag_string": "ก, ข ,ค", "update_frequency_interval": 2.0,
        "data_category": "ข้อมูลลับมาก",
    })
    values, problems = reader.dataset_values(layout, row)
    assert values["name"] == "my-registry"
    assert values["data_type"] == "ข้อมูลระเบียน"  # the sheet decides; the d_type cell is ignored
    assert values["objective"] == ["พันธกิจหน่วยงาน", "อื่นๆ"] and values["objective_other"] == "แผนของเขต, แผนชุมชน"
    assert (values["update_frequency_unit"], values["update_frequency_unit_other"]) == ("อื่นๆ", "ทุกภาคเรียน")
    assert values["data_format"] == ["CSV", "XLS"] and values["data_format_other"] is None  # by value or label
    assert values["geo_coverage_other"] is None and values["license_id_other"] is None
    assert (values["high_value_dataset"], values["reference_data"]) == ("False", "True")
    assert values["data_language"] is None and values["tag_string"] == ["ก", "ข", "ค"]
    assert values["update_frequency_interval"] == "2"
    assert values["data_category"] == "ข้อมูลลับมาก"  # no companion: left for the profile to refuse
    [problem] = problems
    assert (problem.code, problem.sheet, problem.row, problem.column) == ("not_a_date", "Temp2_Meta_Record", 6, "S")
    assert "วันที่เริ่มต้นสร้าง" in problem.th and "Created date" in problem.en


def test_reading_what_was_written_gives_the_same_values() -> None:
    reader, writer = CellReader(TEMPLATE), CellWriter(TEMPLATE)
    layout = TEMPLATE.dataset_layouts[1]
    record = {
        "name": "stats", "title": "สถิติ", "owner_org": "สถาบัน", "data_type": "ข้อมูลสถิติ",
        "objective": ["พันธกิจหน่วยงาน", "อื่นๆ"], "objective_other": "แผนของเขต",
        "unit_of_multiplier": "อื่นๆ", "unit_of_multiplier_other": "โหล", "official_statistics": "True",
        "last_updated_date": "2024-02-29", "data_release_calendar": "2025-01-15", "first_year_of_data": "2563",
        "tag_string": ["ก", "ข"], "update_frequency_interval": 3, "disaggregate": ["เพศ"],
    }
    cells = writer.cells(layout, record)
    by_key = dict(zip([c.key for c in layout.columns], cells, strict=True))
    assert by_key["d_type"] == "ข้อมูลสถิติ" and by_key["official_statistics"] == "ใช่"
    assert by_key["objective"] == "พันธกิจหน่วยงาน, แผนของเขต" and by_key["unit_of_multiplier"] == "โหล"
    assert by_key["data_release_calendar"] == dt.date(2568, 1, 15) and by_key["first_year_of_data"] == 2563
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(layout.columns)}
    values, problems = reader.dataset_values(layout, SheetRow(layout.sheet, 6, by_key, letters))
    assert problems == []
    assert {k: v for k, v in values.items() if v is not None} == {
        **record, "tag_string": ["ก", "ข"], "update_frequency_interval": "3",
    }


def test_template_files_all_load() -> None:
    for path in Path(TEMPLATES_DIR).glob("*.yaml"):
        assert load_template(path.stem).id == path.stem
