"""Optimistic concurrency: an update carries the version its editor saw; a stale one is refused."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import SQLModel

from catalog.context import Context
from catalog.errors import Conflict


def claim_next_version(ctx: Context, record: SQLModel, kind: str, key: str, expected: int | None) -> int:
    """Atomically move ``record`` from ``expected`` to the next version, or raise Conflict.

    The guarded UPDATE (``WHERE version = expected``) makes two editors who saw the same version
    race safely on both databases: exactly one wins, the other gets a conflict and loses nothing.
    ``expected=None`` means "whatever is current" (a command-line edit without --version).
    """
    model = type(record)
    current = record.version  # type: ignore[attr-defined]
    seen = current if expected is None else expected
    if seen != current:
        raise Conflict(kind, key, seen, current)
    # an UPDATE's result is a CursorResult, which alone has rowcount; Session.execute is typed for any statement
    result = cast("CursorResult[Any]", ctx.session.execute(
        update(model)
        .where(model.id == record.id, model.version == seen)  # type: ignore[attr-defined]
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    ))
    if result.rowcount != 1:
        ctx.session.refresh(record)
        raise Conflict(kind, key, seen, record.version)  # type: ignore[attr-defined]
    record.version = seen + 1
    return seen + 1
