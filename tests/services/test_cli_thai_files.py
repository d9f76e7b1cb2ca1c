"""Issue 14's done-when through the command line: a Thai-headed file in cp874, UTF-8 with BOM and XLSX goes
infer → add → approve → validate → clean report; the same layout with injected errors gives exactly
frictionless-py's findings; bad input is named in Thai and English and replaces nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.settings import Settings
from services.cli.main import app
from tests.dictionaries.conftest import frictionless_report
from tests.dictionaries.datagen import THAI_HEADER, write_csv, write_xlsx

runner = CliRunner()
DATASET = "city-development-indicators"


def banchi(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def resource_id(banchi_env: Settings) -> str:
    assert banchi("demo")[0] == 0
    shown = json.loads(banchi("dataset", "show", DATASET, "--format", "json")[1])
    return str(shown["resources"][0]["id"])


def _files(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    if kind == "xlsx":
        return (write_xlsx(tmp_path / "clean.xlsx", 300, 0, header=THAI_HEADER),
                write_xlsx(tmp_path / "broken.xlsx", 600, 0.15, header=THAI_HEADER, seed=5))
    return (write_csv(tmp_path / "clean.csv", 300, 0, encoding=kind, header=THAI_HEADER),
            write_csv(tmp_path / "broken.csv", 600, 0.15, encoding=kind, header=THAI_HEADER, seed=5))


@pytest.mark.parametrize("kind", ["cp874", "utf-8-sig", "xlsx"])
def test_infer_approve_validate_through_the_cli(resource_id: str, tmp_path: Path, kind: str):
    clean, broken = _files(tmp_path, kind)
    schema_path = tmp_path / "schema.json"
    code, out, err = banchi("dictionary", "infer", str(clean), "-o", str(schema_path))
    assert code == 0, err
    schema = json.loads(schema_path.read_text("utf-8"))
    assert [f["name"] for f in schema["fields"]] == THAI_HEADER

    code, out, err = banchi("dictionary", "add", DATASET, resource_id, str(schema_path), "--format", "json")
    assert code == 0, err
    version = json.loads(out)
    code, out, err = banchi("dictionary", "approve", version["id"], "--by", "director.hrd@bangkok.go.th")
    assert code == 0, err

    code, out, err = banchi("validate", str(clean), "--schema", str(schema_path), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["valid"] is True
    code, out, err = banchi("dictionary", "check", DATASET, resource_id, str(clean), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["valid"] is True and json.loads(out)["errors"] == 0

    code, out, err = banchi("validate", str(broken), "--schema", str(schema_path), "--format", "json")
    assert code == 1, err
    errors = json.loads(out)["errors"]
    ours = {(e.get("rowNumber"), e.get("fieldName") or None, e["type"]) for e in errors}
    expected, count = frictionless_report(broken, schema)
    assert sorted(ours - expected, key=str) == [] and sorted(expected - ours, key=str) == []
    assert len(errors) == count
    assert all(e["messageTh"] and e["message"] and "None" not in e["message"] for e in errors)

    code, out, _ = banchi("validate", str(broken), "--schema", str(schema_path))
    assert code == 1 and "แถวที่" in out and "Row " in out  # the table people read


def test_structure_only_from_the_cli(tmp_path: Path):
    clean = tmp_path / "clean.csv"
    clean.write_text("ชื่อ,จังหวัด\nสมชาย,เชียงใหม่\nมานี,ขอนแก่น\n", "utf-8-sig")
    code, out, _ = banchi("validate", str(clean))
    assert code == 0 and "structure only" in out
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("ชื่อ,ชื่อ,\nสมชาย,เชียงใหม่,1\nมานี\n\n", "utf-8")
    code, out, _ = banchi("validate", str(ragged), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["source"]["structureOnly"] is True
    assert {e["type"] for e in report["errors"]} == {"duplicate-label", "blank-label", "missing-cell", "blank-row"}


def test_bad_input_is_named_and_replaces_nothing(resource_id: str, tmp_path: Path):
    schema_path = tmp_path / "schema.json"
    schema_path.write_text('{"fields": [{"name": "a"}]}', "utf-8")
    before = schema_path.read_bytes()
    cases = {
        "titled.csv": ("รายงานสรุป\nเขต,จำนวน\nบางรัก,1\nปทุมวัน,2\n".encode(), "title_above_header"),
        "blank-header.csv": (b",,\n1,2,3\n", "blank_header"),
        "blank-label.csv": ("เขต,,จำนวน\nบางรัก,x,1\n".encode(), "blank_label"),
        "twice.csv": ("เขต,เขต\nบางรัก,1\n".encode(), "duplicate_label"),
        "book.csv": (b"PK\x03\x04" + b"\x00" * 200, "not_csv"),
    }
    for name, (content, code_expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        code, out, _ = banchi("dictionary", "infer", str(path), "-o", str(schema_path), "--format", "json")
        assert code == 2, name
        problem = json.loads(out)["errors"][0]
        assert problem["code"] == code_expected and problem["th"] != problem["en"], name
        assert schema_path.read_bytes() == before, name  # the schema on disk is untouched

    colliding = tmp_path / "colliding.json"
    colliding.write_text(json.dumps({"fields": [{"name": "จำนวน"}, {"name": "จํานวน"}]}, ensure_ascii=False), "utf-8")
    versions_before = banchi("dictionary", "versions", DATASET, resource_id, "--format", "json")[1]
    code, out, _ = banchi("dictionary", "add", DATASET, resource_id, str(colliding), "--format", "json")
    assert code != 0
    assert any(e["code"] == "colliding_field" for e in json.loads(out)["errors"])
    assert banchi("dictionary", "versions", DATASET, resource_id, "--format", "json")[1] == versions_before


def test_foreign_keys_across_files_from_the_cli(tmp_path: Path):
    districts = tmp_path / "districts.csv"
    districts.write_text("รหัสเขต,ชื่อเขต\n1001,พระนคร\n1002,ดุสิต\n", "utf-8")
    districts_schema = tmp_path / "districts.json"
    districts_schema.write_text(json.dumps({"fields": [{"name": "รหัสเขต", "type": "integer"}, {"name": "ชื่อเขต"}]},
                                           ensure_ascii=False), "utf-8")
    stats = tmp_path / "stats.csv"
    stats.write_text("เขต,จำนวน\n1001,5\n1009,3\n", "utf-8")
    schema = tmp_path / "stats.json"
    schema.write_text(json.dumps({
        "fields": [{"name": "เขต", "type": "integer"}, {"name": "จำนวน", "type": "integer"}],
        "foreignKeys": [{"fields": "เขต", "reference": {"resource": "districts", "fields": "รหัสเขต"}}],
    }, ensure_ascii=False), "utf-8")
    code, out, _ = banchi("validate", str(stats), "--schema", str(schema), "--reference",
                          f"districts={districts}:{districts_schema}", "--format", "json")
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert (error["type"], error["rowNumber"]) == ("foreign-key", 3)
    code, out, _ = banchi("validate", str(stats), "--schema", str(schema), "--format", "json")
    assert code == 2 and json.loads(out)["errors"][0]["code"] == "unknown_reference"
    code, out, _ = banchi("validate", str(stats), "--schema", str(schema), "--reference", "districts",
                          "--format", "json")
    assert code == 2 and json.loads(out)["errors"][0]["code"] == "bad_reference_option"
