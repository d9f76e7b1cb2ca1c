"""The validation report: frictionless's shape (``valid``, ``stats``, ``errors`` with ``type``,
``rowNumber``, ``fieldName``, ``message``), plus a Thai message per error and quality figures."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dictionaries.messages import CONSTRAINT_TH, ERROR_TH
from dictionaries.quality import Quality
from dictionaries.validate.findings import Finding

# English titles and message templates as frictionless words them.
ERROR_EN: dict[str, tuple[str, str]] = {
    "type-error": ("Type Error", 'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" '
                   'at position "{fieldNumber}": {note}'),
    "constraint-error": ("Constraint Error", 'The cell "{cell}" in row at position "{rowNumber}" and field '
                         '"{fieldName}" at position "{fieldNumber}" does not conform to a constraint: {note}'),
    "unique-error": ("Unique Error", 'Row at position "{rowNumber}" has unique constraint violation in field '
                     '"{fieldName}" at position "{fieldNumber}": {note}'),
    "primary-key": ("Primary Key Error", 'Row at position "{rowNumber}" violates the primary key: {note}'),
    "extra-cell": ("Extra Cell", 'Row at position "{rowNumber}" has an extra value in field at position '
                   '"{fieldNumber}"'),
    "missing-cell": ("Missing Cell", 'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" '
                     'at position "{fieldNumber}"'),
    "blank-row": ("Blank Row", 'Row at position "{rowNumber}" is completely blank'),
    "extra-label": ("Extra Label", 'There is an extra label "{label}" in header at position "{fieldNumber}"'),
    "missing-label": ("Missing Label", "There is a missing label in the header's field \"{fieldName}\" at "
                      'position "{fieldNumber}"'),
    "blank-label": ("Blank Label", 'Label in the header in field at position "{fieldNumber}" is blank'),
    "duplicate-label": ("Duplicate Label", 'Label "{label}" in the header at position "{fieldNumber}" is '
                        "duplicated to a label: {note}"),
    "incorrect-label": ("Incorrect Label", 'Label "{label}" in field {fieldName} at position "{fieldNumber}" '
                        "does not match the field name in the schema"),
    "blank-header": ("Blank Header", "Header is completely blank"),
    "unmatched-header": ("Unmatched Header", "None of the fields defined in the schema is present in the header"),
    "error": ("Error", "{note}"),
    "encoding-error": ("Encoding Error", "The data source could not be successfully decoded: {note}"),
    "source-error": ("Source Error", "The data source has not supported or has inconsistent contents: {note}"),
}


class ReportError(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    type: str
    title: str
    message: str
    message_th: str = Field(alias="messageTh")
    note: str = ""
    row_number: int | None = Field(None, alias="rowNumber")
    field_name: str | None = Field(None, alias="fieldName")
    field_number: int | None = Field(None, alias="fieldNumber")
    cell: str | None = None
    cells: list[str] | None = None
    label: str | None = None


class Stats(BaseModel):
    errors: int
    rows: int
    fields: int
    bytes: int
    sha256: str
    seconds: float


class Report(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    valid: bool
    stats: Stats
    warnings: list[str] = Field(default_factory=list)
    errors: list[ReportError]
    quality: Quality
    source: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)

    def finding_keys(self) -> set[tuple[int | None, str | None, str]]:
        """(rowNumber, fieldName, type) of every error: how reports are compared with frictionless."""
        return {(e.row_number, e.field_name or None, e.type) for e in self.errors}


class _Params(dict):
    """Template values: a placeholder with no value reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def to_error(finding: Finding, field_types: dict[str, str]) -> ReportError:
    title, template = ERROR_EN[finding.type]
    values = {
        "rowNumber": finding.row,
        "fieldName": finding.field_name,
        "fieldNumber": finding.field_number,
        "cell": finding.cell,
        "note": finding.note,
        "label": finding.label,
        "fieldType": field_types.get(finding.field_name or "", ""),
        "firstRow": finding.first_row,
    }
    params = _Params({key: value for key, value in values.items() if value is not None})
    if finding.constraint:
        limit = finding.note.split(" is ", 1)[-1].strip('"')
        params["constraintTh"] = CONSTRAINT_TH[finding.constraint].format(value=limit)
    return ReportError.model_construct(
        type=finding.type,
        title=title,
        message=template.format_map(params),
        message_th=ERROR_TH[finding.type].format_map(params),
        note=finding.note,
        row_number=finding.row,
        field_name=finding.field_name,
        field_number=finding.field_number,
        cell=finding.cell,
        cells=finding.cells,
        label=finding.label,
    )
