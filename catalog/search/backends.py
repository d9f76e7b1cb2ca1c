"""The two things the databases do differently: where the words are kept and how a query matches them.

Everything else (visibility, filters, facets, ranking, sorting) is one SQL text for both, so SQLite and
PostgreSQL give the same results for the same catalog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, func, literal_column, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select

from catalog.search.schema import search_doc

Term = tuple[str, bool]  # (token, may match as a prefix)


class Backend(Protocol):
    def write_tokens(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Store ``{"rid", "tokens"}`` rows (space-separated tokens), replacing what a rid had."""

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None: ...

    def clear(self, connection: Connection) -> None: ...

    def matching(self, terms: Sequence[Term]) -> Select[Any]:
        """rids of the documents holding every term."""

    def contains(self, haystack: ColumnElement[str], needle: str) -> ColumnElement[bool]: ...

    def bytewise(self, column: ColumnElement[str]) -> ColumnElement[str]:
        """The column compared by code point, whatever the database's collation."""


class SQLiteBackend:
    """FTS5 table ``search_fts`` whose rowid is the document's rid."""

    def write_tokens(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            connection.execute(text("INSERT INTO search_fts(rowid, tokens) VALUES (:rid, :tokens)"), list(rows))

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None:
        if rids:
            connection.execute(text("DELETE FROM search_fts WHERE rowid = :rid"), [{"rid": rid} for rid in rids])

    def clear(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM search_fts"))

    def matching(self, terms: Sequence[Term]) -> Select[Any]:
        expression = " ".join(f'"{token}"' + (" *" if prefix else "") for token, prefix in terms)
        return (select(literal_column("search_fts.rowid").label("rid")).select_from(text("search_fts"))
                .where(text("search_fts MATCH :fts_match").bindparams(fts_match=expression)))

    def contains(self, haystack: ColumnElement[str], needle: str) -> ColumnElement[bool]:
        return func.instr(haystack, needle) > 0

    def bytewise(self, column: ColumnElement[str]) -> ColumnElement[str]:
        return column  # BINARY, SQLite's default, compares UTF-8 bytes: code-point order


class PostgresBackend:
    """Column ``search_doc.tsv`` (a tsvector written literally from the tokens) with a GIN index."""

    def write_tokens(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            connection.execute(text("UPDATE search_doc SET tsv = CAST(:tokens AS tsvector) WHERE rid = :rid"),
                               list(rows))

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None:
        """The words go with the search_doc row."""

    def clear(self, connection: Connection) -> None:
        """The words go with the search_doc rows."""

    def matching(self, terms: Sequence[Term]) -> Select[Any]:
        expression = " & ".join(f"'{token}'" + (":*" if prefix else "") for token, prefix in terms)
        return select(search_doc.c.rid).where(
            text("search_doc.tsv @@ CAST(:ts_query AS tsquery)").bindparams(ts_query=expression))

    def contains(self, haystack: ColumnElement[str], needle: str) -> ColumnElement[bool]:
        return func.strpos(haystack, needle) > 0

    def bytewise(self, column: ColumnElement[str]) -> ColumnElement[str]:
        return column.collate("C")


def backend_for(dialect: str) -> Backend:
    return PostgresBackend() if dialect == "postgresql" else SQLiteBackend()
