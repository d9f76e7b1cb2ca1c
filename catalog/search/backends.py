"""What the two databases do differently: where the words are kept and how a query finds them.

Both get the same tokens (catalog/search/tokenize.py) by field and answer one question the same way:
which documents hold every query word, and (for ranking) the sum of the weights of the fields holding
each word. Everything else (visibility, filters, facets, sorting) is computed once, in query.py.
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


@dataclass
class Hits:
    rids: np.ndarray
    scores: np.ndarray | None  # aligned with rids, when weights were asked for


class Backend(Protocol):
    def doc_values(self, fields: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """Columns of the search_doc row that hold the words (written with the row)."""

    def write_tokens(self, connection: Connection, rows: Sequence[tuple[int, Mapping[str, Sequence[str]]]]) -> None:
        """Store each (rid, tokens by field) where they are not part of the search_doc row."""

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None: ...

    def clear(self, connection: Connection) -> None: ...

    def find(self, session: Session, terms: Sequence[Term], weights: Mapping[str, int] | None,
             fields: Sequence[str] | None = None) -> Hits:
        """The documents holding every term (in one of ``fields``, when given); with ``weights`` (field →
        weight), each one's score: for every term, the weights of the fields holding it."""


def fetch(session: Session, sql: str, parameters: Sequence[str]) -> Sequence[tuple[Any, ...]]:
    """Rows straight from the driver's cursor: a broad word can match tens of thousands of documents."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(parameters))
        return cursor.fetchall()
    finally:
        cursor.close()


class SQLiteBackend:
    """FTS5 table ``search_fts`` with a column per field; its rowid is the document's rid."""

    SQL = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?"

    def doc_values(self, fields: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        return {}

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

    def find(self, session: Session, terms: Sequence[Term], weights: Mapping[str, int] | None,
             fields: Sequence[str] | None = None) -> Hits:
        every = " AND ".join(self._phrase(term) for term in terms)
        if fields:
            every = f"{{{' '.join(fields)}}} : ({every})"
        rids = np.array([row[0] for row in fetch(session, self.SQL, [every])], np.int64)
        if weights is None or not rids.size:
            return Hits(rids, None)
        rids.sort()
        scores = np.zeros(rids.size, np.int64)
        for term in terms:  # FTS5 tells the field by a column filter: one lookup per word and field
            for name, weight in weights.items():
                held = [row[0] for row in fetch(session, self.SQL, [f"{{{name}}} : {self._phrase(term)} AND {every}"])]
                scores[np.searchsorted(rids, held)] += weight
        return Hits(rids, scores)

    @staticmethod
    def _phrase(term: Term) -> str:
        token, prefix = term
        return f'"{token}"' + (" *" if prefix else "")


class PostgresBackend:
    """Columns ``search_doc.tsv`` (every field: matching, GIN index) and ``search_doc.tsv_rank`` (the fields
    that rank): tsvectors written literally, the field as each lexeme's weight.

    Why two: a broad word matches thousands of documents, and scoring them reads a tsvector per document.
    Read from ``tsv`` (descriptions included, ~1.4 KB a row) that is a heap of ~170 MB at 100,000 datasets,
    more than PostgreSQL's default buffer cache, so scoring went to the disk cache block by block.
    ``tsv`` is kept out of line (migration 0014) and is only read by the GIN index, which needs no recheck
    for plain words; scoring reads the smaller ``tsv_rank`` stored in the row.
    """

    WEIGHTS: ClassVar[dict[str, str]] = dict(zip(FIELDS, "ABCD", strict=True))
    RANKED: ClassVar[frozenset[str]] = frozenset(FIELDS[:3])  # title, tags, other: the fields with a weight

    def doc_values(self, fields: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        return {"tsv": self.tsvector(fields), "tsv_rank": self.tsvector(fields, self.RANKED)}

    def tsvector(self, fields: Mapping[str, Sequence[str]], only: frozenset[str] | None = None) -> str:
        """``'word':1A,9D …``: one position per word and field (positions carry the weight, not the order)."""
        positions: dict[str, list[str]] = {}
        n = 0
        for name in FIELDS:
            for token in dict.fromkeys(fields[name]):
                n = min(n + 1, 16383)
                if only is None or name in only:
                    positions.setdefault(token, []).append(f"{n}{self.WEIGHTS[name]}")
        return " ".join(f"'{token}':{','.join(marks[:255])}" for token, marks in positions.items())

    def write_tokens(self, connection: Connection, rows: Sequence[tuple[int, Mapping[str, Sequence[str]]]]) -> None:
        """Written with the search_doc row."""

    def delete_tokens(self, connection: Connection, rids: Sequence[int]) -> None:
        if rids:
            connection.execute(text("UPDATE search_doc SET tsv = ''::tsvector, tsv_rank = ''::tsvector "
                                    "WHERE rid = :rid"), [{"rid": rid} for rid in rids])

    def clear(self, connection: Connection) -> None:
        """The words go with the search_doc rows."""

    def find(self, session: Session, terms: Sequence[Term], weights: Mapping[str, int] | None,
             fields: Sequence[str] | None = None) -> Hits:
        """One statement: the matching rids with their scores, read from the lexemes' weights."""
        cases = [(self._lexeme(term, self.WEIGHTS[name]), weight, self._column(name))
                 for term in terms for name, weight in (weights or {}).items()]
        score = " + ".join(f"CASE WHEN {column} @@ CAST(%s AS tsquery) THEN {int(weight)} ELSE 0 END"
                           for _, weight, column in cases) or "0"
        every = " & ".join(self._lexeme(term) for term in terms)
        where, parameters = "tsv @@ CAST(%s AS tsquery)", [every]
        if fields:  # words in some fields only: the GIN index finds the words, the weights say where
            within = "".join(self.WEIGHTS[name] for name in fields)
            column = "tsv_rank" if set(fields) <= self.RANKED else "tsv"
            where += f" AND {column} @@ CAST(%s AS tsquery)"
            parameters.append(" & ".join(self._lexeme(term, within) for term in terms))
        rows = fetch(session, f"SELECT rid, {score} FROM search_doc WHERE {where}",
                     [*(query for query, _, _ in cases), *parameters])
        table = np.array(rows, np.int64).reshape(len(rows), 2)
        return Hits(table[:, 0], table[:, 1] if weights is not None else None)

    def _column(self, name: str) -> str:
        return "tsv_rank" if name in self.RANKED else "tsv"

    @staticmethod
    def _lexeme(term: Term, weight: str = "") -> str:
        token, prefix = term
        marks = ("*" if prefix else "") + weight
        return f"'{token}'" + (f":{marks}" if marks else "")


def backend_for(dialect: str) -> Backend:
    return PostgresBackend() if dialect == "postgresql" else SQLiteBackend()
