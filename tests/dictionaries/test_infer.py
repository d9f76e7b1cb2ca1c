"""Drafts inferred from CSV (encodings and delimiters detected) and XLSX, with Thai headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from dictionaries.infer import infer
from dictionaries.model import check_names
from dictionaries.names import propose_names
from dictionaries.validate import validate
from schemas.messages import ProblemsError
from tests.dictionaries.datagen import SCHEMA, write_csv, write_xlsx

THAI_HEADER = [f["title"] for f in SCHEMA["fields"]]
EXPECTED_TYPES = ["integer", "string", "string", "number", "integer", "date", "boolean", "string", "string",
                  "year", "datetime", "string"]


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("cp874", "\t"), ("cp874", ",")]
)
def test_csv_with_thai_headers(tmp_path: Path, encoding: str, delimiter: str):
    path = write_csv(tmp_path / "sample.csv", 300, 0, encoding=encoding, delimiter=delimiter, header=THAI_HEADER)
    result = infer(path)
    assert (result.encoding, result.delimiter, result.rows_sampled) == (encoding, delimiter, 300)
    dictionary = result.dictionary
    assert [f.title for f in dictionary.fields] == THAI_HEADER
    assert [f.type for f in dictionary.fields] == EXPECTED_TYPES
    assert dictionary.field("email").format == "email"
    assert [f.name for f in dictionary.fields][:3] == ["code", "name", "province"]
    assert check_names(dictionary) == []
    assert dictionary.primary_key == ["code"] and dictionary.field("code").constraints.unique
    assert dictionary.field("name").personal_data and not dictionary.field("province").personal_data


def test_a_file_fits_the_draft_inferred_from_it(tmp_path: Path):
    path = write_csv(tmp_path / "sample.csv", 500, 0)
    report = validate(path, infer(path).dictionary)
    assert report.valid, report.errors[:3]


def test_xlsx_first_and_named_sheet(tmp_path: Path):
    path = write_xlsx(tmp_path / "book.xlsx", 200, 0, sheet="ข้อมูล")
    first = infer(path)
    assert first.sheet == "ข้อมูล"
    assert [f.type for f in first.dictionary.fields][:5] == ["integer", "string", "string", "number", "integer"]
    with pytest.raises(ProblemsError) as caught:
        infer(path, sheet="ไม่มี")
    assert caught.value.problems[0].code == "unknown_sheet"


def test_proposed_names():
    assert propose_names(["ชื่อ", "นามสกุล", "จังหวัด", "วันที่ปรับปรุง", "Amount (Baht)", "ภาษาที่ไม่รู้จัก", "ชื่อ"]) == [
        "name", "surname", "province", "date_updated", "amount_baht", "column_6", "name_2",
    ]


def test_bad_samples(tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01" * 50)
    for path, code in ((empty, "empty_file"), (binary, "binary_file"), (tmp_path / "none.csv", "file_not_found")):
        with pytest.raises(ProblemsError) as caught:
            infer(path)
        assert caught.value.problems[0].code == code
