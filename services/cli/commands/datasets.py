"""``banchi dataset``: register, show, list, edit, publish, withdraw, restore, delete and purge datasets;
``banchi audit``: the log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from catalog.actions.access import dataset_list, dataset_show
from catalog.actions.datasets import (
    dataset_create,
    dataset_delete,
    dataset_publish_draft,
    dataset_purge,
    dataset_restore,
    dataset_update,
    dataset_withdraw,
)
from catalog.actions.lookup import get_dataset
from catalog.audit import audit_log, changed_fields
from schemas.buddhist_era import format_be_date, format_be_moment
from schemas.labels import value_label
from schemas.messages import Problem
from schemas.profile import InputKind, load_profile
from services.cli.output import OutputFormat, console, fail, print_json, print_table
from services.cli.session import action_context, parse_assignments

dataset_app = typer.Typer(help="Datasets / ชุดข้อมูล", no_args_is_help=True)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
SetOption = Annotated[list[str] | None, typer.Option("--set", "-s", help="FIELD=VALUE (GD Catalog key); repeatable")]
FileOption = Annotated[Path | None, typer.Option("--file", help="JSON object of GD Catalog fields")]


def _read_json_object(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail([Problem(field=str(path), code="bad_file", th=f"อ่านไฟล์ JSON {path} ไม่ได้: {exc}",
                      en=f"Cannot read JSON file {path}: {exc}")], exit_code=2)
    if not isinstance(data, dict):
        fail([Problem(field=str(path), code="bad_file", th=f"ไฟล์ {path} ต้องเป็น JSON object",
                      en=f"{path} must hold a JSON object")], exit_code=2)
    return data


@dataset_app.command("add")
def add(
    file: FileOption = None,
    assignments: SetOption = None,
    organization: Annotated[str | None, typer.Option("--org", help="owner organization (owner_org)")] = None,
    publish: Annotated[bool, typer.Option("--publish", help="publish at once (the metadata must be complete); "
                                          "otherwise a draft only its organization sees")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Register a dataset (a draft unless --publish) from a JSON file and/or --set FIELD=VALUE pairs.
    / ลงทะเบียนชุดข้อมูล (ฉบับร่าง เว้นแต่ระบุ --publish)"""
    data = {**_read_json_object(file), **parse_assignments(assignments or [])}
    if organization:
        data["owner_org"] = organization
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        created = dataset_create(ctx, data, publish=publish)
    if as_json:
        print_json(created)
    elif publish:
        console.print(f"ลงทะเบียนและเผยแพร่ชุดข้อมูล / registered and published [bold]{created['name']}[/]: "
                      f"{created['title']}", highlight=False)
    else:
        console.print(f"ลงทะเบียนชุดข้อมูล (ฉบับร่าง) / registered draft dataset [bold]{created['name']}[/]: "
                      f"{created['title']}; เผยแพร่ด้วย / publish with: banchi dataset publish {created['name']}",
                      highlight=False)


@dataset_app.command("edit")
def edit(
    name: str,
    file: FileOption = None,
    assignments: SetOption = None,
    version: Annotated[int | None, typer.Option("--version", help="the version you edited (stale edits are refused)")]
    = None,
    reason: Annotated[str | None, typer.Option(help="why (kept in the audit log)")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Change fields of a dataset; an empty value clears a field. / แก้ไขชุดข้อมูล"""
    changes = {**_read_json_object(file), **parse_assignments(assignments or [])}
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        updated = dataset_update(ctx, name, changes, expected_version=version, reason=reason)
    if as_json:
        print_json(updated)
    else:
        console.print(f"แก้ไขแล้ว / updated [bold]{updated['name']}[/] → version {updated['version']}", highlight=False)


ReasonOption = Annotated[str | None, typer.Option(help="why (kept in the audit log) / เหตุผล")]
VersionOption = Annotated[int | None, typer.Option("--version", help="the version you read (stale ones are refused)")]


@dataset_app.command("publish")
def publish_draft(name: str, reason: ReasonOption = None, version: VersionOption = None) -> None:
    """Publish a draft (refused, naming each missing field, while its metadata is incomplete). / เผยแพร่ฉบับร่าง"""
    with action_context() as ctx:
        dataset_publish_draft(ctx, name, expected_version=version, reason=reason)
    console.print(f"เผยแพร่แล้ว / published {name}", highlight=False)


@dataset_app.command("withdraw")
def withdraw(name: str, reason: Annotated[str, typer.Option(help="why / เหตุผล")],
             version: VersionOption = None) -> None:
    """Withdraw a dataset (kept for history; withdrawn from portals on the next publish). / ถอนชุดข้อมูล"""
    with action_context() as ctx:
        dataset_withdraw(ctx, name, expected_version=version, reason=reason)
    console.print(f"ถอนชุดข้อมูลแล้ว / withdrawn {name}", highlight=False)


@dataset_app.command("restore")
def restore(name: str, reason: ReasonOption = None, version: VersionOption = None) -> None:
    """A withdrawn dataset active again; a deleted one back as a draft. / นำชุดข้อมูลกลับมา"""
    with action_context() as ctx:
        restored = dataset_restore(ctx, name, expected_version=version, reason=reason)
    console.print(f"นำกลับมาแล้ว / restored {name} ({restored['state']})", highlight=False)


@dataset_app.command("delete")
def delete(name: str, reason: Annotated[str, typer.Option(help="why / เหตุผล")],
           version: VersionOption = None) -> None:
    """Delete a dataset (soft: restorable, audited; `purge` removes it for good). / ลบชุดข้อมูล"""
    with action_context() as ctx:
        dataset_delete(ctx, name, expected_version=version, reason=reason)
    console.print(f"ลบชุดข้อมูลแล้ว / deleted {name}", highlight=False)


@dataset_app.command("purge")
def purge(name: str, reason: ReasonOption = None,
          yes: Annotated[bool, typer.Option("--yes", help="do it (it cannot be undone)")] = False) -> None:
    """Remove a deleted dataset for good (sysadmin). / ลบชุดข้อมูลที่ถูกลบแล้วออกถาวร"""
    if not yes:
        fail([Problem(field="yes", code="confirm", th="การลบถาวรย้อนกลับไม่ได้: ยืนยันด้วย --yes",
                      en="Purging cannot be undone: confirm with --yes")], exit_code=2)
    with action_context() as ctx:
        dataset_purge(ctx, name, reason=reason)
    console.print(f"ลบถาวรแล้ว / purged {name}", highlight=False)


@dataset_app.command("show")
def show(name: str, output: FormatOption = OutputFormat.table,
         lang: Annotated[str, typer.Option(help="th or en labels")] = "th") -> None:
    """Show a dataset with the profile's labels. / แสดงชุดข้อมูล"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        dataset = dataset_show(ctx, name)
    if as_json:
        print_json(dataset)
        return
    profile = load_profile(dataset["profile"])
    rows = []
    for spec in profile.dataset_fields:
        value = dataset.get(spec.key)
        if spec.input is InputKind.date and value:  # stored ISO (CE); people read the Buddhist Era
            value = format_be_date(dt.date.fromisoformat(value)) if lang == "th" else value
        if value not in (None, "", []):
            rows.append((spec.label.get(lang) or spec.key, profile.display_value(spec.key, value, lang)))
    rows += [(value_label("record_field", "version", lang), dataset["version"]),
             (value_label("record_field", "state", lang), value_label("dataset_state", dataset["state"], lang)),
             (value_label("record_field", "private", lang), value_label("boolean", dataset["private"], lang))]
    print_table(dataset["title"], ["ฟิลด์ / field", "ค่า / value"], rows)
    if dataset["resources"]:
        print_table("ทรัพยากร / Resources", ["ชื่อ / name", "รูปแบบ / format", "ขนาด (ไบต์) / size (bytes)", "sha256"],
                    [(r["name"], r["format"], r["size"], (r["sha256"] or "")[:12]) for r in dataset["resources"]])


@dataset_app.command("list")
def list_datasets(
    organization: Annotated[str | None, typer.Option("--org")] = None,
    withdrawn: Annotated[bool, typer.Option("--withdrawn", help="include withdrawn datasets")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List datasets. / รายการชุดข้อมูล"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        datasets = dataset_list(ctx, organization, include_withdrawn=withdrawn)
    if as_json:
        print_json(datasets)
        return
    profile = load_profile()
    columns = ["name", "title", "data_type", "data_category"]
    print_table(f"ชุดข้อมูล / Datasets ({len(datasets)})", [profile.label(key) for key in columns],
                [[d.get(key) for key in columns] for d in datasets])


def audit(
    dataset: Annotated[str | None, typer.Option("--dataset", help="only this dataset's entries")] = None,
    limit: int = 50,
    output: FormatOption = OutputFormat.table,
) -> None:
    """The audit log, newest first. / บันทึกการเปลี่ยนแปลง"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        entity_id = get_dataset(ctx, dataset).id if dataset else None
        entries = audit_log(ctx, entity_id=entity_id, limit=limit)
    if as_json:
        print_json([entry.model_dump(mode="json") for entry in entries])
        return
    print_table("บันทึกการเปลี่ยนแปลง / Audit log", ["when (Asia/Bangkok)", "who", "action", "entity", "changed", "reason"],
                [(format_be_moment(e.at), e.actor, e.action, f"{e.entity_type}:{e.entity_id[:8]}",
                  ", ".join(changed_fields(e.before, e.after))[:60], e.reason) for e in entries])


def register(app: typer.Typer) -> None:
    app.add_typer(dataset_app, name="dataset")
    app.command("audit")(audit)
