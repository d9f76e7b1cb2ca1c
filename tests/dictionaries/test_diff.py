"""Diffs list every change and tell breaking ones (old data may fail) from the rest."""

from __future__ import annotations

import copy

import pytest

from dictionaries.diff import diff, is_breaking
from dictionaries.model import parse_schema
from tests.dictionaries.datagen import SCHEMA


def changed(edit) -> list:
    new = copy.deepcopy(SCHEMA)
    edit(new)
    return diff(parse_schema(SCHEMA), parse_schema(new))


def field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


@pytest.mark.parametrize(
    ("edit", "kind", "breaking"),
    [
        (lambda s: s["fields"].pop(), "removed", True),
        (lambda s: field(s, "note").update(name="remark"), "renamed", True),
        (lambda s: s["fields"].append({"name": "extra"}), "added", True),
        (lambda s: s["fields"].reverse(), "order", True),
        (lambda s: field(s, "count").update(type="number"), "type", False),
        (lambda s: field(s, "amount").update(type="integer"), "type", True),
        (lambda s: field(s, "email").update(format="default"), "type", False),
        (lambda s: field(s, "code").update(format="email"), "type", True),
        (lambda s: field(s, "count")["constraints"].update(maximum=100), "constraint", True),
        (lambda s: field(s, "count")["constraints"].update(maximum=1000), "constraint", False),
        (lambda s: field(s, "count")["constraints"].update(minimum=10), "constraint", True),
        (lambda s: field(s, "name")["constraints"].update(maxLength=10), "constraint", True),
        (lambda s: field(s, "name")["constraints"].pop("required"), "constraint", False),
        (lambda s: field(s, "date").update(constraints={"required": True}), "constraint", True),
        (lambda s: field(s, "province")["constraints"]["enum"].pop(), "constraint", True),
        (lambda s: field(s, "province")["constraints"]["enum"].append("ยะลา"), "constraint", False),
        (lambda s: field(s, "code")["constraints"].update(pattern="TH-[0-9]{5}"), "constraint", True),
        (lambda s: field(s, "code")["constraints"].pop("pattern"), "constraint", False),
        (lambda s: field(s, "name").update(title="ชื่อ-นามสกุล", unit="คน", personalData=True), "metadata", False),
        (lambda s: s.update(primaryKey=["code"]), "primary_key", True),
        (lambda s: s.update(primaryKey=["id", "code"]), "primary_key", False),
        (lambda s: s.update(missingValues=["", "-"]), "missing_values", True),
    ],
)
def test_breaking_or_not(edit, kind: str, breaking: bool):
    changes = changed(edit)
    assert changes, "a change was made"
    assert changes[0].kind == kind
    assert is_breaking(changes) is breaking
    assert changes[0].th and changes[0].en


def test_identical_versions_have_no_changes():
    assert diff(parse_schema(SCHEMA), parse_schema(copy.deepcopy(SCHEMA))) == []
