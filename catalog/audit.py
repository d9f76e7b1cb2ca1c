"""Writing and reading the audit log. Entries are written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
from typing import Any, overload

from sqlmodel import SQLModel, col, select

from catalog.context import Context
from catalog.models import AuditEntry, Dataset, DatasetState
from schemas.metadata import is_openly_publishable

# a dataset's changes as CKAN's activity stream names them
ACTIVITY_TYPES = {"dataset_create": "new package", "dataset_update": "changed package",
                  "dataset_publish": "new package", "dataset_withdraw": "deleted package",
                  "dataset_restore": "changed package", "dataset_delete": "deleted package"}
# the audit actions of the lifecycle's moves (catalog.actions.datasets.TRANSITIONS), each before and after a state
LIFECYCLE_ACTIONS = ("dataset_publish", "dataset_withdraw", "dataset_restore", "dataset_delete")


@overload
def snapshot(record: SQLModel) -> dict[str, Any]: ...
@overload
def snapshot(record: None) -> None: ...
def snapshot(record: SQLModel | None) -> dict[str, Any] | None:
    return None if record is None else record.model_dump(mode="json")


def record_change(
    ctx: Context,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=ctx.now(), actor=ctx.actor.name, action=action, entity_type=entity_type, entity_id=entity_id,
        before=before, after=after, reason=reason,
    )
    ctx.session.add(entry)
    return entry


def audit_log(
    ctx: Context, *, entity_type: str | None = None, entity_id: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(ctx.session.exec(query))


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def public_dataset_activity(ctx: Context, dataset: Dataset, *, limit: int, offset: int) -> list[AuditEntry]:
    """The changes of a dataset that the public may know of, newest first: those after which it was public
    (a change made while it was not public, and the entries of its resources, are left out). The entries'
    snapshots are not for the public: callers show only what the dataset shows now."""
    profile = ctx.profile_for(dataset.profile)
    entries = ctx.session.exec(select(AuditEntry).where(
        AuditEntry.entity_type == "dataset", AuditEntry.entity_id == dataset.id,
        col(AuditEntry.action).in_(list(ACTIVITY_TYPES))).order_by(col(AuditEntry.id).desc())).all()

    def public_after(entry: AuditEntry) -> bool:
        after = entry.after or {}
        return (entry.action in ("dataset_withdraw", "dataset_delete") and _was_public(entry.before, profile)) or (
            after.get("state") == DatasetState.active and _was_public(after, profile))

    return [entry for entry in entries if public_after(entry)][offset:offset + limit]


def _was_public(record: dict[str, Any] | None, profile: Any) -> bool:
    record = record or {}
    return record.get("state") == DatasetState.active and not record.get("private") and is_openly_publishable(
        {"data_category": record.get("data_category"), "data_classification": record.get("data_classification")},
        profile)


def dataset_state_at(ctx: Context, dataset: Dataset, moment: dt.datetime) -> str:
    """The lifecycle state ``dataset`` was in at ``moment``, from the log: the state its first move after that
    moment started from, or its state now when it has not moved since (a dataset stored before the lifecycle
    was recorded keeps the state it has)."""
    entry = ctx.session.exec(select(AuditEntry).where(
        AuditEntry.entity_type == "dataset", AuditEntry.entity_id == dataset.id,
        col(AuditEntry.action).in_(LIFECYCLE_ACTIONS), col(AuditEntry.at) > moment,
    ).order_by(col(AuditEntry.id)).limit(1)).first()
    if entry is not None and entry.before and entry.before.get("state"):
        return str(entry.before["state"])
    return str(dataset.state)
