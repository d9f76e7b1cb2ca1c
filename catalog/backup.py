"""Back up a whole registry into one archive and restore it, on SQLite and PostgreSQL alike.

The archive is a ZIP file:

- ``tables/<table>.jsonl``: every row of every table of the models, one JSON object a line, in primary-key
  order; values as the models read them (times in ISO 8601 with their zone, dates as ISO dates), so a
  SQLite backup restores into PostgreSQL and back;
- ``storage/objects/…``: every stored file (uploads and evidence), under its sha256 as in the store;
- ``manifest.json``, written last: the format, the Alembic schema revision, the rows per table, and the
  sha256 and size of every other member.

The database is read as one snapshot while Banchi keeps serving: SQLite's online backup API copies the
file (readers and writers carry on; the copy is one consistent state), PostgreSQL is read in one
``REPEATABLE READ`` read-only transaction (as pg_dump does). Stored files are immutable and written before
the rows that name them commit, so the files listed after the snapshot include every one it refers to.

A restore checks the whole archive first (it opens, it is a Banchi backup of a schema this code knows,
every member's sha256 and size match the manifest, nothing is missing or added) and writes nothing when
anything is wrong. The rows go in one transaction, then the search index (derived data, not in the
archive) is rebuilt in it. A database that holds any row is refused unless ``replace`` is given.

The Fernet key that encrypts portals' API keys (``BANCHI_SECRET_KEY`` or ``secret.key``) is not in the
archive, so a stolen backup does not reveal those keys: keep the key apart, as one keeps a password.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Date, DateTime, LargeBinary, Table, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

import catalog.models
from catalog.context import SYSTEM, Context
from catalog.db import make_engine
from catalog.errors import ValidationFailed
from catalog.migrate import alembic_config, current_revisions, head_revisions, upgrade
from catalog.settings import Settings
from catalog.storage import CHUNK, object_key
from schemas.messages import Problem, render

FORMAT = "banchi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables/"
STORAGE_DIR = "storage/"
BATCH = 1000
OBJECT_NAME = re.compile(r"^storage/objects/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")

MESSAGES: dict[str, tuple[str, str]] = {
    "backup_unreadable": (
        "ไฟล์สำรองข้อมูล {file} อ่านไม่ได้ (ไฟล์ไม่ครบหรือไม่ใช่ไฟล์ ZIP): {reason}",
        "The backup {file} cannot be read (truncated, or not a ZIP file): {reason}",
    ),
    "backup_not_banchi": (
        "ไฟล์ {file} ไม่ใช่ไฟล์สำรองข้อมูลของ Banchi (ไม่มี manifest.json ที่ถูกต้อง)",
        "{file} is not a Banchi backup (no valid manifest.json)",
    ),
    "backup_newer_format": (
        "ไฟล์สำรองข้อมูลใช้รูปแบบรุ่น {version} ซึ่งใหม่กว่าที่ Banchi รุ่นนี้รู้จัก (รุ่น {known}) กรุณาใช้ Banchi รุ่นที่สร้างไฟล์นี้",
        "The backup is in format version {version}, newer than this Banchi knows ({known}): "
        "restore it with the Banchi that made it",
    ),
    "backup_newer_schema": (
        "ไฟล์สำรองข้อมูลมาจากฐานข้อมูลโครงสร้างรุ่น {revision} ซึ่ง Banchi รุ่นนี้ไม่รู้จัก (ใหม่กว่า) "
        "กรุณาปรับปรุง Banchi ก่อนกู้คืน",
        "The backup comes from database schema {revision}, which this Banchi does not know (a newer one): "
        "upgrade Banchi before restoring it",
    ),
    "backup_older_schema": (
        "ไฟล์สำรองข้อมูลมาจากโครงสร้างฐานข้อมูลรุ่น {revision} แต่ Banchi รุ่นนี้ใช้รุ่น {current} "
        "กรุณากู้คืนด้วย Banchi รุ่นเดิม แล้วสั่ง banchi init เพื่อปรับปรุง",
        "The backup comes from database schema {revision}, this Banchi is at {current}: restore it with "
        "the Banchi that made it, then upgrade with `banchi init`",
    ),
    "backup_tampered": (
        "ไฟล์สำรองข้อมูลถูกแก้ไขหรือเสียหาย: {member} ไม่ตรงกับค่า sha256 ใน manifest",
        "The backup was altered or damaged: {member} does not match its sha256 in the manifest",
    ),
    "backup_member_missing": (
        "ไฟล์สำรองข้อมูลไม่ครบ: ไม่มี {member} ที่ manifest ระบุไว้",
        "The backup is incomplete: {member}, listed in the manifest, is missing",
    ),
    "backup_member_unexpected": (
        "ไฟล์สำรองข้อมูลมี {member} ซึ่งไม่อยู่ใน manifest หรือไม่ใช่ส่วนของไฟล์สำรองข้อมูล",
        "The backup holds {member}, which the manifest does not list or a backup never holds",
    ),
    "backup_tables_differ": (
        "ตารางในไฟล์สำรองข้อมูลไม่ตรงกับโครงสร้างฐานข้อมูล: {tables}",
        "The backup's tables do not match the database schema: {tables}",
    ),
    "restore_not_empty": (
        "ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว ({rows} แถว) จะไม่กู้คืนทับ เว้นแต่สั่ง --replace (ข้อมูลเดิมทั้งหมดจะถูกแทนที่)",
        "The target database is not empty ({rows} rows): restore refuses to overwrite it unless told "
        "(--replace, which replaces everything in it)",
    ),
    "restore_schema_mismatch": (
        "ฐานข้อมูลปลายทางอยู่ที่โครงสร้างรุ่น {current} ไม่ใช่รุ่นปัจจุบัน {heads} กรุณาสั่ง banchi init ก่อน",
        "The target database is at schema {current}, not the current {heads}: run `banchi init` first",
    ),
    "restore_row_refused": (
        "ฐานข้อมูลปลายทางไม่รับแถวจากตาราง {table} ในไฟล์สำรองข้อมูล ({reason}) ไม่ได้เขียนข้อมูลใด ๆ",
        "The target database refused a row of table {table} from the backup ({reason}); nothing was written",
    ),
}


def _problem(code: str, **params: Any) -> Problem:
    return render(MESSAGES, code, "file", **params)


class BackupRefused(ValidationFailed):
    """The archive or the target database is not fit for a restore; nothing was written."""


@dataclass(frozen=True)
class BackupSummary:
    file: Path
    schema_revisions: list[str]
    rows: dict[str, int]
    files: int
    bytes: int = 0
    restored_into: str | None = None
    index_rebuilt: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.file), "schema_revisions": self.schema_revisions, "rows": self.rows,
                "files": self.files, "bytes": self.bytes, "restored_into": self.restored_into,
                "index_rebuilt": self.index_rebuilt}


def tables() -> list[Table]:
    """Every table of the models, parents before children (the order rows are restored in)."""
    return list(catalog.models.metadata.sorted_tables)


# ---------------------------------------------------------------------------------------------- backup


def backup(engine: Engine, settings: Settings, target: Path) -> BackupSummary:
    """Write the archive to ``target`` (via a temporary file beside it: a failed backup leaves nothing)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    try:
        with _snapshot(engine) as connection, zipfile.ZipFile(temp_name, "w", zipfile.ZIP_DEFLATED,
                                                              allowZip64=True) as archive:
            revisions = sorted(MigrationContext.configure(connection).get_current_heads())
            members: dict[str, dict[str, Any]] = {}
            rows: dict[str, int] = {}
            for table in tables():
                name = f"{TABLES_DIR}{table.name}.jsonl"
                count, digest, size = _write_member(archive, name, _table_lines(connection, table))
                rows[table.name] = count
                members[name] = {"sha256": digest, "size": size}
            dialect = connection.dialect.name
        # after the snapshot: every file a snapshot row names was stored before that row committed
        with zipfile.ZipFile(temp_name, "a", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            total = 0
            for key, path in _stored_objects(settings.effective_storage_dir):
                name = f"{STORAGE_DIR}{key}"
                _count, digest, size = _write_member(archive, name, _file_chunks(path), compress=False)
                members[name] = {"sha256": digest, "size": size}
                total += size
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "created": dt.datetime.now(dt.UTC).isoformat(), "database": dialect,
                "schema_revisions": revisions, "rows": rows, "members": members,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(temp_name, target)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise
    return BackupSummary(file=target, schema_revisions=revisions, rows=rows,
                         files=sum(1 for name in members if name.startswith(STORAGE_DIR)), bytes=total)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that reads one consistent state of the database while others keep writing."""
    if engine.dialect.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="banchi-backup-") as folder:
            copy_path = Path(folder) / "snapshot.db"
            source = engine.raw_connection()
            try:
                destination = sqlite3.connect(copy_path)
                try:
                    # one step (pages=-1) under one read lock: the copy is a single committed state
                    source.driver_connection.backup(destination)  # type: ignore[union-attr]
                finally:
                    destination.close()
            finally:
                source.close()
            copy = make_engine(f"sqlite:///{copy_path}")
            try:
                with copy.connect() as connection:
                    yield connection
            finally:
                copy.dispose()
        return
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(text("SET TRANSACTION READ ONLY"))
            yield connection


def _table_lines(connection: Connection, table: Table) -> Iterator[bytes]:
    encoders = [(column.name, _encoder(column.type)) for column in table.columns]
    statement = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(statement)
    for row in result:
        mapping = row._mapping
        record = {name: None if mapping[name] is None else encode(mapping[name]) for name, encode in encoders}
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _encoder(column_type: Any) -> Callable[[Any], Any]:
    if isinstance(column_type, LargeBinary):
        return lambda value: base64.b64encode(value).decode()
    if _is(column_type, DateTime) or _is(column_type, Date):
        return lambda value: value.isoformat()
    return lambda value: value


def _decoder(column_type: Any) -> Callable[[Any], Any]:
    if isinstance(column_type, LargeBinary):
        return base64.b64decode
    if _is(column_type, DateTime):
        return dt.datetime.fromisoformat
    if _is(column_type, Date):
        return dt.date.fromisoformat
    return lambda value: value


def _is(column_type: Any, kind: type) -> bool:
    """The column's type, or the type a TypeDecorator (UTCDateTime) stores through, is ``kind``."""
    impl = getattr(column_type, "impl", None)
    return isinstance(column_type, kind) or (impl is not None and isinstance(impl, kind))


def _write_member(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes],
                  compress: bool = True) -> tuple[int, str, int]:
    """Stream ``chunks`` into the member ``name``; returns (chunks written, sha256, size)."""
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    digest, size, count = hashlib.sha256(), 0, 0
    with archive.open(info, "w", force_zip64=True) as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            count += 1
            out.write(chunk)
    return count, digest.hexdigest(), size


def _stored_objects(storage_dir: Path) -> Iterator[tuple[str, Path]]:
    root = storage_dir / "objects"
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(storage_dir).as_posix(), path


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


# --------------------------------------------------------------------------------------------- restore


def read_manifest(path: Path) -> dict[str, Any]:
    """The archive's manifest after checking every member against it; refuses (nothing written) otherwise."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            return _checked_manifest(archive, path.name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise BackupRefused([_problem("backup_unreadable", file=path.name, reason=str(exc) or type(exc).__name__)]) \
            from None


def _checked_manifest(archive: zipfile.ZipFile, file_name: str) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupRefused([_problem("backup_not_banchi", file=file_name)]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("members"), dict) or not isinstance(manifest.get("rows"), dict):
        raise BackupRefused([_problem("backup_not_banchi", file=file_name)])
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupRefused([_problem("backup_newer_format", version=version, known=FORMAT_VERSION)])
    revisions = set(manifest.get("schema_revisions") or [])
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if unknown := revisions - known:
        raise BackupRefused([_problem("backup_newer_schema", revision=", ".join(sorted(unknown)))])
    if revisions != head_revisions():
        raise BackupRefused([_problem("backup_older_schema", revision=", ".join(sorted(revisions)) or "-",
                                      current=", ".join(sorted(head_revisions())))])
    problems = _member_problems(archive, manifest["members"])
    expected = {table.name for table in tables()}
    if not problems and set(manifest["rows"]) != expected:
        differ = sorted(set(manifest["rows"]) ^ expected)
        problems.append(_problem("backup_tables_differ", tables=", ".join(differ)))
    if problems:
        raise BackupRefused(problems)
    return manifest


def _member_problems(archive: zipfile.ZipFile, members: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    present = {info.filename: info for info in archive.infolist()}
    for name in sorted(set(present) - set(members) - {MANIFEST}):
        problems.append(_problem("backup_member_unexpected", member=name))
    for name, entry in sorted(members.items()):
        if not _allowed_member(name) or not isinstance(entry, dict):
            problems.append(_problem("backup_member_unexpected", member=name))
            continue
        if name not in present:
            problems.append(_problem("backup_member_missing", member=name))
            continue
        digest, size = hashlib.sha256(), 0
        try:
            with archive.open(present[name]) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except zipfile.BadZipFile:  # a CRC that no longer matches: the bytes were changed
            problems.append(_problem("backup_tampered", member=name))
            continue
        match = OBJECT_NAME.match(name)
        if digest.hexdigest() != entry.get("sha256") or size != entry.get("size") \
                or (match is not None and match.group(3) != digest.hexdigest()):
            problems.append(_problem("backup_tampered", member=name))
    return problems


def _allowed_member(name: str) -> bool:
    """Only a table of the models or a stored object by its sha256: never a path that climbs out."""
    if name.startswith(TABLES_DIR):
        return name.removeprefix(TABLES_DIR).removesuffix(".jsonl") in {table.name for table in tables()}
    match = OBJECT_NAME.match(name)
    return match is not None and match.group(1) == match.group(3)[:2] and match.group(2) == match.group(3)[2:4]


def restore(engine: Engine, settings: Settings, source: Path, *, replace: bool = False) -> BackupSummary:
    """Put the archive's rows and files into ``engine``'s database and storage (see the module's notes)."""
    source = Path(source)
    manifest = read_manifest(source)
    _prepare_schema(engine)
    with zipfile.ZipFile(source) as archive, Session(engine) as session, session.begin():
        connection = session.connection()
        held = _row_count(connection)
        if held and not replace:
            raise BackupRefused([_problem("restore_not_empty", rows=held)])
        if held:
            for table in reversed(tables()):
                connection.execute(table.delete())
        rows: dict[str, int] = {}
        for table in tables():
            rows[table.name] = _load_table(connection, table, archive)
        _reset_sequences(connection)
        objects = [name for name in manifest["members"] if name.startswith(STORAGE_DIR)]
        for name in objects:
            _restore_object(archive, name, settings.effective_storage_dir)
        from catalog.search.index import rebuild

        indexed = rebuild(Context(session=session, actor=SYSTEM, settings=settings))
    return BackupSummary(file=source, schema_revisions=manifest["schema_revisions"], rows=rows, files=len(objects),
                         restored_into=engine.url.render_as_string(hide_password=True), index_rebuilt=indexed)


def _prepare_schema(engine: Engine) -> None:
    """A new database gets the schema; one at another revision is refused (``banchi init`` first)."""
    current = current_revisions(engine)
    if not current:
        upgrade(engine)
        return
    if current != head_revisions():
        raise BackupRefused([_problem("restore_schema_mismatch", current=", ".join(sorted(current)),
                                      heads=", ".join(sorted(head_revisions())))])


def _row_count(connection: Connection) -> int:
    return sum(int(connection.execute(select(func.count()).select_from(table)).scalar_one()) for table in tables())


def _load_table(connection: Connection, table: Table, archive: zipfile.ZipFile) -> int:
    decoders = {column.name: _decoder(column.type) for column in table.columns}
    records: Iterator[dict[str, Any]] = (
        {name: None if value is None else decoders[name](value) for name, value in json.loads(line).items()}
        for line in _member_lines(archive, f"{TABLES_DIR}{table.name}.jsonl")
    )
    self_references = [fk for fk in table.foreign_keys if fk.column.table is table]
    if self_references:  # a parent row goes in before its children (organizations' hierarchy)
        records = iter(_parents_first(list(records), table, self_references[0].parent.name))
    count = 0
    batch: list[dict[str, Any]] = []
    try:
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH:
                connection.execute(table.insert(), batch)
                count, batch = count + len(batch), []
        if batch:
            connection.execute(table.insert(), batch)
            count += len(batch)
    except DBAPIError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise BackupRefused([_problem("restore_row_refused", table=table.name, reason=reason)]) from None
    return count


def _member_lines(archive: zipfile.ZipFile, name: str) -> Iterator[str]:
    with archive.open(name) as member:
        yield from io.TextIOWrapper(member, encoding="utf-8")


def _parents_first(records: list[dict[str, Any]], table: Table, parent_column: str) -> list[dict[str, Any]]:
    key = next(iter(table.primary_key.columns)).name
    by_id = {record[key]: record for record in records}
    ordered: list[dict[str, Any]] = []
    placed: set[Any] = set()

    def place(record: dict[str, Any], trail: frozenset[Any]) -> None:
        if record[key] in placed:
            return
        parent = record.get(parent_column)
        if parent in by_id and parent not in trail:
            place(by_id[parent], trail | {record[key]})
        placed.add(record[key])
        ordered.append(record)

    for record in records:
        place(record, frozenset())
    return ordered


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: identity/serial counters continue after the restored ids (SQLite follows max(rowid))."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and _is_integer(column.type)):
                sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                              {"t": table.name, "c": column.name}).scalar()
                if sequence:
                    connection.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") '
                                            f'FROM "{table.name}"), 0) + 1, false)'), {"s": sequence})


def _is_integer(column_type: Any) -> bool:
    try:
        return column_type.python_type is int
    except NotImplementedError:
        return False


def _restore_object(archive: zipfile.ZipFile, name: str, storage_dir: Path) -> None:
    key = name.removeprefix(STORAGE_DIR)
    sha256 = key.rsplit("/", 1)[-1]
    target = storage_dir / object_key(sha256)
    if target.exists():
        return  # the same bytes are already stored (objects are immutable)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
    try:
        with os.fdopen(handle, "wb") as out, archive.open(name) as member:
            _copy(member, out)
        os.replace(temp_name, target)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise


def _copy(source: IO[bytes], target: IO[bytes]) -> None:
    while chunk := source.read(CHUNK):
        target.write(chunk)
