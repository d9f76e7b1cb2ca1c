"""Background jobs (state, progress, heartbeat), schedules, link checks; the publish outbox names the job
that claimed each entry, so a job whose worker died releases its claims

Revision ID: 0012_jobs
Revises: 0010_lifecycle
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import catalog.models.types

revision: str = "0012_jobs"
down_revision: str | Sequence[str] | None = "0010_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("job",
    sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column("kind", sa.String(length=40), nullable=False),
    sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column("params", catalog.models.types.JSONType, nullable=False),
    sa.Column("state", sa.String(length=20), nullable=False),
    sa.Column("cancel_requested", sa.Boolean(), nullable=False),
    sa.Column("progress_done", sa.Integer(), nullable=False),
    sa.Column("progress_total", sa.Integer(), nullable=True),
    sa.Column("result", catalog.models.types.JSONType, nullable=True),
    sa.Column("errors", catalog.models.types.JSONType, nullable=True),
    sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column("requested_by_account", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("max_attempts", sa.Integer(), nullable=False),
    sa.Column("heartbeat_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("dispatched_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("run_after", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("schedule_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column("created_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("started_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("finished_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("updated_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], name=op.f("fk_job_organization_id_organization")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_job"))
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_state"), ["state"], unique=False)

    op.create_table("job_schedule",
    sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column("kind", sa.String(length=40), nullable=False),
    sa.Column("portal_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column("interval_minutes", sa.Integer(), nullable=False),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("next_run_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("last_run_at", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("last_job_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column("created_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("updated_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["organization_id"], ["organization.id"],
                            name=op.f("fk_job_schedule_organization_id_organization")),
    sa.ForeignKeyConstraint(["portal_id"], ["portal.id"], name=op.f("fk_job_schedule_portal_id_portal")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_job_schedule")),
    sa.UniqueConstraint("kind", "portal_id", "organization_id", name="uq_job_schedule_scope")
    )
    with op.batch_alter_table("job_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_schedule_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_schedule_portal_id"), ["portal_id"], unique=False)

    op.create_table("link_check",
    sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column("resource_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column("url", sa.Text(), nullable=False),
    sa.Column("ok", sa.Boolean(), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("checked_at", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("broken_since", catalog.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], name=op.f("fk_link_check_dataset_id_dataset")),
    sa.ForeignKeyConstraint(["resource_id"], ["resource.id"], name=op.f("fk_link_check_resource_id_resource")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_link_check")),
    sa.UniqueConstraint("resource_id", name=op.f("uq_link_check_resource_id"))
    )
    with op.batch_alter_table("link_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_check_dataset_id"), ["dataset_id"], unique=False)

    with op.batch_alter_table("publish_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_publish_job_claimed_by"), ["claimed_by"], unique=False)
    # runs before this one may have queued a dataset twice: keep the newest pending job of each
    op.execute("""UPDATE publish_job SET state = 'done' WHERE state = 'pending' AND EXISTS (
        SELECT 1 FROM publish_job AS newer WHERE newer.portal_url = publish_job.portal_url
        AND newer.dataset_id = publish_job.dataset_id AND newer.state = 'pending'
        AND (newer.created_at > publish_job.created_at
             OR (newer.created_at = publish_job.created_at AND newer.id > publish_job.id)))""")
    op.create_index("uq_publish_job_pending", "publish_job", ["portal_url", "dataset_id"], unique=True,
                    sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))



def downgrade() -> None:
    op.drop_index("uq_publish_job_pending", table_name="publish_job")
    with op.batch_alter_table("publish_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publish_job_claimed_by"))
        batch_op.drop_column("claimed_by")

    with op.batch_alter_table("link_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_check_dataset_id"))

    op.drop_table("link_check")
    with op.batch_alter_table("job_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_schedule_portal_id"))
        batch_op.drop_index(batch_op.f("ix_job_schedule_organization_id"))

    op.drop_table("job_schedule")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_state"))
        batch_op.drop_index(batch_op.f("ix_job_organization_id"))
        batch_op.drop_index(batch_op.f("ix_job_kind"))

    op.drop_table("job")
