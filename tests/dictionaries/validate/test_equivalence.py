"""Same findings as frictionless-py 5.x: the set of (rowNumber, fieldName, error type) and the count."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.dictionaries.datagen import HEADER, SCHEMA, write_csv, write_xlsx

ROW_TYPES = {"type-error", "constraint-error", "unique-error", "primary-key", "extra-cell", "missing-cell", "blank-row"}
CONSTRAINTS = {"required", "minLength", "maxLength", "pattern", "enum", "minimum", "maximum"}


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp874", "\t"), ("utf-8", "|")],
    ids=["utf8-comma", "utf8bom-semicolon", "cp874-tab", "utf8-pipe"],
)
def test_every_row_error_type_on_thai_data(tmp_path: Path, same_as_frictionless, encoding: str, delimiter: str):
    path = write_csv(tmp_path / "data.csv", 1500, 0.15, encoding=encoding, delimiter=delimiter)
    report = same_as_frictionless(path, SCHEMA)
    assert {e.type for e in report.errors} == ROW_TYPES
    broken = {e.note.split('"')[1] for e in report.errors if e.type == "constraint-error"}
    assert broken == CONSTRAINTS
    assert report.source["encoding"] == encoding
    assert report.source["delimiter"] == delimiter


def test_exact_checks_catch_what_vectorised_ones_pass_on(tmp_path: Path, same_as_frictionless):
    """Thai digits, spaces, underscores, ``TH-1234\\n`` (Python's ``$``): parsed only in Python."""
    path = tmp_path / "tricky.csv"
    rows = [
        ["๑๒๓", "ชื่อ", "ภูเก็ต", " 7.5 ", "+40", "2024-1-5", "1", "x@y.co", "TH-1234\n", "๒๕๖๗",
         "2024-05-01T10:00:00+07:00", "ปกติ"],
        ["1_000", "ชื่อ", "", "1e3", " 12 ", "0999-01-01", "TRUE", "a@b.cd", "TH-๑๒๓๔", "0999",
         "2024-05-01T10:00:00.5Z", "ปกติ"],
        ["1000", "ชื่อ", "", "12345678901234567.5", "0", "2024-02-29", "0", "a.b@c.d.ef", "TH-0000", "2024",
         "2024-05-01T24:00:00", "ปกติ"],
    ]
    path.write_text(",".join(HEADER) + "\n" + "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n", "utf-8")
    report = same_as_frictionless(path, SCHEMA)
    assert (4, "id", "unique-error") in report.finding_keys()  # 1_000 and 1000 are the same integer


@pytest.mark.parametrize(
    ("labels", "width", "expected"),
    [
        ([*HEADER, "extra"], 13, {"extra-label"}),
        (HEADER[:10], 10, {"missing-label"}),
        ([HEADER[0], "", *HEADER[2:]], 12, {"blank-label"}),
        ([HEADER[0], HEADER[0], *HEADER[2:]], 12, {"duplicate-label"}),
        (["รหัส", *HEADER[1:]], 12, {"incorrect-label"}),
    ],
    ids=["extra", "missing", "blank", "duplicate", "incorrect"],
)
def test_label_errors(tmp_path: Path, same_as_frictionless, labels: list[str], width: int, expected: set[str]):
    path = write_csv(tmp_path / "labels.csv", 300, 0.1, header=labels)
    if width != 12:  # make the data as wide as the header, as a real file would be
        lines = path.read_text("utf-8").splitlines(keepends=True)
        fixed = [lines[0]] + [
            (line.rstrip("\n") + ",x\n" if width > 12 else ",".join(line.split(",")[:width]) + "\n")
            if line.strip() else line
            for line in lines[1:]
        ]
        path.write_text("".join(fixed), "utf-8")
    report = same_as_frictionless(path, SCHEMA)
    label_types = {e.type for e in report.errors if e.row_number is None}
    assert label_types == expected


@pytest.mark.parametrize("encoding", ["utf-8", "cp874"])
def test_encoding_error_stops_where_frictionless_stops(tmp_path: Path, same_as_frictionless, encoding: str):
    path = write_csv(tmp_path / "broken.csv", 2500, 0.05, encoding=encoding)
    data = bytearray(path.read_bytes())
    position = int(len(data) * 0.8)  # past the 100 kB frictionless samples to guess the encoding
    data[position:position] = b"\xff\xfe" if encoding == "utf-8" else b"\xdb"
    path.write_bytes(bytes(data))
    report = same_as_frictionless(path, SCHEMA)
    assert report.errors[-1].type == "encoding-error"
    assert not report.valid


@pytest.mark.parametrize("sheet", [None, "ข้อมูล"])
def test_xlsx_first_or_named_sheet(tmp_path: Path, same_as_frictionless, sheet: str | None):
    path = write_xlsx(tmp_path / "data.xlsx", 800, 0.15)
    report = same_as_frictionless(path, SCHEMA, sheet=sheet)
    assert {"type-error", "constraint-error", "blank-row", "unique-error"} <= {e.type for e in report.errors}


def test_thai_field_names_and_custom_missing_values(tmp_path: Path, same_as_frictionless):
    schema = copy.deepcopy(SCHEMA)
    for spec in schema["fields"]:
        spec["name"] = spec.pop("title")
    schema["primaryKey"] = ["รหัส"]
    schema["missingValues"] = ["", "-", "ไม่ระบุ"]
    path = write_csv(tmp_path / "thai.csv", 600, 0.1, header=[f["name"] for f in schema["fields"]])
    text = path.read_text("utf-8").replace(",ภูเก็ต,", ",ไม่ระบุ,").replace(",true,", ",-,")
    path.write_text(text, "utf-8")
    same_as_frictionless(path, schema)


def test_python_only_pattern_and_odd_dialect(tmp_path: Path, same_as_frictionless):
    """A lookahead (not RE2) and ``, `` separators (skipinitialspace): the exact path for all rows."""
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][8]["constraints"]["pattern"] = "(?=TH)TH-[0-9]{4}"
    path = write_csv(tmp_path / "odd.csv", 400, 0.1)
    same_as_frictionless(path, schema)
    spaced = tmp_path / "spaced.csv"
    spaced.write_text(path.read_text("utf-8").replace(",", ", "), "utf-8")
    same_as_frictionless(spaced, schema)


def test_primary_key_of_two_fields(tmp_path: Path, same_as_frictionless):
    schema = copy.deepcopy(SCHEMA)
    schema["primaryKey"] = ["province", "count"]
    schema["fields"][0]["constraints"] = {}
    path = write_csv(tmp_path / "pk.csv", 1500, 0.1)
    report = same_as_frictionless(path, schema)
    assert "primary-key" in {e.type for e in report.errors}
