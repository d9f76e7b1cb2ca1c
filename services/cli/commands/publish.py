"""``banchi publish``: send the open datasets to a CKAN portal (only what changed), dry-run or check drift."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from catalog.actions.publishing import PlanItem
from schemas.messages import Problem
from schemas.profile import load_profile
from services.ckan.client import PortalUnavailable
from services.ckan.diff import FieldChange, PackageChanges
from services.ckan.publisher import DriftItem, Publisher, RunReport
from services.cli.output import OutputFormat, console, fail, print_json, print_table
from services.cli.portal import PortalOption, TimeoutOption, UrlOption, portal_client, portal_steps

ACTIONS = {
    "publish": ("เผยแพร่", "publish"), "withdraw": ("ถอนออก", "withdraw"), "unchanged": ("ไม่เปลี่ยนแปลง", "unchanged"),
    "refused": ("ไม่เผยแพร่", "not published"), "failed": ("ถูกปฏิเสธครั้งก่อน", "refused before; change it or --force"),
}
STATUSES = {"done": ("สำเร็จ", "done"), "pending": ("รอลองใหม่", "pending, will retry"), "failed": ("ล้มเหลว", "failed")}
DRIFT_EXIT = 3


def publish(
    ckan_url: UrlOption = None,
    portal: PortalOption = None,
    api_key: Annotated[str | None, typer.Option("--api-key", envvar="BANCHI_CKAN_API_KEY",
                                                help="API token of a portal user allowed to publish")] = None,
    organization: Annotated[str | None, typer.Option("--org", help="only this organization's datasets")] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", help="only this dataset")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would change, field by field")] = False,
    check: Annotated[bool, typer.Option("--check", help=f"report fields edited on the portal since the last "
                                                       f"publish (exit {DRIFT_EXIT} when there are some)")] = False,
    force: Annotated[bool, typer.Option("--force", help="compare every dataset with the portal, even unchanged "
                                                       "ones, and retry refused ones")] = False,
    retry_now: Annotated[bool, typer.Option("--retry-now", help="retry pending jobs without waiting")] = False,
    timeout: TimeoutOption = 60.0,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")] = OutputFormat.table,
) -> None:
    """Publish public datasets to a CKAN portal. / เผยแพร่ชุดข้อมูลสาธารณะไปยังระบบ CKAN"""
    as_json = output is OutputFormat.json
    client = portal_client(ckan_url, api_key, timeout, portal=portal, as_json=as_json)
    with portal_steps(as_json=as_json) as opener:
        publisher = Publisher(opener, client)
        if check:
            try:
                drift = publisher.check(organization=organization, dataset=dataset)
            except PortalUnavailable as exc:
                fail([exc.problem], as_json=as_json)
            _show_drift(drift, as_json)
            raise typer.Exit(DRIFT_EXIT if drift else 0)
        if dry_run:
            report = publisher.dry_run(organization=organization, dataset=dataset, force=force)
        else:
            report = publisher.run(organization=organization, dataset=dataset, force=force, retry_now=retry_now)
    _show_report(report, as_json, dry_run)
    if report.stopped or not report.ok:
        raise typer.Exit(1)


# -- output ----------------------------------------------------------------------------------------------


def _show_report(report: RunReport, as_json: bool, dry_run: bool) -> None:
    outcomes = {o.dataset: o for o in report.outcomes}
    if as_json:
        print_json({
            "portal_url": report.portal_url, "dry_run": dry_run, "write_calls": report.write_calls,
            "calls": report.calls, "stopped": _problems([report.stopped] if report.stopped else []),
            "datasets": [_item_json(item, report, outcomes.get(item.name)) for item in report.plan],
        })
        return
    rows = []
    for item in report.plan:
        outcome = outcomes.get(item.name)
        status = "" if outcome is None else " / ".join(STATUSES[outcome.status])
        notes = [p.th for p in (outcome.problems if outcome else [])] + [p.th for p in item.refusals + item.excluded]
        if item.error and not outcome:
            notes.append(item.error)
        rows.append((item.name, " / ".join(ACTIONS[item.action]), status,
                     (outcome.package_id if outcome else None) or item.package_id, "\n".join(notes)))
    title = "ตัวอย่างการเผยแพร่ (ไม่เขียนจริง) / Dry run" if dry_run else "การเผยแพร่ / Publishing"
    print_table(f"{title}: {report.portal_url}", ["ชุดข้อมูล / dataset", "การดำเนินการ / action",
                                                 "ผล / result", "package", "หมายเหตุ / notes"], rows)
    if dry_run:
        for item in report.plan:
            _show_preview(item, report)
    if report.stopped:
        console.print(f"[bold red]{report.stopped.th}[/]\n{report.stopped.en}", highlight=False)
    counts = {action: sum(1 for i in report.plan if i.action == action) for action in ACTIONS}
    console.print(" · ".join(f"{ACTIONS[a][1]} {n}" for a, n in counts.items() if n)
                  + f" · write calls {report.write_calls}", highlight=False)


def _show_preview(item: PlanItem, report: RunReport) -> None:
    if item.dataset_id in report.preview_problems:
        for p in report.preview_problems[item.dataset_id]:
            console.print(f"[bold]{item.name}[/]: {p.th} / {p.en}", highlight=False)
    if item.action == "withdraw":
        console.print(f"[bold]{item.name}[/]: ถอนออกจากพอร์ทัล / withdraw package {item.package_id}", highlight=False)
    changes = report.previews.get(item.dataset_id)
    if changes is None or changes.empty:
        return
    verb = "แก้ไข / update" if changes.exists else "สร้าง / create"
    console.print(f"\n[bold]{item.name}[/] — {verb}", highlight=False)
    profile = load_profile((item.payload or {}).get("profile", "gdc-2.2"))
    for change in changes.fields:
        console.print(f"  {_label(profile, change.key)}: {_text(change.old)} → {_text(change.new)}", highlight=False,
                      markup=False)
    for resource in changes.resources:
        upload = " + upload" if resource.upload else ""
        console.print(f"  ทรัพยากร / resource “{resource.name}”: {resource.op}{upload}", highlight=False, markup=False)
        for change in resource.fields if resource.op == "update" else []:
            console.print(f"    {_label(profile, change.key)}: {_text(change.old)} → {_text(change.new)}",
                          highlight=False, markup=False)
    if changes.reorder:
        console.print("  ลำดับทรัพยากร / resource order", highlight=False)


def _show_drift(drift: list[DriftItem], as_json: bool) -> None:
    if as_json:
        print_json([{"dataset": d.dataset, "package_id": d.package_id, "missing": d.missing,
                     "changes": _changes_json(d.changes, reverse=True) if d.changes else None} for d in drift])
        return
    if not drift:
        console.print("ไม่มีการแก้ไขบนพอร์ทัลหลังการเผยแพร่ครั้งล่าสุด / no edits on the portal since the last publish")
        return
    profile = load_profile()
    for item in drift:
        if item.missing:
            console.print(f"[bold]{item.dataset}[/]: ไม่พบบนพอร์ทัล / not on the portal any more", highlight=False)
            continue
        assert item.changes is not None
        console.print(f"[bold]{item.dataset}[/] ({item.package_id}): แก้ไขบนพอร์ทัล / edited on the portal",
                      highlight=False)
        for change in item.changes.fields:
            console.print(f"  {_label(profile, change.key)}: เผยแพร่ / published {_text(change.new)} → "
                          f"บนพอร์ทัล / on the portal {_text(change.old)}", highlight=False, markup=False)
        for resource in item.changes.resources:
            console.print(f"  ทรัพยากร / resource “{resource.name}”: {resource.op}", highlight=False, markup=False)


def _item_json(item: PlanItem, report: RunReport, outcome: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "dataset": item.name, "title": item.title, "action": item.action, "job_id": item.job_id,
        "package_id": (outcome.package_id if outcome else None) or item.package_id,
        "refusals": _problems(item.refusals), "excluded": _problems(item.excluded), "error": item.error,
    }
    if outcome is not None:
        data.update(status=outcome.status, problems=_problems(outcome.problems),
                    retry_at=outcome.retry_at.isoformat() if outcome.retry_at else None)
    if item.dataset_id in report.previews:
        data["changes"] = _changes_json(report.previews[item.dataset_id])
    if item.dataset_id in report.preview_problems:
        data["problems"] = _problems(report.preview_problems[item.dataset_id])
    return data


def _changes_json(changes: PackageChanges, reverse: bool = False) -> dict[str, Any]:
    """Field by field; for drift ``reverse`` names the sides: what was published, what the portal holds."""
    old, new = ("portal", "published") if reverse else ("old", "new")
    def fields(items: list[FieldChange]) -> list[dict[str, Any]]:
        return [{"field": c.key, old: c.old, new: c.new} for c in items]
    return {
        "exists": changes.exists, "fields": fields(changes.fields), "reorder": changes.reorder,
        "resources": [{"op": r.op, "name": r.name, "banchi_id": r.banchi_id, "portal_id": r.portal_id,
                       "upload": r.upload, "fields": fields(r.fields)} for r in changes.resources],
    }


def _problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.model_dump(exclude_none=True) for p in problems]


def _label(profile: Any, key: str) -> str:
    key = "tag_string" if key == "tags" else key
    th, en = profile.label(key, "th"), profile.label(key, "en")
    return key if th == key else f"{th} / {en}"


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)
