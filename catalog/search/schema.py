"""The search index tables. Not SQLModel models: they are derived data, made by migration 0006 with the
full-text parts each database has (an FTS5 table on SQLite, a ``tsvector`` column with a GIN index on
PostgreSQL), and rebuilt from the catalog at any time (``banchi search rebuild``).

- ``search_doc``: one row per dataset: who may see it, its sort keys, the generation that wrote it.
- ``search_value``: one row per facet value of a dataset.
- ``search_state``: the index's generation, which tells readers (catalog/search/facets.py) what changed.
- ``search_fts`` (SQLite, one column per field) / ``search_doc.tsv`` and ``tsv_rank`` (PostgreSQL, the
  field as the lexeme's weight A–D): the words, for matching and for ranking by field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, Text
from sqlalchemy.dialects.postgresql import TSVECTOR

from catalog.models.types import UTCDateTime

metadata = MetaData()

search_doc = Table(
    "search_doc", metadata,
    Column("rid", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", String(36), nullable=False, unique=True),
    Column("org_id", String(36), nullable=False),
    Column("public", Boolean, nullable=False),  # catalog.actions.datasets.is_public
    Column("active", Boolean, nullable=False),
    Column("deleted", Boolean, nullable=False),  # the dataset is gone; kept until a rebuild so readers learn it
    Column("title_sort", String(500), nullable=False),
    Column("modified", UTCDateTime, nullable=False),
    Column("gen", BigInteger, nullable=False, index=True),  # search_state.gen of the write that made this row
    # PostgreSQL only: the words, weighted by field (migration 0006), and those of the fields that rank
    # (migration 0014), see catalog/search/backends.py
    Column("tsv", TSVECTOR().with_variant(Text(), "sqlite")),
    Column("tsv_rank", TSVECTOR().with_variant(Text(), "sqlite")),
)

search_value = Table(
    "search_value", metadata,
    Column("rid", Integer, nullable=False, index=True),
    Column("key", String(40), nullable=False),
    Column("value", String(500), nullable=False),
)

# one row: the generation of the index, raised by every write (in its transaction, so writers take turns and
# generations commit in order); a reader whose facet table is at generation g reads the rows with gen > g.
# A new epoch (rebuild, emptied tables) means: read everything again.
search_state = Table(
    "search_state", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("gen", BigInteger, nullable=False),
    Column("epoch", String(36), nullable=False),
)

PREFIX = "search_"


def is_search_object(name: str | None) -> bool:
    """Tables and indexes of the index (with FTS5's shadow tables): outside the models' metadata."""
    return bool(name) and (name.startswith(PREFIX) or name.startswith(f"ix_{PREFIX}"))  # type: ignore[union-attr]


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: autogenerate leaves the search index to its own hand-written migration."""
    return not is_search_object(name)
