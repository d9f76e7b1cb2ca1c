"""The narrative of a quarter's report (รายงานผลฯ ไตรมาส): a person's text if saved, else a draft made from
what was recorded in the quarter — meetings, stage changes, data updates and evidence."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from catalog import permissions
from catalog.actions.evidence import working_group_meetings
from catalog.actions.indicator import NarrativePublic, indicator_datasets, saved_narrative
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.currency import update_history
from catalog.gates import stage_set
from catalog.models.governance import Evidence, StageEvent
from catalog.permissions import action
from schemas.buddhist_era import format_be_date
from schemas.fiscal_year import FiscalYear


@action("indicator_report_read")
def quarter_narrative(ctx: Context, organization: str, fiscal_year: int, quarter: int,
                      as_of: dt.date | None = None) -> NarrativePublic:
    org = get_organization(ctx, organization)
    permissions.check_governance(ctx, org.id, organization, fiscal_year)
    saved = saved_narrative(ctx, org.id, fiscal_year, quarter)
    return saved or NarrativePublic(quarter=quarter, text=draft_narrative(ctx, organization, fiscal_year, quarter,
                                                                          as_of), drafted=True, version=None)


@action("indicator_report_read")
def draft_narrative(ctx: Context, organization: str, fiscal_year: int, quarter: int,
                    as_of: dt.date | None = None) -> str:
    permissions.check_governance(ctx, get_organization(ctx, organization).id, organization, fiscal_year)
    period = FiscalYear(fiscal_year).quarter(quarter)
    start, end = period.start, min(period.end, as_of) if as_of else period.end
    lines: list[tuple[dt.date, str]] = []
    for meeting in working_group_meetings(ctx, organization, since=start, until=end):
        lines.append((meeting.meeting_date, f"จัดประชุมคณะทำงานฯ {meeting.title} เมื่อวันที่ "
                                            f"{format_be_date(meeting.meeting_date)}"))
    datasets = indicator_datasets(ctx, organization, fiscal_year)
    stages = stage_set()
    for _row, dataset in datasets:
        events = ctx.session.exec(
            select(StageEvent).where(StageEvent.dataset_id == dataset.id, StageEvent.effective_date >= start,
                                     StageEvent.effective_date <= end).order_by(col(StageEvent.effective_date))
        ).all()
        for event in events:
            name = stages.stage(event.to_stage).name.th if event.to_stage else "ยังไม่เริ่ม"
            verb = "ผ่านขั้นตอนที่" if event.to_stage > event.from_stage else "ปรับกลับเป็นขั้นตอนที่"
            lines.append((event.effective_date, f"“{dataset.title}” {verb} {event.to_stage} {name} เมื่อวันที่ "
                                                f"{format_be_date(event.effective_date)} ({event.reason})"))
        updates = [day for day in update_history(ctx, dataset.id, end) if day >= start]
        if updates:
            lines.append((updates[-1], f"ปรับปรุงข้อมูล “{dataset.title}” {len(updates)} ครั้ง ล่าสุดเมื่อวันที่ "
                                       f"{format_be_date(updates[-1])}"))
    org = get_organization(ctx, organization)
    evidence = ctx.session.exec(
        select(Evidence).where(Evidence.organization_id == org.id, Evidence.evidence_date >= start,
                               Evidence.evidence_date <= end, col(Evidence.gate).is_not(None))
        .order_by(col(Evidence.evidence_date))
    ).all()
    for item in evidence:
        lines.append((item.evidence_date, f"จัดทำหลักฐาน: {item.description} ({format_be_date(item.evidence_date)})"))
    if not lines:
        return "ไม่มีการดำเนินงานที่บันทึกไว้ในไตรมาสนี้"
    lines.sort(key=lambda pair: pair[0])
    return " ".join(f"{number}. {text}" for number, (_day, text) in enumerate(lines, start=1))
