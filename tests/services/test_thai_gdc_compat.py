"""A workbook Banchi exports in the template layout, read by thai_gdc's own importer rules (tests/thai_gdc_importer):
the same values wherever thai_gdc can hold them, and every other value named in the export's notes sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from catalog.actions.catalog_export import CatalogSnapshot, catalog_snapshot
from catalog.actions.datasets import dataset_create
from catalog.actions.resources import resource_create
from schemas.excel_template import NOTES_SHEET, ColumnKind, ExportNote
from services.excel.writer import write_template
from tests.conftest import OpenContext
from tests.excel_books import TEMPLATE
from tests.factories import GEO, MULTI, OTHER, RECORD, dataset_input, make_org
from tests.thai_gdc_importer import import_workbook

PROFILE = TEMPLATE.metadata_profile
HRD = "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร"
SPE = "สำนักยุทธศาสตร์และประเมินผล"


@pytest.fixture
def snapshot(open_ctx: OpenContext) -> CatalogSnapshot:
    with open_ctx() as ctx:
        make_org(ctx, "bma", title="กรุงเทพมหานคร", kind="administration")
        make_org(ctx, "bma-hrd", title=HRD, parent="bma")
        make_org(ctx, "bma-spe", title=SPE, parent="bma")
        no_stats = {"first_year_of_data": None, "last_year_of_data": None}
        dataset_create(ctx, dataset_input(  # 29 February 2563 (2020, a leap year) and a mix of choices
            "trainees", title="ทะเบียนผู้เข้าอบรม", data_type=RECORD, **no_stats, created_date="2020-02-29",
            last_updated_date="2024-03-31", high_value_dataset="True", license_id="อื่นๆ",
            license_id_other="ข้อตกลงการใช้ข้อมูลของ กทม.",
            objective=["พันธกิจหน่วยงาน", "อื่นๆ"], objective_other="แผนพัฒนากรุงเทพมหานคร",
            data_format=["CSV", "อื่นๆ"], data_format_other="Parquet", data_language=["ไทย"],
            data_collect="บุคคล", data_support="อื่นๆ", data_support_other="ภาคประชาสังคม",
            geo_coverage="อื่นๆ", geo_coverage_other="เขตกรุงเทพมหานคร"))
        resource_create(ctx, "trainees", {"name": "ทะเบียน 2563", "url": "https://example.go.th/t.csv",
                                          "format": "CSV", "resource_created_date": "2020-02-29",
                                          "resource_last_updated_date": "2020-03-01",
                                          "resource_data_collect": "อื่นๆ", "resource_data_collect_other": "ห้องเรียน"})
        dataset_create(ctx, dataset_input(
            "city-stats", last_updated_date="2024-02-29", data_release_calendar="2028-02-29",
            disaggregate=["เพศ", "อายุ/กลุ่มอายุ"], official_statistics="False", unit_of_multiplier="พัน",
            update_frequency_unit="อื่นๆ", update_frequency_unit_other="ทุกภาคเรียน"))
        resource_create(ctx, "city-stats", {"name": "สถิติ 2567", "url": "https://example.go.th/s.csv",
                                            "format": "CSV", "resource_official_statistics": "True",
                                            "resource_disaggregate": ["เพศ"], "resource_first_year_of_data": "2563",
                                            "resource_data_release_calendar": "2024-02-29"})
        dataset_create(ctx, dataset_input(
            "city-map", data_type=GEO, **no_stats, owner_org="bma-spe", title="แผนที่เขต", geographic_data_set=
            "ชั้นข้อมูลขอบเขตการปกครอง", equivalent_scale="1:4,000", west_bound_longitude="100.3",
            east_bound_longitude="100.9", north_bound_longitude="14.0", south_bound_longitude="13.5",
            data_release_date="2021-02-28", last_updated_date="2021-03-01"))
        dataset_create(ctx, dataset_input("mixed", data_type=MULTI, **no_stats, title="ข้อมูลผสม",
                                          reference_data="False", high_value_dataset="False"))
        dataset_create(ctx, dataset_input("others", data_type=OTHER, **no_stats, title="ข้อมูลอื่น",
                                          data_type_other="ข้อมูลเสียง", allow_harvest="True"))
        return catalog_snapshot(ctx)


def _expected(value: Any, kind: ColumnKind) -> Any:
    """What thai_gdc must hold for a value Banchi holds (its stored forms: ISO dates, "True"/"False")."""
    if kind is ColumnKind.tags:
        return [t.strip() for t in str(value or "").split(",")]
    if isinstance(value, list):
        return value[0] if len(value) == 1 else value
    return "" if value is None else str(value)


def _compare(record: dict[str, Any], held: dict[str, Any], sheet: str,
             noted: dict[tuple[str, str, str], Any]) -> list:
    """(field, expected, thai_gdc's value) for every column where thai_gdc does not hold Banchi's value, or, where
    the notes sheet names the cell, does not read what the note says it reads."""
    layout = TEMPLATE.layout_of(sheet)
    assert layout is not None
    differences = []
    for column in layout.columns:
        if column.kind in (ColumnKind.data_type, ColumnKind.organization, ColumnKind.dataset_ref):
            continue
        key = column.key if column.key in held else column.field
        place = (sheet, record.get("name") or "", column.key)
        if place in noted:
            got, other = held.get(key, ""), held.get(f"{key}_other", "")
            read = f"{got} ({other})" if other else got
            if read != noted[place]:
                differences.append((column.key, noted[place], read))
            continue
        pairs = [(column.field, key)]
        if column.spec.other_field and column.kind in (ColumnKind.choice, ColumnKind.choices):
            pairs.append((column.spec.other_field, f"{key}_other"))
        for field, thai_key in pairs:
            want, got = _expected(record.get(field), column.kind), held.get(thai_key, "")
            if want != got:
                differences.append((field, want, got))
    return differences


def test_thai_gdc_imports_a_banchi_export_with_the_same_values_or_a_note(snapshot: CatalogSnapshot,
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    notes = write_template(path, snapshot)
    imported = {d["name"]: d for d in import_workbook(path, import_org="bma-hrd")}
    assert sorted(imported) == ["city-map", "city-stats", "mixed", "others", "trainees"]  # every sheet was read
    noted = {(n.note.sheet or "", (n.resource if n.resource else n.dataset) or "", n.note.field or ""):
             n.thai_gdc_reads for n in notes if n.note.column}  # cells (a field without a column is not in the sheet)
    for dataset in snapshot.datasets:
        held = imported[dataset["name"]]
        sheet = next(lay.sheet for lay in TEMPLATE.dataset_layouts
                     if PROFILE.type_value(lay.type_code) == dataset["data_type"])
        assert _compare(snapshot.spreadsheet_record(dataset), held, sheet, noted) == [], dataset["name"]
        assert held["data_type"] == dataset["data_type"] and held["owner_org"] == "bma-hrd"
        assert [r["name"] for r in held["resources"]] == [r["name"] for r in dataset["resources"]]
        resource_sheet = sheet.replace("Temp2_Meta_", "Temp3_Resource_")
        for resource, thai in zip(dataset["resources"], held["resources"], strict=True):
            assert thai["url"] == resource["url"]
            assert _compare(resource, thai, resource_sheet, noted) == [], resource["name"]

    trainees, stats = imported["trainees"], imported["city-stats"]
    assert (trainees["created_date"], trainees["last_updated_date"]) == ("2020-02-29", "2024-03-31")  # 29 Feb 2563
    assert (stats["last_updated_date"], stats["data_release_calendar"]) == ("2024-02-29", "2028-02-29")
    assert imported["city-map"]["data_release_date"] == "2021-02-28"
    assert trainees["resources"][0]["resource_created_date"] == "2020-02-29"
    assert stats["resources"][0]["resource_data_release_calendar"] == "2024-02-29"
    # one choice per cell: the first of a list, so thai_gdc holds a choice rather than "อื่นๆ" with the whole list
    assert (trainees["objective"], trainees["data_format"], stats["disaggregate"]) == ("พันธกิจหน่วยงาน", "CSV", "เพศ")
    assert (trainees["geo_coverage"], trainees["geo_coverage_other"]) == ("อื่นๆ", "เขตกรุงเทพมหานคร")
    assert (stats["update_frequency_unit"], stats["update_frequency_unit_other"]) == ("อื่นๆ", "ทุกภาคเรียน")
    assert (trainees["high_value_dataset"], imported["mixed"]["reference_data"]) == ("True", "False")
    assert stats["official_statistics"] == "False" and stats["resources"][0]["resource_official_statistics"] == "True"
    assert imported["others"]["data_type_other"] == "ข้อมูลเสียง"
    assert trainees["tag_string"] == ["ตัวชี้วัด", "สถิติ"]
    assert (trainees["license_id"], trainees["license_id_other"]) == ("อื่นๆ", "ข้อตกลงการใช้ข้อมูลของ กทม.")


def test_every_choice_thai_gdc_passes_on_is_one_its_schema_accepts(snapshot: CatalogSnapshot,
                                                                   tmp_path: Path) -> None:
    """CKAN's scheming refuses a choice outside the field's list (and thai_gdc's loop then stops)."""
    path = tmp_path / "catalog.xlsx"
    write_template(path, snapshot)
    for dataset in import_workbook(path, import_org="bma-hrd"):
        records = [(dataset, [PROFILE.dataset_field(k) for k in dataset if PROFILE.has_dataset_field(k)]),
                   *[(r, [_resource_spec(k) for k in r]) for r in dataset["resources"]]]
        for record, specs in records:
            for spec in specs:
                if spec is not None and spec.vocabulary and spec.key != "data_type":
                    values = record[spec.key] if isinstance(record[spec.key], list) else [record[spec.key]]
                    assert set(values) <= {"", *PROFILE.term_values(spec)}, (dataset["name"], spec.key, values)


def _resource_spec(key: str) -> Any:
    try:
        return PROFILE.resource_field(key)
    except KeyError:
        return None


def test_the_notes_sheet_names_what_thai_gdc_cannot_hold(snapshot: CatalogSnapshot, tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    notes = write_template(path, snapshot)
    by_place = {(n.dataset, n.resource, n.note.field): n for n in notes}
    assert set(by_place) == {
        (None, None, "owner_org"),  # thai_gdc puts every dataset in the organization chosen when importing
        ("trainees", None, "objective"), ("trainees", None, "data_format"), ("city-stats", None, "disaggregate"),
        ("trainees", None, "reference_data"), ("others", None, "high_value_dataset"),
        ("others", None, "reference_data"),
        ("others", None, "allow_harvest"), ("trainees", "ทะเบียน 2563", "resource_data_collect"),
    }
    objective = by_place[("trainees", None, "objective")]
    assert (objective.cell, objective.banchi_value) == ("พันธกิจหน่วยงาน", "พันธกิจหน่วยงาน, แผนพัฒนากรุงเทพมหานคร")
    assert objective.note.code == "gdc_one_choice" and objective.note.column == "I" and objective.note.row == 6
    assert by_place[("trainees", None, "reference_data")].note.code == "gdc_empty_yes_no"  # empty reads as yes
    assert by_place[("city-stats", None, "disaggregate")].cell == "เพศ"
    assert by_place[("trainees", "ทะเบียน 2563", "resource_data_collect")].note.code == "gdc_other_text_dropped"
    assert by_place[("others", None, "allow_harvest")].thai_gdc_reads == "False"  # thai_gdc sets it
    assert all(n.note.th and n.note.en and n.note.th != n.note.en for n in notes)
    sheet = load_workbook(path)[NOTES_SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(notes)
    assert rows[[n.note.field for n in notes].index(
                "objective")][:9] == ["Temp2_Meta_Record", 6, "I", "trainees", None, "objective", "พันธกิจหน่วยงาน",
            "พันธกิจหน่วยงาน, แผนพัฒนากรุงเทพมหานคร", "พันธกิจหน่วยงาน"]


def test_template_org_keeps_the_rows_of_that_organization_as_thai_gdc_filters_them(snapshot: CatalogSnapshot,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    write_template(path, snapshot)
    kept = import_workbook(path, import_org="bma-spe", template_org=SPE)
    assert [(d["name"], d["owner_org"], d["private"]) for d in kept] == [("city-map", "bma-spe", True)]


def test_notes_sheet_is_only_about_what_differs(snapshot: CatalogSnapshot, tmp_path: Path) -> None:
    notes: list[ExportNote] = write_template(tmp_path / "catalog.xlsx", snapshot)
    fields = {(n.dataset, n.note.field) for n in notes}
    assert ("trainees", "data_language") not in fields and ("trainees", "created_date") not in fields
    assert ("city-stats", "data_release_calendar") not in fields  # 29 February is held, as year-first text

