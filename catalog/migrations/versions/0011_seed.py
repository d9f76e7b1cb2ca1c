"""The seed page row for row: an organization's own code (the BMA KPI site's 0409-0968), and beside the
evaluator's score of a quarter the two figures printed under "(2.1 / 2.2)" and whether it is the announced
verdict (the page's headline).

Existing audited results keep their score; their 2.1 / 2.2 figures are unknown (NULL) and none is announced.

Revision ID: 0011_seed
Revises: 0012_jobs
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_seed"
down_revision: str | Sequence[str] | None = "0012_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("code", sa.String(length=50), nullable=True))
    with op.batch_alter_table("audited_result") as batch:
        batch.add_column(sa.Column("figure_2_1", sa.Float(), nullable=True))
        batch.add_column(sa.Column("figure_2_2", sa.Float(), nullable=True))
        batch.add_column(sa.Column("announced", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("audited_result") as batch:
        batch.drop_column("announced")
        batch.drop_column("figure_2_2")
        batch.drop_column("figure_2_1")
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("code")
