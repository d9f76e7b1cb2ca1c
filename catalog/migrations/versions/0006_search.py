"""Search index: documents, facet values, and full-text matching (FTS5 on SQLite, tsvector + GIN on PostgreSQL)

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-25 09:00:00

The index is derived data (see catalog/search/schema.py); after this upgrade on a database that already
holds datasets, run `banchi search rebuild` to fill it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import catalog.models.types

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_doc",
        sa.Column("rid", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("title_sort", sa.String(length=500), nullable=False),
        sa.Column("modified", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title_tok", sa.Text(), nullable=False),
        sa.Column("tags_tok", sa.Text(), nullable=False),
        sa.Column("other_tok", sa.Text(), nullable=False),
        sa.Column("desc_tok", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rid", name="pk_search_doc"),
        sa.UniqueConstraint("dataset_id", name="uq_search_doc_dataset_id"),
    )
    op.create_index("ix_search_doc_public_title", "search_doc", ["public", "title_sort"])
    op.create_index("ix_search_doc_public_modified", "search_doc", ["public", "modified"])
    op.create_index("ix_search_doc_org_id", "search_doc", ["org_id"])
    op.create_table(
        "search_value",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
    )
    # facet counts of what the public sees come from the first index alone; filters use the second
    op.create_index("ix_search_value_key_public_value", "search_value", ["key", "public", "value", "rid"])
    op.create_index("ix_search_value_key_value", "search_value", ["key", "value", "rid"])
    op.create_index("ix_search_value_rid", "search_value", ["rid"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_doc ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector")
        op.execute("CREATE INDEX ix_search_doc_tsv ON search_doc USING gin (tsv)")
    else:
        # tokens arrive already cut (catalog/search/tokenize.py); `ascii` keeps every non-ASCII character
        # inside its token, and no positions are kept: matching is by word, ranking is done outside FTS5
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(tokens, tokenize='ascii', detail='none')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_value")
    op.drop_table("search_doc")
