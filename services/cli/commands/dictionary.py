"""``banchi dictionary``: infer a draft, diff two versions, export and import the Excel template.

Exit codes: 0 done, 1 (diff only) breaking changes found, 2 bad input. Files are written whole or
not at all (a temporary file renamed into place).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from dictionaries.diff import diff, is_breaking
from dictionaries.excel import export_xlsx, import_xlsx
from dictionaries.infer import infer
from dictionaries.model import Dictionary, load_schema_json, parse_schema
from schemas.messages import ProblemsError
from services.cli.output import OutputFormat, console, fail, print_json, print_table

dictionary_app = typer.Typer(help="Data dictionaries / พจนานุกรมข้อมูล", no_args_is_help=True)
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="write the Table Schema JSON here")]


def _write_atomically(path: Path, write: Any) -> None:
    """``write(temp_path)`` then rename over ``path``: readers never see half a file."""
    handle, temp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=path.suffix)
    os.close(handle)
    try:
        write(Path(temp))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _save_schema(dictionary: Dictionary, output: Path) -> None:
    text = json.dumps(dictionary.to_table_schema(), ensure_ascii=False, indent=2) + "\n"
    _write_atomically(output, lambda temp: temp.write_text(text, "utf-8"))


def _show_fields(title: str, dictionary: Dictionary) -> None:
    rows = [
        (f.name, f.identifier or "", f.title or "", f.type if f.format == "default" else f"{f.type}/{f.format}",
         "✓" if f.required else "", "✓" if f.personal_data else "")
        for f in dictionary.fields
    ]
    columns = ["ชื่อฟิลด์/name", "ชื่อระบบ/identifier", "ชื่อ/title", "type", "ต้องมี/required", "PDPA"]
    print_table(title, columns, rows)


def _load(path: Path) -> Dictionary:
    return parse_schema(load_schema_json(path))


@dictionary_app.command("infer")
def infer_command(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX sample / ไฟล์ตัวอย่าง")],
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first)")] = None,
    output: OutputOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Infer a draft dictionary from a sample file. / สร้างร่างพจนานุกรมจากไฟล์ตัวอย่าง"""
    as_json = fmt is OutputFormat.json
    try:
        result = infer(file, sheet=sheet)
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json, exit_code=2)
    if output:
        _save_schema(result.dictionary, output)
    if as_json:
        print_json(result.dictionary.to_table_schema())
        return
    source = f"sheet {result.sheet}"
    if result.encoding:
        source = f"encoding {result.encoding}, delimiter “{result.delimiter}”"
    _show_fields(f"ร่างพจนานุกรม / Draft dictionary ({result.rows_sampled:,} rows, {source})", result.dictionary)
    if output:
        console.print(f"บันทึกแล้ว / saved: {output}")


@dictionary_app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="older version (Table Schema JSON)")],
    new: Annotated[Path, typer.Argument(help="newer version (Table Schema JSON)")],
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the changes between two versions; exit 1 when one breaks existing data. / เปรียบเทียบสองฉบับ"""
    as_json = fmt is OutputFormat.json
    try:
        changes = diff(_load(old), _load(new))
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json, exit_code=2)
    breaking = is_breaking(changes)
    if as_json:
        print_json({"breaking": breaking, "changes": [c.model_dump() for c in changes]})
    else:
        rows = [("⚠ breaking" if c.breaking else "ok", c.kind, c.field or "", c.th, c.en) for c in changes]
        print_table("การเปลี่ยนแปลง / Changes", ["", "kind", "field", "ภาษาไทย", "English"], rows)
        verdict = "กระทบข้อมูลเดิม / breaks existing data" if breaking else "ไม่กระทบข้อมูลเดิม / compatible"
        console.print(f"{len(changes)} การเปลี่ยนแปลง / changes: {verdict}")
    raise typer.Exit(1 if breaking else 0)


@dictionary_app.command("export-xlsx")
def export_command(
    schema: Annotated[Path, typer.Argument(help="Table Schema JSON")],
    output: Annotated[Path, typer.Argument(help="the XLSX template to write")],
) -> None:
    """Export a dictionary as an Excel template to fill in. / ส่งออกเป็นแม่แบบ Excel"""
    try:
        dictionary = _load(schema)
    except ProblemsError as exc:
        fail(exc.problems, exit_code=2)
    _write_atomically(output, lambda temp: export_xlsx(dictionary, temp))
    console.print(f"ส่งออกแล้ว / exported {len(dictionary.fields)} fields: {output}")


@dictionary_app.command("import-xlsx")
def import_command(
    file: Annotated[Path, typer.Argument(help="a filled-in Excel template")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check only, write nothing")] = False,
    output: OutputOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Import a filled-in Excel template; every bad row is reported. / นำเข้าแม่แบบ Excel"""
    as_json = fmt is OutputFormat.json
    try:
        dictionary = import_xlsx(file)
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json, exit_code=2)
    if output and not dry_run:
        _save_schema(dictionary, output)
    if as_json:
        print_json({"dryRun": dry_run, "schema": dictionary.to_table_schema()})
        return
    _show_fields("นำเข้า / Imported" + (" (dry run: nothing written)" if dry_run else ""), dictionary)
    if output and not dry_run:
        console.print(f"บันทึกแล้ว / saved: {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(dictionary_app, name="dictionary")
