"""Publishing: the outbox of publish jobs and the publications on each portal

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-24 08:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

import catalog.models.types

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "publication",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("portal_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("package_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("package_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("published_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_published_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_publication_dataset_id_dataset")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
        sa.UniqueConstraint("portal_url", "dataset_id", name=op.f("uq_publication_portal_url")),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_dataset_id"), ["dataset_id"], unique=False)

    op.create_table(
        "publish_job",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("portal_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("payload_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("payload", JSON, nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("package_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("problems", JSON, nullable=True),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("created_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_publish_job_dataset_id_dataset")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publish_job")),
    )
    with op.batch_alter_table("publish_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publish_job_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_publish_job_portal_url"), ["portal_url"], unique=False)
        batch_op.create_index(batch_op.f("ix_publish_job_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("publish_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publish_job_state"))
        batch_op.drop_index(batch_op.f("ix_publish_job_portal_url"))
        batch_op.drop_index(batch_op.f("ix_publish_job_dataset_id"))

    op.drop_table("publish_job")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_dataset_id"))

    op.drop_table("publication")
