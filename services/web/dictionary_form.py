"""The dictionary editor's table: one row per field, edited over the Table Schema it started from, so the
properties the table does not show (formats, enums, code lists, keys) are kept as they were."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData

TEXT_PROPERTIES = ("identifier", "title", "titleEn", "unit", "description")
BOUNDS = ("minimum", "maximum")


def _number(raw: str) -> Any:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            continue
    return raw  # a date or time bound: the dictionary's own check reads it


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def schema_from_form(form: FormData) -> dict[str, Any]:
    try:
        base = json.loads(_text(form, "base") or "{}")
    except ValueError:
        base = {}
    originals = base.get("fields") or []
    try:
        count = int(_text(form, "count"))
    except ValueError:
        count = len(originals)
    fields = []
    for i in range(count):
        original = originals[i] if i < len(originals) else {}
        name = _text(form, f"name_{i}")
        if form.get(f"remove_{i}") or (not name and not original):
            continue
        field = {**original, "name": name, "type": _text(form, f"type_{i}") or original.get("type", "string")}
        for key in TEXT_PROPERTIES:
            value = _text(form, f"{key}_{i}")
            if value:
                field[key] = value
            else:
                field.pop(key, None)
        constraints = dict(original.get("constraints") or {})
        if form.get(f"required_{i}"):
            constraints["required"] = True
        else:
            constraints.pop("required", None)
        for bound in BOUNDS:
            raw = _text(form, f"{bound}_{i}")
            if raw:
                constraints[bound] = _number(raw)
            else:
                constraints.pop(bound, None)
        field["constraints"] = constraints
        if not constraints:
            field.pop("constraints")
        fields.append(field)
    return {**base, "fields": fields}
