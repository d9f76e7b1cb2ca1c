"""What the two databases do differently: where the words are kept and how a query finds them.

Both get the same tokens (catalog/search/tokenize.py) by field, and answer the same two questions: which
documents hold every query word, and which of those hold a given word in a given field. Everything else
(visibility, filters, facets, ranking, sorting) is computed once, in catalog/search/engine.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol

from sqlalchemy import Connection, literal_column, select, text
from sqlalchemy.sql.selectable import Select

from catalog.search.schema import search_doc

Term = tuple[str, bool]  # (token, may match as a prefix)
# the fields of a document, in the order of their weight in ranking (PostgreSQL's weights A–D)
FIELDS = ("title", "tags", "other", "body")


class Backend(Protocol):
    def write_tokens(self, connection: Connection, rows: Sequence[tuple[int, Mapping[str, Sequence[str]]]]) -> None:
        """Store each (rid, tokens by field), replacing what the rid had."""

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None: ...

    def clear(self, connection: Connection) -> None: ...

    def matching(self, terms: Sequence[Term], field: tuple[Term, str] | None = None) -> Select[Any]:
        """rids of the documents holding every term (and, with ``field``, that term in that field)."""


class SQLiteBackend:
    """FTS5 table ``search_fts`` with a column per field; its rowid is the document's rid."""

    def write_tokens(self, connection: Connection, rows: Sequence[tuple[int, Mapping[str, Sequence[str]]]]) -> None:
        if rows:
            connection.execute(
                text("INSERT INTO search_fts(rowid, title, tags, other, body) "
                     "VALUES (:rid, :title, :tags, :other, :body)"),
                [{"rid": rid, **{name: " ".join(fields[name]) for name in FIELDS}} for rid, fields in rows])

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None:
        if rids:
            connection.execute(text("DELETE FROM search_fts WHERE rowid = :rid"), [{"rid": rid} for rid in rids])

    def clear(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM search_fts"))

    def matching(self, terms: Sequence[Term], field: tuple[Term, str] | None = None) -> Select[Any]:
        expression = " AND ".join(_fts_phrase(term) for term in terms)
        if field:
            expression = f"{{{field[1]}}} : {_fts_phrase(field[0])} AND {expression}"
        return (select(literal_column("search_fts.rowid").label("rid")).select_from(text("search_fts"))
                .where(text("search_fts MATCH :fts_match").bindparams(fts_match=expression)))


def _fts_phrase(term: Term) -> str:
    token, prefix = term
    return f'"{token}"' + (" *" if prefix else "")


class PostgresBackend:
    """Column ``search_doc.tsv``: a tsvector written literally, the field as each lexeme's weight; GIN index."""

    WEIGHTS: ClassVar[dict[str, str]] = dict(zip(FIELDS, "ABCD", strict=True))

    def write_tokens(self, connection: Connection, rows: Sequence[tuple[int, Mapping[str, Sequence[str]]]]) -> None:
        if rows:
            connection.execute(text("UPDATE search_doc SET tsv = CAST(:tsv AS tsvector) WHERE rid = :rid"),
                               [{"rid": rid, "tsv": self.tsvector(fields)} for rid, fields in rows])

    def tsvector(self, fields: Mapping[str, Sequence[str]]) -> str:
        """``'word':1A,9D …``: one position per word and field (positions carry the weight, not the order)."""
        positions: dict[str, list[str]] = {}
        n = 0
        for name in FIELDS:
            for token in dict.fromkeys(fields[name]):
                n = min(n + 1, 16383)
                positions.setdefault(token, []).append(f"{n}{self.WEIGHTS[name]}")
        return " ".join(f"'{token}':{','.join(marks[:255])}" for token, marks in positions.items())

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None:
        if rids:
            connection.execute(text("UPDATE search_doc SET tsv = ''::tsvector WHERE rid = :rid"),
                               [{"rid": rid} for rid in rids])

    def clear(self, connection: Connection) -> None:
        """The words go with the search_doc rows."""

    def matching(self, terms: Sequence[Term], field: tuple[Term, str] | None = None) -> Select[Any]:
        expression = " & ".join(self._lexeme(term) for term in terms)
        if field:
            expression = f"{self._lexeme(field[0], self.WEIGHTS[field[1]])} & {expression}"
        return select(search_doc.c.rid).where(
            text("search_doc.tsv @@ CAST(:ts_query AS tsquery)").bindparams(ts_query=expression))

    @staticmethod
    def _lexeme(term: Term, weight: str = "") -> str:
        token, prefix = term
        marks = ("*" if prefix else "") + weight
        return f"'{token}'" + (f":{marks}" if marks else "")


def backend_for(dialect: str) -> Backend:
    return PostgresBackend() if dialect == "postgresql" else SQLiteBackend()
