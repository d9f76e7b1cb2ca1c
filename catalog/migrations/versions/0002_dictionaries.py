"""Data dictionaries per resource, their immutable versions, and stored validation runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 08:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

import catalog.models.types

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "data_dictionary",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("resource_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"], name=op.f("fk_data_dictionary_resource_id_resource")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_dictionary")),
        sa.UniqueConstraint("resource_id", name=op.f("uq_data_dictionary_resource_id")),
    )
    op.create_table(
        "dictionary_version",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("dictionary_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("table_schema", JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("created_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("approved_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["person.id"], name=op.f("fk_dictionary_version_approved_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["dictionary_id"], ["data_dictionary.id"],
            name=op.f("fk_dictionary_version_dictionary_id_data_dictionary"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dictionary_version")),
        sa.UniqueConstraint("dictionary_id", "number", name=op.f("uq_dictionary_version_dictionary_id")),
    )
    with op.batch_alter_table("dictionary_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dictionary_version_dictionary_id"), ["dictionary_id"], unique=False)

    op.create_table(
        "validation_run",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("resource_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("dictionary_version_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("validity", sa.Float(), nullable=False),
        sa.Column("completeness", sa.Float(), nullable=False),
        sa.Column("report", JSON, nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("created_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_validation_run_dataset_id_dataset")),
        sa.ForeignKeyConstraint(
            ["dictionary_version_id"], ["dictionary_version.id"],
            name=op.f("fk_validation_run_dictionary_version_id_dictionary_version"),
        ),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"], name=op.f("fk_validation_run_resource_id_resource")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_run")),
    )
    with op.batch_alter_table("validation_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_validation_run_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_validation_run_dictionary_version_id"), ["dictionary_version_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_validation_run_file_sha256"), ["file_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_validation_run_resource_id"), ["resource_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("validation_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_validation_run_resource_id"))
        batch_op.drop_index(batch_op.f("ix_validation_run_file_sha256"))
        batch_op.drop_index(batch_op.f("ix_validation_run_dictionary_version_id"))
        batch_op.drop_index(batch_op.f("ix_validation_run_dataset_id"))
    op.drop_table("validation_run")
    with op.batch_alter_table("dictionary_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dictionary_version_dictionary_id"))
    op.drop_table("dictionary_version")
    op.drop_table("data_dictionary")
