"""The search index tables. Not SQLModel models: they are derived data, made by migration 0006 with the
full-text parts each database has (an FTS5 table on SQLite, a ``tsvector`` column with a GIN index on
PostgreSQL), and rebuilt from the catalog at any time (``banchi search rebuild``).

- ``search_doc``: one row per dataset — who may see it, sort keys, and its tokens by field (for ranking).
- ``search_value``: one row per facet value of a dataset, with the visibility columns repeated so facet
  counts are read from an index without joining.
- ``search_fts`` (SQLite) / ``search_doc.tsv`` (PostgreSQL): every token of the dataset, for matching.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

from catalog.models.types import UTCDateTime

metadata = MetaData()

search_doc = Table(
    "search_doc", metadata,
    Column("rid", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", String(36), nullable=False, unique=True),
    Column("org_id", String(36), nullable=False),
    Column("public", Boolean, nullable=False),  # catalog.actions.datasets.is_public
    Column("active", Boolean, nullable=False),
    Column("title_sort", String(500), nullable=False),
    Column("modified", UTCDateTime, nullable=False),
    # " tok tok … " per field, spaces around, so a word is found with " tok "
    Column("title_tok", Text, nullable=False),
    Column("tags_tok", Text, nullable=False),
    Column("other_tok", Text, nullable=False),
    Column("desc_tok", Text, nullable=False),
)

search_value = Table(
    "search_value", metadata,
    Column("rid", Integer, nullable=False),
    Column("key", String(40), nullable=False),
    Column("value", String(500), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("org_id", String(36), nullable=False),
)

PREFIX = "search_"


def is_search_object(name: str | None) -> bool:
    """Tables and indexes of the index (with FTS5's shadow tables): outside the models' metadata."""
    return bool(name) and (name.startswith(PREFIX) or name.startswith(f"ix_{PREFIX}"))  # type: ignore[union-attr]


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: autogenerate leaves the search index to its own hand-written migration."""
    return not is_search_object(name)
