"""The GD Catalog Excel catalog template as data: sheets, columns and what each column holds.

The layout is a data file in ``schemas/templates`` (a new version of the template is a new file). Each
column is resolved against the metadata profile at load time, so a column that is not a field of the
profile, or not a field of its sheet's dataset type, makes the template fail to load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from schemas.datafiles import available, named_file
from schemas.profile import FieldSpec, InputKind, Label, Profile, load_profile

TEMPLATES_DIR = Path(__file__).parent / "templates"
DEFAULT_TEMPLATE = "gdc-excel-2.2"

# Banchi's own sheet (not NSO's): the organizations a catalog names, so it moves between registries whole.
ORGANIZATIONS_SHEET = "Banchi_Organizations"
ORGANIZATION_COLUMNS = ("name", "title", "title_en", "kind", "parent", "code")
# Banchi's own hidden sheet: the id and version of every dataset and resource as exported, so an import can
# refuse a row whose record someone changed since (instead of silently reverting their change).
VERSIONS_SHEET = "Banchi_Versions"
VERSION_COLUMNS = ("dataset", "resource", "id", "version")
# Banchi's own sheet: every cell written differently from what Banchi holds so thai_gdc's importer reads it
# (one choice per cell, a choice its importer would refuse), and every value thai_gdc cannot hold. Banchi's
# import puts the value it holds back where the cell is as exported, so its own round trip loses nothing.
NOTES_SHEET = "Banchi_Notes"
NOTE_COLUMNS = ("sheet", "row", "column", "dataset", "resource", "field", "cell", "banchi_value", "thai_gdc_reads",
                "note_th", "note_en")


class ColumnKind(StrEnum):
    """How a cell is read and written; follows from the column's profile field."""

    name = "name"  # the URL name: lower-cased, whitespace → "-"
    data_type = "data_type"  # the sheet decides the type; the cell only shows it
    organization = "organization"
    dataset_ref = "dataset_ref"  # a resource row's dataset (its name)
    date = "date"  # Buddhist Era in the workbook, ISO in the registry
    boolean = "boolean"  # ใช่ / ไม่ใช่ → "True" / "False"
    choices = "choices"  # comma list from a vocabulary (+ "อื่นๆ" and the *_other text)
    choice = "choice"  # one value from a vocabulary (+ "อื่นๆ" and the *_other text)
    tags = "tags"  # comma list, free text
    number = "number"  # whole numbers and Buddhist Era years
    text = "text"


class TemplateColumn(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str  # the column's name in the template (row 4)
    field: str  # the profile field it holds
    level: Literal["dataset", "resource"]
    kind: ColumnKind
    spec: FieldSpec
    optional: bool = False

    @property
    def label(self) -> Label:
        return self.spec.label


@dataclass(frozen=True)
class SheetLayout:
    sheet: str
    type_code: str
    level: Literal["dataset", "resource"]
    columns: tuple[TemplateColumn, ...]

    @cached_property
    def by_key(self) -> dict[str, TemplateColumn]:
        return {column.key: column for column in self.columns}

    @cached_property
    def by_field(self) -> dict[str, TemplateColumn]:
        """Profile field → column; a ``*_other`` companion answers with the column of its choice field."""
        found: dict[str, TemplateColumn] = {}
        for column in self.columns:
            if column.level != self.level:  # a resource row's dataset column is not a field of the resource
                continue
            found.setdefault(column.field, column)
            if column.spec.other_field:
                found.setdefault(column.spec.other_field, column)
        return found


class RawSheet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sheet: str
    type: Literal["R", "S", "G", "M", "O"]
    columns: list[str]


class GdcExportLayout(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sheet_order: list[Literal["R", "S", "G", "M", "O"]]
    header_row: int
    registry_columns: dict[str, Label]
    columns: list[str]


class GdcImporterRules(BaseModel):
    """What ckanext-thai_gdc's importer does with a cell, where it differs from Banchi's reading."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    # columns read through a fixed list: a cell that is not exactly one entry becomes the "other" choice with
    # the whole cell as its text, so such a cell holds one choice; other columns go to CKAN as they are
    mapped_columns: list[str]
    # the importer's list where it is not the profile's vocabulary without the "other" choice
    choice_lists: dict[str, list[str]]
    # yes/no columns it reads as "contains ไม่ → False, else True"; other yes/no columns go to CKAN as they
    # are, so their cells hold the stored value ("True" / "False")
    yes_no_columns: list[str]
    # what it sets on every dataset, whatever the workbook says
    sets: dict[str, str]


class ExcelTemplate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    profile: str
    title: Label
    header_row: int
    instruction_row: int
    optional_columns: list[str]
    boolean_vocabularies: list[str]
    negative_marker: str
    list_separator: str
    name_column: str
    dataset_column_fields: dict[str, str]
    resource_column_fields: dict[str, str]
    resource_dataset_column: str
    resource_name_column: str
    dataset_sheets: list[RawSheet]
    resource_sheets: list[RawSheet]
    gdc_export: GdcExportLayout
    gdc_importer: GdcImporterRules

    @property
    def first_data_row(self) -> int:
        return self.instruction_row + 1

    @cached_property
    def metadata_profile(self) -> Profile:
        return load_profile(self.profile)

    @model_validator(mode="after")
    def _resolve_every_column(self) -> ExcelTemplate:
        _ = self.dataset_layouts, self.resource_layouts, self.export_layouts  # raise on any unknown column
        return self

    # -- layouts, resolved against the profile ------------------------------------------------------------

    @cached_property
    def dataset_layouts(self) -> tuple[SheetLayout, ...]:
        return tuple(self._layout(raw, "dataset") for raw in self.dataset_sheets)

    @cached_property
    def resource_layouts(self) -> tuple[SheetLayout, ...]:
        return tuple(self._layout(raw, "resource") for raw in self.resource_sheets)

    @cached_property
    def export_layouts(self) -> tuple[SheetLayout, ...]:
        """The GD Catalog export: one sheet per type, named with the Thai type, the columns of that type."""
        profile = self.metadata_profile
        layouts = []
        for code in self.gdc_export.sheet_order:
            columns = []
            for key in self.gdc_export.columns:
                if key in self.gdc_export.registry_columns:
                    spec = FieldSpec(key=key, label=self.gdc_export.registry_columns[key], input=InputKind.text,
                                     types="RSGMO")
                    columns.append(TemplateColumn(key=key, field=key, level="dataset", kind=ColumnKind.text,
                                                  spec=spec))
                elif _dataset_spec(profile, key).applies_to(code):
                    columns.append(self._column(key, key, "dataset", code))
            layouts.append(SheetLayout(profile.type_value(code), code, "dataset", tuple(columns)))
        return tuple(layouts)

    @cached_property
    def type_field(self) -> str:
        """The profile field holding the dataset type (the sheet decides it)."""
        return next(c.field for lay in self.dataset_layouts for c in lay.columns if c.kind is ColumnKind.data_type)

    @cached_property
    def organization_field(self) -> str:
        """The profile field naming a dataset's owner organization."""
        return next(c.field for c in self.dataset_layouts[0].columns if c.kind is ColumnKind.organization)

    @property
    def resource_name_field(self) -> str:
        return self.resource_column_fields.get(self.resource_name_column, self.resource_name_column)

    def layout_of(self, sheet: str) -> SheetLayout | None:
        return next((lay for lay in (*self.dataset_layouts, *self.resource_layouts) if lay.sheet == sheet), None)

    def _layout(self, raw: RawSheet, level: Literal["dataset", "resource"]) -> SheetLayout:
        fields = self.dataset_column_fields if level == "dataset" else self.resource_column_fields
        columns = []
        for key in raw.columns:
            if level == "resource" and key == self.resource_dataset_column:
                columns.append(self._column(key, self.name_column, "dataset", raw.type, ColumnKind.dataset_ref))
            else:
                columns.append(self._column(key, fields.get(key, key), level, raw.type))
        if len({c.key for c in columns}) != len(columns):
            raise ValueError(f"sheet {raw.sheet}: a column is listed twice")
        return SheetLayout(raw.sheet, raw.type, level, tuple(columns))

    def _column(self, key: str, field_key: str, level: Literal["dataset", "resource"], type_code: str,
                kind: ColumnKind | None = None) -> TemplateColumn:
        profile = self.metadata_profile
        spec = _dataset_spec(profile, field_key) if level == "dataset" else _resource_spec(profile, field_key)
        if not spec.applies_to(type_code):
            raise ValueError(f"column {key}: profile field {field_key} does not apply to type {type_code}")
        return TemplateColumn(key=key, field=field_key, level=level, spec=spec,
                              kind=kind or self._kind(spec), optional=key in self.optional_columns)

    def _kind(self, spec: FieldSpec) -> ColumnKind:
        profile = self.metadata_profile
        if spec.key == self.name_column and spec.input is InputKind.slug:
            return ColumnKind.name
        if spec.vocabulary and spec.vocabulary == _type_vocabulary(profile):
            return ColumnKind.data_type
        if spec.vocabulary in self.boolean_vocabularies:
            return ColumnKind.boolean
        if spec.vocabulary:
            return ColumnKind.choices if spec.multiple else ColumnKind.choice
        return {
            InputKind.date: ColumnKind.date,
            InputKind.tags: ColumnKind.tags,
            InputKind.organization: ColumnKind.organization,
            InputKind.integer: ColumnKind.number,
            InputKind.year: ColumnKind.number,
        }.get(spec.input, ColumnKind.text)


def _type_vocabulary(profile: Profile) -> str | None:
    values = [t.value for t in profile.dataset_types]
    return next((name for name, terms in profile.vocabularies.items() if [t.value for t in terms] == values), None)


def _dataset_spec(profile: Profile, key: str) -> FieldSpec:
    if not profile.has_dataset_field(key):
        raise ValueError(f"column {key} is not a dataset field of profile {profile.id}")
    return profile.dataset_field(key)


def _resource_spec(profile: Profile, key: str) -> FieldSpec:
    try:
        return profile.resource_field(key)
    except KeyError:
        raise ValueError(f"column {key} is not a resource field of profile {profile.id}") from None


def available_templates() -> list[str]:
    return available(TEMPLATES_DIR)


@cache
def load_template(template_id: str = DEFAULT_TEMPLATE) -> ExcelTemplate:
    path = named_file(TEMPLATES_DIR, template_id, "Excel template")
    return ExcelTemplate.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# -- what a workbook held, handed from the reader (services) to the import (catalog) -------------------------


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its sheet, Excel row number, and the raw cell values by column key."""

    sheet: str
    row: int
    cells: dict[str, Any]
    letters: dict[str, str]  # column key → Excel column letter, for reporting


@dataclass(frozen=True, slots=True)
class ExportedVersion:
    """A record as the workbook's export saw it."""

    id: str
    version: int


@dataclass(frozen=True, slots=True)
class ExportNote:
    """A value thai_gdc's importer cannot hold as Banchi holds it, at its place in an exported workbook."""

    note: Any  # schemas.messages.Problem: code, sheet, row, column (letter), field (column key), th, en
    dataset: str | None = None
    resource: str | None = None
    cell: Any = None  # what the cell holds
    banchi_value: Any = None  # the cell as Banchi writes what it holds, when the cell differs
    thai_gdc_reads: Any = None


@dataclass
class WorkbookContent:
    template: str
    datasets: list[SheetRow] = field(default_factory=list)
    resources: list[SheetRow] = field(default_factory=list)
    organizations: list[SheetRow] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)  # schemas.messages.Problem found while reading
    warnings: list[Any] = field(default_factory=list)  # what was read but may not be what was meant
    # (dataset name, resource name or "") → as exported; None when the workbook carries no versions
    versions: dict[tuple[str, str], ExportedVersion] | None = None
