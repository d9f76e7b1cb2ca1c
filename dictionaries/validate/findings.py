"""One finding of the validation engine, named and placed as frictionless names and places it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Within one row frictionless reports cell errors first, then unique, then primary key, then foreign keys.
PHASE_CELL, PHASE_UNIQUE, PHASE_KEY, PHASE_FOREIGN = 0, 1, 2, 3


@dataclass(slots=True)
class Finding:
    type: str
    row: int | None = None
    field_name: str | None = None
    field_number: int | None = None
    cell: str | None = None
    note: str = ""
    constraint: str | None = None
    cells: list[str] | None = None
    label: str | None = None
    phase: int = PHASE_CELL
    seq: int = 0
    first_row: int | None = None
    extra: dict[str, Any] | None = None

    def key(self) -> tuple[int | None, str | None, str]:
        """The identity frictionless findings are compared by: (row, field, error type)."""
        return self.row, self.field_name or None, self.type

    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.row or 0, self.phase, self.field_number or 0, self.seq)
