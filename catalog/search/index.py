"""Writing the index: always in the caller's transaction, so the index and the catalog never disagree.

``reindex_after_flush`` runs on every ORM flush (registered in catalog/models/search.py): whatever the
flush wrote to a dataset, its resources, its organization, its stage or its dictionary is re-indexed on
the same connection before the transaction can commit; a rollback takes the index change back with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlmodel import Session, col

from catalog.context import SYSTEM, Context
from catalog.models import Dataset, Organization
from catalog.search.backends import backend_for
from catalog.search.documents import IndexDoc, build_docs
from catalog.search.schema import search_doc, search_value
from catalog.settings import get_settings

BATCH = 500
# tables whose rows carry a dataset_id and whose change changes what the index says of that dataset
DEPENDENT_TABLES = frozenset({"resource", "dataset_stage", "dictionary_version"})


def reindex_after_flush(session: Session) -> None:
    dataset_ids: set[str] = set()
    org_ids: set[str] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Dataset):
            dataset_ids.add(obj.id)
        elif isinstance(obj, Organization):
            org_ids.add(obj.id)
        elif getattr(obj, "__tablename__", None) in DEPENDENT_TABLES and getattr(obj, "dataset_id", None):
            dataset_ids.add(obj.dataset_id)
    if not dataset_ids and not org_ids:
        return
    # a second session on the same connection reads what this flush wrote, without flushing this one again
    with Session(bind=session.connection(), autoflush=False) as reader:
        ctx = Context(session=reader, actor=SYSTEM, settings=get_settings())
        if org_ids:
            dataset_ids |= set(reader.scalars(select(Dataset.id).where(col(Dataset.owner_org_id).in_(org_ids))))
        reindex(ctx, dataset_ids)


def reindex(ctx: Context, dataset_ids: Iterable[str]) -> int:
    """Bring the index entries of these datasets up to date (removing those of deleted ones)."""
    written = 0
    ids = iter(sorted(set(dataset_ids)))
    while batch := list(islice(ids, BATCH)):
        datasets = ctx.session.scalars(select(Dataset).where(col(Dataset.id).in_(batch))).all()
        written += write_docs(ctx.session.connection(), build_docs(ctx, datasets), remove=batch)
    return written


def rebuild(ctx: Context) -> int:
    """Empty the index and index every dataset again; returns how many were indexed."""
    connection = ctx.session.connection()
    backend_for(connection.dialect.name).clear(connection)
    connection.execute(delete(search_value))
    connection.execute(delete(search_doc))
    return reindex(ctx, ctx.session.scalars(select(Dataset.id)).all())


def write_docs(connection: Connection, docs: Sequence[IndexDoc], remove: Iterable[str] = ()) -> int:
    """Replace the entries of ``remove`` and of the docs' datasets by ``docs``."""
    backend = backend_for(connection.dialect.name)
    wanted = {doc.dataset_id for doc in docs} | set(remove)
    existing = dict(connection.execute(
        select(search_doc.c.dataset_id, search_doc.c.rid).where(search_doc.c.dataset_id.in_(wanted))).all())
    old_rids = list(existing.values())
    if old_rids:
        connection.execute(delete(search_value).where(search_value.c.rid.in_(old_rids)))
        backend.delete_tokens(connection, old_rids)
    gone = [rid for dataset_id, rid in existing.items() if dataset_id not in {doc.dataset_id for doc in docs}]
    if gone:
        connection.execute(delete(search_doc).where(search_doc.c.rid.in_(gone)))
    rids = _write_rows(connection, docs, existing)
    values = [{"rid": rids[doc.dataset_id], "key": key, "value": value[:500], "public": doc.public,
               "active": doc.active, "org_id": doc.org_id} for doc in docs for key, value in doc.values]
    if values:
        connection.execute(insert(search_value), values)
    backend.write_tokens(connection, [{"rid": rids[doc.dataset_id], "tokens": doc.all_tokens()} for doc in docs])
    return len(docs)


def _write_rows(connection: Connection, docs: Sequence[IndexDoc], existing: dict[str, int]) -> dict[str, int]:
    rids = {doc.dataset_id: existing[doc.dataset_id] for doc in docs if doc.dataset_id in existing}
    changed: list[dict[str, Any]] = [{**doc.row(), "b_rid": rids[doc.dataset_id]} for doc in docs
                                     if doc.dataset_id in rids]
    if changed:
        connection.execute(update(search_doc).where(search_doc.c.rid == bindparam("b_rid")), changed)
    new = [doc.row() for doc in docs if doc.dataset_id not in rids]
    if new:
        returned = connection.execute(
            insert(search_doc).returning(search_doc.c.dataset_id, search_doc.c.rid, sort_by_parameter_order=True),
            new)
        rids.update(dict(returned.all()))
    return rids
