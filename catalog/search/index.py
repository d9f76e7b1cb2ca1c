"""Writing the index: always in the caller's transaction, so the index and the catalog never disagree.

``reindex_after_flush`` runs on every ORM flush (registered in catalog/models/search.py): whatever the
flush wrote to a dataset, its resources, its organization, its stage or its dictionary is re-indexed on
the same connection before the transaction can commit; a rollback takes the index change back with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, inspect, select, text, update
from sqlmodel import Session, col

from catalog.context import SYSTEM, Context
from catalog.models import Dataset, DatasetState, Organization, Resource
from catalog.search.backends import Backend, backend_for
from catalog.search.documents import IndexDoc, build_docs, optional_model
from catalog.search.schema import search_doc, search_state, search_value
from catalog.settings import get_settings

BATCH = 500
ORG_INDEXED = ("name", "title", "title_en")
WRITTEN = "search_index_written"  # session.info flag: this transaction changed the index (not committed yet)
DEFERRED = "search_index_deferred"  # session.info: ids of datasets whose re-indexing waits for the bulk write
# rows of other tables whose change changes what the index says of a dataset, and how to find that dataset
DATASET_OF: dict[str, Callable[[Session, Any], str | None]] = {
    "resource": lambda _reader, row: row.dataset_id,
    "dataset_stage": lambda _reader, row: row.dataset_id,
    "data_dictionary": lambda reader, row: _dataset_of_resource(reader, row.resource_id),
    "dictionary_version": lambda reader, row: _dataset_of_dictionary(reader, row.dictionary_id),
}


def reindex_after_flush(session: Session) -> None:
    changed = [obj for obj in chain(session.new, session.dirty, session.deleted)
               if isinstance(obj, Dataset) or getattr(obj, "__tablename__", None) in DATASET_OF
               or (isinstance(obj, Organization) and _renamed(obj))]
    if not changed:
        return
    # a second session on the same connection reads what this flush wrote, without flushing this one again
    with Session(bind=session.connection(), autoflush=False) as reader:
        dataset_ids: set[str | None] = set()
        for obj in changed:
            if isinstance(obj, Dataset):
                dataset_ids.add(obj.id)
            elif isinstance(obj, Organization):
                dataset_ids |= set(reader.scalars(select(col(Dataset.id)).where(col(Dataset.owner_org_id) == obj.id)))
            else:
                dataset_ids.add(DATASET_OF[obj.__tablename__](reader, obj))
        session.info[WRITTEN] = True
        changed_ids = {dataset_id for dataset_id in dataset_ids if dataset_id is not None}
        deferred = session.info.get(DEFERRED)
        if deferred is not None:
            deferred |= changed_ids
            return
        reindex(Context(session=reader, actor=SYSTEM, settings=get_settings()), changed_ids)


@contextmanager
def reindex_once(session: Session) -> Iterator[None]:
    """Inside the block, flushes note the datasets they change instead of re-indexing each one; when it
    ends they are indexed together (in batches), in the same transaction. A bulk write (a catalog import)
    then costs the same per dataset at any size; the index is stale only inside the block, where nothing
    searches. On an exception nothing is indexed: the caller's transaction is being rolled back."""
    if DEFERRED in session.info:  # already deferred by an enclosing block: that one indexes
        yield
        return
    pending: set[str] = set()
    session.info[DEFERRED] = pending
    try:
        yield
        session.flush()
    finally:
        session.info.pop(DEFERRED, None)
    if pending:
        with Session(bind=session.connection(), autoflush=False) as reader:
            reindex(Context(session=reader, actor=SYSTEM, settings=get_settings()), pending)


def _renamed(org: Organization) -> bool:
    """An organization's names are in its datasets' index entries (a new one has no datasets yet)."""
    state = inspect(org)
    return state.persistent and any(state.attrs[name].history.has_changes() for name in ORG_INDEXED)


def _dataset_of_resource(reader: Session, resource_id: str) -> str | None:
    return reader.scalar(select(col(Resource.dataset_id)).where(col(Resource.id) == resource_id))


def _dataset_of_dictionary(reader: Session, dictionary_id: str) -> str | None:
    dictionary = optional_model("dictionary", "DataDictionary")
    resource_id = reader.scalar(select(dictionary.resource_id).where(dictionary.id == dictionary_id))
    return _dataset_of_resource(reader, resource_id) if resource_id else None


def reindex(ctx: Context, dataset_ids: Iterable[str]) -> int:
    """Bring the index entries of these datasets up to date (marking those of deleted ones gone)."""
    written = 0
    ids = iter(sorted(set(dataset_ids)))
    while batch := list(islice(ids, BATCH)):
        # a deleted dataset leaves the index (a tombstone), as a purged one does
        datasets = ctx.session.scalars(select(Dataset).where(col(Dataset.id).in_(batch),
                                                             col(Dataset.state) != DatasetState.deleted)).all()
        written += write_docs(ctx.session.connection(), build_docs(ctx, datasets), remove=batch)
    return written


def rebuild(ctx: Context) -> int:
    """Empty the index and index every dataset again, under a new epoch; returns how many were indexed."""
    connection = ctx.session.connection()
    backend_for(connection.dialect.name).clear(connection)
    connection.execute(delete(search_value))
    connection.execute(delete(search_doc))
    connection.execute(delete(search_state))
    ctx.session.info[WRITTEN] = True
    return reindex(ctx, ctx.session.scalars(select(col(Dataset.id))).all())


def next_generation(connection: Connection) -> int:
    """Raise the index generation (holding its row until commit, so generations commit in order)."""
    statement = text("INSERT INTO search_state (id, gen, epoch) VALUES (1, 1, :epoch) "
                     "ON CONFLICT (id) DO UPDATE SET gen = search_state.gen + 1 RETURNING gen")
    return int(connection.execute(statement, {"epoch": str(uuid.uuid4())}).scalar_one())


def write_docs(connection: Connection, docs: Sequence[IndexDoc], remove: Iterable[str] = ()) -> int:
    """Replace the entries of ``remove`` and of the docs' datasets by ``docs``; the others become tombstones."""
    backend = backend_for(connection.dialect.name)
    gen = next_generation(connection)
    kept = {doc.dataset_id for doc in docs}
    existing = dict(connection.execute(
        select(search_doc.c.dataset_id, search_doc.c.rid).where(search_doc.c.dataset_id.in_(kept | set(remove)))
    ).all())
    old_rids = list(existing.values())
    if old_rids:
        connection.execute(delete(search_value).where(search_value.c.rid.in_(old_rids)))
        backend.delete_tokens(connection, old_rids)
    gone = [rid for dataset_id, rid in existing.items() if dataset_id not in kept]
    if gone:  # readers learn of a deletion from its tombstone (gen); a rebuild clears them
        connection.execute(update(search_doc).where(search_doc.c.rid.in_(gone)).values(
            deleted=True, public=False, active=False, gen=gen))
    rids = _write_rows(connection, docs, existing, gen, backend)
    values = [{"rid": rids[doc.dataset_id], "key": key, "value": value[:500]}
              for doc in docs for key, value in doc.values]
    if values:
        connection.execute(insert(search_value), values)
    backend.write_tokens(connection, [(rids[doc.dataset_id], doc.fields) for doc in docs])
    return len(docs)


def _write_rows(connection: Connection, docs: Sequence[IndexDoc], existing: dict[str, int], gen: int,
                backend: Backend) -> dict[str, int]:
    rids = {doc.dataset_id: existing[doc.dataset_id] for doc in docs if doc.dataset_id in existing}
    changed: list[dict[str, Any]] = [{**doc.row(gen), **backend.doc_values(doc.fields), "b_rid": rids[doc.dataset_id]}
                                     for doc in docs if doc.dataset_id in rids]
    if changed:
        connection.execute(update(search_doc).where(search_doc.c.rid == bindparam("b_rid")), changed)
    new = [{**doc.row(gen), **backend.doc_values(doc.fields)} for doc in docs if doc.dataset_id not in rids]
    if new:
        returned = connection.execute(
            insert(search_doc).returning(search_doc.c.dataset_id, search_doc.c.rid, sort_by_parameter_order=True),
            new)
        rids.update(dict(returned.all()))
    return rids
