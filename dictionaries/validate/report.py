"""The validation report: frictionless's shape (``valid``, ``stats``, ``errors`` with ``type``,
``rowNumber``, ``fieldName``, ``message``), plus a Thai message per error and quality figures."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dictionaries.messages import CONSTRAINT_RULES, ERRORS, TYPE_RULES
from dictionaries.model import DictField
from dictionaries.names import label_key
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
    "foreign-key": ("ForeignKey Error", 'Row at position "{rowNumber}" violates the foreign key: {note}'),
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
    field_title: str | None = Field(None, alias="fieldTitle")  # the column as people know it (Thai title)
    rule: str | None = None  # the constraint broken, or the type (format) expected
    # a required cell that is missing is one problem: frictionless reports it twice (a missing-cell and a
    # "required" constraint-error); the second carries this mark and people are shown the first only
    same_as: str | None = Field(None, alias="sameCellAs")


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

    def distinct_errors(self) -> list[ReportError]:
        """The errors as people should read them: each problem once."""
        return [e for e in self.errors if e.same_as is None]

    def finding_keys(self) -> set[tuple[int | None, str | None, str]]:
        """(rowNumber, fieldName, type) of every error: how reports are compared with frictionless."""
        return {(e.row_number, e.field_name or None, e.type) for e in self.errors}


class _Params(dict):
    """Template values: a placeholder with no value reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def plain(value: Any) -> str:
    """A limit or value as people write it: true/false, lists joined, never a Python repr."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    return str(value)


_STRFTIME = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "hh", "%M": "mm", "%S": "ss", "%y": "YY", "%b": "Mon"}
_DEFAULT_FORMATS = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DDThh:mm:ss", "time": "hh:mm:ss"}


def _format_text(spec: DictField) -> str:
    if spec.format == "default":
        return _DEFAULT_FORMATS.get(spec.type, "")
    if spec.format == "any":
        return "ที่อ่านได้ / any readable form"
    text = spec.format
    for code, shown in _STRFTIME.items():
        text = text.replace(code, shown)
    return text


def type_rule(spec: DictField) -> tuple[str, str]:
    """What the field's values must look like, Thai and English."""
    key = spec.format if spec.type == "string" and spec.format in TYPE_RULES else spec.type
    th, en = TYPE_RULES.get(key, TYPE_RULES["any"])
    choices = plain((spec.true_values or ["true", "1"]) + (spec.false_values or ["false", "0"]))
    values = {"format": _format_text(spec), "choices": choices}
    return th.format(**values), en.format(**values)


def column_names(spec: DictField | None, name: str | None) -> tuple[str, str]:
    """The column as named in messages: its Thai title, then its name when that differs."""
    name = name or ""
    if spec is None:
        return f"“{name}”", f"“{name}”"
    title = spec.title or spec.name
    thai = f"“{title}”" if label_key(title) == label_key(spec.name) else f"“{title}” ({spec.name})"
    english = f"“{spec.title_en}” ({spec.name})" if spec.title_en else thai
    return thai, english


class Context:
    """What messages need beyond a finding: the fields by name, the key, the file's encoding."""

    def __init__(self, fields: list[DictField], primary_key: list[str], encoding: str | None = None,
                 width: int | None = None):
        self.fields = {f.name: f for f in fields}
        self.primary_key = primary_key
        self.encoding = encoding or "UTF-8"
        self.width = width if width is not None else len(fields)


def to_error(finding: Finding, context: Context) -> ReportError:
    spec = context.fields.get(finding.field_name or "")
    column, column_en = column_names(spec, finding.field_name)
    params = _Params(
        row=finding.row, number=finding.field_number, cell=finding.cell or "", label=finding.label or "",
        column=column, column_en=column_en, first_row=finding.first_row, width=context.width,
        cells=len(finding.cells) if finding.cells is not None else "", note=finding.note,
        encoding=context.encoding.upper().replace("CP874", "TIS-620/cp874"),
        **(finding.extra or {}),
    )
    kind, rule = finding.type, None
    if kind == "type-error" and spec is not None:
        params["rule_th"], params["rule_en"] = type_rule(spec)
        rule = spec.type if spec.format == "default" else f"{spec.type}/{spec.format}"
    elif kind == "constraint-error" and finding.constraint:
        rule = finding.constraint
        limit = spec.constraints.defined().get(rule) if spec else None
        th, en = CONSTRAINT_RULES[rule]
        params["rule_th"], params["rule_en"] = th.format(limit=plain(limit)), en.format(limit=plain(limit))
        if rule == "required":
            params["value_th"], params["value_en"] = "", "a value "
        else:
            params["value_th"], params["value_en"] = f"ค่า “{finding.cell}” ", f"“{finding.cell}” "
    elif kind in ("primary-key", "foreign-key"):
        names = (finding.extra or {}).get("fields") or context.primary_key
        params["key_columns"] = ", ".join(column_names(context.fields.get(n), n)[0] for n in names)
        if kind == "primary-key" and finding.first_row is None:
            kind = "primary-key-blank"
        if kind == "foreign-key":
            extra = finding.extra or {}
            referred = ", ".join(f"“{name}”" for name in extra.get("reference", []))
            rule = "foreignKey"
            if extra.get("resource"):
                params["target"] = f"คอลัมน์ {referred} ของทรัพยากร “{extra['resource']}”"
                params["target_en"] = f"column {referred} of resource “{extra['resource']}”"
            else:
                params["target"] = f"คอลัมน์ {referred} ของไฟล์นี้"
                params["target_en"] = f"column {referred} of this file"
    elif kind == "missing-cell" and spec is not None and spec.required:
        params["required_th"], params["required_en"] = " ซึ่งต้องมีค่า", "; the column is required"
    th, en = ERRORS[kind]
    title = ERROR_EN[finding.type][0]
    return ReportError.model_construct(
        type=finding.type,
        title=title,
        message=en.format_map(params),
        message_th=th.format_map(params),
        note=finding.note,
        row_number=finding.row,
        field_name=finding.field_name,
        field_number=finding.field_number,
        cell=finding.cell,
        cells=finding.cells,
        label=finding.label,
        field_title=(spec.title or spec.name) if spec else None,
        rule=rule,
        same_as=None,
    )


def mark_repeats(errors: list[ReportError]) -> None:
    """Mark the "required" constraint-error frictionless adds to a missing cell (one problem, shown once)."""
    missing = {(e.row_number, e.field_name) for e in errors if e.type == "missing-cell"}
    if not missing:
        return
    for error in errors:
        if error.type == "constraint-error" and error.rule == "required" and (
            (error.row_number, error.field_name) in missing
        ):
            error.same_as = "missing-cell"
