"""The metadata profile: a standard's field set, read from a data file in ``schemas/profiles``.

A profile is data. Code asks it questions (which fields does a statistical dataset have, which
classifications does a category allow) and never names a GD Catalog field itself, so a new version
of the standard is a new YAML file beside ``gdc-2.2.yaml``.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from schemas.datafiles import available, named_file

PROFILES_DIR = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = "gdc-2.2"


class Label(BaseModel):
    model_config = ConfigDict(frozen=True)

    th: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.th


class InputKind(StrEnum):
    text = "text"
    markdown = "markdown"
    email = "email"
    url = "url"
    date = "date"
    year = "year"
    integer = "integer"
    coordinate = "coordinate"
    select = "select"
    multi_select = "multi_select"
    tags = "tags"
    slug = "slug"
    organization = "organization"
    url_or_upload = "url_or_upload"
    format_ = "format"  # not `format`: a member of that name would hide str.format


class Term(BaseModel):
    """One value of a vocabulary: what is stored, and its Thai and English labels."""

    model_config = ConfigDict(frozen=True)

    value: str
    th: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.th


class FieldSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    label: Label
    input: InputKind
    required: bool = False
    mandatory: bool = False
    types: str = Field(description="dataset type codes whose form shows the field, e.g. 'RSGMO'")
    placeholder: str | None = None
    vocabulary: str | None = None
    other_field: str | None = Field(None, description="free-text companion filled when 'other' is chosen")
    other_of: str | None = Field(None, description="for a companion: the choice field it belongs to")
    other_value: str | None = Field(None, description="the choice that opens the companion, if not the default")
    derived_from: str | None = None

    def applies_to(self, type_code: str) -> bool:
        return type_code in self.types

    @property
    def multiple(self) -> bool:
        return self.input is InputKind.multi_select


class DatasetType(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: Literal["R", "S", "G", "M", "O"]
    value: str
    sheet: str


class CategoryRule(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: str
    allowed: list[str]
    accessible_condition: str | None = None


class ClassificationRule(BaseModel):
    """data_category decides which data_classification values are allowed (thai_gdc 2.2 form rule)."""

    model_config = ConfigDict(frozen=True)

    category_field: str
    classification_field: str
    condition_field: str
    public_category: str
    rules: list[CategoryRule]

    def for_category(self, category: str) -> CategoryRule | None:
        return next((rule for rule in self.rules if rule.category == category), None)

    @property
    def public_classification(self) -> str:
        rule = self.for_category(self.public_category)
        assert rule is not None
        return rule.allowed[0]


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: Label
    standard: str
    other_value: str
    dataset_types: list[DatasetType]
    classification_rule: ClassificationRule
    dataset_fields: list[FieldSpec]
    resource_fields: list[FieldSpec]
    vocabularies: dict[str, list[Term]]

    _dataset_index: dict[str, FieldSpec] = PrivateAttr(default_factory=dict)
    _resource_index: dict[str, FieldSpec] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: object) -> None:
        self._dataset_index = {spec.key: spec for spec in self.dataset_fields}
        self._resource_index = {spec.key: spec for spec in self.resource_fields}

    @model_validator(mode="after")
    def _check_consistency(self) -> Profile:
        problems: list[str] = []
        for level, fields in (("dataset", self.dataset_fields), ("resource", self.resource_fields)):
            keys = [f.key for f in fields]
            if len(keys) != len(set(keys)):
                problems.append(f"duplicate {level} field keys")
            for spec in fields:
                if spec.vocabulary and spec.vocabulary not in self.vocabularies:
                    problems.append(f"{level} field {spec.key}: unknown vocabulary {spec.vocabulary}")
                if spec.other_field and spec.other_field not in keys:
                    problems.append(f"{level} field {spec.key}: companion {spec.other_field} missing")
        rule = self.classification_rule
        for name in (rule.category_field, rule.classification_field):
            if name not in self.vocabularies:
                problems.append(f"classification rule: no vocabulary {name}")
        if not problems:
            categories = {t.value for t in self.vocabularies[rule.category_field]}
            classes = {t.value for t in self.vocabularies[rule.classification_field]}
            for cat_rule in rule.rules:
                if cat_rule.category not in categories:
                    problems.append(f"classification rule: unknown category {cat_rule.category}")
                problems += [
                    f"classification rule: unknown classification {c}" for c in cat_rule.allowed if c not in classes
                ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- questions code asks of a profile -------------------------------------------------------------

    def dataset_field(self, key: str) -> FieldSpec:
        return self._dataset_index[key]

    def resource_field(self, key: str) -> FieldSpec:
        return self._resource_index[key]

    def has_dataset_field(self, key: str) -> bool:
        return key in self._dataset_index

    def terms(self, spec: FieldSpec) -> list[Term]:
        return self.vocabularies[spec.vocabulary] if spec.vocabulary else []

    def term_values(self, spec: FieldSpec) -> list[str]:
        return [term.value for term in self.terms(spec)]

    def other_value_of(self, spec: FieldSpec) -> str:
        return spec.other_value or self.other_value

    def type_code(self, data_type: str) -> str | None:
        return next((t.code for t in self.dataset_types if t.value == data_type or t.code == data_type), None)

    def type_value(self, code: str) -> str:
        return next(t.value for t in self.dataset_types if t.code == code)

    def fields_for_type(self, type_code: str) -> list[FieldSpec]:
        return [spec for spec in self.dataset_fields if spec.applies_to(type_code)]

    def resource_fields_for_type(self, type_code: str) -> list[FieldSpec]:
        return [spec for spec in self.resource_fields if spec.applies_to(type_code)]

    @property
    def mandatory_fields(self) -> list[FieldSpec]:
        return [spec for spec in self.dataset_fields if spec.mandatory]

    def label(self, key: str, lang: str = "th") -> str:
        """The label of a dataset field, falling back to English where the standard gives no Thai one."""
        spec = self._dataset_index.get(key) or self._resource_index.get(key)
        return spec.label.get(lang) if spec else key

    def field_spec(self, key: str) -> FieldSpec | None:
        """A dataset field, else a resource field, of that key."""
        return self._dataset_index.get(key) or self._resource_index.get(key)

    def display_value(self, key: str, value: Any, lang: str = "th") -> str:
        """A stored value of field ``key`` as people read it, never a Python repr: a vocabulary value by its
        label, True/False by the field's own terms (or yes/no), a list (CKAN's tags too) joined with commas,
        nothing for None. Dates stay as stored: the reader's interface formats them."""
        from schemas.labels import value_label  # schemas.labels reads the stages, which read this module

        if value is None or value == "":
            return ""
        if isinstance(value, list | tuple | set):
            return ", ".join(text for text in (self.display_value(key, item, lang) for item in value) if text)
        if isinstance(value, dict):  # CKAN's {"name": ...} tags and {"key": ..., "value": ...} extras
            if "name" in value:
                return self.display_value(key, value["name"], lang)
            if "key" in value and "value" in value:
                return f"{value['key']}: {self.display_value(key, value['value'], lang)}"
            return ", ".join(f"{name}: {self.display_value(key, item, lang)}" for name, item in value.items())
        spec = self.field_spec(key)
        if spec is not None and spec.input is InputKind.tags and isinstance(value, str) and "," in value:
            return self.display_value(key, [tag.strip() for tag in value.split(",")], lang)  # a tag_string
        stored = str(value)  # vocabularies store True/False as the strings thai_gdc writes
        for term in self.terms(spec) if spec else []:
            if term.value == stored:
                return term.label(lang)
        if isinstance(value, bool):
            return value_label("boolean", value, lang)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return stored



def available_profiles() -> list[str]:
    return available(PROFILES_DIR)


@cache
def load_profile(profile_id: str = DEFAULT_PROFILE) -> Profile:
    return load_profile_file(named_file(PROFILES_DIR, profile_id, "metadata profile"))


def load_profile_file(path: Path) -> Profile:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Profile.model_validate(data)
