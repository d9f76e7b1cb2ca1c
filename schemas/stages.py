"""The governance stages and their gates, read from ``schemas/governance/stages.yaml``.

The stages are data: names, descriptions, gate ids and texts in Thai and English, which gates the
records answer and which need evidence. The checks themselves live in ``catalog.gates``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.profile import Label

STAGES_FILE = Path(__file__).parent / "governance" / "stages.yaml"
MAX_STAGE = 5


class EvidencePolicy(StrEnum):
    never = "never"
    when_unknown = "when_unknown"
    always = "always"
    only = "only"


class Cycle(BaseModel):
    """The length of one update cycle: months, days or working days (Monday to Friday)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    months: int = Field(0, ge=0)
    days: int = Field(0, ge=0)
    working_days: int = Field(0, ge=0)

    def window_start(self, day: dt.date, times: int = 1) -> dt.date:
        """The first day still within ``times`` cycles ending on ``day`` (an update on or after it is current)."""
        start = _minus_months(day, self.months * times) - dt.timedelta(days=self.days * times)
        remaining = self.working_days * times
        while remaining > 0:
            start -= dt.timedelta(days=1)
            if start.weekday() < 5:
                remaining -= 1
        return start

    def approx_days(self) -> float:
        return self.months * 30.4 + self.days + self.working_days * 7 / 5


class Gate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    text: Label
    check: str | None = None
    evidence: EvidencePolicy = EvidencePolicy.never
    continuous: bool = False
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_or_evidence(self) -> Gate:
        if (self.check is None) != (self.evidence is EvidencePolicy.only):
            raise ValueError(f"gate {self.id}: a gate without a check takes evidence only, and only such a gate")
        return self


class Stage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1, le=MAX_STAGE)
    name: Label
    description: Label
    gates: list[Gate] = Field(min_length=1)


class StageSet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    update_cycles: dict[str, Cycle]
    stages: list[Stage]

    @model_validator(mode="after")
    def _complete(self) -> StageSet:
        if [stage.number for stage in self.stages] != list(range(1, MAX_STAGE + 1)):
            raise ValueError(f"stages must be numbered 1 to {MAX_STAGE} in order")
        ids = [gate.id for stage in self.stages for gate in stage.gates]
        if len(ids) != len(set(ids)):
            raise ValueError("gate ids must be unique")
        return self

    def stage(self, number: int) -> Stage:
        return self.stages[number - 1]

    def gate(self, gate_id: str) -> tuple[Stage, Gate] | None:
        return next(((s, g) for s in self.stages for g in s.gates if g.id == gate_id), None)

    def gate_ids(self) -> list[str]:
        return [gate.id for stage in self.stages for gate in stage.gates]


@cache
def load_stages(path: Path = STAGES_FILE) -> StageSet:
    return StageSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _minus_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
