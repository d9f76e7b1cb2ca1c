"""Search index: documents, facet values, generation, and full-text matching (FTS5 on SQLite, weighted
tsvector + GIN on PostgreSQL)

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-25 09:00:00

The index is derived data (see catalog/search/schema.py); after this upgrade on a database that already
holds datasets, run `banchi search rebuild` to fill it.
"""

from __future__ import annotations

import uuid
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
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("title_sort", sa.String(length=500), nullable=False),
        sa.Column("modified", catalog.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("gen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("rid", name="pk_search_doc"),
        sa.UniqueConstraint("dataset_id", name="uq_search_doc_dataset_id"),
    )
    op.create_index("ix_search_doc_gen", "search_doc", ["gen"])
    op.create_table(
        "search_value",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
    )
    op.create_index("ix_search_value_rid", "search_value", ["rid"])
    op.create_table(
        "search_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("gen", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_state"),
    )
    op.execute(f"INSERT INTO search_state (id, gen, epoch) VALUES (1, 0, '{uuid.uuid4()}')")
    if op.get_bind().dialect.name == "postgresql":
        # lexemes written literally with the field as weight: A title, B tags, C organization/resources/
        # dictionary, D description (catalog/search/backends.py)
        op.execute("ALTER TABLE search_doc ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector")
        op.execute("CREATE INDEX ix_search_doc_tsv ON search_doc USING gin (tsv)")
    else:
        # tokens arrive already cut (catalog/search/tokenize.py); `ascii` keeps every non-ASCII character
        # inside its token; detail=column keeps which field a word is in (for ranking), not its position
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(title, tags, other, body, tokenize='ascii', "
                   "detail='column')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_state")
    op.drop_table("search_value")
    op.drop_table("search_doc")
