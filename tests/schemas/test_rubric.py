"""Rubric files: versioned per fiscal year, agency overrides as configuration, bad files refused clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from schemas.fiscal_year import FiscalYear, fiscal_year_of
from schemas.rubric import RUBRICS_DIR, RubricError, available_fiscal_years, load_rubric, load_rubric_file
from schemas.stages import load_stages


def test_fy_2564_runs_october_2020_to_september_2021() -> None:
    year = FiscalYear(2564)
    assert (year.start, year.end) == (dt.date(2020, 10, 1), dt.date(2021, 9, 30))
    assert [(q.start, q.end) for q in year.quarters] == [
        (dt.date(2020, 10, 1), dt.date(2020, 12, 31)), (dt.date(2021, 1, 1), dt.date(2021, 3, 31)),
        (dt.date(2021, 4, 1), dt.date(2021, 6, 30)), (dt.date(2021, 7, 1), dt.date(2021, 9, 30))]
    assert fiscal_year_of(dt.date(2020, 10, 1)).year == 2564 and fiscal_year_of(dt.date(2020, 9, 30)).year == 2563
    assert year.quarter_of(dt.date(2020, 12, 14)).number == 1
    with pytest.raises(ValueError):
        FiscalYear(2021)


def test_default_rubric_of_2564() -> None:
    rubric = load_rubric(2564)
    assert rubric.weight == 10 and [rubric.target(q) for q in range(1, 5)] == [5, 30, 70, 100]
    assert rubric.score(70) == 7 and rubric.percent_for_stage(0) == 0
    assert [part.target_stage for part in rubric.parts] == [3, 5]
    assert {2564, 2565} <= set(available_fiscal_years())


def _write(directory: Path, name: str, data: dict[str, object]) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def rubric_dir(tmp_path: Path) -> Path:
    (tmp_path / "bma-5.2-2564.yaml").write_bytes((RUBRICS_DIR / "bma-5.2-2564.yaml").read_bytes())
    return tmp_path


def test_agency_targets_are_an_override_file(rubric_dir: Path) -> None:
    _write(rubric_dir, "bma-5.2-2564.other-agency.yaml",
           {"extends": "bma-5.2-2564", "organization": "other-agency", "targets": {1: 20, 2: 40, 3: 80, 4: 100}})
    other = load_rubric(2564, ["other-agency", "bma"], directory=rubric_dir)
    assert [other.target(q) for q in range(1, 5)] == [20, 40, 80, 100] and other.weight == 10
    assert other.indicator.code == "5.2"
    base = load_rubric(2564, ["bma-hrd"], directory=rubric_dir)
    assert [base.target(q) for q in range(1, 5)] == [5, 30, 70, 100]


@pytest.mark.parametrize(("targets", "code", "field"), [
    ({1: 20, 2: 40, 3: 30, 4: 100}, "targets_decrease", "targets.3"),
    ({1: 20, 2: 40, 3: 80, 4: 120}, "percent_range", "targets.4"),
    ({1: 20, 2: 40, 3: 80}, "quarters_incomplete", "targets"),
])
def test_bad_targets_are_refused_naming_the_quarter(rubric_dir: Path, targets: dict[int, int], code: str,
                                                    field: str) -> None:
    path = _write(rubric_dir, "bad.yaml", {"extends": "bma-5.2-2564", "targets": targets})
    with pytest.raises(RubricError) as caught:
        load_rubric_file(path)
    [found] = caught.value.problems
    assert (found.code, found.field) == (code, field)
    assert "bad.yaml" in found.th and "bad.yaml" in found.en and found.th != found.en


def test_decreasing_stage_percentages_and_bad_weight(rubric_dir: Path) -> None:
    path = _write(rubric_dir, "bad.yaml", {"extends": "bma-5.2-2564", "stage_percent": {1: 5, 2: 30, 3: 20, 4: 70,
                                                                                        5: 100}})
    with pytest.raises(RubricError) as caught:
        load_rubric_file(path)
    assert [p.code for p in caught.value.problems] == ["stage_percent_decrease"]
    path = _write(rubric_dir, "bad.yaml", {"extends": "bma-5.2-2564", "weight": 0})
    with pytest.raises(RubricError) as caught:
        load_rubric_file(path)
    assert caught.value.problems[0].field == "weight" and "น้ำหนักคะแนน" in caught.value.problems[0].th


def test_fiscal_year_without_a_rubric(rubric_dir: Path) -> None:
    with pytest.raises(RubricError) as caught:
        load_rubric(2570, directory=rubric_dir)
    [found] = caught.value.problems
    assert found.code == "rubric_missing" and "2570" in found.th and "2564" in found.en


def test_unreadable_rubric_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("targets: [1, 2", encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_rubric_file(path)
    assert caught.value.problems[0].code == "rubric_unreadable"


def test_stage_definitions_are_complete() -> None:
    stages = load_stages()
    assert [s.number for s in stages.stages] == [1, 2, 3, 4, 5]
    assert all(s.name.th and s.name.en and s.description.th for s in stages.stages)
    assert stages.gate("usage_evidence")[0].number == 4  # type: ignore[index]
    monthly = stages.update_cycles["เดือน"]
    assert monthly.window_start(dt.date(2021, 3, 31)) == dt.date(2021, 2, 28)
    assert stages.update_cycles["วันทำการ"].window_start(dt.date(2021, 3, 8)) == dt.date(2021, 3, 5)  # Monday→Friday
