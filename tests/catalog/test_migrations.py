"""The schema is made by migrations only: up from empty gives exactly the models' tables."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

import catalog.models
from catalog.db import make_engine
from catalog.migrate import current_revisions, head_revisions, is_up_to_date, upgrade
from catalog.search.schema import include_object


def test_upgrade_from_empty_sqlite_reaches_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert current_revisions(engine) == set()
    upgrade(engine)
    assert is_up_to_date(engine)
    assert set(catalog.models.metadata.tables) <= set(inspect(engine).get_table_names())
    upgrade(engine)  # running it again is harmless
    assert current_revisions(engine) == head_revisions()
    assert len(head_revisions()) == 1, "branches of the history are merged (alembic merge heads)"


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    """Autogenerate finds nothing to add: every model change came with its migration (SQLite and PostgreSQL)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False, "include_object": include_object})
        differences = compare_metadata(context, catalog.models.metadata)
    assert differences == []
