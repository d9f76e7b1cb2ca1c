"""Exact checks of a header and of single rows, the frictionless way (the engine's reference path)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dictionaries.model import DictField, Dictionary
from dictionaries.validate.cells import CellReader
from dictionaries.validate.findings import Finding


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class Layout:
    """How the data's columns pair with the schema, decided by the header (``fieldsMatch: exact``).

    ``fields`` are the expected fields in data order: schema fields by position, then an ``any``
    field for each extra label; schema fields beyond the labels are dropped (frictionless does the same).
    """

    labels: list[str]
    fields: list[DictField]
    readers: list[CellReader]
    schema_field: list[bool]
    header_findings: list[Finding] = field(default_factory=list)


SAMPLE_ROWS = 100


def header_row(widths: list[int]) -> int:
    """frictionless's header detection: the first of the first 100 rows whose width is within 10%
    of their average width (rows before it are neither labels nor data)."""
    if not widths:
        return 1
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    for number, cells in enumerate(widths, start=1):
        if width - drift <= cells <= width + drift:
            return number
    return 1


def layout(dictionary: Dictionary, labels: list[str] | None, match_titles: bool = False) -> Layout:
    schema_fields = dictionary.fields
    missing = dictionary.missing_values
    if not labels:
        readers = [CellReader(f, missing) for f in schema_fields]
        return Layout([], list(schema_fields), readers, [True] * len(schema_fields))
    fields: list[DictField] = []
    used: set[str] = set()
    for position, label in enumerate(labels):
        if position < len(schema_fields):
            fields.append(schema_fields[position])
            used.add(schema_fields[position].name)
            continue
        name, suffix = label, 2
        while name in used:
            name, suffix = f"{label}{suffix}", suffix + 1
        used.add(name)
        fields.append(DictField(name=name, type="any"))
    result = Layout(
        labels,
        fields,
        [CellReader(f, missing) for f in fields],
        [i < len(schema_fields) for i in range(len(labels))],
    )
    result.header_findings = header_findings(labels, schema_fields, match_titles)
    return result


def header_findings(labels: list[str], fields: list[DictField], match_titles: bool = False) -> list[Finding]:
    """Label errors as frictionless reports them; ``match_titles`` also accepts a field's Thai title."""
    found: list[Finding] = []
    for number, label in enumerate(labels, start=1):
        if number > len(fields):
            found.append(Finding("extra-label", field_name="", field_number=number, label=label))
    for number, spec in enumerate(fields[len(labels) :], start=len(labels) + 1):
        found.append(Finding("missing-label", field_name=spec.name, field_number=number, label=""))
    for number, (spec, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            found.append(Finding("blank-label", field_name=spec.name, field_number=number, label=""))
            continue
        earlier = [str(n) for n, seen in enumerate(labels[: number - 1], start=1) if seen == label]
        if earlier:
            note = f'at position "{", ".join(earlier)}"'
            found.append(Finding("duplicate-label", field_name=spec.name, field_number=number, label=label, note=note))
            continue
        if label != spec.name and not (match_titles and label == spec.title):
            found.append(Finding("incorrect-label", field_name=spec.name, field_number=number, label=label))
    return found


@dataclass(slots=True)
class RowResult:
    findings: list[Finding]
    values: list[Any]
    missing: int


def check_row(cells: list[Any], row_number: int, lay: Layout) -> RowResult:
    """All cell-level findings of one row, its parsed values and its count of missing cells."""
    fields, readers = lay.fields, lay.readers
    n_fields = len(fields)
    found: list[Finding] = []
    values: list[Any] = [None] * n_fields
    blank = 0
    texts: list[str] | None = None
    for index, reader in enumerate(readers):
        source = cells[index] if index < len(cells) else None
        value, notes = reader(source)
        values[index] = value
        if notes is None:
            if value is None:
                blank += 1
            continue
        texts = texts or [_cell_text(c) for c in cells]
        name, number = fields[index].name, index + 1
        if notes == "type":
            note = f'type is "{fields[index].type}/{fields[index].format}"'
            found.append(Finding("type-error", row_number, name, number, str(source), note, cells=texts))
            continue
        blank += value is None
        for seq, constraint in enumerate(notes):
            limit = fields[index].constraints.defined().get(constraint)
            note = f'constraint "{constraint}" is "{limit}"'
            found.append(
                Finding("constraint-error", row_number, name, number, str(source), note, constraint, texts, seq=seq)
            )
    if len(cells) > n_fields:
        texts = texts or [_cell_text(c) for c in cells]
        for number, cell in enumerate(cells[n_fields:], start=n_fields + 1):
            found.append(Finding("extra-cell", row_number, "", number, str(cell), cells=texts))
    elif len(cells) < n_fields:
        texts = texts or [_cell_text(c) for c in cells]
        for number in range(len(cells) + 1, n_fields + 1):
            found.append(Finding("missing-cell", row_number, fields[number - 1].name, number, "", cells=texts))
    if blank == n_fields:
        found = [Finding("blank-row", row_number, cells=[_cell_text(c) for c in cells])]
    return RowResult(found, values, blank)
