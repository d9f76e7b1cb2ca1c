"""``banchi dictionary add|versions|approve|check``: dictionaries attached to a dataset's resources.

The file-only commands (infer, diff, Excel round trip) live in ``dictionary.py``; these ones go
through the catalog's actions, so a version and its approval are recorded and audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.actions.dictionaries import (
    dictionary_version_approve,
    dictionary_version_create,
    dictionary_versions,
    resource_validate,
)
from catalog.errors import ValidationFailed
from dictionaries.messages import problem
from dictionaries.model import load_schema_json
from dictionaries.versions import VersionStatus
from schemas.buddhist_era import format_be_moment
from schemas.messages import ProblemsError
from services.cli.commands.dictionary import FormatOption, dictionary_app
from services.cli.output import OutputFormat, both_languages, console, fail, print_json, print_records
from services.cli.session import action_context

ResourceArg = Annotated[str, typer.Argument(
    help="the resource's name, or its id (see `banchi dataset show NAME --format json`)")]


@dictionary_app.command("add")
def add_version(dataset: str, resource: ResourceArg, schema: Path, output: FormatOption = OutputFormat.table) -> None:
    """Attach a new draft version of a resource's dictionary. / เพิ่มพจนานุกรมข้อมูลฉบับร่าง"""
    as_json = output is OutputFormat.json
    try:
        table_schema = load_schema_json(schema)
    except ProblemsError as exc:
        fail(exc.problems, as_json=as_json, exit_code=2)
    with action_context(as_json=as_json) as ctx:
        version = dictionary_version_create(ctx, dataset, resource, table_schema)
    if as_json:
        print_json(version.model_dump(mode="json"))
    else:
        console.print(f"บันทึกฉบับร่างที่ {version.number} / draft version {version.number}: {version.id}",
                      highlight=False)


@dictionary_app.command("versions")
def list_versions(dataset: str, resource: ResourceArg, output: FormatOption = OutputFormat.table) -> None:
    """A resource's dictionary versions. / ฉบับของพจนานุกรมข้อมูล"""
    with action_context(as_json=output is OutputFormat.json) as ctx:
        versions = dictionary_versions(ctx, dataset, resource)
    print_records(output, versions, "พจนานุกรมข้อมูล / Dictionary versions",
                  ["#", "id", "status", "approved by", "approved at"],
                  lambda v: (v.number, v.id, both_languages("dictionary_status", v.status), v.approved_by,
                             format_be_moment(v.approved_at)))


@dictionary_app.command("approve")
def approve(
    target: Annotated[str, typer.Argument(help="a draft's version id; or the dataset, with RESOURCE")],
    by: Annotated[str, typer.Option("--by", help="email of the approving working-group member (operator "
                                                 "only; the API and web approve as the signed-in person)")],
    resource: Annotated[str | None, typer.Argument(
        help="the resource's name or id: approves its newest draft")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Approve a draft (a working-group member of the dataset's organization): by its version id, or the
    newest draft of DATASET RESOURCE. / อนุมัติพจนานุกรมข้อมูล"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        version_id = target
        if resource is not None:
            drafts = [v for v in dictionary_versions(ctx, target, resource) if v.status == VersionStatus.draft]
            if not drafts:
                raise ValidationFailed([problem("no_draft", "resource", value=resource)])
            version_id = max(drafts, key=lambda v: v.number).id
        version = dictionary_version_approve(ctx, version_id, {"approved_by": by})
    if as_json:
        print_json(version.model_dump(mode="json"))
    else:
        console.print(f"อนุมัติฉบับที่ {version.number} แล้ว / approved version {version.number} ({by})", highlight=False)


@dictionary_app.command("check")
def check_resource_file(
    dataset: str,
    resource: ResourceArg,
    datafile: Path,
    version: Annotated[str | None, typer.Option(help="dictionary version id (default: the current one)")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Validate a file against the resource's dictionary and keep the report with the resource.
    / ตรวจไฟล์และบันทึกผลการตรวจ"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        run = resource_validate(ctx, dataset, resource, datafile, version_id=version)
    if as_json:
        print_json(run.model_dump(mode="json"))
    else:
        verdict = "ผ่าน / valid" if run.valid else "ไม่ผ่าน / invalid"
        console.print(f"{verdict}: {run.rows:,} rows, {run.errors:,} errors, validity {run.validity}%, "
                      f"completeness {run.completeness}% (run {run.id})", highlight=False)
    if not run.valid:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """The commands join the ``dictionary`` group that ``dictionary.py`` registers."""
