"""``banchi catalog import|export``: the catalog as the GD Catalog Excel template, its export, CSV, JSON Lines."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from catalog.actions.catalog_export import catalog_snapshot
from catalog.actions.catalog_import import ImportReport, catalog_import
from schemas.excel_template import NOTES_SHEET, ExportNote
from schemas.messages import Problem, ProblemsError
from services.cli.output import OutputFormat, console, err_console, fail, print_json, print_table
from services.cli.session import action_context
from services.excel.reader import read_catalog_workbook
from services.excel.writer import write_gdc_export, write_template
from services.exports.catalog_csv import write_catalog_csv
from services.exports.catalog_jsonl import write_catalog_jsonl

catalog_app = typer.Typer(help="Catalog workbooks / นำเข้าและส่งออกบัญชีข้อมูล", no_args_is_help=True)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
OrgOption = Annotated[str | None, typer.Option("--org", help="organization (URL name or title)")]


class Layout(StrEnum):
    template = "template"  # NSO's template (Temp2_Meta_* / Temp3_Resource_*), importable again
    gdc_export = "gdc-export"  # the GD Catalog's export: one sheet per type, named with the Thai type


@catalog_app.command("import")
def import_catalog(
    file: Annotated[Path, typer.Argument(help="workbook in the GD Catalog Excel template (.xlsx)")],
    organization: OrgOption = None,
    create_organizations: Annotated[bool, typer.Option(
        "--create-organizations", help="create organizations the registry does not have yet")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check everything, write nothing")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="write rows over datasets and resources changed since the workbook was exported "
                        "(each such change is marked in the audit log)")] = False,
    template_org: Annotated[str | None, typer.Option(
        "--template-org", help="import only the rows whose owner_org cell is this text (and their resources), "
                               "as thai_gdc's template_org does")] = None,
    publish: Annotated[bool, typer.Option(
        "--publish", help="publish the workbook's datasets (each must have the mandatory metadata); without it "
                          "new datasets are drafts / เผยแพร่ชุดข้อมูลที่นำเข้า (ไม่ระบุ: เป็นฉบับร่าง)")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Import datasets and resources from the GD Catalog Excel template; all or nothing. / นำเข้าบัญชีข้อมูล"""
    as_json = output is OutputFormat.json
    try:
        content = read_catalog_workbook(file)
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json)
    if not as_json:
        _print_warnings(content.warnings)
    with action_context(as_json=as_json) as ctx:
        report = catalog_import(ctx, content, organization=organization,
                                create_organizations=create_organizations, dry_run=dry_run, force=force,
                                template_org=template_org, publish=publish)
    if as_json:
        print_json({"success": True, **report.model_dump(mode="json")})
    else:
        _print_report(report)


@catalog_app.command("export")
def export_catalog(
    file: Annotated[Path, typer.Argument(help=".xlsx, .csv or .jsonl")],
    layout: Annotated[Layout, typer.Option(help="workbook layout (.xlsx only)")] = Layout.template,
    organization: OrgOption = None,
    withdrawn: Annotated[bool, typer.Option("--withdrawn", help="include withdrawn datasets")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Export the catalog: Excel template or GD Catalog export, CSV, or JSON Lines. / ส่งออกบัญชีข้อมูล"""
    as_json = output is OutputFormat.json
    suffix = file.suffix.lower()
    if suffix not in (".xlsx", ".csv", ".jsonl"):
        fail([Problem(field="file", code="unknown_export_format", value=str(file),
                      th=f"ไม่รู้จักชนิดไฟล์ {file.name} (ใช้ .xlsx .csv หรือ .jsonl)",
                      en=f"Unknown export file type {file.name} (use .xlsx, .csv or .jsonl)")],
             as_json=as_json, exit_code=2)
    with action_context(as_json=as_json) as ctx:
        snapshot = catalog_snapshot(ctx, organization, include_withdrawn=withdrawn)
        profile = ctx.profile
    notes: list[ExportNote] = []

    def template(path: Path) -> None:
        notes.extend(write_template(path, snapshot))

    writers: dict[str, Callable[[Path], object]] = {
        ".xlsx": template if layout is Layout.template else lambda path: write_gdc_export(path, snapshot),
        ".csv": lambda path: write_catalog_csv(path, snapshot, profile),
        ".jsonl": lambda path: write_catalog_jsonl(path, snapshot),
    }
    _write_whole(file, writers[suffix])
    cells = [n for n in notes if n.note.sheet]  # values thai_gdc cannot hold (the general note aside)
    summary = {"success": True, "file": str(file), "datasets": len(snapshot.datasets),
               "resources": sum(len(d["resources"]) for d in snapshot.datasets),
               "layout": layout.value if suffix == ".xlsx" else suffix.lstrip("."),
               "thai_gdc_notes": [{"sheet": n.note.sheet, "row": n.note.row, "column": n.note.column,
                                   "dataset": n.dataset, "resource": n.resource, "field": n.note.field,
                                   "th": n.note.th, "en": n.note.en} for n in notes]}
    if as_json:
        print_json(summary)
        return
    console.print(f"ส่งออกแล้ว / exported {summary['datasets']} ชุดข้อมูล / datasets, "
                  f"{summary['resources']} ทรัพยากร / resources → {file}", highlight=False)
    if cells:
        fields = ", ".join(sorted({n.note.field or "" for n in cells}))
        console.print(f"ค่าที่ตัวนำเข้าของ thai_gdc เก็บไม่ได้ตามที่ Banchi มี {len(cells)} ค่า ({fields}) ดูแผ่นงาน "
                      f"{NOTES_SHEET} / {len(cells)} values thai_gdc's importer cannot hold as Banchi holds them "
                      f"({fields}): see the sheet {NOTES_SHEET}", highlight=False)


def _write_whole(target: Path, write: Callable[[Path], object]) -> None:
    """Write beside the target and move into place, so a failed export leaves no half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)
    os.close(handle)
    try:
        write(Path(temp_name))
        os.replace(temp_name, target)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)


def _print_warnings(warnings: list[Problem]) -> None:
    """Read, but maybe not as meant: each named by sheet, row and column, Thai then English."""
    for item in warnings:
        err_console.print(f"[bold yellow]คำเตือน / warning[/] {item.sheet} row {item.row} {item.column or ''}",
                          highlight=False)
        err_console.print(f"   {item.th}", highlight=False, markup=False)
        err_console.print(f"   {item.en}", highlight=False, markup=False)


def _print_report(report: ImportReport) -> None:
    title = "ตรวจสอบแล้ว ไม่มีการบันทึก / Dry run: nothing written" if report.dry_run else "นำเข้าแล้ว / Imported"
    print_table(title, ["", "ชุดข้อมูล / datasets", "ทรัพยากร / resources"], [
        ("สร้างใหม่ / created", len(report.datasets_created), report.resources_created),
        ("ปรับปรุง / updated", len(report.datasets_updated), report.resources_updated),
        ("ไม่เปลี่ยนแปลง / unchanged", len(report.datasets_unchanged), report.resources_unchanged),
    ])
    if report.datasets_published:
        console.print(f"เผยแพร่แล้ว (--publish) / published: {', '.join(report.datasets_published)}", highlight=False,
                      soft_wrap=True)
    elif report.datasets_created:
        console.print("ชุดข้อมูลใหม่เป็นฉบับร่าง เผยแพร่เมื่อพร้อม (หรือนำเข้าด้วย --publish) / new datasets are drafts: "
                      "publish each when ready (or import with --publish)", highlight=False, soft_wrap=True)
    if report.overwritten:
        console.print("[bold]เขียนทับการแก้ไขหลังการส่งออก (--force) / written over changes made since the export:[/] "
                      f"{', '.join(report.overwritten)}", highlight=False)
    if report.left_out:
        console.print(f"ไม่นำเข้าแถวของหน่วยงานอื่น (--template-org) / rows of other organizations left out: "
                      f"{report.left_out}", highlight=False, soft_wrap=True)
    if report.organizations_created:
        console.print("หน่วยงานที่สร้างใหม่ / organizations created: "
                      f"{', '.join(report.organizations_created)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
