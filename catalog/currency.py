"""Data currency: when a dataset's data was updated, and how long its update cycle is.

The history comes from the registry itself: each resource's ``last_updated`` and every earlier value of
it in the audit log (which keeps the record after each change), so a past day's answer never changes
when later updates overwrite ``last_updated``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from catalog.context import Context
from catalog.models import AuditEntry, Dataset, Resource
from schemas.fiscal_year import thai_date
from schemas.stages import Cycle, StageSet


@dataclass(frozen=True)
class UpdateCycle:
    cycle: Cycle
    interval: int
    th: str
    en: str

    def window_start(self, day: dt.date) -> dt.date:
        return self.cycle.window_start(day, self.interval)


def update_history(ctx: Context, dataset_id: str, as_of: dt.date) -> list[dt.date]:
    """The Thai days on which the dataset's data was updated, up to ``as_of``, oldest first."""
    resources = ctx.session.exec(select(Resource).where(Resource.dataset_id == dataset_id)).all()
    moments = {resource.last_updated for resource in resources if resource.last_updated}
    if resources:
        entries = ctx.session.exec(
            select(AuditEntry).where(AuditEntry.entity_type == "resource",
                                     col(AuditEntry.entity_id).in_([r.id for r in resources]))
        ).all()
        for entry in entries:
            stamp = (entry.after or {}).get("last_updated")
            if stamp:
                moments.add(_parse(stamp))
    return sorted({thai_date(moment) for moment in moments if thai_date(moment) <= as_of})


def update_cycle(dataset: Dataset, stages: StageSet, longest: Cycle | None) -> UpdateCycle:
    """The dataset's own cycle ("every N units"), held to ``longest`` (e.g. monthly for stage 3) when it is longer."""
    unit = dataset.extras.get("update_frequency_unit")
    interval = _positive_int(dataset.extras.get("update_frequency_interval"))
    own = stages.update_cycles.get(unit) if isinstance(unit, str) else None
    if own is None or (longest is not None and own.approx_days() * interval > longest.approx_days()):
        longest = longest or Cycle(months=1)
        return UpdateCycle(longest, 1, f"อย่างน้อยทุก {_describe_th(longest)}", f"at least every {_describe_en(longest)}")
    return UpdateCycle(own, interval, f"ทุก {interval} {unit}", f"every {_describe_en(own, interval)}")


def _describe_th(cycle: Cycle) -> str:
    return f"{cycle.months} เดือน" if cycle.months else f"{cycle.days or cycle.working_days} วัน"


def _describe_en(cycle: Cycle, times: int = 1) -> str:
    if cycle.months:
        return f"{cycle.months * times} month(s)"
    return f"{cycle.days * times} day(s)" if cycle.days else f"{cycle.working_days * times} working day(s)"


def _positive_int(value: object) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return number if number > 0 else 1


def _parse(stamp: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
