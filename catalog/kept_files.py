"""Copies of checked files kept for their reports, and their removal when no longer wanted.

A file checked on the web is put in the store (by its sha256, as uploads are; see ``resource_validate``
with ``keep_file``) so that its report can show its rows, even when the file was refused as the resource's
data. Such a copy is wanted while its report speaks of the resource as it is: until the resource's file is
replaced (a run older than the resource's data), or the resource (or its dataset, purged) is deleted. Then
it is removed, unless the same bytes are wanted for something else: a file a resource serves now or served
before (the earlier bytes of a resource stay; the audit log names them), or a piece of evidence.

The actions that replace or delete call :func:`remove_unwanted_copies` (the files go once the transaction
has committed, never before); the web application's start-up calls :func:`sweep` for whatever is left
(copies kept before this existed, a crash between commit and removal, a store whose transaction failed).
A file stored in the last :data:`GRACE_SECONDS` is left alone: a request may have just stored the same
bytes and not yet committed what refers to them (the store touches a file it finds already there).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, event, or_
from sqlmodel import Session, col, select

from catalog.context import Context, open_context
from catalog.models import Resource
from catalog.models.audit import AuditEntry
from catalog.models.dictionary import ValidationRun
from catalog.models.governance import Evidence
from catalog.settings import Settings
from catalog.storage import object_key

log = logging.getLogger("banchi.storage")

GRACE_SECONDS = 600.0
_WITH_FILES = ("resource", "evidence")  # audit entity types whose snapshots name a stored file
_HASH = re.compile(r"^[0-9a-f]{64}$")


def copies_of(ctx: Context, resource_ids: Iterable[str]) -> set[str]:
    """The hashes of the files checked for these resources (what a report of theirs may have kept)."""
    ids = list(resource_ids)
    if not ids:
        return set()
    rows = ctx.session.exec(select(ValidationRun.file_sha256).where(col(ValidationRun.resource_id).in_(ids)))
    return set(rows.all())


def remove_unwanted_copies(ctx: Context, candidates: set[str]) -> None:
    """Of ``candidates`` (see :func:`copies_of`, taken before the change), remove from the store those no
    longer wanted once the change is flushed, after the transaction commits (a rollback removes nothing)."""
    ctx.session.flush()
    unwanted = sorted(candidates - wanted(ctx.session, candidates))
    if not unwanted:
        return
    storage_dir = ctx.settings.effective_storage_dir

    def remove(_session: Session) -> None:
        remove_objects(storage_dir, unwanted)

    event.listen(ctx.session, "after_commit", remove, once=True)


def wanted(session: Session, hashes: set[str] | None = None) -> set[str]:
    """Which of ``hashes`` (None: every hash the catalog knows) must stay in the store: a resource's file
    now or before, a piece of evidence, or the copy a report of a resource's current data keeps."""
    found: set[str] = set()
    for model in (Resource, Evidence):
        query = select(model.sha256).where(col(model.sha256).is_not(None))
        if hashes is not None:
            query = query.where(col(model.sha256).in_(hashes))
        found.update(h for h in session.exec(query).all() if h)
    runs = (
        select(ValidationRun.file_sha256)
        .join(Resource, col(Resource.id) == col(ValidationRun.resource_id))
        .where(or_(col(Resource.last_updated).is_(None), col(ValidationRun.created_at) >= col(Resource.last_updated)))
    )
    if hashes is not None:
        runs = runs.where(col(ValidationRun.file_sha256).in_(hashes))
    found.update(session.exec(runs).all())
    return found | _named_in_audit_log(session, hashes)


def _named_in_audit_log(session: Session, hashes: set[str] | None) -> set[str]:
    """Files a resource or evidence had (``sha256`` in an audit snapshot; a run's is ``file_sha256``)."""
    query = select(AuditEntry.before, AuditEntry.after).where(col(AuditEntry.entity_type).in_(_WITH_FILES))
    if hashes is not None:
        if not hashes:
            return set()
        texts = [cast(column, String) for column in (AuditEntry.before, AuditEntry.after)]
        query = query.where(or_(*(text.contains(h) for h in hashes for text in texts)))
    found: set[str] = set()
    for before, after in session.exec(query.execution_options(yield_per=1000)):
        found.update((_sha256_of(before), _sha256_of(after)))
    found.discard("")
    return found if hashes is None else found & hashes


def _sha256_of(record: Mapping[str, Any] | None) -> str:
    value = (record or {}).get("sha256")
    return value if isinstance(value, str) else ""


def stored_hashes(storage_dir: Path) -> set[str]:
    """Every object in the store, by hash."""
    root = storage_dir / "objects"
    if not root.is_dir():
        return set()
    return {path.name for path in root.glob("*/*/*") if _HASH.match(path.name)}


def remove_objects(storage_dir: Path, hashes: Iterable[str], grace: float | None = None) -> list[str]:
    """Remove these objects from the store, except those stored in the last ``grace`` seconds."""
    limit = time.time() - (GRACE_SECONDS if grace is None else grace)
    removed = []
    for sha256 in hashes:
        path = storage_dir / object_key(sha256)
        try:
            if path.stat().st_mtime > limit:
                continue
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(sha256)
    return removed


def sweep(settings: Settings | None = None) -> list[str]:
    """Remove every stored file nothing wants (see :func:`wanted`); returns their hashes."""
    with open_context(settings=settings) as ctx:
        storage_dir = ctx.settings.effective_storage_dir
        present = stored_hashes(storage_dir)
        unwanted = sorted(present - wanted(ctx.session)) if present else []
    removed = remove_objects(storage_dir, unwanted)
    if removed:
        log.warning("removed %d stored file(s) no resource, evidence or current report wants", len(removed))
    return removed
