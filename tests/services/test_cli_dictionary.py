"""``banchi dictionary infer | diff | export-xlsx | import-xlsx``."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from dictionaries.excel import COLUMNS, SHEET
from services.cli.main import app
from tests.dictionaries.datagen import SCHEMA, write_csv

runner = CliRunner()
THAI_HEADER = [f["title"] for f in SCHEMA["fields"]]


def banchi(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def schema_file(path: Path, schema: dict) -> Path:
    path.write_text(json.dumps(schema, ensure_ascii=False), "utf-8")
    return path


def test_infer_writes_a_schema_the_file_validates_against(tmp_path: Path):
    data = write_csv(tmp_path / "sample.csv", 200, 0, encoding="cp874", delimiter=";", header=THAI_HEADER)
    out = tmp_path / "schema.json"
    result = banchi("dictionary", "infer", data, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "จังหวัด" in result.stdout and "cp874" in result.stdout
    schema = json.loads(out.read_text("utf-8"))
    assert schema["fields"][2] == {"name": "จังหวัด", "identifier": "province", "type": "string", "title": "จังหวัด",
                                   "example": schema["fields"][2]["example"], "constraints": {"required": True}}
    assert banchi("validate", data, "--schema", out).exit_code == 0  # the Thai headers are the names


def test_infer_json_and_bad_input(tmp_path: Path):
    data = write_csv(tmp_path / "sample.csv", 50, 0)
    result = banchi("dictionary", "infer", data, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["fields"][0]["name"] == "id"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = banchi("dictionary", "infer", empty)
    assert result.exit_code == 2 and "ไฟล์ว่างเปล่า" in result.stderr


def test_diff_exit_codes(tmp_path: Path):
    old = schema_file(tmp_path / "v1.json", SCHEMA)
    looser = copy.deepcopy(SCHEMA)
    looser["fields"][4]["constraints"]["maximum"] = 1000
    tighter = copy.deepcopy(SCHEMA)
    tighter["fields"].pop()
    result = banchi("dictionary", "diff", old, schema_file(tmp_path / "v2.json", looser), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changes"][0]["kind"] == "constraint"
    result = banchi("dictionary", "diff", old, schema_file(tmp_path / "v3.json", tighter))
    assert result.exit_code == 1 and "breaks existing data" in result.stdout
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    assert banchi("dictionary", "diff", old, broken).exit_code == 2


def test_excel_round_trip_and_dry_run(tmp_path: Path):
    schema = schema_file(tmp_path / "schema.json", SCHEMA)
    template = tmp_path / "template.xlsx"
    assert banchi("dictionary", "export-xlsx", schema, template).exit_code == 0
    out = tmp_path / "back.json"
    result = banchi("dictionary", "import-xlsx", template, "--dry-run", "-o", out)
    assert result.exit_code == 0 and "dry run" in result.stdout and not out.exists()
    result = banchi("dictionary", "import-xlsx", template, "-o", out)
    assert result.exit_code == 0
    assert json.loads(out.read_text("utf-8"))["fields"] == json.loads(schema.read_text("utf-8"))["fields"]


def test_import_reports_rows_and_writes_nothing(tmp_path: Path):
    schema = schema_file(tmp_path / "schema.json", SCHEMA)
    template = tmp_path / "template.xlsx"
    banchi("dictionary", "export-xlsx", schema, template)
    book = load_workbook(template)
    book[SHEET].cell(row=3, column=[c.key for c in COLUMNS].index("type") + 1, value="เงิน")
    book.save(template)
    out = tmp_path / "never.json"
    result = banchi("dictionary", "import-xlsx", template, "-o", out, "--format", "json")
    assert result.exit_code == 2 and not out.exists()
    error = json.loads(result.stdout)["errors"][0]
    assert (error["row"], error["code"], error["sheet"]) == (3, "xlsx_bad_choice", SHEET)
