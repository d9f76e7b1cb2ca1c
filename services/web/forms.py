"""Dataset forms generated from the metadata profile: every field with its profile label, widget, choices
and error, shown for the chosen data type; and the submitted form back into GD Catalog keys.

Which fields a type has, which choice opens a ``*_other`` box and which classifications a category
allows are all read from the profile; the catalog's ``dataset_create``/``dataset_update`` check them again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from schemas.buddhist_era import date_input_text
from schemas.messages import Problem
from schemas.metadata import is_empty
from schemas.profile import FieldSpec, InputKind, Profile

WIDGETS = {
    InputKind.text: "text", InputKind.markdown: "textarea", InputKind.email: "email", InputKind.url: "url",
    InputKind.date: "date", InputKind.year: "year", InputKind.integer: "number", InputKind.coordinate: "text",
    InputKind.select: "select", InputKind.multi_select: "checkboxes", InputKind.tags: "tags",
    InputKind.slug: "slug", InputKind.organization: "select",
}


@dataclass
class FormField:
    spec: FieldSpec
    widget: str
    label: str
    value: Any  # text, or the chosen values of a checkbox list
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # (value, label, disabled)
    error: str | None = None
    hidden: bool = False  # not for the chosen type, or an "other" box whose choice is not made
    other_of: str | None = None
    other_value: str | None = None
    hint: str | None = None  # key of the portal's words explaining the field

    @property
    def key(self) -> str:
        return self.spec.key

    def chosen(self, value: str) -> bool:
        return value in self.value if isinstance(self.value, list) else value == self.value


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def _is_other(profile: Profile, parent: FieldSpec, value: Any) -> bool:
    trigger = profile.other_value_of(parent)
    return trigger in value if isinstance(value, list) else value == trigger


def dataset_form(profile: Profile, values: Mapping[str, Any], problems: Sequence[Problem], lang: str,
                 organizations: Sequence[tuple[str, str]]) -> list[FormField]:
    """Every dataset field of the profile; those not of the chosen type (``values['data_type']``) hidden."""
    code = profile.type_code(str(values.get("data_type") or ""))
    errors: dict[str, str] = {}
    for found in problems:
        if found.field:
            errors.setdefault(found.field, found.message(lang))
    rule = profile.classification_rule
    allowed = rule.for_category(str(values.get(rule.category_field) or ""))
    fields = []
    for spec in profile.dataset_fields:
        value = values.get(spec.key)
        if spec.key == "tag_string" and isinstance(value, list):
            value = ",".join(value)
        item = FormField(spec=spec, widget=WIDGETS.get(spec.input, "text"), label=spec.label.get(lang),
                         value=_text(value) if spec.input is not InputKind.multi_select else _text(value or []),
                         error=errors.get(spec.key), hidden=(code is None and spec.key != "data_type") or
                         (code is not None and not spec.applies_to(code)))
        item.hint = {"tags": "tags_hint", "year": "year_hint", "date": "date_hint"}.get(item.widget)
        if item.widget == "date":
            item.value = date_input_text(item.value)
        if spec.key == rule.classification_field:
            item.hint = "classification_hint"
        if spec.input is InputKind.organization:
            item.options = [(name, title, False) for name, title in organizations]
        elif spec.vocabulary:
            limit = allowed.allowed if spec.key == rule.classification_field and allowed else None
            item.options = [(t.value, t.label(lang), limit is not None and t.value not in limit)
                            for t in profile.terms(spec)]
        if spec.other_of:
            parent = profile.dataset_field(spec.other_of)
            item.other_of, item.other_value = parent.key, profile.other_value_of(parent)
            item.hidden = item.hidden or not _is_other(profile, parent, values.get(parent.key))
        fields.append(item)
    return fields


def rule_json(profile: Profile) -> str:
    """The category → classification rule of the profile, for the form's script to apply as people choose."""
    rule = profile.classification_rule
    return json.dumps({"category": rule.category_field, "classification": rule.classification_field,
                       "allowed": {r.category: r.allowed for r in rule.rules}}, ensure_ascii=False)


def form_input(profile: Profile, form: FormData, *, keep_empty: bool) -> dict[str, Any]:
    """The submitted fields under their GD Catalog keys: only the chosen type's; empty ones cleared
    (``keep_empty``, for an edit) or left out (for a new dataset)."""
    code = profile.type_code(str(form.get("data_type") or ""))
    data: dict[str, Any] = {}
    for spec in profile.dataset_fields:
        if code is not None and not spec.applies_to(code):
            continue
        if spec.input is InputKind.multi_select:
            value: Any = [str(v) for v in form.getlist(spec.key) if str(v).strip()]
        else:
            raw = form.get(spec.key)
            value = raw.strip() if isinstance(raw, str) else ""
        if not is_empty(value) or keep_empty:
            data[spec.key] = value
    return data
