"""``banchi backup FILE`` and ``banchi restore FILE``: the whole registry in one archive and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.backup import BackupSummary, backup, restore
from catalog.db import get_engine
from catalog.migrate import is_up_to_date
from catalog.settings import get_settings
from schemas.messages import Problem, ProblemsError
from services.cli.output import OutputFormat, console, fail, print_json


def backup_command(
    file: Annotated[Path, typer.Argument(help="the archive to write (a ZIP file)")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")] = OutputFormat.table,
) -> None:
    """Back up every table, stored file and the schema revision into one archive, while Banchi keeps
    serving. / สำรองข้อมูลทั้งระบบ (ฐานข้อมูลและไฟล์) เป็นไฟล์เดียว"""
    as_json = output is OutputFormat.json
    engine = get_engine()
    if not is_up_to_date(engine):
        fail([Problem(code="database_not_ready", th="ฐานข้อมูลยังไม่พร้อมใช้งาน กรุณาสั่ง banchi init ก่อน",
                      en="The database is not set up or not up to date: run `banchi init` first")],
             as_json=as_json, exit_code=2)
    summary = backup(engine, get_settings(), file)
    _report(summary, as_json, "สำรองข้อมูลแล้ว / Backed up")


def restore_command(
    file: Annotated[Path, typer.Argument(help="an archive `banchi backup` wrote")],
    replace: Annotated[bool, typer.Option("--replace", help="replace everything in a database that is not empty")]
    = False,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")] = OutputFormat.table,
) -> None:
    """Restore an archive into an empty database (every check passes first, or nothing is written).
    / กู้คืนข้อมูลจากไฟล์สำรองลงฐานข้อมูลว่าง"""
    as_json = output is OutputFormat.json
    if not file.is_file():
        fail([Problem(field="file", code="file_not_found", th=f"ไม่พบไฟล์ {file}", en=f"No such file: {file}")],
             as_json=as_json, exit_code=2)
    settings = get_settings()
    settings.effective_storage_dir.mkdir(parents=True, exist_ok=True)
    try:
        summary = restore(get_engine(), settings, file, replace=replace)
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json)
    _report(summary, as_json, "กู้คืนแล้ว / Restored")


def _report(summary: BackupSummary, as_json: bool, heading: str) -> None:
    if as_json:
        print_json(summary.as_dict())
        return
    rows = sum(summary.rows.values())
    console.print(f"{heading}: {summary.file} — {rows:,} rows in {len(summary.rows)} tables, "
                  f"{summary.files:,} files; schema {', '.join(summary.schema_revisions)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
