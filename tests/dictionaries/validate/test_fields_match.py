"""Thai headers as field names, ``fieldsMatch`` and matching by title: frictionless-py's findings."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from dictionaries.infer import infer
from dictionaries.validate import validate
from tests.dictionaries.conftest import frictionless_report
from tests.dictionaries.datagen import SCHEMA, THAI_HEADER, write_csv, write_xlsx

MODES = ["exact", "equal", "subset", "superset", "partial"]


def thai_schema(mode: str | None = None) -> dict[str, Any]:
    """SCHEMA with the Thai titles as names (and the English names as identifiers)."""
    schema = copy.deepcopy(SCHEMA)
    for spec in schema["fields"]:
        spec["identifier"], spec["name"] = spec["name"], spec["title"]
    schema["primaryKey"] = ["รหัส"]
    if mode:
        schema["fieldsMatch"] = mode
    return schema


@pytest.mark.parametrize("kind", ["cp874", "utf-8-sig", "xlsx"])
def test_infer_from_a_clean_thai_file_then_validate_a_broken_one(tmp_path: Path, same_as_frictionless, kind: str):
    """The done-when case: infer → validate clean; the same layout with injected errors → frictionless's findings."""
    if kind == "xlsx":
        clean = write_xlsx(tmp_path / "clean.xlsx", 400, 0, header=THAI_HEADER)
        broken = write_xlsx(tmp_path / "broken.xlsx", 900, 0.15, header=THAI_HEADER, seed=11)
    else:
        clean = write_csv(tmp_path / "clean.csv", 400, 0, encoding=kind, header=THAI_HEADER)
        broken = write_csv(tmp_path / "broken.csv", 900, 0.15, encoding=kind, header=THAI_HEADER, seed=11)
    schema = infer(clean).dictionary.to_table_schema()
    assert [f["name"] for f in schema["fields"]] == THAI_HEADER
    assert validate(clean, schema).valid
    report = same_as_frictionless(broken, schema)
    assert {"type-error", "blank-row", "missing-cell", "extra-cell"} <= {e.type for e in report.errors}
    assert not any(e.type.endswith("-label") for e in report.errors)


def _reordered(tmp_path: Path, labels: list[str]) -> Path:
    """A broken file whose columns are ``labels`` (Thai headers, any order, some absent, some new)."""
    source = write_csv(tmp_path / "source.csv", 500, 0.15, header=THAI_HEADER, seed=3)
    import csv

    with source.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    position = {label: i for i, label in enumerate(THAI_HEADER)}
    target = tmp_path / "reordered.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(labels)
        for record in records[1:]:
            if not record:
                handle.write("\n")
                continue
            writer.writerow([record[position[c]] if c in position and position[c] < len(record) else "ใหม่"
                             for c in labels][: max(len(record), 1)])
    return target


LAYOUTS = {
    "reordered": [THAI_HEADER[1], THAI_HEADER[0], *THAI_HEADER[2:][::-1]],
    "extra": [*THAI_HEADER, "คอลัมน์ใหม่"],
    "optional-missing": [h for h in THAI_HEADER if h != "หมายเหตุ"],
    "required-missing": [h for h in THAI_HEADER if h != "ชื่อ"],
    "key-missing": THAI_HEADER[1:],
    "none-match": ["ก", "ข", "ค"],
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_fields_match_modes(tmp_path: Path, same_as_frictionless, mode: str, layout: str):
    path = _reordered(tmp_path, LAYOUTS[layout])
    report = same_as_frictionless(path, thai_schema(mode))
    if mode == "exact" and layout == "reordered":
        assert "incorrect-label" in {e.type for e in report.errors}
    if mode == "partial" and layout == "none-match":
        assert report.errors[0].type == "unmatched-header" and report.errors[0].message_th


@pytest.mark.parametrize("mode", ["equal", "subset"])
def test_duplicate_labels_matched_by_name(tmp_path: Path, same_as_frictionless, mode: str):
    path = tmp_path / "dup.csv"
    path.write_text("รหัส,ชื่อ,รหัส\n1,ก,2\n", "utf-8")
    report = same_as_frictionless(path, thai_schema(mode))
    assert [e.type for e in report.errors] == ["error"]
    assert "รหัส" in report.errors[0].message_th and report.stats.rows == 0


@pytest.mark.parametrize("mode", ["exact", "equal"])
def test_matching_by_title_on_request(tmp_path: Path, mode: str):
    """English names, Thai titles, a file with Thai headers: by title it has the findings frictionless
    gives when the titles are the names; without asking, every label is wrong (frictionless's answer)."""
    schema = copy.deepcopy(SCHEMA) | {"fieldsMatch": mode}
    path = write_csv(tmp_path / "thai.csv", 600, 0.12, header=THAI_HEADER)
    by_title = validate(path, schema, match_titles=True)
    expected, count = frictionless_report(path, thai_schema(mode))
    renamed = {f["title"]: f["name"] for f in SCHEMA["fields"]}
    assert by_title.finding_keys() == {(r, renamed.get(n or "", n), t) for r, n, t in expected}
    assert by_title.stats.errors == count
    plain = validate(path, schema)
    assert plain.finding_keys() == frictionless_report(path, schema)[0]


def test_typing_habits_do_not_make_a_header_differ(tmp_path: Path):
    """Spaces around or inside a header, zero-width spaces and ``ํ`` + ``า`` for ``ำ``: the same header."""
    header = [*THAI_HEADER]
    header[3] = "  จ\u0e4d\u0e32นวน\u200bเงิน "  # จำนวนเงิน typed apart, a zero-width space, padding
    header[1] = "ชื่อ"
    schema = thai_schema("exact")
    schema["fields"][11]["name"] = "หมาย  เหตุ"
    header[11] = "หมาย เหตุ"
    canonical = write_csv(tmp_path / "canonical.csv", 300, 0.1, header=[f["name"] for f in schema["fields"]])
    typed = write_csv(tmp_path / "typed.csv", 300, 0.1, header=header)
    expected, _ = frictionless_report(canonical, schema)
    for mode in ("exact", "equal"):
        schema["fieldsMatch"] = mode
        assert validate(typed, schema).finding_keys() == expected
