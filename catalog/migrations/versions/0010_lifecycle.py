"""Dataset lifecycle: CKAN's private flag (draft and deleted are new values of ``state``)

Datasets already in the database keep their state (``active`` or ``withdrawn``): they were published
when they were saved, so they stay published, and none is private.

Revision ID: 0010_lifecycle
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_lifecycle"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dataset") as batch:
        batch.add_column(sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # a draft or deleted dataset has no place in the older schema: withdrawn keeps it out of sight
    op.execute("UPDATE dataset SET state = 'withdrawn' WHERE state IN ('draft', 'deleted')")
    with op.batch_alter_table("dataset") as batch:
        batch.drop_column("private")
