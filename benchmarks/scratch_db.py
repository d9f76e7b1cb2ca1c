"""A PostgreSQL database of a benchmark's own, dropped when it is done (``BANCHI_BENCH_PG`` names the server)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalog.db import normalize_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """Creates ``<prefix>_<random>`` on the server, yields its URL, and drops it (even on failure)."""
    server = make_url(normalize_url(os.environ.get("BANCHI_BENCH_PG", DEFAULT_SERVER)))
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
