"""Exact checks of a header and of single rows, the frictionless way (the engine's reference path)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dictionaries.model import DictField, Dictionary
from dictionaries.names import label_key
from dictionaries.validate.cells import CellReader
from dictionaries.validate.findings import Finding


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class Layout:
    """How the data's columns pair with the schema, decided by the header and ``fieldsMatch``.

    ``fields`` are the expected fields in data order: under ``exact`` the schema fields by position,
    under the other modes the field each label names; an ``any`` field for each label no field
    pairs with; schema fields no label pairs with are dropped (frictionless does the same).
    ``fatal`` is set when the header cannot be paired at all (duplicate labels matched by name):
    frictionless then reports that one error and checks no row.
    """

    labels: list[str]
    fields: list[DictField]
    readers: list[CellReader]
    schema_field: list[bool]
    header_findings: list[Finding] = field(default_factory=list)
    fatal: bool = False


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


class _Matcher:
    """Pairs labels with fields through :func:`label_key`; with ``titles`` a field's title (the
    Thai header) names it too, after the names."""

    def __init__(self, fields: list[DictField], titles: bool):
        self.titles = titles
        self.by_key: dict[str, DictField] = {}
        for spec in fields:
            self.by_key.setdefault(label_key(spec.name), spec)
        if titles:
            for spec in fields:
                if spec.title:
                    self.by_key.setdefault(label_key(spec.title), spec)

    def find(self, label: str) -> DictField | None:
        return self.by_key.get(label_key(label))

    def matches(self, label: str, spec: DictField) -> bool:
        key = label_key(label)
        return key == label_key(spec.name) or bool(self.titles and spec.title and key == label_key(spec.title))


def deduplicate(names: list[str]) -> list[str]:
    result: list[str] = []
    used: set[str] = set()
    for name in names:
        new, suffix = name, 2
        while new in used:
            new, suffix = f"{name}{suffix}", suffix + 1
        result.append(new)
        used.add(new)
    return result


def layout(dictionary: Dictionary, labels: list[str] | None, match_titles: bool = False) -> Layout:
    schema_fields = dictionary.fields
    missing = dictionary.missing_values
    if not labels:
        readers = [CellReader(f, missing) for f in schema_fields]
        return Layout([], list(schema_fields), readers, [True] * len(schema_fields))
    mode = dictionary.fields_match or "exact"
    matcher = _Matcher(schema_fields, match_titles)
    if mode == "exact":
        matched = [schema_fields[i] if i < len(schema_fields) else None for i in range(len(labels))]
    else:
        matched = [matcher.find(label) for label in labels]
        keys = [label_key(label) for label in labels]
        if len(set(keys)) != len(keys):
            note = f'matching fields by name ("fieldsMatch": "{mode}") requires unique labels in the header'
            twice = sorted({label for label, key in zip(labels, keys, strict=True) if keys.count(key) > 1})
            error = Finding("error", note=note, label=", ".join(twice))
            return Layout(labels, [], [], [], [error], fatal=True)
    names = deduplicate([spec.name if spec else label for spec, label in zip(matched, labels, strict=True)])
    fields = [spec or DictField(name=name, type="any") for spec, name in zip(matched, names, strict=True)]
    result = Layout(labels, fields, [CellReader(f, missing) for f in fields], [spec is not None for spec in matched])
    if mode == "exact":
        result.header_findings = _exact_findings(labels, schema_fields, matcher)
    else:
        result.header_findings = _named_findings(labels, matched, dictionary, mode)
    return result


def _exact_findings(labels: list[str], fields: list[DictField], matcher: _Matcher) -> list[Finding]:
    """Label errors as frictionless reports them when labels pair with fields by position."""
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
        key = label_key(label)
        earlier = [str(n) for n, seen in enumerate(labels[: number - 1], start=1) if label_key(seen) == key]
        if earlier:
            note = f'at position "{", ".join(earlier)}"'
            found.append(Finding("duplicate-label", field_name=spec.name, field_number=number, label=label, note=note,
                                 extra={"earlier": ", ".join(earlier)}))
            continue
        if not matcher.matches(label, spec):
            found.append(Finding("incorrect-label", field_name=spec.name, field_number=number, label=label))
    return found


def _named_findings(
    labels: list[str], matched: list[DictField | None], dictionary: Dictionary, mode: str
) -> list[Finding]:
    """Label errors when labels pair with fields by name: what each mode does not tolerate."""
    found: list[Finding] = []
    if mode not in ("subset", "partial"):
        for number, (label, spec) in enumerate(zip(labels, matched, strict=True), start=1):
            if spec is None:
                found.append(Finding("extra-label", field_name="", field_number=number, label=label))
    if mode == "partial" and dictionary.fields and not any(matched):
        found.append(Finding("unmatched-header"))
    paired = {id(spec) for spec in matched if spec is not None}
    unpaired = [spec for spec in dictionary.fields if id(spec) not in paired]
    if mode in ("superset", "partial"):
        unpaired = [s for s in unpaired if s.required or s.name in dictionary.primary_key]
    for offset, spec in enumerate(unpaired):
        found.append(Finding("missing-label", field_name=spec.name, field_number=len(labels) + offset + 1, label=""))
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
            found.append(Finding("type-error", row_number, name, number, _cell_text(source), note, cells=texts))
            continue
        blank += value is None
        for seq, constraint in enumerate(notes):
            limit = fields[index].constraints.defined().get(constraint)
            note = f'constraint "{constraint}" is "{limit}"'
            found.append(
                Finding("constraint-error", row_number, name, number, _cell_text(source), note, constraint, texts,
                        seq=seq)
            )
    if len(cells) > n_fields:
        texts = texts or [_cell_text(c) for c in cells]
        for number, cell in enumerate(cells[n_fields:], start=n_fields + 1):
            found.append(Finding("extra-cell", row_number, "", number, _cell_text(cell), cells=texts))
    elif len(cells) < n_fields:
        texts = texts or [_cell_text(c) for c in cells]
        for number in range(len(cells) + 1, n_fields + 1):
            found.append(Finding("missing-cell", row_number, fields[number - 1].name, number, "", cells=texts))
    if blank == n_fields:
        found = [Finding("blank-row", row_number, cells=[_cell_text(c) for c in cells])]
    return RowResult(found, values, blank)
