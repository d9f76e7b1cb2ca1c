"""Dataset page views, for the portal's most viewed datasets

Revision ID: 0007
Revises: 0001
Create Date: 2026-11-24 08:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import catalog.models.types

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_views",
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("last_viewed_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_dataset_views_dataset_id_dataset")),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_dataset_views")),
    )
    with op.batch_alter_table("dataset_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_views_views"), ["views"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dataset_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_views_views"))
    op.drop_table("dataset_views")
