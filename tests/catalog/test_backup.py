"""``banchi backup`` / ``banchi restore``: a whole registry round-trips, on SQLite and PostgreSQL and between
them, compared row by row per table and file by file (sha256); damaged, newer or altered archives and
non-empty targets are refused with nothing written."""

from __future__ import annotations

import json
import threading
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import col
from typer.testing import CliRunner

from catalog.actions.accounts import account_create, password_login, token_create
from catalog.actions.datasets import dataset_create
from catalog.actions.portals import portal_create
from catalog.backup import BackupRefused, backup, read_manifest, restore, tables
from catalog.context import open_context
from catalog.db import make_engine, normalize_url
from catalog.demo import load_demo
from catalog.migrate import upgrade
from catalog.models import AuditEntry, Dataset
from catalog.search import parse_query, search_datasets
from catalog.settings import Settings
from catalog.storage import sha256_of
from services.cli.main import app
from tests.conftest import PG_SERVER_URL
from tests.factories import dataset_input

PASSWORD = "correct horse battery"


def populate(engine: Engine, settings: Settings) -> None:
    """The demo catalog (datasets, uploaded files, a dictionary, governance records and evidence) with
    accounts, a token, a failed sign-in and a portal whose API key is stored encrypted."""
    with open_context(engine=engine, settings=settings) as ctx:
        load_demo(ctx)
        account_create(ctx, {"email": "steward@bangkok.go.th", "password": PASSWORD,
                             "roles": [{"role": "steward", "organization": "bma-hrd"}]})
        token_create(ctx, {"name": "รายงาน", "scopes": ["read"], "expires_in_days": 30}, "steward@bangkok.go.th")
        portal_create(ctx, {"name": "data-bangkok", "url": "https://data.bangkok.go.th", "api_key": "secret-key"})
    with open_context(engine=engine, settings=settings) as ctx:
        password_login(ctx, "steward@bangkok.go.th", "wrong password", "192.0.2.7")


def settings_for(engine: Engine, folder: Path) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False), data_dir=folder,
                    storage_dir=folder / "storage")


def table_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, sorted by primary key in Python (collations differ between databases)."""
    found: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in tables():
            keys = [column.name for column in table.primary_key.columns]
            rows = [dict(row._mapping) for row in connection.execute(select(table))]
            found[table.name] = sorted(rows, key=lambda row: [str(row[key]) for key in keys])
    return found


def stored_files(settings: Settings) -> dict[str, str]:
    root = settings.effective_storage_dir / "objects"
    return {path.name: sha256_of(path) for path in root.rglob("*") if path.is_file()}


def assert_same_registry(source: Engine, source_settings: Settings, copy: Engine, copy_settings: Settings) -> None:
    expected, restored = table_rows(source), table_rows(copy)
    assert set(expected) == set(restored)
    for name in expected:
        assert len(restored[name]) == len(expected[name]), name
        for before, after in zip(expected[name], restored[name], strict=True):
            assert after == before, name
    files = stored_files(source_settings)
    assert files and stored_files(copy_settings) == files
    assert all(name == digest for name, digest in files.items())
    # the search index is rebuilt from the restored rows: the same datasets are found
    with open_context(engine=source, settings=source_settings) as ctx:
        before_search = search_datasets(ctx, parse_query({"q": "ฝึกอบรม", "include_private": True}))
    with open_context(engine=copy, settings=copy_settings) as ctx:
        after_search = search_datasets(ctx, parse_query({"q": "ฝึกอบรม", "include_private": True}))
    assert before_search.count > 0
    assert [r["name"] for r in after_search.results] == [r["name"] for r in before_search.results]


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Engine]:
    """A database with nothing in it, not even the schema, of the suite's kind (SQLite or PostgreSQL)."""
    if PG_SERVER_URL:
        with new_postgres_database() as engine:
            yield engine
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'restored' / 'banchi.db'}")
        yield engine
        engine.dispose()


@contextmanager
def new_postgres_database() -> Iterator[Engine]:
    """A new, empty database on the suite's PostgreSQL server, dropped afterwards."""
    assert PG_SERVER_URL
    server = make_url(normalize_url(PG_SERVER_URL))
    name = f"banchi_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    engine = make_engine(server.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def populated(engine: Engine, settings: Settings) -> Settings:
    populate(engine, settings)
    return settings


def test_round_trip_gives_back_every_table_row_and_file(
    engine: Engine, populated: Settings, empty_database: Engine, tmp_path: Path,
) -> None:
    archive = tmp_path / "banchi-backup.zip"
    summary = backup(engine, populated, archive)
    for kind in ("dataset", "resource", "data_dictionary", "dictionary_version", "stage_event", "evidence",
                 "working_group_member", "account", "account_role", "api_token", "portal", "audit_entry",
                 "login_throttle", "audited_result"):
        assert summary.rows[kind] > 0, kind
    restored_settings = settings_for(empty_database, tmp_path / "restored")
    result = restore(empty_database, restored_settings, archive)
    assert result.rows == summary.rows and result.files == summary.files > 0
    assert_same_registry(engine, populated, empty_database, restored_settings)
    # the restored registry works: a new audit entry follows the restored ones, a sign-in succeeds
    with open_context(engine=empty_database, settings=restored_settings) as ctx:
        dataset_create(ctx, dataset_input("after-restore"))
        outcome = password_login(ctx, "steward@bangkok.go.th", PASSWORD, "192.0.2.8")
    assert outcome.raise_for_failure().name
    with empty_database.connect() as connection:  # (on PostgreSQL the id sequence continues after the restored ids)
        audit_entries = connection.scalar(select(func.count(col(AuditEntry.id))))
    assert (audit_entries or 0) > summary.rows["audit_entry"]


@pytest.mark.skipif(not PG_SERVER_URL, reason="needs PostgreSQL: set BANCHI_TEST_DATABASE_URL")
def test_sqlite_backup_restores_into_postgresql_and_back(tmp_path: Path) -> None:
    sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'source' / 'banchi.db'}")
    upgrade(sqlite_engine)
    sqlite_settings = settings_for(sqlite_engine, tmp_path / "source")
    populate(sqlite_engine, sqlite_settings)
    backup(sqlite_engine, sqlite_settings, tmp_path / "from-sqlite.zip")
    with new_postgres_database() as pg_engine:
        pg_settings = settings_for(pg_engine, tmp_path / "pg")
        restore(pg_engine, pg_settings, tmp_path / "from-sqlite.zip")
        assert_same_registry(sqlite_engine, sqlite_settings, pg_engine, pg_settings)
        backup(pg_engine, pg_settings, tmp_path / "from-postgresql.zip")
    assert read_manifest(tmp_path / "from-postgresql.zip")["database"] == "postgresql"
    back_engine = make_engine(f"sqlite:///{tmp_path / 'back' / 'banchi.db'}")
    back_settings = settings_for(back_engine, tmp_path / "back")
    restore(back_engine, back_settings, tmp_path / "from-postgresql.zip")
    assert_same_registry(sqlite_engine, sqlite_settings, back_engine, back_settings)
    sqlite_engine.dispose()
    back_engine.dispose()


def test_backup_while_writers_keep_writing_is_one_consistent_state(
    engine: Engine, populated: Settings, empty_database: Engine, tmp_path: Path,
) -> None:
    stop, written = threading.Event(), list[str]()

    def writer() -> None:
        while not stop.is_set() and len(written) < 200:
            name = f"written-during-backup-{len(written)}"
            with open_context(engine=engine, settings=populated) as ctx:
                dataset_create(ctx, dataset_input(name))
            written.append(name)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        backup(engine, populated, tmp_path / "live.zip")
    finally:
        stop.set()
        thread.join()
    restored_settings = settings_for(empty_database, tmp_path / "restored")
    restore(empty_database, restored_settings, tmp_path / "live.zip")
    with open_context(engine=empty_database, settings=restored_settings) as ctx:
        names = set(ctx.session.scalars(select(col(Dataset.name))).all())
        audited = set(ctx.session.scalars(text("SELECT entity_id FROM audit_entry WHERE action = 'dataset_create'"))
                      .all())
        ids = set(ctx.session.scalars(select(col(Dataset.id))).all())
    copied = [name for name in written if name in names]
    assert len(copied) >= 3
    assert copied == written[:len(copied)]  # a prefix of the commits: no later one without an earlier one
    assert ids == audited  # each dataset came with the audit entry of its transaction, and no entry alone


# ------------------------------------------------------------------------------------------------- faults


@pytest.fixture
def archive(engine: Engine, populated: Settings, tmp_path: Path) -> Path:
    path = tmp_path / "banchi-backup.zip"
    backup(engine, populated, path)
    return path


def assert_nothing_written(engine: Engine, settings: Settings) -> None:
    assert inspect(engine).get_table_names() == []
    assert not (settings.effective_storage_dir / "objects").exists()


def rewrite(source: Path, target: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change.get(info.filename, old.read(info.filename)))
        for name in set(change) - set(old.namelist()):
            new.writestr(name, change[name])


def refusal(engine: Engine, settings: Settings, path: Path) -> list[str]:
    with pytest.raises(BackupRefused) as refused:
        restore(engine, settings, path)
    for problem in refused.value.problems:
        assert problem.th and problem.en and problem.th != problem.en
    return [problem.code for problem in refused.value.problems]


def test_truncated_backup_is_refused_and_nothing_written(
    archive: Path, empty_database: Engine, tmp_path: Path,
) -> None:
    truncated = tmp_path / "truncated.zip"
    data = archive.read_bytes()
    truncated.write_bytes(data[: len(data) * 2 // 3])
    target = settings_for(empty_database, tmp_path / "restored")
    assert refusal(empty_database, target, truncated) == ["backup_unreadable"]
    assert_nothing_written(empty_database, target)


def test_backup_from_a_newer_schema_is_refused(archive: Path, empty_database: Engine, tmp_path: Path) -> None:
    with zipfile.ZipFile(archive) as old:
        manifest = json.loads(old.read("manifest.json"))
    manifest["schema_revisions"] = ["0999_from_the_future"]
    newer = tmp_path / "newer.zip"
    rewrite(archive, newer, {"manifest.json": json.dumps(manifest).encode()})
    target = settings_for(empty_database, tmp_path / "restored")
    assert refusal(empty_database, target, newer) == ["backup_newer_schema"]
    assert_nothing_written(empty_database, target)


def test_tampered_backup_is_refused_naming_the_member(
    archive: Path, empty_database: Engine, tmp_path: Path,
) -> None:
    with zipfile.ZipFile(archive) as old:
        accounts = old.read("tables/account.jsonl")
    tampered = tmp_path / "tampered.zip"
    rewrite(archive, tampered, {"tables/account.jsonl": accounts.replace(b'"sysadmin":false', b'"sysadmin":true')})
    target = settings_for(empty_database, tmp_path / "restored")
    with pytest.raises(BackupRefused) as refused:
        restore(empty_database, target, tampered)
    assert [p.code for p in refused.value.problems] == ["backup_tampered"]
    assert "tables/account.jsonl" in refused.value.problems[0].en
    assert_nothing_written(empty_database, target)


def test_added_or_missing_member_is_refused(archive: Path, empty_database: Engine, tmp_path: Path) -> None:
    added = tmp_path / "added.zip"
    rewrite(archive, added, {"../../etc/cron.d/evil": b"* * * * * root true\n"})
    target = settings_for(empty_database, tmp_path / "restored")
    assert refusal(empty_database, target, added) == ["backup_member_unexpected"]
    missing = tmp_path / "missing.zip"
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(missing, "w") as new:
        for info in old.infolist():
            if not info.filename.startswith("storage/"):
                new.writestr(info.filename, old.read(info.filename))
    assert set(refusal(empty_database, target, missing)) == {"backup_member_missing"}
    assert_nothing_written(empty_database, target)


def test_restore_into_a_database_with_rows_is_refused_unless_told(
    engine: Engine, archive: Path, populated: Settings, tmp_path: Path,
) -> None:
    with open_context(engine=engine, settings=populated) as ctx:
        dataset_create(ctx, dataset_input("made-after-the-backup"))
    before = table_rows(engine)
    with pytest.raises(BackupRefused) as refused:
        restore(engine, populated, archive)
    assert [p.code for p in refused.value.problems] == ["restore_not_empty"]
    assert table_rows(engine) == before
    restore(engine, populated, archive, replace=True)
    with open_context(engine=engine, settings=populated) as ctx:
        names = set(ctx.session.scalars(select(col(Dataset.name))).all())
    assert "made-after-the-backup" not in names and "annual-training-statistics" in names


def test_cli_backup_and_restore(demo: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    path = tmp_path / "cli-backup.zip"
    made = runner.invoke(app, ["backup", str(path), "--format", "json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["rows"]["dataset"] > 0
    again = runner.invoke(app, ["restore", str(path)])
    assert again.exit_code == 1
    assert "--replace" in again.output and "ไม่กู้คืนทับ" in again.output
    broken = tmp_path / "broken.zip"
    broken.write_bytes(path.read_bytes()[:1000])
    refused = runner.invoke(app, ["restore", str(broken), "--replace"])
    assert refused.exit_code == 1
    assert "อ่านไม่ได้" in refused.output and "cannot be read" in refused.output
