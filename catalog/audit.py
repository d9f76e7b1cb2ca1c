"""Writing and reading the audit log. Entries are written in the same transaction as the change."""

from __future__ import annotations

from typing import Any, overload

from sqlmodel import SQLModel, col, select

from catalog.context import Context
from catalog.models import AuditEntry


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
