"""Foreign keys (within a file and across a dataset's resources) and exclusive bounds: frictionless's findings."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from dictionaries.model import TABLE_SCHEMA_V2, parse_schema
from dictionaries.validate import Reference, validate
from schemas.messages import ProblemsError

Key = tuple[int | None, str | None, str]


def _keys(errors: list[Any]) -> tuple[set[Key], int]:
    descriptors = [e.to_descriptor() for e in errors]
    return {(d.get("rowNumber"), d.get("fieldName") or None, d["type"]) for d in descriptors}, len(descriptors)


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join(",".join(row) + "\n" for row in rows), "utf-8")
    return path


V2 = "https://datapackage.org/profiles/2.0/"


def _resource(path: Path, schema: dict[str, Any], name: str | None = None) -> Any:
    """A frictionless resource of Data Package 2.0 (exclusive bounds are 2.0 constraints)."""
    import frictionless

    descriptor = {"$schema": V2 + "dataresource.json", "name": name or path.stem, "path": path.name,
                  "schema": schema}
    return frictionless.Resource(descriptor, basepath=str(path.parent))


def _package(*resources: tuple[Path, dict[str, Any], str]) -> Any:
    import frictionless

    descriptor = {"$schema": V2 + "datapackage.json", "resources": [
        {"name": name, "path": path.name, "schema": schema} for path, schema, name in resources]}
    return frictionless.Package(descriptor, basepath=str(resources[0][0].parent))


def _same(report: Any, expected: tuple[set[Key], int]) -> None:
    keys, count = expected
    assert sorted(report.finding_keys() - keys, key=str) == [] and sorted(keys - report.finding_keys(), key=str) == []
    assert report.stats.errors == count


def test_foreign_key_within_a_file(tmp_path: Path):

    rnd = random.Random(3)
    rows = [["รหัส", "ชื่อหน่วยงาน", "สังกัด"]]
    for number in range(1, 400):
        parent = rnd.choice([str(rnd.randint(1, 399)), "", str(rnd.randint(400, 420)), " 7 ", "x", "3.0"])
        rows.append([str(number), f"หน่วยงาน {number}", parent])
    rows.append(["", "ไม่มีรหัส", "5"])
    data = _write(tmp_path / "org.csv", rows)
    schema = {
        "fields": [{"name": "รหัส", "type": "integer"}, {"name": "ชื่อหน่วยงาน", "type": "string"},
                   {"name": "สังกัด", "type": "integer", "title": "หน่วยงานต้นสังกัด"}],
        "foreignKeys": [{"fields": "สังกัด", "reference": {"resource": "", "fields": "รหัส"}}],
    }
    report = validate(data, schema)
    reference = _resource(data, schema).validate(limit_errors=0)
    _same(report, _keys(reference.tasks[0].errors))
    foreign = [e for e in report.errors if e.type == "foreign-key"]
    assert foreign
    assert "หน่วยงานต้นสังกัด" in foreign[0].message_th and "of this file" in foreign[0].message


def test_composite_foreign_key_naming_its_own_resource(tmp_path: Path):

    rows = [["ปี", "เขต", "ปีก่อน", "เขตก่อน"], ["2566", "บางรัก", "", ""], ["2567", "บางรัก", "2566", "บางรัก"],
            ["2567", "ปทุมวัน", "2566", "ปทุมวัน"], ["2568", "ปทุมวัน", "2567", "ปทุมวัน"], ["2568", "สาทร", "", "สาทร"]]
    data = _write(tmp_path / "areas.csv", rows)
    schema = {
        "fields": [{"name": "ปี", "type": "year"}, {"name": "เขต"}, {"name": "ปีก่อน", "type": "year"},
                   {"name": "เขตก่อน"}],
        "foreignKeys": [{"fields": ["ปีก่อน", "เขตก่อน"], "reference": {"resource": "areas", "fields": ["ปี", "เขต"]}}],
    }
    report = validate(data, schema, resource_name="areas")
    expected = _keys(_package((data, schema, "areas")).validate(limit_errors=0).tasks[0].errors)
    _same(report, expected)
    assert {e.row_number for e in report.errors if e.type == "foreign-key"} == {4, 6}


@pytest.mark.parametrize("reference_kind", ["csv", "xlsx"])
def test_foreign_key_to_another_resource_of_the_dataset(tmp_path: Path, reference_kind: str):
    from openpyxl import Workbook

    districts = [["รหัสเขต", "ชื่อเขต"], ["1001", "พระนคร"], ["1002", "ดุสิต"], ["1003", "หนองจอก"], ["", "ว่าง"]]
    if reference_kind == "csv":
        district_file = _write(tmp_path / "districts.csv", districts)
    else:
        book = Workbook()
        for row in districts:
            book.active.append([int(row[0]) if row[0].isdigit() else row[0] or None, row[1]])
        district_file = tmp_path / "districts.xlsx"
        book.save(district_file)
    district_schema = {"fields": [{"name": "รหัสเขต", "type": "number"}, {"name": "ชื่อเขต"}]}
    stats = [["เขต", "ไตรมาส", "จำนวน"], ["1001", "1", "5"], ["1002", "1", "7"], ["1009", "1", "3"],
             ["", "2", "1"], ["abc", "2", "2"], ["1003.0", "2", "4"], ["1003", "3", "0"]]
    stats_file = _write(tmp_path / "stats.csv", stats)
    stats_schema = {
        "fields": [{"name": "เขต", "type": "integer", "title": "รหัสเขต"}, {"name": "ไตรมาส", "type": "integer"},
                   {"name": "จำนวน", "type": "integer", "constraints": {"exclusiveMinimum": 0}}],
        "foreignKeys": [{"fields": "เขต", "reference": {"resource": "districts", "fields": "รหัสเขต"}}],
    }
    report = validate(stats_file, stats_schema,
                      references={"districts": Reference(district_file, district_schema)})
    package = _package((stats_file, stats_schema, "stats"), (district_file, district_schema, "districts"))
    checked = package.validate(limit_errors=0)
    [task] = [t for t in checked.tasks if t.name == "stats"]
    _same(report, _keys(task.errors))
    [missing] = [e for e in report.errors if e.type == "foreign-key"]
    assert missing.row_number == 4 and "1009" in missing.message_th and "“districts”" in missing.message
    with pytest.raises(ProblemsError) as caught:
        validate(stats_file, stats_schema)
    assert caught.value.problems[0].code == "unknown_reference"


@pytest.mark.parametrize(("kind", "cells", "bounds"), [
    ("integer", ["0", "1", "9", "10", "11", "-1", ""], {"exclusiveMinimum": 0, "exclusiveMaximum": 10}),
    ("number", ["0", "0.0001", "9.99", "10", "10.0", "-0.5", "1e1"], {"exclusiveMinimum": 0, "exclusiveMaximum": 10}),
    ("date", ["2024-01-01", "2024-01-02", "2024-12-30", "2024-12-31", "2025-01-01"],
     {"exclusiveMinimum": "2024-01-01", "exclusiveMaximum": "2024-12-31"}),
    ("year", ["2499", "2500", "2567", "2600", "2601"], {"exclusiveMinimum": 2500, "exclusiveMaximum": 2600}),
])
def test_exclusive_bounds(tmp_path: Path, kind: str, cells: list[str], bounds: dict[str, Any]):

    data = _write(tmp_path / "bounds.csv", [["ค่า", "ลำดับ"]] + [[cell, str(n)] for n, cell in enumerate(cells * 30)])
    schema: dict[str, Any] = {
        "fields": [{"name": "ค่า", "type": kind, "constraints": bounds}, {"name": "ลำดับ", "type": "integer"}]
    }
    report = validate(data, schema)
    schema = parse_schema(schema).to_table_schema()  # exclusive bounds: exported as Table Schema 2.0
    assert schema["$schema"] == TABLE_SCHEMA_V2
    reference = _resource(data, schema).validate(limit_errors=0)
    _same(report, _keys(reference.tasks[0].errors))
    rules = {e.rule for e in report.errors if e.type == "constraint-error"}
    assert rules == {"exclusiveMinimum", "exclusiveMaximum"}
    low = next(e for e in report.errors if e.rule == "exclusiveMinimum")
    assert "ต้องมากกว่า" in low.message_th and "must be greater than" in low.message


def test_foreign_keys_that_cannot_be_checked_are_refused(tmp_path: Path):
    data = _write(tmp_path / "d.csv", [["a", "b"], ["1", "2"]])
    for schema in (
        {"fields": [{"name": "a"}], "foreignKeys": [{"fields": "x", "reference": {"resource": "", "fields": "a"}}]},
        {"fields": [{"name": "a"}, {"name": "b"}],
         "foreignKeys": [{"fields": ["a", "b"], "reference": {"resource": "", "fields": "a"}}]},
    ):
        with pytest.raises(ProblemsError) as caught:
            validate(data, schema)
        assert caught.value.problems[0].code in ("bad_foreign_key", "foreign_key_width")
