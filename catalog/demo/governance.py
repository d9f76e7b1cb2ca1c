"""The governance demo: fiscal year 2564 of indicator 5.2 at bma-hrd, replayed event by event.

Each event runs through the real actions with the clock set to its own day, so stage histories, evidence,
audit entries and data updates carry the dates they had; loading again changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any, Protocol

import yaml
from sqlmodel import select

from catalog.actions.evidence import evidence_add, working_group_meeting_add
from catalog.actions.indicator import audited_result_record, indicator_dataset_add, narrative_set
from catalog.actions.resources import resource_create
from catalog.actions.stages import stage_advance
from catalog.context import Context
from catalog.models import Dataset
from catalog.models.governance import IndicatorDataset
from schemas.buddhist_era import THAI_MONTHS, to_be_year
from schemas.fiscal_year import THAI_TZ
from schemas.rubric import load_rubric

GOVERNANCE_FILE = Path(__file__).parent / "governance_2564.yaml"


class Counter(Protocol):
    def count(self, kind: str) -> None: ...


def governance_demo_data() -> dict[str, Any]:
    return yaml.safe_load(GOVERNANCE_FILE.read_text(encoding="utf-8"))


def load_governance_demo(ctx: Context, result: Counter) -> None:
    data = governance_demo_data()
    if _already_loaded(ctx, data):
        return
    clock = dt.time.fromisoformat(data["clock"])
    rubric = load_rubric(data["fiscal_year"])
    for item in data["indicator_datasets"]:
        indicator_dataset_add(_on(ctx, item["enrolled_on"], clock), {**item, "fiscal_year": data["fiscal_year"]},
                              rubric)
        result.count("indicator datasets")
    for event in data["events"]:
        _replay(_on(ctx, event["day"], clock), data, event, result)


def _replay(ctx: Context, data: dict[str, Any], event: dict[str, Any], result: Counter) -> None:
    if "meeting" in event:
        meeting = dict(event["meeting"])
        text, name = meeting.pop("minutes", None), meeting.pop("minutes_file", None)
        working_group_meeting_add(ctx, {**meeting, "organization": data["organization"], "meeting_date": event["day"]},
                                  minutes=io.BytesIO(text.encode()) if text else None, filename=name)
        result.count("meetings")
    elif "evidence" in event:
        item = dict(event["evidence"])
        text, name = item.pop("content", None), item.pop("file", None)
        item.setdefault("organization", None if item.get("dataset") else data["organization"])
        evidence_add(ctx, {**item, "evidence_date": event["day"]},
                     content=io.BytesIO(text.encode()) if text else None, filename=name)
        result.count("evidence")
    elif "advance" in event:
        step = dict(event["advance"])
        for dataset in step.pop("datasets"):
            stage_advance(ctx, dataset, step)
            result.count("stage changes")
    elif "monthly_update" in event:
        _monthly_update(ctx, data["monthly_updates"], dt.date.fromisoformat(event["monthly_update"]))
        result.count("data updates")
    elif "audited" in event:
        audited_result_record(ctx, {**event["audited"], "organization": data["organization"],
                                    "fiscal_year": data["fiscal_year"], "audited_on": event["day"]})
        result.count("audited results")
    elif "narrative" in event:
        narrative_set(ctx, {**event["narrative"], "organization": data["organization"],
                            "fiscal_year": data["fiscal_year"]})
        result.count("narratives")


def _monthly_update(ctx: Context, spec: dict[str, Any], day: dt.date) -> None:
    month = f"{THAI_MONTHS[day.month - 1]} {to_be_year(day.year)}"
    yyyymm = f"{to_be_year(day.year)}{day.month:02d}"
    for dataset, resource in spec["resources"].items():
        resource_create(ctx, dataset, {key: str(value).format(month=month, yyyymm=yyyymm)
                                       for key, value in resource.items()})


def _on(ctx: Context, day: str, clock: dt.time) -> Context:
    """The same transaction, with the clock at ``clock`` Bangkok time on ``day``."""
    moment = dt.datetime.combine(dt.date.fromisoformat(day), clock, THAI_TZ).astimezone(dt.UTC)
    return dataclasses.replace(ctx, clock=lambda: moment)


def _already_loaded(ctx: Context, data: dict[str, Any]) -> bool:
    names = [item["dataset"] for item in data["indicator_datasets"]]
    return ctx.session.exec(
        select(IndicatorDataset).join(Dataset)
        .where(IndicatorDataset.fiscal_year == data["fiscal_year"], Dataset.name.in_(names))  # type: ignore[attr-defined]
    ).first() is not None
