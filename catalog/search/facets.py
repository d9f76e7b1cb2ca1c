"""The facet table: every indexed dataset's visibility, sort keys and facet values as numpy arrays, kept
per database in this process and brought up to date from the index's generation before each search.

Counting facets over 100,000 datasets in SQL costs a scan per facet; here it is one ``bincount`` per
facet. The table is a cache of ``search_doc``/``search_value``: a search first reads the generation
(``search_state``), and if it moved, reads only the rows written since (``gen`` > the table's). A
transaction that itself wrote to the index gets a private table (its writes are not committed yet);
the shared one only ever holds what was committed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from catalog.search.documents import INDEX_KEYS
from catalog.search.index import WRITTEN
from catalog.search.schema import search_doc, search_state, search_value

SORTS = ("title_asc", "modified_desc", "modified_asc")
KEEP = 4  # databases whose tables a process keeps (a server has one; a test run has many)
_tables: dict[str, FacetTable] = {}
_lock = threading.Lock()
_building: dict[str, threading.Lock] = {}  # database → held while its whole table is being built


@dataclass(frozen=True)
class Facet:
    """(document, value code) pairs of one facet key, and the values the codes stand for."""

    docs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    values: tuple[str, ...] = ()
    value_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # code → code-point order
    codes_by_value: dict[str, int] = field(default_factory=dict, compare=False)  # value → code (read-only)

    def code_of(self) -> dict[str, int]:
        return self.codes_by_value


@dataclass(frozen=True)
class FacetTable:
    epoch: str | None
    gen: int
    dataset_id: np.ndarray  # by rid; object
    exists: np.ndarray  # bool
    public: np.ndarray
    active: np.ndarray
    org_id: np.ndarray  # object
    title: np.ndarray  # title_sort; object
    modified: np.ndarray  # float seconds
    title_rank: np.ndarray  # position in code-point order of title_sort
    orders: dict[str, np.ndarray]  # sort → every rid in that order (title_asc, modified_desc, modified_asc)
    facets: dict[str, Facet]
    # derived arrays computed on first use (rid lookups, rank of ids); the same rows, the same values
    cache: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def empty(cls, epoch: str | None) -> FacetTable:
        nothing = np.zeros(0, bool)
        none = np.zeros(0, np.int64)
        return cls(epoch, -1, np.zeros(0, object), nothing, nothing, nothing, np.zeros(0, object),
                   np.zeros(0, object), np.zeros(0), none, dict.fromkeys(SORTS, none),
                   {key: Facet() for key in INDEX_KEYS})

    def patched(self, gen: int, rows: Sequence[Any], values: Iterable[tuple[int, str, str]]) -> FacetTable:
        """A new table with ``rows`` of search_doc (and their ``values``) replacing what it had of them."""
        if not rows:
            return replace(self, gen=gen)
        rids = np.array([row.rid for row in rows], np.int64)
        size = max(len(self.exists), int(rids.max()) + 1)
        grown: dict[str, Any] = {name: _grown(getattr(self, name), size) for name in
                 ("dataset_id", "exists", "public", "active", "org_id", "title", "modified")}
        for row in rows:
            grown["dataset_id"][row.rid], grown["org_id"][row.rid] = row.dataset_id, row.org_id
            grown["exists"][row.rid] = not row.deleted
            grown["public"][row.rid], grown["active"][row.rid] = bool(row.public), bool(row.active)
            grown["title"][row.rid], grown["modified"][row.rid] = row.title_sort, row.modified.timestamp()
        titles = np.where(grown["exists"], grown["title"], "")
        by_title = np.argsort(titles, kind="stable")
        rank = np.empty(size, np.int64)
        rank[by_title] = np.arange(size)
        modified = grown["modified"]
        orders = {"title_asc": by_title, "modified_desc": np.lexsort((rank, -modified)),
                  "modified_asc": np.lexsort((rank, modified))}
        by_key: dict[str, list[tuple[int, str]]] = {key: [] for key in INDEX_KEYS}
        for rid, key, value in values:
            if key in by_key:
                by_key[key].append((rid, value))
        facets = {key: _patched_facet(self.facets[key], rids, by_key[key]) for key in INDEX_KEYS}
        return FacetTable(self.epoch, gen, title_rank=rank, orders=orders, facets=facets, **grown)


def text_rank(table: FacetTable, key: str) -> np.ndarray:
    """Each rid's position in code-point order of an exact-value key (``id`` or an index key; "" when none)."""
    cached = table.cache.get(f"rank:{key}")
    if cached is None:
        if key == "id":
            cached = np.empty(len(table.exists), np.int64)
            cached[np.argsort(table.dataset_id, kind="stable")] = np.arange(len(table.exists))
        else:
            facet = table.facets[key]
            cached = np.full(len(table.exists), -1, np.int64)
            cached[facet.docs] = facet.value_rank[facet.codes] if len(facet.codes) else 0
        table.cache[f"rank:{key}"] = cached
    return cached


def rid_of(table: FacetTable) -> dict[str, int]:
    """Dataset id → rid, of the datasets that exist."""
    cached = table.cache.get("rid_of")
    if cached is None:
        cached = {str(table.dataset_id[rid]): int(rid) for rid in np.flatnonzero(table.exists)}
        table.cache["rid_of"] = cached
    return cached


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    fresh = np.zeros(size, array.dtype) if array.dtype != object else np.full(size, "", object)
    fresh[: len(array)] = array
    return fresh


def _patched_facet(facet: Facet, rids: np.ndarray, pairs: list[tuple[int, str]]) -> Facet:
    keep = ~np.isin(facet.docs, rids)
    codes, values, rank = facet.codes_by_value, facet.values, facet.value_rank
    new_values = list(dict.fromkeys(value for _, value in pairs if value not in codes))
    if new_values:  # only new values cost a new dictionary and a new order (names, times: often unique)
        codes = {**codes, **{value: len(values) + n for n, value in enumerate(new_values)}}
        values = (*values, *new_values)
        rank = np.empty(len(values), np.int64)
        rank[np.argsort(np.array(values, object), kind="stable")] = np.arange(len(values))
    docs = np.concatenate([facet.docs[keep], np.array([rid for rid, _ in pairs], np.int64)])
    new_codes = np.concatenate([facet.codes[keep], np.array([codes[v] for _, v in pairs], np.int64)])
    return Facet(docs, new_codes, values, rank, codes)


def facet_table(session: Session) -> FacetTable:
    """The facet table as this session sees the index (its own uncommitted writes included)."""
    state = session.execute(select(search_state.c.epoch, search_state.c.gen).where(search_state.c.id == 1)).first()
    epoch, gen = (state.epoch, int(state.gen)) if state else (None, 0)
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    key = engine.url.render_as_string(hide_password=True)
    written = session.info.get(WRITTEN, False)
    cached = _current(key, epoch, gen, written)
    if cached is not None:
        return cached
    if (base := _tables.get(key)) is not None and base.epoch == epoch and base.gen < gen:
        return _refreshed(session, key, base, epoch, gen, written)  # the rows written since: cheap
    # a whole table (a new process, or a rebuilt index): built once per database; a search that asks
    # meanwhile (the start-up warm-up is building it) waits for that build instead of doing it again
    with _lock:
        building = _building.setdefault(key, threading.Lock())
    with building:
        cached = _current(key, epoch, gen, written)
        if cached is not None:
            return cached
        base = _tables.get(key)
        usable = base is not None and base.epoch == epoch and base.gen < gen
        return _refreshed(session, key, base if base is not None and usable else FacetTable.empty(epoch), epoch,
                          gen, written)


def _current(key: str, epoch: str | None, gen: int, written: bool) -> FacetTable | None:
    """The kept table when it is what this session should see: the same epoch and generation (or a later
    one, for a session that wrote nothing: what it reads was committed before)."""
    cached = _tables.get(key)
    if cached is not None and cached.epoch == epoch and (cached.gen == gen or (cached.gen > gen and not written)):
        return cached
    return None


def _refreshed(session: Session, key: str, base: FacetTable, epoch: str | None, gen: int,
               written: bool) -> FacetTable:
    since = search_doc.c.gen > base.gen
    rows = session.execute(select(search_doc.c.rid, search_doc.c.dataset_id, search_doc.c.org_id,
                                  search_doc.c.public, search_doc.c.active, search_doc.c.deleted,
                                  search_doc.c.title_sort, search_doc.c.modified).where(since)).all()
    values = session.execute(select(search_value.c.rid, search_value.c.key, search_value.c.value)
                             .join(search_doc, search_doc.c.rid == search_value.c.rid).where(since))
    table = base.patched(gen, rows, values)
    if not written:
        with _lock:
            current = _tables.pop(key, None)
            _tables[key] = table if current is None or current.epoch != epoch or current.gen < gen else current
            while len(_tables) > KEEP:  # the least recently refreshed database goes first
                _tables.pop(next(iter(_tables)))
    return table


def facet_table_state(engine: Any) -> tuple[bool, int]:
    """Whether this process holds the facet table of ``engine``'s database (searches need not build it first),
    and how many datasets it counts: for /metrics. Reads nothing from the database."""
    table = _tables.get(engine.url.render_as_string(hide_password=True))
    return (True, int(table.exists.sum())) if table is not None else (False, 0)
