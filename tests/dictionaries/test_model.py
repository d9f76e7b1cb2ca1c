"""Dictionaries are Table Schemas with Banchi's additions kept as extra keys."""

from __future__ import annotations

import json

import pytest

from dictionaries.model import Dictionary, parse_schema
from dictionaries.quality import figures
from schemas.messages import ProblemsError
from tests.dictionaries.datagen import SCHEMA

BANCHI_FIELD = {
    "name": "citizen_id", "type": "string", "title": "เลขประจำตัวประชาชน", "titleEn": "Citizen ID",
    "description": "เลข 13 หลัก", "descriptionEn": "13 digits", "unit": "หลัก", "example": "1103700012345",
    "personalData": True, "classification": "ลับ", "constraints": {"pattern": "[0-9]{13}", "required": True},
    "codeList": [{"code": "1", "label": "ชาย", "labelEn": "male"}],
}


def test_round_trip_keeps_table_schema_and_additions():
    schema = {"fields": [BANCHI_FIELD, *SCHEMA["fields"]], "primaryKey": "citizen_id", "missingValues": ["", "-"]}
    dictionary = Dictionary.from_table_schema(json.dumps(schema, ensure_ascii=False))
    assert dictionary.primary_key == ["citizen_id"]
    field = dictionary.field("citizen_id")
    assert field.personal_data and field.classification == "ลับ" and field.code_list[0].label_en == "male"
    out = dictionary.to_table_schema()
    assert out["fields"][0] == BANCHI_FIELD
    assert out["missingValues"] == ["", "-"] and out["primaryKey"] == ["citizen_id"]
    assert Dictionary.from_table_schema(out) == dictionary


def test_frictionless_reads_the_exported_schema():
    import frictionless

    out = Dictionary.from_table_schema({"fields": [BANCHI_FIELD]}).to_table_schema()
    assert frictionless.Schema.from_descriptor(out).get_field("citizen_id").title == "เลขประจำตัวประชาชน"


def test_field_names_are_headers_in_any_script_and_identifiers_are_ascii():
    dictionary = parse_schema({"fields": [{"name": "ชื่อ", "identifier": "name"}, {"name": "first name"}]})
    assert dictionary.field_names == ["ชื่อ", "first name"]
    with pytest.raises(ProblemsError) as caught:
        parse_schema({"fields": [{"name": "ชื่อ", "identifier": "ชื่อ"}, {"name": "ก", "identifier": "a b"},
                                 {"name": "ข", "identifier": "Name"}, {"name": "ค", "identifier": "NAME"}]})
    assert [(p.code, p.value) for p in caught.value.problems] == [
        ("bad_identifier", "ชื่อ"), ("bad_identifier", "a b"), ("duplicate_identifier", "NAME"),
    ]
    assert "ชื่อระบบ" in caught.value.problems[0].th and "identifier" in caught.value.problems[0].en


def test_names_that_collide_once_normalized_are_refused():
    decomposed = "น\u0e49\u0e4d\u0e32ประปา"  # น้ำ typed as nikhahit + sara aa
    with pytest.raises(ProblemsError) as caught:
        parse_schema({"fields": [{"name": "น้ำประปา"}, {"name": decomposed}, {"name": "ก  ข"}, {"name": " ก ข"}]})
    assert [(p.code, p.value) for p in caught.value.problems] == [
        ("colliding_field", decomposed), ("colliding_field", " ก ข"),
    ]
    assert all("ำ" in p.th and "normalized" in p.en for p in caught.value.problems)


@pytest.mark.parametrize("mode", ["exact", "equal", "subset", "superset", "partial"])
def test_every_fields_match_mode_is_accepted(mode: str):
    assert parse_schema({"fields": [{"name": "a"}], "fieldsMatch": mode}).fields_match == mode


def test_unknown_fields_match_is_refused():
    with pytest.raises(ProblemsError) as caught:
        parse_schema({"fields": [{"name": "a"}], "fieldsMatch": "loose"})
    assert caught.value.problems[0].code == "unsupported_fields_match"
    assert "superset" in caught.value.problems[0].en


def test_every_problem_is_reported_at_once():
    with pytest.raises(ProblemsError) as caught:
        parse_schema({"fields": [{"name": "a", "type": "money"}, {"name": "a"}], "primaryKey": ["z"]})
    assert {p.code for p in caught.value.problems} == {"unknown_type", "duplicate_field", "bad_primary_key"}


def test_quality_figures():
    assert figures(rows=4, rows_with_errors=1, cells=12, missing_cells=3).model_dump() == {
        "validity": 75.0, "completeness": 75.0,
    }
    assert figures(0, 0, 0, 0).validity == 100.0
