"""Bad input gets a clear bilingual error, never a crash; ragged rows are findings, not failures."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dictionaries.validate import validate
from schemas.messages import ProblemsError
from tests.dictionaries.datagen import SCHEMA, write_csv

SMALL = {"fields": [{"name": "id", "type": "integer"}, {"name": "ชื่อ", "type": "string"}]}


def refused(path: Path, schema: Any = SMALL, **options: Any) -> str:  # bad input on purpose: anything goes
    with pytest.raises(ProblemsError) as caught:
        validate(path, schema, **options)
    problem = caught.value.problems[0]
    assert problem.th and problem.en and problem.th != problem.en
    return problem.code


def test_binary_file(tmp_path: Path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10)
    assert refused(path) == "not_csv"
    path.write_bytes(b"\x07\x00\x01" + bytes(range(256)) * 10)
    assert refused(path) == "binary_file"


def test_undetectable_encoding(tmp_path: Path):
    path = tmp_path / "noise.csv"
    path.write_bytes(b"id,name\n" + bytes(range(0x80, 0x100)) * 200)
    assert refused(path) == "unknown_encoding"


def test_empty_file_and_whitespace_only(tmp_path: Path):
    for content in (b"", b"\n\n  \r\n", b"\xef\xbb\xbf"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        assert refused(path) == "empty_file"


def test_header_only_file_is_valid(tmp_path: Path):
    path = tmp_path / "header.csv"
    path.write_text("id,ชื่อ\n", "utf-8")
    report = validate(path, SMALL)
    assert report.valid and report.stats.rows == 0


def test_a_cell_larger_than_two_blocks(tmp_path: Path):
    """Arrow reads in blocks (csvsource.BLOCK_SIZE) and a row may straddle two of them: a cell larger
    than two blocks is refused by name, whatever the block size."""
    from dictionaries.validate.csvsource import BLOCK_SIZE

    path = tmp_path / "big.csv"
    path.write_text("id,ชื่อ\n1,ก\n2," + "ข" * ((2 * BLOCK_SIZE) // 3 + 10) + "\n3,ค\n", "utf-8")
    assert refused(path) == "cell_too_large"


def test_only_ragged_rows(tmp_path: Path):
    path = tmp_path / "ragged.csv"
    path.write_text("id,ชื่อ\n1\n2,ก,ข,ค\n\n3,ง\n", "utf-8")
    report = validate(path, SMALL)
    assert report.finding_keys() == {
        (2, "ชื่อ", "missing-cell"), (3, None, "extra-cell"), (4, None, "blank-row"),
    }


def test_xlsx_zip_bomb(tmp_path: Path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\x00" * (1 << 20)
            for _ in range(60):
                sheet.write(chunk)
    assert refused(path) == "xlsx_too_large"


def test_not_an_xlsx_and_unknown_sheet(tmp_path: Path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id,name\n1,a\n", "utf-8")
    assert refused(fake) == "bad_xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "ชื่อ"])
    book.save(tmp_path / "ok.xlsx")
    assert refused(tmp_path / "ok.xlsx", sheet="ไม่มี") == "unknown_sheet"


def test_missing_file_and_unsupported_format(tmp_path: Path):
    assert refused(tmp_path / "nothing.csv") == "file_not_found"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert refused(pdf) == "unsupported_format"


@pytest.mark.parametrize(
    ("schema", "code"),
    [
        ("{not json", "schema_not_json"),
        ({"fields": []}, "schema_no_fields"),
        ({"fields": [{"name": "a", "type": "money"}]}, "unknown_type"),
        ({"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "x"}}]}, "bad_constraint"),
        ({"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": "ศูนย์"}}]}, "bad_constraint_value"),
        ({"fields": [{"name": "a"}, {"name": "a"}]}, "duplicate_field"),
        ({"fields": [{"name": "a"}], "primaryKey": ["b"]}, "bad_primary_key"),
        ({"fields": [{"name": "a", "constraints": {"pattern": "("}}]}, "bad_pattern"),
        ({"fields": [{"name": "a", "constraints": {"maxLength": "ten"}}]}, "schema_invalid"),
        ({"fields": [{"type": "string"}]}, "schema_invalid"),
    ],
)
def test_schema_that_is_not_a_table_schema(tmp_path: Path, schema: object, code: str):
    path = write_csv(tmp_path / "data.csv", 5, 0)
    if isinstance(schema, str):
        schema_path = tmp_path / "schema.json"
        schema_path.write_text(schema, "utf-8")
        schema = schema_path
    assert refused(path, schema) == code


def test_report_shape_quality_and_hash(tmp_path: Path):
    import hashlib

    path = tmp_path / "q.csv"
    path.write_text("id,ชื่อ\n1,ก\nสอง,ข\n3,\n4,ง\n", "utf-8")
    report = validate(path, SMALL)
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["valid"] is False
    assert data["stats"]["rows"] == 4 and data["stats"]["errors"] == 1
    assert data["stats"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    error = data["errors"][0]
    assert (error["type"], error["rowNumber"], error["fieldName"]) == ("type-error", 3, "id")
    assert "สอง" in error["messageTh"] and "is not a whole number" in error["message"]
    assert error["title"] == "Type Error" and error["rule"] == "integer"
    assert data["quality"] == {"validity": 75.0, "completeness": 87.5}


def test_schema_file_path_and_named_encoding(tmp_path: Path):
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(SCHEMA, ensure_ascii=False), "utf-8")
    path = write_csv(tmp_path / "data.csv", 50, 0, encoding="cp874")
    assert validate(path, schema_path, encoding="tis-620").valid
    assert refused(path, schema_path, encoding="klingon") == "bad_encoding_name"
