"""Unique and primary-key checks over the whole file, kept as compact columns rather than Python dicts.

frictionless remembers every value in a dict; for 5M rows that alone costs hundreds of MB. Here each
batch adds an Arrow/NumPy column of canonical keys with its row numbers, and the repeats are found
once at the end by sorting. Two values collide exactly when frictionless's parsed values are equal.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dictionaries.validate.findings import PHASE_KEY, PHASE_UNIQUE, Finding

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
    if isinstance(value, time) and value.utcoffset() is not None:
        shifted = datetime.combine(datetime(2000, 1, 1), value.replace(tzinfo=None)) - value.utcoffset()
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
        joined = pc.if_else(pa.array(all_null), pa.nulls(len(joined), pa.string()), joined)
    return joined, all_null


class _Column:
    def __init__(self, data_type: pa.DataType):
        self.data_type = data_type
        self.keys: list[pa.Array] = []
        self.rows: list[np.ndarray] = []
        self.ordered = True
        self.last_row = 0
        self._found: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, keys: pa.Array, rows: np.ndarray) -> None:
        if not len(rows):
            return
        self.ordered &= int(rows[0]) > self.last_row
        self.last_row = max(self.last_row, int(rows[-1]))
        self.keys.append(keys.cast(self.data_type))
        self.rows.append(rows)

    def repeats(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding a value seen in an earlier row, and that earlier row."""
        if self._found is None:
            self._found = self._repeats()
        return self._found

    def _repeats(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.keys:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        keys = pa.chunked_array(self.keys, type=self.data_type).combine_chunks()
        rows = np.concatenate(self.rows)
        self.keys, self.rows = [], []
        present = pc.is_valid(keys).to_numpy(zero_copy_only=False)
        keys, rows = keys.filter(pa.array(present)), rows[present]
        if pa.types.is_integer(self.data_type):
            codes = keys.to_numpy(zero_copy_only=False)
        else:
            codes = pc.dictionary_encode(keys).indices.to_numpy(zero_copy_only=False)
        order = np.lexsort((rows, codes)) if not self.ordered else np.argsort(codes, kind="stable")
        codes, rows = codes[order], rows[order]
        repeat = np.zeros(len(codes), dtype=bool)
        repeat[1:] = codes[1:] == codes[:-1]
        group_start = np.maximum.accumulate(np.where(~repeat, np.arange(len(codes)), 0))
        return rows[repeat], rows[group_start][repeat]


class KeyTracker:
    """Per unique field and for the primary key, the keys of every row seen so far."""

    def __init__(self, unique: list[tuple[int, str, str]], primary: list[tuple[int, str]] | None):
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

    @property
    def fields(self) -> set[int]:
        return {i for i, _, _ in self.unique} | {i for i, _ in self.primary}

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

    def add_values(self, rows: list[int], values: list[list[Any]], types: list[str]) -> None:
        """Add rows checked one by one (parsed Python values, in field order)."""
        if not rows:
            return
        columns = {
            index: pa.array([canonical(types[index], v[index]) for v in values], type=key_type(types[index]))
            for index in self.fields
        }
        self.add(columns, np.asarray(rows, dtype=np.int64))

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
