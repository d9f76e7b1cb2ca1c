"""``banchi validate DATAFILE [--schema SCHEMA.json]``: check a CSV or XLSX file against a dictionary,
or without one only its structure (headers, missing or extra cells, blank rows, encoding).

Exit codes: 0 valid, 1 invalid, 2 bad input (unreadable file or schema). Long runs show a progress
bar on stderr, so ``--format json`` output stays clean.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from services.cli.formats import OutputFormat

if TYPE_CHECKING:
    from dictionaries.validate import Report

PROGRESS_FROM_BYTES = 5 << 20
SHOWN_ERRORS = 50


def _summary(report: Report) -> None:
    from services.cli.output import console, err_console, print_table

    verdict = "[bold green]ผ่าน / valid[/]" if report.valid else "[bold red]ไม่ผ่าน / invalid[/]"
    stats, quality = report.stats, report.quality
    errors = report.distinct_errors()  # a missing required cell is one problem, though frictionless lists two
    if report.source.get("structureOnly"):
        console.print("ตรวจเฉพาะโครงสร้างไฟล์ (ไม่มีพจนานุกรมข้อมูล) / structure only (no data dictionary)")
    for warning in report.warnings:
        err_console.print(f"[yellow]{warning}[/]", highlight=False)
    console.print(
        f"{verdict}  {stats.rows:,} แถว/rows  {len(errors):,} ข้อผิดพลาด/errors  "
        f"ความถูกต้อง/validity {quality.validity}%  ความครบถ้วน/completeness {quality.completeness}%",
        highlight=False,
    )
    if errors:
        rows = [
            (e.row_number or "", e.field_title or e.field_name or "", e.rule or e.type, f"{e.message_th}\n{e.message}")
            for e in errors[:SHOWN_ERRORS]
        ]
        print_table("ข้อผิดพลาด / Errors", ["แถว/row", "คอลัมน์/column", "กฎ/rule", "ข้อความ/message"], rows)
        if len(errors) > SHOWN_ERRORS:
            more = len(errors) - SHOWN_ERRORS
            console.print(f"… และอีก / and {more:,} (ดูทั้งหมดด้วย / see all with --format json)")


def _print_report(data: dict[str, Any]) -> None:
    """The report as indented JSON, each error on a line of its own: json's C encoder writes those lines
    (it cannot indent; the Python one that can took 0.1 s for 2,000 errors)."""
    import json

    errors = data["errors"]
    marker = "\u0000errors\u0000"
    shown = {key: marker if key == "errors" else value for key, value in data.items()}
    head = json.dumps(shown, ensure_ascii=False, indent=2, default=str)
    lines = ",\n".join("    " + json.dumps(e, ensure_ascii=False, default=str) for e in errors)
    body = f"[\n{lines}\n  ]" if errors else "[]"
    sys.stdout.write(head.replace(json.dumps(marker), body, 1) + "\n")
    sys.stdout.flush()


def _references(specs: list[str]) -> dict[str, Any]:
    """``NAME=DATAFILE:SCHEMA`` options as the engine's references; a malformed one is named."""
    if not specs:
        return {}
    from dictionaries.messages import problem
    from schemas.messages import ProblemsError

    Reference = _engine().Reference
    found: dict[str, Any] = {}
    for spec in specs:
        name, _, rest = spec.partition("=")
        datafile, _, schema = rest.rpartition(":")
        if not name or not datafile or not schema:
            raise ProblemsError([problem("bad_reference_option", value=spec)])
        found[name] = Reference(Path(datafile), Path(schema))
    return found


@contextmanager
def _without_pydantic_plugins() -> Iterator[None]:
    """Models defined meanwhile are built without looking for pydantic plugins, as typer builds its
    own: the look reads the metadata of every installed distribution (20-30 ms), and Banchi uses none."""
    name = "PYDANTIC_DISABLE_PLUGINS"
    before = os.environ.get(name)
    os.environ[name] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def _engine() -> Any:
    """The engine's package, imported when a file is validated (NumPy and Arrow stay off the ``--help``
    path). NumPy's OpenBLAS starts a thread per core when loaded (20-50 ms) for linear algebra validation
    never does: one is asked for, unless the environment says otherwise.

    The first time in a process, the collector rests while the modules load (their objects are not
    garbage), and then freezes them: its passes during validation, and the last one at exit, no
    longer go through every object of NumPy, Arrow and pydantic (~0.1 s of a one-second run)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    first = "dictionaries.validate" not in sys.modules
    collecting = gc.isenabled()
    if first:
        gc.disable()
    try:
        with _without_pydantic_plugins():
            import dictionaries.validate as package
    finally:
        if first and collecting:
            gc.freeze()
            gc.enable()
    return package


def validate(*args: Any, **options: Any) -> Report:
    """Run the engine (see :func:`_engine`)."""
    report: Report = _engine().validate(*args, **options)
    return report


def stderr_is_terminal() -> bool:
    """Whether people watch stderr (Rich's own test, without loading Rich when they do not)."""
    if sys.stderr.isatty():
        from services.cli.output import err_console

        return err_console.is_terminal
    return False


def run_validation(
    datafile: Path, schema: Any | None, sheet: str | None, encoding: str | None, **options: Any
) -> Report:
    """Validate with a progress bar on stderr when the file is large and stderr is a terminal (a bar
    nobody sees would only slow the run: it makes Arrow read through Python to count the bytes)."""
    small = not datafile.is_file() or datafile.stat().st_size < PROGRESS_FROM_BYTES
    if small or not stderr_is_terminal():
        return validate(datafile, schema, sheet=sheet, encoding=encoding, **options)
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from services.cli.output import err_console

    columns = (TextColumn("ตรวจ / validating"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("validate", total=datafile.stat().st_size)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return validate(datafile, schema, sheet=sheet, encoding=encoding, progress=advance, **options)


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate_command(
        datafile: Annotated[Path, typer.Argument(help="CSV or XLSX file / ไฟล์ข้อมูล")],
        schema: Annotated[
            Path | None,
            typer.Option("--schema", "-s", help="Table Schema JSON (data dictionary); without it: structure only"),
        ] = None,
        sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first)")] = None,
        encoding: Annotated[str | None, typer.Option(help="CSV encoding (default: detected)")] = None,
        match_titles: Annotated[
            bool, typer.Option(help="accept the Thai titles as column headers (frictionless: names only)")
        ] = False,
        reference: Annotated[
            list[str] | None,
            typer.Option(help="another resource a foreign key refers to: NAME=DATAFILE:SCHEMA.json (repeatable)"),
        ] = None,
        name: Annotated[str | None, typer.Option(help="this resource's name (a foreign key may refer to it)")] = None,
        output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")] = OutputFormat.table,
    ) -> None:
        """Validate a data file, with or without a data dictionary. / ตรวจไฟล์ข้อมูล ตามพจนานุกรมข้อมูลหรือเฉพาะโครงสร้าง"""
        with _without_pydantic_plugins():
            from schemas.messages import ProblemsError

        as_json = output is OutputFormat.json
        # the file's sha256 on the other core while Arrow and NumPy load (a third of a second on this one)
        from dictionaries.digest import FileDigest

        digest = FileDigest(datafile) if datafile.is_file() else None
        try:
            references = _references(reference or [])
            report = run_validation(datafile, schema, sheet, encoding, match_titles=match_titles,
                                    references=references, resource_name=name, digest=digest)
        except ProblemsError as exc:
            from services.cli.output import fail

            fail(exc.problems, as_json=as_json, exit_code=2)
        except KeyboardInterrupt:
            from services.cli.output import err_console

            err_console.print("ยกเลิกแล้ว ไม่มีการบันทึกใด ๆ / cancelled, nothing was stored")
            raise typer.Exit(130) from None
        if as_json:
            _print_report(report.to_json())
        else:
            _summary(report)
        raise typer.Exit(0 if report.valid else 1)
