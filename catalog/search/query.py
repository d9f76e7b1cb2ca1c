"""Running a search: matching, visibility, filters, facet counts, ranking, sorting and paging in SQL.

Facet counts are multi-select counts: the counts of one facet apply the query words, the visibility
and the filters of every *other* facet, so a page can show how many datasets each further value of a
facet it already filters on would add (values within one facet are ORed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, false, func, literal, or_, select, true
from sqlalchemy.sql.selectable import Select

from catalog.search.backends import Backend, Term
from catalog.search.documents import WEIGHTS
from catalog.search.schema import search_doc, search_value

Visibility = frozenset[str] | str


def visible(table: Table, private_org_ids: Visibility, include_withdrawn: bool) -> ColumnElement[bool]:
    """Public datasets for everyone; non-public ones only of the caller's organizations ("*": all)."""
    if private_org_ids == "*":
        return true() if include_withdrawn else table.c.active == true()
    condition: ColumnElement[bool] = table.c.public == true()
    if private_org_ids:
        own = table.c.org_id.in_(sorted(private_org_ids))
        condition = or_(condition, own if include_withdrawn else and_(own, table.c.active == true()))
    return condition


def filtered(table: Table, filters: Mapping[str, Sequence[str]], skip: str | None = None) -> list[ColumnElement[bool]]:
    """One condition per facet key: the dataset has one of the accepted values (OR within, AND across)."""
    return [table.c.rid.in_(select(search_value.c.rid).where(search_value.c.key == key,
                                                              search_value.c.value.in_(list(values))))
            if values else false()
            for key, values in sorted(filters.items()) if key != skip]


class Search:
    def __init__(self, backend: Backend, terms: Sequence[Term], filters: Mapping[str, Sequence[str]],
                 private_org_ids: Visibility, include_withdrawn: bool):
        self.backend, self.terms, self.filters = backend, list(terms), filters
        self.private_org_ids, self.include_withdrawn = private_org_ids, include_withdrawn

    def _where(self, table: Table, skip: str | None = None) -> list[ColumnElement[bool]]:
        conditions = [visible(table, self.private_org_ids, self.include_withdrawn)]
        if self.terms:
            conditions.append(table.c.rid.in_(self.backend.matching(self.terms)))
        return conditions + filtered(table, self.filters, skip)

    def count(self) -> Select[Any]:
        return select(func.count()).select_from(search_doc).where(*self._where(search_doc))

    def page(self, sort: str, rows: int, start: int) -> Select[Any]:
        return (select(search_doc.c.dataset_id).where(*self._where(search_doc))
                .order_by(*self._order(sort)).limit(rows).offset(start))

    def facet(self, key: str) -> Select[Any]:
        value = search_value.c.value
        return (select(value, func.count()).where(search_value.c.key == key, *self._where(search_value, skip=key))
                .group_by(value))

    def _order(self, sort: str) -> list[Any]:
        title = self.backend.bytewise(search_doc.c.title_sort)
        modified, tie = search_doc.c.modified, search_doc.c.dataset_id
        if sort == "relevance" and self.terms:
            return [self.score().desc(), title, tie]
        return {
            "relevance": [modified.desc(), title, tie],
            "title_asc": [title, tie],
            "title_desc": [title.desc(), tie.desc()],
            "modified_desc": [modified.desc(), title, tie],
            "modified_asc": [modified, title, tie],
        }[sort]

    def score(self) -> ColumnElement[int]:
        """Σ over query words of the weights of the fields holding the word (title 8, tags 4, …)."""
        parts: list[ColumnElement[int]] = []
        for token, prefix in self.terms:
            needle = f" {token}" if prefix else f" {token} "
            for column, weight in WEIGHTS.items():
                parts.append(case((self.backend.contains(search_doc.c[column], needle), literal(weight)),
                                  else_=literal(0)))
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total
