"""``banchi schedule``: unattended jobs of portals (publish, drift check, harvest) and checks (links,
timeliness), started by the workers' sweepers when due."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from schemas.buddhist_era import format_be_moment
from services.cli.output import OutputFormat, console, print_records

schedule_app = typer.Typer(help="Schedules of portals and checks. / กำหนดเวลางาน", no_args_is_help=True)
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]


@schedule_app.command("set")
def schedule_set_command(
    kind: Annotated[str, typer.Argument(help="publish, drift_check, harvest, link_check or timeliness_check")],
    every: Annotated[int, typer.Option("--every", help="minutes between runs (at least 5)")],
    portal: Annotated[str | None, typer.Option("--portal", help="the registered portal (publish, drift_check, "
                                                                "harvest)")] = None,
    organization: Annotated[str | None, typer.Option("--org", help="only this organization (default: all)")] = None,
    disabled: Annotated[bool, typer.Option("--disabled", help="keep the schedule but do not run it")] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Create or change a schedule; its first run is one interval from now. / ตั้งกำหนดเวลางาน"""
    from catalog.actions.schedules import schedule_set
    from services.cli.session import action_context

    with action_context(as_json=output is OutputFormat.json) as ctx:
        schedule = schedule_set(ctx, {"kind": kind, "portal": portal, "organization": organization,
                                      "interval_minutes": every, "enabled": not disabled})
    print_records(output, [schedule], "กำหนดเวลางาน / Schedule", ["id", "kind", "portal", "organization", "every",
                                                                "next run"], _row)


@schedule_app.command("list")
def schedule_list_command(
    organization: Annotated[str | None, typer.Option("--org", help="this organization's (default: all)")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Schedules and when each runs next. / รายการกำหนดเวลางาน"""
    from catalog.actions.schedules import schedule_list
    from services.cli.session import action_context

    with action_context(as_json=output is OutputFormat.json) as ctx:
        schedules = schedule_list(ctx, organization)
    print_records(output, schedules, "กำหนดเวลางาน / Schedules", ["id", "kind", "portal", "organization", "every",
                                                                  "next run"], _row)


@schedule_app.command("remove")
def schedule_remove_command(schedule_id: Annotated[str, typer.Argument(help="the schedule's id")]) -> None:
    """Remove a schedule (the jobs it ran stay on record). / ลบกำหนดเวลางาน"""
    from catalog.actions.schedules import schedule_delete
    from services.cli.session import action_context

    with action_context() as ctx:
        schedule_delete(ctx, schedule_id)
    console.print(f"ลบแล้ว / removed {schedule_id}", highlight=False)


def _row(s: Any) -> tuple[object, ...]:
    return (s.id, s.kind, s.portal or "", s.organization or "",
            f"{s.interval_minutes} min" + ("" if s.enabled else " (off)"), format_be_moment(s.next_run_at))


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
