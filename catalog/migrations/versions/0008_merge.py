"""Merge: one head again after the dictionaries, governance, publishing, accounts, search and
dataset-views revisions, which all branched from the foundation.

Revision ID: 0008
Revises: 0002, 0003, 0004, 0005, 0006, 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | Sequence[str] | None = ("0002", "0003", "0004", "0005", "0006", "0007")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
