"""The scoring rubric of an indicator for one fiscal year, read from ``schemas/rubrics/<family>-<year>.yaml``.

A rubric is configuration: the weight, the cumulative quarterly targets, how far the governance stages
count toward the percentage, and the parts of the work. Another agency's targets are another file —
``<family>-<year>.<organization>.yaml`` with ``extends: <family>-<year>`` and only what differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from schemas.fiscal_year import QUARTERS, FiscalYear
from schemas.governance_messages import MESSAGES, problem
from schemas.messages import Problem, ProblemsError
from schemas.profile import Label
from schemas.stages import MAX_STAGE

RUBRICS_DIR = Path(__file__).parent / "rubrics"
DEFAULT_FAMILY = "bma-5.2"

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "weight": ("น้ำหนักคะแนน", "weight"),
    "targets": ("ค่าเป้าหมายรายไตรมาส", "quarterly targets"),
    "stage_percent": ("ร้อยละตามขั้นตอน", "stage percentages"),
    "parts": ("ส่วนของการดำเนินงาน", "parts"),
    "fiscal_year": ("ปีงบประมาณ", "fiscal year"),
}


class RubricError(ProblemsError):
    """A rubric file that cannot be used, or a fiscal year without one."""


class Indicator(BaseModel):
    """The indicator as that fiscal year's manual names it. Its code on the BMA KPI site (e.g. 0409-0968) is
    the organization's (``Organization.code``), not the rubric's: every agency has its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: Label
    # where this year's name comes from; when it could not be established from the references, say so here
    name_source: Label | None = None
    name_established: bool = True
    kind: Label
    evaluator: Label
    evaluator_short: Label | None = None  # e.g. สยป., as the KPI page's headline writes it
    calculation: Label
    collection: Label | None = None


class Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1)
    name: Label
    description: Label | None = None
    target_stage: int = Field(ge=1, le=MAX_STAGE, description="the stage this part's datasets must reach")


class Rubric(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    fiscal_year: int = Field(ge=2400, le=2800)
    organization: str | None = None
    indicator: Indicator
    weight: float = Field(gt=0)
    targets: dict[int, float]
    stage_percent: dict[int, float]
    parts: list[Part] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        _check_series(self.targets, QUARTERS, "targets", "targets_decrease", "quarter")
        _check_series(self.stage_percent, MAX_STAGE, "stage_percent", "stage_percent_decrease", "stage")
        numbers = [part.number for part in self.parts]
        if len(numbers) != len(set(numbers)):
            raise PydanticCustomError("rubric_invalid", "part numbers repeat", {"detail": "part numbers repeat"})
        return self

    @property
    def fy(self) -> FiscalYear:
        return FiscalYear(self.fiscal_year)

    def target(self, quarter: int) -> float:
        return self.targets[quarter]

    def percent_for_stage(self, stage: int) -> float:
        return 0.0 if stage <= 0 else self.stage_percent[stage]

    def score(self, percentage: float) -> float:
        """คะแนนที่ได้รับ = น้ำหนักคะแนน × ร้อยละของคะแนนที่ได้รับ / 100."""
        return round(self.weight * percentage / 100, 4)

    def part(self, number: int) -> Part | None:
        return next((part for part in self.parts if part.number == number), None)


def _check_series(values: Mapping[int, float], count: int, field: str, decrease_code: str, key: str) -> None:
    if sorted(values) != list(range(1, count + 1)):
        raise PydanticCustomError("quarters_incomplete", "incomplete",
                                  {"field": field, "allowed": f"1–{count}", "value": sorted(values)})
    previous = 0.0
    for number in range(1, count + 1):
        value = values[number]
        if not 0 <= value <= 100:
            raise PydanticCustomError("percent_range", "out of range", {"field": f"{field}.{number}", "value": value})
        if value < previous:
            raise PydanticCustomError(decrease_code, "decreasing",
                                      {"field": f"{field}.{number}", key: number, "value": value, "previous": previous})
        previous = value


# -- loading ----------------------------------------------------------------------------------------------


def rubric_file(fiscal_year: int, *, family: str = DEFAULT_FAMILY, organization: str | None = None,
                directory: Path = RUBRICS_DIR) -> Path:
    suffix = f".{organization}" if organization else ""
    return directory / f"{family}-{fiscal_year}{suffix}.yaml"


def available_fiscal_years(*, family: str = DEFAULT_FAMILY, directory: Path = RUBRICS_DIR) -> list[int]:
    years = []
    for path in directory.glob(f"{family}-*.yaml"):
        tail = path.stem.removeprefix(f"{family}-")
        if tail.isdigit():
            years.append(int(tail))
    return sorted(years)


def load_rubric(fiscal_year: int, organizations: Iterable[str] = (), *, family: str = DEFAULT_FAMILY,
                directory: Path = RUBRICS_DIR) -> Rubric:
    """The rubric for a fiscal year: the first organization (most specific first) with its own file, else the base."""
    for organization in organizations:
        path = rubric_file(fiscal_year, family=family, organization=organization, directory=directory)
        if path.is_file():
            return load_rubric_file(path, fiscal_year=fiscal_year)
    path = rubric_file(fiscal_year, family=family, directory=directory)
    if not path.is_file():
        years = ", ".join(str(y) for y in available_fiscal_years(family=family, directory=directory)) or "-"
        raise RubricError([problem("rubric_missing", "fiscal_year", value=fiscal_year, allowed=years)])
    return load_rubric_file(path, fiscal_year=fiscal_year)


def load_rubric_file(path: Path, *, fiscal_year: int | None = None) -> Rubric:
    """Read and check one rubric file; an override (``extends``) is merged onto the file it names."""
    data = _read(path)
    if "extends" in data:
        base = path.parent / f"{data.pop('extends')}.yaml"
        data = _merge(_read(base), data)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        raise RubricError(_problems(exc, path)) from None
    if fiscal_year is not None and rubric.fiscal_year != fiscal_year:
        raise RubricError([problem("fiscal_year_mismatch", "fiscal_year", file=path.name, value=rubric.fiscal_year,
                                   expected=fiscal_year)])
    return rubric


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RubricError([problem("rubric_unreadable", "rubric", value=path.name, detail=exc)]) from None
    if not isinstance(data, dict):
        raise RubricError([problem("rubric_unreadable", "rubric", value=path.name, detail="not a mapping")])
    return data


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merge(merged[key], value) if isinstance(value, Mapping) and isinstance(
            merged.get(key), Mapping) and key not in ("targets", "stage_percent") else value
    return merged


def _problems(exc: ValidationError, path: Path) -> list[Problem]:
    problems = []
    for error in exc.errors():
        context = dict(error.get("ctx") or {})
        field = str(context.pop("field", None) or ".".join(str(part) for part in error["loc"]) or "rubric")
        th, en = FIELD_LABELS.get(field.split(".")[0], (field, field))
        code = error["type"] if error["type"] in MESSAGES else "rubric_invalid"
        context.setdefault("detail", error["msg"])
        context.setdefault("value", error.get("input") if code == "rubric_invalid" else None)
        problems.append(problem(code, field, file=path.name, label=f"{th} ({field})", label_en=f"{en} ({field})",
                                **context))
    return problems
