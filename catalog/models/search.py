"""No tables of its own (the search index is made by migration 0006, see catalog/search/schema.py): this
module hooks index maintenance onto every ORM flush. It lives here because ``catalog.models`` is imported
wherever data is written, so no write can miss the hook; the actions need not know about the index."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@event.listens_for(Session, "after_flush")
def _keep_search_index_in_step(session: Session, _flush_context: Any) -> None:
    from catalog.search.index import reindex_after_flush  # imported late: it builds on the actions

    reindex_after_flush(session)  # type: ignore[arg-type]
