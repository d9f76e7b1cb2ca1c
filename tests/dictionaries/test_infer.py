"""Drafts inferred from CSV (encodings and delimiters detected) and XLSX, with Thai headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from dictionaries.infer import infer
from dictionaries.names import label_key, propose_identifiers
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
    assert [f.name for f in dictionary.fields] == THAI_HEADER  # the header, as the file has it
    assert [f.title for f in dictionary.fields] == THAI_HEADER
    assert [f.type for f in dictionary.fields] == EXPECTED_TYPES
    assert dictionary.field("อีเมล").format == "email"
    assert [f.identifier for f in dictionary.fields][:3] == ["code", "name", "province"]
    assert dictionary.primary_key == ["รหัส"] and dictionary.field("รหัส").constraints.unique
    assert dictionary.field("ชื่อ").personal_data and not dictionary.field("จังหวัด").personal_data
    assert validate(path, dictionary).valid  # no incorrect-label: the names are the headers


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


def test_proposed_identifiers():
    headers = ["ชื่อ", "นามสกุล", "จังหวัด", "วันที่ปรับปรุง", "Amount (Baht)", "ผู้รับผิดชอบ", "ชื่อ", "NAME", "๑๒๓"]
    assert propose_identifiers(headers) == [
        "name", "surname", "province", "date_updated", "amount_baht", "phurapphitchop", "name_2", "name_3",
        "column_9",
    ]


def test_label_key_ignores_spacing_and_how_sara_am_was_typed():
    assert label_key(" จำนวน\u00a0 น้ำ\u200b ") == "จำนวน น้ำ"
    assert label_key("จ\u0e4d\u0e32นวน") == label_key("จำนวน")
    assert label_key("น\u0e4d\u0e49\u0e32") == label_key("น\u0e49\u0e4d\u0e32") == "น้ำ"


@pytest.mark.parametrize(
    ("header", "code"),
    [("ชื่อ,,อายุ", "blank_label"), ("ชื่อ,อายุ,ชื่อ ", "duplicate_label"), ("ก\u0e4d\u0e32,กำ", "duplicate_label")],
)
def test_headers_that_cannot_name_fields(tmp_path: Path, header: str, code: str):
    path = tmp_path / "bad.csv"
    path.write_text(header + "\n" + ",".join("1" * (header.count(",") + 1)) + "\n", "utf-8")
    with pytest.raises(ProblemsError) as caught:
        infer(path)
    problem = caught.value.problems[0]
    assert problem.code == code and problem.th and problem.en


def test_bad_samples(tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01" * 50)
    for path, code in ((empty, "empty_file"), (binary, "binary_file"), (tmp_path / "none.csv", "file_not_found")):
        with pytest.raises(ProblemsError) as caught:
            infer(path)
        assert caught.value.problems[0].code == code
