"""Unique and primary-key checks over the whole file, kept as compact columns rather than Python dicts.

frictionless remembers every value in a dict; for 5M rows that alone costs hundreds of MB. Here each
batch adds an Arrow/NumPy column of canonical keys with its row numbers, and the repeats are found
once at the end by sorting. Two values collide exactly when frictionless's parsed values are equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dictionaries.validate.arrays import bools
from dictionaries.validate.findings import PHASE_FOREIGN, PHASE_KEY, PHASE_UNIQUE, Finding

# Types whose parsed values are compared as int64; everything else as canonical text.
INT_KEY_TYPES = ("integer", "year", "boolean")


def canonical(field_type: str, value: Any) -> Any:
    """A key equal for two values exactly when the parsed Python values are equal."""
    if value is None:
        return None
    if field_type in INT_KEY_TYPES:
        return int(value)
    if isinstance(value, Decimal):
        if value.is_nan():
            return None if value.is_snan() else f"nan#{id(value)}"  # NaN equals nothing
        return "0" if value == 0 else str(value.normalize())
    if isinstance(value, float):
        return canonical(field_type, Decimal(repr(value)))
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() + "@" if value.tzinfo else value.isoformat()
    if isinstance(value, time) and (offset := value.utcoffset()) is not None:
        shifted = datetime.combine(datetime(2000, 1, 1), value.replace(tzinfo=None)) - offset
        return shifted.time().isoformat() + "@"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if not isinstance(value, str) else value


def key_type(field_type: str) -> pa.DataType:
    return pa.int64() if field_type in INT_KEY_TYPES else pa.string()


def _prefixed(keys: pa.Array) -> pa.Array:
    """``len:text`` per component, so joined composite keys cannot collide."""
    text = keys.cast(pa.string())
    body = pc.binary_join_element_wise(pc.utf8_length(text).cast(pa.string()), text, ":")
    return pc.fill_null(body, "-")


def composite(columns: list[pa.Array]) -> tuple[pa.Array, np.ndarray]:
    """One key per row for a multi-field primary key, and which rows have every component missing."""
    all_null = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        all_null &= pc.is_null(column).to_numpy(zero_copy_only=False)
    if len(columns) == 1:
        return columns[0], all_null
    joined = pc.binary_join_element_wise(*[_prefixed(c) for c in columns], "|")
    if all_null.any():  # an all-missing key is reported as such, never as a repeat
        joined = pc.if_else(bools(all_null), pa.nulls(len(joined), pa.string()), joined)
    return joined, all_null


class _Column:
    """Keys (present values only) and their row numbers, kept compact: NumPy for integers, Arrow for text."""

    def __init__(self, data_type: pa.DataType):
        self.data_type = data_type
        self.integer = pa.types.is_integer(data_type)
        self.keys: list[Any] = []
        self.rows: list[np.ndarray] = []
        self.ordered = True
        self.last_row = 0
        self._found: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, keys: pa.Array, rows: np.ndarray) -> None:
        if not len(rows):
            return
        self.ordered &= int(rows[0]) > self.last_row
        self.last_row = max(self.last_row, int(rows[-1]))
        keys = keys.cast(self.data_type)
        if keys.null_count:
            present = pc.is_valid(keys)
            keys, rows = keys.filter(present), rows[present.to_numpy(zero_copy_only=False)]
        self.keys.append(keys.to_numpy(zero_copy_only=False) if self.integer else keys)
        self.rows.append(rows.astype(np.int32 if self.last_row < 2**31 else np.int64))

    def repeats(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding a value seen in an earlier row, and that earlier row."""
        if self._found is None:
            self._found = self._repeats()
        return self._found

    def _codes(self) -> np.ndarray:
        chunks, self.keys = self.keys, []
        if self.integer:
            return np.concatenate(chunks) if chunks else np.empty(0, np.int64)
        encoded = pc.dictionary_encode(pa.chunked_array(chunks, type=self.data_type).combine_chunks())
        return encoded.indices.to_numpy(zero_copy_only=False).copy()  # sorted in place later

    def _repeats(self) -> tuple[np.ndarray, np.ndarray]:
        # memory matters here (5M rows): sort positions, never copy whole columns more than needed
        codes = self._codes()
        rows = np.concatenate(self.rows) if self.rows else np.empty(0, np.int64)
        self.rows = []
        order = np.argsort(codes, kind="stable") if self.ordered else np.lexsort((rows, codes))
        codes.sort(kind="stable")  # in place: no second copy of the column
        repeat = np.zeros(len(codes), dtype=bool)
        repeat[1:] = codes[1:] == codes[:-1]
        del codes
        starts = np.flatnonzero(~repeat)
        group = np.searchsorted(starts, np.flatnonzero(repeat), side="right") - 1
        later = order[repeat]
        first = order[starts[group]]
        return rows[later].astype(np.int64), rows[first].astype(np.int64)


# Foreign keys compare parsed values across fields (and resources) that may differ in type, as Python
# compares them: 1 (integer) equals 1.0 (number), "1" (string) equals neither. Each canonical key becomes a
# text of its kind, so equal values give equal texts.
_KIND = {"integer": "n", "number": "n", "year": "n", "boolean": "n", "string": "s", "any": "s", "date": "d",
         "datetime": "t", "time": "h", "yearmonth": "m"}


def _decimal_text(text: str | None) -> str | None:
    if text is None or text.startswith("nan#"):
        return text
    return format(Decimal(text), "f")


def comparable(keys: pa.Array, field_type: str) -> pa.Array:
    """Canonical keys of one field as kind-prefixed text (null stays null)."""
    text = keys.cast(pa.string())
    if field_type == "number":
        text = pa.array([_decimal_text(v) for v in text.to_pylist()], pa.string())
    return pc.binary_join_element_wise(pa.scalar(_KIND.get(field_type, "s")), text, ":")


@dataclass
class ForeignSpec:
    """One foreign key of the file: its fields (index, name, type) and what they refer to."""

    fields: list[tuple[int, str, str]]
    resource: str
    reference: tuple[str, ...]
    rows: list[np.ndarray] = dataclass_field(default_factory=list)
    keys: list[pa.Array] = dataclass_field(default_factory=list)


class KeyTracker:
    """Per unique field and for the primary key, the keys of every row seen so far."""

    def __init__(
        self,
        unique: list[tuple[int, str, str]],
        primary: list[tuple[int, str]] | None,
        foreign: list[ForeignSpec] | None = None,
        lookups: dict[tuple[str, ...], list[tuple[int, str]]] | None = None,
    ):
        # unique: (field index, field name, field type); primary: (field index, field type) per component
        self.unique = unique
        self.primary = primary or []
        self._unique_cols = {index: _Column(key_type(kind)) for index, _, kind in unique}
        single = len(self.primary) == 1
        self._primary_col = _Column(key_type(self.primary[0][1]) if single else pa.string()) if self.primary else None
        # a one-field key that is also unique shares that field's keys (collected and sorted once)
        self._shared = single and self.primary[0][0] in self._unique_cols
        if self._shared:
            self._primary_col = self._unique_cols[self.primary[0][0]]
        self.blank_keys: list[np.ndarray] = []
        self.foreign = foreign or []
        # referenced key (field names) → its fields (index, type) in this file, and the values seen
        self.lookups = lookups or {}
        self.lookup_values: dict[tuple[str, ...], set[str]] = {key: set() for key in self.lookups}

    @property
    def fields(self) -> set[int]:
        found = {i for i, _, _ in self.unique} | {i for i, _ in self.primary}
        found |= {i for spec in self.foreign for i, _, _ in spec.fields}
        return found | {i for fields in self.lookups.values() for i, _ in fields}

    def add(self, columns: dict[int, pa.Array], rows: np.ndarray) -> None:
        """Add a batch: ``columns`` maps field index to canonical keys (null = no value)."""
        for index, column in self._unique_cols.items():
            column.add(columns[index], rows)
        if self._primary_col is not None:
            keys, all_null = composite([columns[i] for i, _ in self.primary])
            if not self._shared:
                self._primary_col.add(keys, rows)
            if all_null.any():
                self.blank_keys.append(rows[all_null])
        for spec in self.foreign:
            keys, all_null = composite([comparable(columns[i], kind) for i, _, kind in spec.fields])
            present = ~all_null
            spec.rows.append(rows[present])
            spec.keys.append(keys.filter(bools(present)))
        for name, fields in self.lookups.items():
            keys, all_null = composite([comparable(columns[i], kind) for i, kind in fields])
            self.lookup_values[name].update(keys.filter(bools(~all_null)).to_pylist())

    def add_values(self, rows: list[int], values: list[list[Any]], types: list[str]) -> None:
        """Add rows checked one by one (parsed Python values, in field order)."""
        if not rows:
            return
        columns = {
            index: pa.array([canonical(types[index], v[index]) for v in values], type=key_type(types[index]))
            for index in self.fields
        }
        self.add(columns, np.asarray(rows, dtype=np.int64))

    def foreign_findings(self, lookups: dict[tuple[str, tuple[str, ...]], set[str]]) -> list[Finding]:
        """Rows whose foreign key is not among the referenced values (``lookups``: (resource, fields) →
        values, this file's own included under resource "")."""
        found: list[Finding] = []
        for spec in self.foreign:
            allowed = pa.array(sorted(lookups.get((spec.resource, spec.reference), set())), pa.string())
            names = [name for _, name, _ in spec.fields]
            for rows, keys in zip(spec.rows, spec.keys, strict=True):
                if not len(rows):
                    continue
                missing = ~pc.is_in(keys, value_set=allowed).to_numpy(zero_copy_only=False)
                for row, key in zip(rows[missing].tolist(), keys.filter(bools(missing)).to_pylist(), strict=True):
                    values = ", ".join(_shown(part) for part in _parts(key, len(names)))
                    note = (f'for "{", ".join(names)}": values "{values}" not found in the lookup table '
                            f'"{spec.resource}" as "{", ".join(spec.reference)}"')
                    extra = {"fields": names, "values": values, "resource": spec.resource,
                             "reference": list(spec.reference)}
                    found.append(Finding("foreign-key", int(row), note=note, phase=PHASE_FOREIGN, extra=extra))
        return found

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        for index, name, _ in self.unique:
            rows, firsts = self._unique_cols[index].repeats()
            for row, first in zip(rows.tolist(), firsts.tolist(), strict=True):
                note = f"the same as in the row at position {first}"
                found.append(
                    Finding("unique-error", row, name, index + 1, note=note, phase=PHASE_UNIQUE, first_row=first)
                )
        if self._primary_col is not None:
            rows, firsts = self._primary_col.repeats()
            for row, first in zip(rows.tolist(), firsts.tolist(), strict=True):
                note = f"the same as in the row at position {first}"
                found.append(Finding("primary-key", row, note=note, phase=PHASE_KEY, first_row=first))
            for row in np.concatenate(self.blank_keys).tolist() if self.blank_keys else []:
                note = 'cells composing the primary keys are all "None"'
                found.append(Finding("primary-key", row, note=note, phase=PHASE_KEY))
        return found


def _parts(key: str, count: int) -> list[str | None]:
    """The components of a composite key (``len:text|…``, ``-`` for a missing one)."""
    if count == 1:
        return [key]
    parts: list[str | None] = []
    rest = key
    for _ in range(count):
        if rest.startswith("-"):
            parts.append(None)
            rest = rest[2:]
            continue
        length, _, rest = rest.partition(":")
        parts.append(rest[: int(length)])
        rest = rest[int(length) + 1 :]
    return parts


def _shown(part: str | None) -> str:
    """A component as people read it: its text without the kind prefix."""
    return "" if part is None else part.split(":", 1)[-1]
