"""``banchi stage``, ``banchi evidence``, ``banchi wg meeting`` and ``banchi indicator``: the governance stages
of indicator 5.2, the evidence behind them, the working group's meetings and the datasets each year scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from catalog.actions.evidence import evidence_add, evidence_list, working_group_meeting_add, working_group_meetings
from catalog.actions.indicator import indicator_dataset_add, indicator_datasets
from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.stages import stage_advance, stage_history, stage_revert, stage_status
from catalog.scoring import rubric_for
from schemas.buddhist_era import EnteredDateError, format_be_date, read_entered_date
from schemas.messages import Problem, problem
from services.cli.commands.organizations import wg_app
from services.cli.output import OutputFormat, console, fail, print_json, print_table
from services.cli.session import action_context

stage_app = typer.Typer(help="Governance stages / ขั้นตอนการดำเนินงานตามตัวชี้วัด", no_args_is_help=True)
evidence_app = typer.Typer(help="Evidence / หลักฐาน", no_args_is_help=True)
meeting_app = typer.Typer(help="Working-group meetings / การประชุมคณะทำงาน", no_args_is_help=True)
indicator_app = typer.Typer(help="Datasets an indicator counts / ชุดข้อมูลตามตัวชี้วัด", no_args_is_help=True)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
OrgOption = Annotated[str | None, typer.Option("--org", help="organization name")]
ByOption = Annotated[str, typer.Option("--by", help="email of the working-group member who signed off (the operator "
                                        "on the server keys in their sign-off; the API and web pages sign as "
                                        "the signed-in person only)")]
DateText = Annotated[str | None, typer.Option("--date", help="31/03/2564 or 2564-03-31 (พ.ศ.), or 2021-03-31 (ค.ศ.)")]


def parse_day(text: str | None, field: str = "date") -> dt.date | None:
    """A day as typed, read by the one reader of entered dates (Buddhist or Christian Era year)."""
    if text is None:
        return None
    try:
        return read_entered_date(text)
    except EnteredDateError as exc:
        fail([problem(exc.code, field, label=field, label_en=field, value=exc.value, year=exc.year or "")],
             exit_code=2)


def _emit(data: Any, as_json: bool, message: str) -> None:
    if as_json:
        print_json(data.model_dump(mode="json") if hasattr(data, "model_dump") else data)
    else:
        console.print(message, highlight=False)


# -- stages --------------------------------------------------------------------------------------------


@stage_app.command("status")
def status(organization: OrgOption = None, as_of: Annotated[str | None, typer.Option("--as-of")] = None,
           output: FormatOption = OutputFormat.table) -> None:
    """Every dataset's stage and what blocks the next one. / ขั้นตอนของชุดข้อมูลและสิ่งที่ยังขาด"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        rows = stage_status(ctx, organization, parse_day(as_of, "as_of"))
    if as_json:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    table = []
    for row in rows:
        stage = f"{row.stage} {row.stage_name_th}"
        if row.effective_stage < row.stage:
            stage += f" (ขาดความเป็นปัจจุบัน → {row.effective_stage})"
        if row.next_stage is None:
            blocking = "ครบทุกขั้นตอน / all stages reached"
        elif row.ready:
            blocking = f"พร้อมเลื่อนเป็นขั้นตอนที่ {row.next_stage} / ready for stage {row.next_stage}"
        else:
            blocking = "\n".join(f"✗ {b['text_th']}: {b['detail_th']}" for b in row.blocking)
        part = f"{row.part} ({row.part_fiscal_year})" if row.part else ""
        table.append((row.dataset, part, stage, blocking))
    print_table("ขั้นตอนการดำเนินงาน / Governance stages", ["ชุดข้อมูล / dataset", "ส่วน / part",
                "ขั้นตอน / stage", "สิ่งที่ยังขาดสำหรับขั้นตอนถัดไป / blocking the next stage"], table)


def _stage_change(forward: bool, dataset: str, to: int, by: str, reason: str, date: str | None, output: OutputFormat
                  ) -> None:
    as_json = output is OutputFormat.json
    data = {"to": to, "signed_off_by": by, "reason": reason, "effective_date": parse_day(date, "effective_date")}
    with action_context(as_json=as_json) as ctx:
        event = (stage_advance if forward else stage_revert)(ctx, dataset, data)
    verb = "เลื่อนเป็น / advanced to" if forward else "ปรับกลับเป็น / reverted to"
    _emit(event, as_json, f"{dataset}: {verb} {event.to_stage} ({format_be_date(event.effective_date)}), "
                          f"ลงนามโดย / signed off by {event.signed_off_by_name}")


@stage_app.command("advance")
def advance(dataset: str, to: Annotated[int, typer.Option("--to", help="stage 1–5")], by: ByOption,
            reason: Annotated[str, typer.Option(help="why / เหตุผล")], date: DateText = None,
            output: FormatOption = OutputFormat.table) -> None:
    """Move a dataset forward; refused unless every gate up to that stage passes. / เลื่อนขั้นตอน"""
    _stage_change(True, dataset, to, by, reason, date, output)


@stage_app.command("revert")
def revert(dataset: str, to: Annotated[int, typer.Option("--to", help="stage 0–4")], by: ByOption,
           reason: Annotated[str, typer.Option(help="why / เหตุผล")], date: DateText = None,
           output: FormatOption = OutputFormat.table) -> None:
    """Move a dataset back, with the reason. / ปรับขั้นตอนกลับ"""
    _stage_change(False, dataset, to, by, reason, date, output)


@stage_app.command("history")
def history(dataset: str, output: FormatOption = OutputFormat.table) -> None:
    """A dataset's stage changes. / ประวัติการเปลี่ยนขั้นตอน"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        events = stage_history(ctx, dataset)
    if as_json:
        print_json([event.model_dump(mode="json") for event in events])
        return
    print_table(f"ประวัติขั้นตอน / stage history: {dataset}", ["วันที่มีผล", "จาก → เป็น", "ลงนามโดย", "เหตุผล"],
                [(format_be_date(e.effective_date), f"{e.from_stage} → {e.to_stage}", e.signed_off_by_name, e.reason)
                 for e in events])


# -- evidence ------------------------------------------------------------------------------------------


@evidence_app.command("add")
def add_evidence(
    description: Annotated[str | None, typer.Option("--description", "-d", help="what it shows")] = None,
    date: DateText = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="email of the person adding it (operator only; the API and web record the signed-in person)"
    )] = None,
    file: Annotated[Path | None, typer.Option("--file", help="a document (stored by sha256)")] = None,
    url: Annotated[str | None, typer.Option("--url", help="a link")] = None,
    organization: OrgOption = None,
    dataset: Annotated[str | None, typer.Option("--dataset")] = None,
    stage: Annotated[int | None, typer.Option("--stage")] = None,
    gate: Annotated[str | None, typer.Option("--gate", help="the gate it answers, e.g. usage_evidence")] = None,
    fiscal_year: Annotated[int | None, typer.Option("--fy", help="fiscal year (พ.ศ.)")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Attach evidence: a file or a link, with its date and what it shows. / แนบหลักฐาน"""
    as_json = output is OutputFormat.json
    data = {"organization": organization, "dataset": dataset, "stage": stage, "gate": gate,
            "fiscal_year": fiscal_year, "evidence_date": parse_day(date, "evidence_date"), "description": description,
            "added_by": by, "url": url}
    with action_context(as_json=as_json) as ctx:
        item = _with_file(evidence_add, ctx, data, file, "content")
    _emit(item, as_json, f"เพิ่มหลักฐานแล้ว / evidence added {item.id}: {item.description} ({item.url})")


def _with_file(action: Any, ctx: Any, data: dict[str, Any], path: Path | None, keyword: str) -> Any:
    """Run an action with the file at ``path`` open as its ``keyword`` argument, or without a file."""
    data = {key: value for key, value in data.items() if value is not None}
    if path is None:
        return action(ctx, data)
    with _open(path) as handle:
        return action(ctx, data, **{keyword: handle}, filename=path.name)


def _open(path: Path) -> Any:
    try:
        return path.open("rb")
    except OSError as exc:
        fail([Problem(field="file", code="bad_file", th=f"เปิดไฟล์ {path} ไม่ได้: {exc}",
                      en=f"Cannot open {path}: {exc}")], exit_code=2)


@evidence_app.command("list")
def list_evidence(organization: OrgOption = None, dataset: Annotated[str | None, typer.Option("--dataset")] = None,
                  fiscal_year: Annotated[int | None, typer.Option("--fy")] = None,
                  output: FormatOption = OutputFormat.table) -> None:
    """Evidence, oldest first. / รายการหลักฐาน"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        items = evidence_list(ctx, organization, dataset=dataset, fiscal_year=fiscal_year)
    if as_json:
        print_json([item.model_dump(mode="json") for item in items])
        return
    print_table("หลักฐาน / Evidence", ["วันที่", "หลักฐาน", "ชุดข้อมูล", "เกณฑ์", "ผู้เพิ่ม", "ลิงก์"],
                [(format_be_date(i.evidence_date, long=False), i.description, i.dataset or "-", i.gate_th or "-",
                  i.added_by_name, i.url) for i in items])


# -- meetings ------------------------------------------------------------------------------------------


@meeting_app.command("add")
def add_meeting(
    organization: Annotated[str, typer.Option("--org")],
    date: Annotated[str, typer.Option("--date", help="meeting day")],
    title: Annotated[str, typer.Option("--title", help="e.g. ครั้งที่ 1/2563")],
    by: Annotated[str | None, typer.Option("--by", help="email of the person recording it")] = None,
    minutes: Annotated[Path | None, typer.Option("--minutes", help="minutes document")] = None,
    minutes_url: Annotated[str | None, typer.Option("--minutes-url")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Record a working-group meeting, with its minutes as evidence. / บันทึกการประชุมคณะทำงาน"""
    as_json = output is OutputFormat.json
    data = {"organization": organization, "meeting_date": parse_day(date, "meeting_date"), "title": title,
            "added_by": by, "minutes_url": minutes_url}
    with action_context(as_json=as_json) as ctx:
        meeting = _with_file(working_group_meeting_add, ctx, data, minutes, "minutes")
    _emit(meeting, as_json, f"บันทึกการประชุมแล้ว / meeting recorded: {meeting.title} "
                            f"({format_be_date(meeting.meeting_date)})")


@meeting_app.command("list")
def list_meetings(organization: Annotated[str, typer.Option("--org")], output: FormatOption = OutputFormat.table
                  ) -> None:
    """The working group's meetings. / รายการการประชุม"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        meetings = working_group_meetings(ctx, organization)
    if as_json:
        print_json([m.model_dump(mode="json") for m in meetings])
        return
    print_table("การประชุมคณะทำงาน / Meetings", ["วันที่", "การประชุม", "รายงานการประชุม"],
                [(format_be_date(m.meeting_date), m.title, m.minutes.url if m.minutes else "-") for m in meetings])


# -- indicator datasets --------------------------------------------------------------------------------


@indicator_app.command("add")
def add_indicator_dataset(
    dataset: str,
    fiscal_year: Annotated[int, typer.Option("--fy", help="fiscal year (พ.ศ.)")],
    part: Annotated[int, typer.Option("--part", help="part of the rubric, e.g. 1 or 2")],
    since: Annotated[str | None, typer.Option("--from", help="counted from this day (default: the year's start)")]
    = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Count a dataset in its organization's indicator work for a fiscal year. / เพิ่มชุดข้อมูลตามตัวชี้วัด"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        org = get_organization(ctx, get_dataset(ctx, dataset).owner_org_id)
        rubric = rubric_for(ctx, org, fiscal_year)
        row = indicator_dataset_add(ctx, {"dataset": dataset, "fiscal_year": fiscal_year, "part": part,
                                          "enrolled_on": parse_day(since, "enrolled_on")}, rubric)
    _emit(row, as_json, f"{row.dataset}: ส่วนที่ / part {row.part}, ปีงบประมาณ / FY {row.fiscal_year}")


@indicator_app.command("list")
def list_indicator_datasets(organization: Annotated[str, typer.Option("--org")],
                            fiscal_year: Annotated[int, typer.Option("--fy")],
                            output: FormatOption = OutputFormat.table) -> None:
    """The datasets an organization's indicator counts in a fiscal year. / ชุดข้อมูลตามตัวชี้วัด"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        rows = [(row.part, dataset.name, dataset.title, row.enrolled_on)
                for row, dataset in indicator_datasets(ctx, organization, fiscal_year)]
    if as_json:
        print_json([{"part": p, "dataset": n, "title": t, "enrolled_on": e.isoformat()} for p, n, t, e in rows])
        return
    print_table(f"ชุดข้อมูลตามตัวชี้วัด ปีงบประมาณ {fiscal_year}", ["ส่วน", "ชุดข้อมูล", "ชื่อ", "นับตั้งแต่"],
                [(p, n, t, format_be_date(e)) for p, n, t, e in rows])


def register(app: typer.Typer) -> None:
    app.add_typer(stage_app, name="stage")
    app.add_typer(evidence_app, name="evidence")
    app.add_typer(indicator_app, name="indicator")
    wg_app.add_typer(meeting_app, name="meeting")

