"""What the two databases do differently: where the words are kept and how a query finds them.

Both get the same tokens (catalog/search/tokenize.py) by field, and answer the same two questions: which
documents hold every query word, and which of those hold a given word in a given field. Everything else
(visibility, filters, facets, ranking, sorting) is computed once, in catalog/search/engine.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

Term = tuple[str, bool]  # (token, may match as a prefix)
# the fields of a document, in the order of their weight in ranking (PostgreSQL's weights A–D)
FIELDS = ("title", "tags", "other", "body")


class Backend(Protocol):
    def write_tokens(self, connection: Connection, rows: Sequence[tuple[int, Mapping[str, Sequence[str]]]]) -> None:
        """Store each (rid, tokens by field), replacing what the rid had."""

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None: ...

    def clear(self, connection: Connection) -> None: ...

    def find(self, session: Session, terms: Sequence[Term], fields: Sequence[str]) -> Hits:
        """The documents holding every term and, for each term and each of ``fields``, those holding that
        term in that field."""


@dataclass
class Hits:
    rids: np.ndarray
    in_field: dict[tuple[int, str], np.ndarray]  # (index of the term, field) → rids


def fetch(session: Session, sql: str, parameters: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows straight from the driver's cursor: a broad word can match tens of thousands of documents."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(parameters))
        return cursor.fetchall()
    finally:
        cursor.close()


def _array(rows: list[tuple[Any, ...]]) -> np.ndarray:
    return np.array([row[0] for row in rows], np.int64)


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

    def find(self, session: Session, terms: Sequence[Term], fields: Sequence[str]) -> Hits:
        every = " AND ".join(_fts_phrase(term) for term in terms)
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?"
        rids = _array(fetch(session, sql, [every]))
        if not rids.size:
            fields = ()
        return Hits(rids, {(n, name): _array(fetch(session, sql, [f"{{{name}}} : {_fts_phrase(term)} AND {every}"]))
                           for n, term in enumerate(terms) for name in fields})


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

    def find(self, session: Session, terms: Sequence[Term], fields: Sequence[str]) -> Hits:
        """One statement: the matching rids, each with a flag per (term, field) read from the lexemes' weights."""
        flags = [(n, name) for n, _ in enumerate(terms) for name in fields]
        columns = "".join(", tsv @@ CAST(%s AS tsquery)" for _ in flags)
        rows = fetch(session, f"SELECT rid{columns} FROM search_doc WHERE tsv @@ CAST(%s AS tsquery)",
                     [*(self._lexeme(terms[n], self.WEIGHTS[name]) for n, name in flags),
                      " & ".join(self._lexeme(term) for term in terms)])
        table = np.array(rows, dtype=object).reshape(len(rows), 1 + len(flags))
        rids = table[:, 0].astype(np.int64)
        return Hits(rids, {flag: rids[table[:, k + 1].astype(bool)] for k, flag in enumerate(flags)})

    @staticmethod
    def _lexeme(term: Term, weight: str = "") -> str:
        token, prefix = term
        marks = ("*" if prefix else "") + weight
        return f"'{token}'" + (f":{marks}" if marks else "")


def backend_for(dialect: str) -> Backend:
    return PostgresBackend() if dialect == "postgresql" else SQLiteBackend()
