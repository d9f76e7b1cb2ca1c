"""``banchi score``, ``banchi audited-result``, ``banchi narrative`` and ``banchi report``: indicator 5.2 figures
per quarter as of a day, the evaluator's audited results, the quarterly narratives, and the evaluator's report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from catalog.actions.indicator import audited_result_record, narrative_set
from catalog.narratives import quarter_narrative
from catalog.reporting import indicator_report
from catalog.scoring import figure_text, scorecard, seed_row
from schemas.buddhist_era import format_be_date
from schemas.messages import Problem
from schemas.rubric import Rubric, load_rubric_file
from services.cli.commands.governance import parse_day
from services.cli.output import OutputFormat, console, fail, print_json, print_table
from services.cli.session import action_context
from services.reports import ReportFormat, render

narrative_app = typer.Typer(help="Quarterly narratives / รายงานผลรายไตรมาส", no_args_is_help=True)

OrgOption = Annotated[str, typer.Option("--org", help="organization name")]
YearOption = Annotated[int, typer.Option("--fy", help="fiscal year (พ.ศ.), e.g. 2564")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="compute from the records as they stood that day")]
RubricOption = Annotated[Path | None, typer.Option("--rubric", help="a rubric file instead of the year's own")]
QuarterOption = Annotated[int, typer.Option("--quarter", "-q", help="1–4")]


def _rubric(path: Path | None, as_json: bool) -> Rubric | None:
    if path is None:
        return None
    from schemas.rubric import RubricError

    try:
        return load_rubric_file(path)
    except RubricError as exc:
        fail(exc.problems, as_json=as_json)


def score(organization: OrgOption, fiscal_year: YearOption, as_of: AsOfOption = None, rubric: RubricOption = None,
          output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table) -> None:
    """Indicator figures per quarter as the KPI page shows them (progress, the evaluator's score and 2.1 / 2.2,
    the headline, the narratives), with target, met, score and stage. / คะแนนตัวชี้วัดรายไตรมาส"""
    as_json = output is OutputFormat.json
    chosen = _rubric(rubric, as_json)
    with action_context(as_json=as_json) as ctx:
        card = scorecard(ctx, organization, fiscal_year, as_of=parse_day(as_of, "as_of"), rubric=chosen)
        narratives = [quarter_narrative(ctx, organization, fiscal_year, q.quarter, card.as_of)
                      for q in card.quarters if q.progress is not None]
    if as_json:
        print_json({**card.model_dump(mode="json", exclude={"quarters": {"__all__": {"datasets"}}}),
                    "narratives": [n.model_dump(mode="json") for n in narratives]})
        return

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    code = f" : {card.organization_code}" if card.organization_code else ""
    console.print(f"{card.organization_title}{code} ปีงบประมาณ {fiscal_year} ({card.rubric}) ณ "
                  f"{format_be_date(card.as_of)}", highlight=False, soft_wrap=True)
    if card.headline:
        console.print(f"*** {card.headline}", highlight=False, soft_wrap=True)
    print_table("ผลงานเทียบกับเป้าหมายรายไตรมาส", ["ไตรมาสที่ (1 - 4)", "ผลงาน (คะแนน)", "ผลประเมินตัวชี้วัด",
                                                   "(2.1 / 2.2)"], [seed_row(q) for q in card.quarters])
    print_table("การคำนวณ / computed", ["ไตรมาส / quarter", "เป้าหมาย / target", "บรรลุ / met", "คะแนน / score",
                                        "ขั้นตอน / stage"],
                [(q.quarter, cell(q.target), "-" if q.met is None else ("✓" if q.met else "✗"), cell(q.score),
                  "-" if q.stage is None else q.stage) for q in card.quarters])
    console.print(f"น้ำหนัก / weight {card.weight:g} · ผลงานที่ทำได้ / achieved {cell(card.achieved)} · "
                  f"คะแนน / score {cell(card.score)}", highlight=False)
    for narrative in narratives:
        state = " (ร่างจากบันทึก / draft)" if narrative.drafted else ""
        console.print(f"\n[bold]รายงานผลฯ ไตรมาสที่ {narrative.quarter}[/]{state}", highlight=False)
        console.print(narrative.text, highlight=False, markup=False, soft_wrap=True)


def audited_result(organization: OrgOption, fiscal_year: YearOption, quarter: QuarterOption,
                   result: Annotated[float, typer.Option("--result", help="0–100, e.g. 95")],
                   by: Annotated[str, typer.Option("--by", help="the evaluator's email")],
                   date: Annotated[str | None, typer.Option("--date", help="audit day")] = None,
                   note: Annotated[str | None, typer.Option("--note")] = None,
                   figure_2_1: Annotated[float | None, typer.Option(
                       "--figure-2-1", help="the figure the KPI page prints under 2.1, e.g. 100")] = None,
                   figure_2_2: Annotated[float | None, typer.Option(
                       "--figure-2-2", help="the figure the KPI page prints under 2.2, e.g. 100")] = None,
                   announced: Annotated[bool, typer.Option(
                       "--announced", help="the evaluator's announced verdict (the report's headline)")] = False,
                   output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table) -> None:
    """Record the evaluator's (สยป.) audited result of a quarter: the score and the 2.1 / 2.2 figures.
    / บันทึกผลการตรวจประเมินของ สยป."""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        row = audited_result_record(ctx, {"organization": organization, "fiscal_year": fiscal_year,
                                          "quarter": quarter, "result": result, "evaluator": by,
                                          "figure_2_1": figure_2_1, "figure_2_2": figure_2_2, "announced": announced,
                                          "audited_on": parse_day(date, "audited_on"), "note": note})
    if as_json:
        print_json(row.model_dump(mode="json"))
    else:
        pair = "" if row.figure_2_1 is None and row.figure_2_2 is None else (
            f" (2.1 / 2.2: {figure_text(row.figure_2_1)} / {figure_text(row.figure_2_2)})")
        console.print(f"ไตรมาสที่ {row.quarter}: ผลประเมินตัวชี้วัด {row.result:g}{pair} ({row.evaluator_name}, "
                      f"{format_be_date(row.audited_on)})", highlight=False)


@narrative_app.command("show")
def narrative_show(organization: OrgOption, fiscal_year: YearOption, quarter: QuarterOption,
                   output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table) -> None:
    """A quarter's narrative: the saved text, or a draft from the recorded events. / แสดงรายงานผลรายไตรมาส"""
    as_json = output is OutputFormat.json
    with action_context(as_json=as_json) as ctx:
        narrative = quarter_narrative(ctx, organization, fiscal_year, quarter)
    if as_json:
        print_json(narrative.model_dump(mode="json"))
        return
    state = "ร่างจากบันทึก / draft" if narrative.drafted else f"version {narrative.version}"
    console.print(f"[bold]รายงานผลฯ ไตรมาสที่ {quarter}[/] ({state})\n{narrative.text}", highlight=False)


@narrative_app.command("set")
def narrative_edit(organization: OrgOption, fiscal_year: YearOption, quarter: QuarterOption,
                   text: Annotated[str | None, typer.Option("--text")] = None,
                   file: Annotated[Path | None, typer.Option("--file", help="UTF-8 text file")] = None,
                   version: Annotated[int | None, typer.Option("--version", help="the version you edited")] = None
                   ) -> None:
    """Save a quarter's narrative (replaces the draft). / แก้ไขรายงานผลรายไตรมาส"""
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            fail([Problem(field="file", code="bad_file", th=f"อ่านไฟล์ {file} ไม่ได้: {exc}",
                          en=f"Cannot read {file}: {exc}")], exit_code=2)
    with action_context() as ctx:
        saved = narrative_set(ctx, {"organization": organization, "fiscal_year": fiscal_year, "quarter": quarter,
                                    "text": text or ""}, expected_version=version)
    console.print(f"บันทึกแล้ว / saved: ไตรมาสที่ {quarter}, version {saved.version}", highlight=False)


def report(organization: OrgOption, fiscal_year: YearOption,
           fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.html,
           out: Annotated[Path | None, typer.Option("--output", "-o", help="file to write (default: stdout)")] = None,
           as_of: AsOfOption = None, rubric: RubricOption = None) -> None:
    """The evaluator's report: quarterly table, chart, narratives, evidence. / รายงานผลตัวชี้วัด"""
    chosen = _rubric(rubric, False)
    with action_context() as ctx:
        data = indicator_report(ctx, organization, fiscal_year, as_of=parse_day(as_of, "as_of"), rubric=chosen)
    content = render(data, fmt)
    if out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    out.write_bytes(content)
    console.print(f"เขียนรายงานแล้ว / report written: {out} ({len(content):,} bytes)", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("audited-result")(audited_result)
    app.command("report")(report)
    app.add_typer(narrative_app, name="narrative")
