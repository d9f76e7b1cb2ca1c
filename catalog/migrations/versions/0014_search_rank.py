"""Search on PostgreSQL: the words of the fields that rank in a column of their own, kept in the row

Scoring a broad word read ``search_doc.tsv`` (every field, descriptions included) of thousands of rows;
at 100,000 datasets that heap outgrew PostgreSQL's default buffer cache. ``tsv`` now lives out of line
(STORAGE EXTERNAL: read only through its GIN index), and ``tsv_rank`` (title, tags, organization/resources/
dictionary: weights A–C) stays in the row uncompressed (STORAGE MAIN) for scoring. SQLite: nothing changes.

Revision ID: 0014_search_rank
Revises: 0011_seed
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014_search_rank"
down_revision: str | Sequence[str] | None = "0011_seed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_doc ADD COLUMN tsv_rank tsvector NOT NULL DEFAULT ''::tsvector")
    op.execute("ALTER TABLE search_doc ALTER COLUMN tsv_rank SET STORAGE MAIN")
    op.execute("ALTER TABLE search_doc ALTER COLUMN tsv SET STORAGE EXTERNAL")
    # the same lexemes, positions and weights the index writes (catalog/search/backends.py); rewriting
    # each row also moves its tsv out of line
    op.execute("UPDATE search_doc SET tsv_rank = ts_filter(tsv, '{a,b,c}')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_doc ALTER COLUMN tsv SET STORAGE EXTENDED")
    op.execute("ALTER TABLE search_doc DROP COLUMN tsv_rank")
