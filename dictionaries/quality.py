"""Quality figures of a validated file: validity (rows without errors) and completeness (cells filled)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Quality(BaseModel):
    validity: float = Field(description="% of data rows without any error")
    completeness: float = Field(description="% of expected cells that hold a value")


def figures(rows: int, rows_with_errors: int, cells: int, missing_cells: int) -> Quality:
    """Percentages rounded to 3 places; an empty file is 100% of both (nothing is wrong or missing)."""
    validity = 100.0 * (rows - rows_with_errors) / rows if rows else 100.0
    completeness = 100.0 * (cells - missing_cells) / cells if cells else 100.0
    return Quality(validity=round(validity, 3), completeness=round(completeness, 3))
