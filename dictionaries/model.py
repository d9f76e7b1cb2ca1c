"""A data dictionary (พจนานุกรมข้อมูล): a Frictionless Table Schema plus Banchi's per-field additions.

The additions (English title and description, unit, PDPA flag, classification, code list) travel as
extra camelCase keys of each field, so the JSON stays a valid Table Schema that frictionless and
other tools read unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dictionaries.messages import problem
from dictionaries.names import IDENTIFIER_RULE, label_key
from schemas.messages import Problem, ProblemsError

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "time", "datetime", "year", "yearmonth", "any")
_ORDERED = ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum")
# Per type, the constraints in the order frictionless checks them (its ``supported_constraints``).
TYPE_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "boolean": ("required", "enum"),
    "any": ("required", "enum"),
    **{t: _ORDERED for t in ("integer", "number", "date", "time", "datetime", "year", "yearmonth")},
}
STRING_FORMATS = ("default", "email", "uri", "uuid", "binary")
# Data classification levels of the Thai Government Data Catalog (GDC 2.2), as in schemas/profiles.
CLASSIFICATIONS = ("เปิดเผย", "ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก", "ลับที่สุด")
FIELDS_MATCH = ("exact", "equal", "subset", "superset", "partial")
TABLE_SCHEMA_V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


class Constraints(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    required: bool | None = None
    unique: bool | None = None
    min_length: int | None = Field(None, alias="minLength", ge=0)
    max_length: int | None = Field(None, alias="maxLength", ge=0)
    minimum: Any = None
    maximum: Any = None
    exclusive_minimum: Any = Field(None, alias="exclusiveMinimum")
    exclusive_maximum: Any = Field(None, alias="exclusiveMaximum")
    pattern: str | None = None
    enum: list[Any] | None = None

    def defined(self) -> dict[str, Any]:
        """The constraints that are set, by their Table Schema names."""
        return self.model_dump(by_alias=True, exclude_none=True)


class CodeItem(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    code: str
    label: str = Field(description="Thai label")
    label_en: str | None = Field(None, alias="labelEn")


class DictField(BaseModel):
    """One field: Table Schema properties, then Banchi's additions (``titleEn`` … ``codeList``)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    name: str = Field(min_length=1, description="the column header as the file has it, any script")
    identifier: str | None = Field(None, description="ASCII name for SQL, DataStore and JSON keys")
    type: str = "string"
    format: str = "default"
    title: str | None = None
    description: str | None = None
    example: Any = None
    constraints: Constraints = Field(default_factory=Constraints)
    missing_values: list[str] | None = Field(None, alias="missingValues")
    true_values: list[str] | None = Field(None, alias="trueValues")
    false_values: list[str] | None = Field(None, alias="falseValues")
    bare_number: bool | None = Field(None, alias="bareNumber")
    float_number: bool | None = Field(None, alias="floatNumber")
    decimal_char: str | None = Field(None, alias="decimalChar")
    group_char: str | None = Field(None, alias="groupChar")
    # Banchi additions
    title_en: str | None = Field(None, alias="titleEn")
    description_en: str | None = Field(None, alias="descriptionEn")
    unit: str | None = None
    personal_data: bool = Field(False, alias="personalData")
    classification: str | None = None
    code_list: list[CodeItem] | None = Field(None, alias="codeList")

    @property
    def required(self) -> bool:
        return bool(self.constraints.required)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Reference(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    resource: str = Field("", description="another resource of the dataset by name; empty: this one")
    fields: list[str]

    _listed = field_validator("fields", mode="before")(_as_list)


class ForeignKey(BaseModel):
    """Table Schema ``foreignKeys``: these fields' values must be among the referenced fields' values."""

    model_config = ConfigDict(populate_by_name=True)

    fields: list[str]
    reference: Reference

    _listed = field_validator("fields", mode="before")(_as_list)


class Dictionary(BaseModel):
    """A whole dictionary; ``to_table_schema``/``from_table_schema`` convert to and from plain JSON."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    fields: list[DictField]
    primary_key: list[str] = Field(default_factory=list, alias="primaryKey")
    foreign_keys: list[ForeignKey] = Field(default_factory=list, alias="foreignKeys")
    missing_values: list[str] = Field(default_factory=lambda: [""], alias="missingValues")
    fields_match: str | None = Field(None, alias="fieldsMatch")
    title: str | None = None
    description: str | None = None

    @field_validator("primary_key", mode="before")
    @classmethod
    def _key_as_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def field(self, name: str) -> DictField:
        return next(f for f in self.fields if f.name == name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def to_table_schema(self) -> dict[str, Any]:
        data = self.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
        data["fields"] = [_field_json(f) for f in self.fields]
        bounds = ("exclusiveMinimum", "exclusiveMaximum")
        if any(b in f.constraints.defined() for f in self.fields for b in bounds) and "$schema" not in data:
            data["$schema"] = TABLE_SCHEMA_V2  # exclusive bounds are Table Schema 2.0: say so to other tools
        if self.foreign_keys:  # "resource": "" (this resource) is a default the standard still wants written
            data["foreignKeys"] = [key.model_dump(by_alias=True) for key in self.foreign_keys]
        if self.missing_values != [""]:
            data["missingValues"] = self.missing_values
        return data

    @classmethod
    def from_table_schema(cls, data: Any) -> Dictionary:
        """Parse and check a Table Schema (dict, JSON text or path); raise :class:`ProblemsError`."""
        return parse_schema(data)


def _field_json(field: DictField) -> dict[str, Any]:
    data = field.model_dump(by_alias=True, exclude_none=True)
    if not data.get("constraints"):
        data.pop("constraints", None)
    if data.get("format") == "default":
        data.pop("format")
    if not data.get("personalData"):
        data.pop("personalData", None)
    return data


def load_schema_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ProblemsError([problem("file_not_found", value=str(path))]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProblemsError([problem("schema_not_json", detail=str(exc))]) from exc


def parse_schema(data: Any) -> Dictionary:
    if isinstance(data, Path) or (isinstance(data, str) and not data.lstrip().startswith("{")):
        data = load_schema_json(data)
    elif isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ProblemsError([problem("schema_not_json", detail=str(exc))]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list) or not data["fields"]:
        raise ProblemsError([problem("schema_no_fields")])
    try:
        dictionary = Dictionary.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError([_pydantic_problem(err) for err in exc.errors()]) from exc
    problems = check_schema(dictionary)
    if problems:
        raise ProblemsError(problems)
    return dictionary


def _pydantic_problem(err: Any) -> Problem:
    path = ".".join(str(p) for p in err["loc"])
    return problem("schema_invalid", field=path, detail=f"{path}: {err['msg']}")


def check_schema(dictionary: Dictionary) -> list[Problem]:
    """Table Schema rules beyond the JSON shape: types, constraints per type, readable bounds, keys."""
    from dictionaries.validate.cells import value_reader  # the same readers the engine uses

    problems: list[Problem] = []
    seen: set[str] = set()
    keys: dict[str, str] = {}
    identifiers: dict[str, str] = {}
    for field in dictionary.fields:
        key = label_key(field.name)
        if field.name in seen:
            problems.append(problem("duplicate_field", field=field.name, value=field.name))
        elif key in keys:
            problems.append(problem("colliding_field", field=field.name, value=field.name, other=keys[key]))
        elif not key:
            problems.append(problem("blank_field_name", field=field.name))
        seen.add(field.name)
        keys.setdefault(key, field.name)
        problems += _identifier_problems(field, identifiers)
        if field.type not in FIELD_TYPES:
            problems.append(
                problem("unknown_type", field=field.name, value=field.type, allowed=", ".join(FIELD_TYPES))
            )
            continue
        allowed = (*TYPE_CONSTRAINTS[field.type], "unique")
        read = value_reader(field)
        for name, value in field.constraints.defined().items():
            if name not in allowed:
                problems.append(problem("bad_constraint", field=field.name, value=name, type=field.type))
            elif name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") and read(value) is None:
                problems.append(
                    problem("bad_constraint_value", field=field.name, value=name, detail=f"{value!r}")
                )
            elif name == "pattern":
                try:
                    re.compile(value)
                except re.error:
                    problems.append(problem("bad_pattern", field=field.name, value=value))
    for name in dictionary.primary_key:
        if name not in seen:
            problems.append(problem("bad_primary_key", field="primaryKey", value=name))
    for foreign in dictionary.foreign_keys:
        own = foreign.reference.resource == ""
        for name in foreign.fields + (foreign.reference.fields if own else []):
            if name not in seen:
                problems.append(problem("bad_foreign_key", field="foreignKeys", value=name))
        if len(foreign.fields) != len(foreign.reference.fields) or not foreign.fields:
            problems.append(problem("foreign_key_width", field="foreignKeys", value=", ".join(foreign.fields),
                                    other=", ".join(foreign.reference.fields)))
    if dictionary.fields_match not in (None, *FIELDS_MATCH):
        problems.append(
            problem("unsupported_fields_match", field="fieldsMatch", value=dictionary.fields_match,
                    allowed=", ".join(FIELDS_MATCH))
        )
    return problems


def _identifier_problems(field: DictField, taken: dict[str, str]) -> list[Problem]:
    """An identifier is ASCII (a letter, then letters, digits, ``_``) and unique ignoring case."""
    if field.identifier is None:
        return []
    if not IDENTIFIER_RULE.match(field.identifier):
        return [problem("bad_identifier", field=field.name, value=field.identifier)]
    folded = field.identifier.lower()
    if folded in taken:
        return [problem("duplicate_identifier", field=field.name, value=field.identifier, other=taken[folded])]
    taken[folded] = field.name
    return []
