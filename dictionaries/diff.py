"""What changed between two dictionary versions, and whether it breaks data that fitted the old one.

Breaking: a field removed, renamed, added (files under the old version lack its column) or moved;
a type narrowed; a constraint tightened; a primary key or missing value that rejects old cells.
Not breaking: types widened, constraints loosened, titles, descriptions and other metadata.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dictionaries.model import DictField, Dictionary

# Each type reads every value the types listed for it read (so moving to it is widening).
WIDER: dict[str, set[str]] = {
    "string": {"integer", "number", "boolean", "date", "time", "datetime", "year", "yearmonth"},
    "any": {"string", "integer", "number", "boolean", "date", "time", "datetime", "year", "yearmonth"},
    "number": {"integer", "year"},
    "integer": {"year"},
}
METADATA = ("title", "description", "title_en", "description_en", "unit", "example",
            "personal_data", "classification", "code_list")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")


class Change(BaseModel):
    kind: str
    field: str | None = None
    old: Any = None
    new: Any = None
    breaking: bool
    th: str
    en: str


def _change(kind: str, field: str | None, old: Any, new: Any, breaking: bool, th: str, en: str) -> Change:
    return Change(kind=kind, field=field, old=old, new=new, breaking=breaking, th=th, en=en)


def _type_change(name: str, old: DictField, new: DictField) -> list[Change]:
    if (old.type, old.format) == (new.type, new.format):
        return []
    widened = (old.type != new.type and old.type in WIDER.get(new.type, set())) or (
        old.type == new.type == "string" and new.format == "default"
    )
    th = f"ฟิลด์ {name}: ชนิด {old.type}/{old.format} → {new.type}/{new.format}"
    en = f"Field {name}: type {old.type}/{old.format} → {new.type}/{new.format}"
    return [_change("type", name, f"{old.type}/{old.format}", f"{new.type}/{new.format}", not widened, th, en)]


def _tighter(name: str, key: str, old: Any, new: Any) -> bool:
    """Whether constraint ``key`` going from ``old`` to ``new`` can reject a value it accepted."""
    if new is None or new is False:
        return False
    if old is None or old is False:
        return True
    if key in LOWER_BOUNDS:
        return _compare(new, old) > 0
    if key in UPPER_BOUNDS:
        return _compare(new, old) < 0
    if key == "enum":
        return not set(map(str, new)) >= set(map(str, old))
    return new != old  # pattern: any change may reject old values


def _compare(left: Any, right: Any) -> int:
    try:
        return (left > right) - (left < right)
    except TypeError:
        return (str(left) > str(right)) - (str(left) < str(right))


def _constraint_changes(name: str, old: DictField, new: DictField) -> list[Change]:
    changes = []
    before, after = old.constraints.defined(), new.constraints.defined()
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        breaking = _tighter(name, key, before.get(key), after.get(key))
        word_th, word_en = ("เข้มขึ้น", "tightened") if breaking else ("ผ่อนลง", "loosened")
        changes.append(_change(
            "constraint", name, before.get(key), after.get(key), breaking,
            f"ฟิลด์ {name}: ข้อกำหนด {key} {word_th} ({before.get(key)} → {after.get(key)})",
            f"Field {name}: constraint {key} {word_en} ({before.get(key)} → {after.get(key)})",
        ))
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.model_dump(by_alias=True, exclude_none=True) if isinstance(value, BaseModel) else value


def _metadata_changes(name: str, old: DictField, new: DictField) -> list[Change]:
    changes = []
    for attribute in METADATA:
        before, after = _plain(getattr(old, attribute)), _plain(getattr(new, attribute))
        if before != after:
            changes.append(_change("metadata", name, before, after, False,
                                   f"ฟิลด์ {name}: แก้ {attribute}", f"Field {name}: {attribute} changed"))
    return changes


def _renamed(removed: list[DictField], added: list[DictField]) -> list[tuple[DictField, DictField]]:
    """Pairs that look like one field under a new name: same type and the same Thai title."""
    pairs = []
    for old in removed:
        match = next((n for n in added if n.type == old.type and n.title and n.title == old.title), None)
        if match is not None:
            pairs.append((old, match))
            added = [n for n in added if n is not match]
    return pairs


def diff(old: Dictionary, new: Dictionary) -> list[Change]:
    """Every change from ``old`` to ``new``, each marked breaking or not."""
    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    removed = [f for f in old.fields if f.name not in new_fields]
    added = [f for f in new.fields if f.name not in old_fields]
    changes: list[Change] = []
    for before, after in _renamed(removed, added):
        removed.remove(before)
        added.remove(after)
        changes.append(_change("renamed", after.name, before.name, after.name, True,
                               f"เปลี่ยนชื่อฟิลด์ {before.name} → {after.name}",
                               f"Field {before.name} renamed to {after.name}"))
        changes += _type_change(after.name, before, after) + _constraint_changes(after.name, before, after)
    for field in removed:
        changes.append(_change("removed", field.name, field.name, None, True,
                               f"ลบฟิลด์ {field.name}", f"Field {field.name} removed"))
    for field in added:
        changes.append(_change("added", field.name, None, field.name, True,
                               f"เพิ่มฟิลด์ {field.name} (ไฟล์ตามฉบับเดิมไม่มีคอลัมน์นี้)",
                               f"Field {field.name} added (files under the old version lack this column)"))
    kept = [name for name in old_fields if name in new_fields]
    if kept != [name for name in new_fields if name in old_fields]:
        changes.append(_change("order", None, kept, [n for n in new_fields if n in old_fields], True,
                               "ลำดับฟิลด์เปลี่ยน", "Field order changed"))
    for name in kept:
        before, after = old_fields[name], new_fields[name]
        changes += _type_change(name, before, after) + _constraint_changes(name, before, after)
        changes += _metadata_changes(name, before, after)
    if old.primary_key != new.primary_key:
        breaking = bool(new.primary_key) and not set(new.primary_key) >= set(old.primary_key)
        changes.append(_change("primary_key", None, old.primary_key, new.primary_key, breaking,
                               "เปลี่ยนคีย์หลัก", "Primary key changed"))
    if old.missing_values != new.missing_values:
        gained = set(new.missing_values) - set(old.missing_values)
        lost = set(old.missing_values) - set(new.missing_values)
        breaking = bool(lost) or (bool(gained) and any(f.required for f in new.fields))
        changes.append(_change("missing_values", None, old.missing_values, new.missing_values, breaking,
                               "เปลี่ยนค่าที่ถือว่าว่าง (missingValues)", "missingValues changed"))
    return changes


def is_breaking(changes: list[Change]) -> bool:
    return any(change.breaking for change in changes)
