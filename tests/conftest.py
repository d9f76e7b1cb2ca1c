"""Fixtures shared by every test: a migrated database on SQLite (default) or PostgreSQL.

Set ``BANCHI_TEST_DATABASE_URL`` to a PostgreSQL server URL (any database on it; the tests create
and drop their own) to run the whole suite on PostgreSQL, as ``.ci/run`` does.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from catalog.context import SYSTEM, Actor, Context, open_context
from catalog.db import engine_for, make_engine, normalize_url
from catalog.migrate import upgrade
from catalog.settings import Settings, get_settings

PG_SERVER_URL = os.environ.get("BANCHI_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"banchi database backend: {'postgresql' if PG_SERVER_URL else 'sqlite'}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per run: a SQLite file to copy, or a PostgreSQL database to truncate."""
    if PG_SERVER_URL:
        server = make_url(normalize_url(PG_SERVER_URL))
        name = f"banchi_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(engine_for(url))
        yield url
        engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)


@pytest.fixture
def engine(database_template: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database for one test."""
    if PG_SERVER_URL:
        engine = engine_for(database_template)
        with engine.begin() as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    text("SELECT tablename FROM pg_tables "
                         "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
                )
            ]
            if tables:
                quoted = ", ".join(f'"{table}"' for table in tables)
                connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        yield engine
    else:
        path = tmp_path / "banchi.db"
        shutil.copyfile(database_template, path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        data_dir=tmp_path,
        storage_dir=tmp_path / "storage",
    )


OpenContext = Callable[..., AbstractContextManager[Context]]


@pytest.fixture
def open_ctx(engine: Engine, settings: Settings) -> OpenContext:
    """``with open_ctx() as ctx:`` — one transaction on the test database (as SYSTEM unless told)."""

    def opener(actor: Actor = SYSTEM, **kwargs: object) -> AbstractContextManager[Context]:
        return open_context(actor, engine=engine, settings=settings, **kwargs)  # type: ignore[arg-type]

    return opener


@pytest.fixture
def demo(banchi_env: Settings, open_ctx: OpenContext) -> Settings:
    """The demo catalog in the test database, seen by commands and the web app alike."""
    from catalog.demo import load_demo

    with open_ctx() as ctx:
        load_demo(ctx)
    return banchi_env


@pytest.fixture
def banchi_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The environment a `banchi` command or the web app sees, pointed at the test database."""
    monkeypatch.setenv("BANCHI_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("BANCHI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BANCHI_STORAGE_DIR", str(settings.effective_storage_dir))
    # the suite calls from one address far faster than any client; the tests of the limits set their own
    monkeypatch.setenv("BANCHI_RATE_LIMIT_API", "1000000/minute")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
