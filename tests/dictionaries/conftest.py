"""Helpers for the dictionary tests: run frictionless-py on the same file and compare findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

Key = tuple[int | None, str | None, str]


def frictionless_report(path: Path, schema: dict[str, Any], **options: Any) -> tuple[set[Key], int]:
    """(rowNumber, fieldName, type) of every frictionless error with no error limit, and their count."""
    import frictionless
    from frictionless.formats import ExcelControl

    if options.get("sheet"):
        options["control"] = ExcelControl(sheet=options["sheet"])
    options.pop("sheet", None)
    resource = frictionless.Resource(
        path.name, basepath=str(path.parent), schema=frictionless.Schema.from_descriptor(schema), **options
    )
    report = resource.validate(limit_errors=0)
    errors = [e.to_descriptor() for task in report.tasks for e in task.errors]
    errors += [e.to_descriptor() for e in report.errors]
    return {(e.get("rowNumber"), e.get("fieldName") or None, e["type"]) for e in errors}, len(errors)


def _errors(report: Any) -> list[dict[str, Any]]:
    return [e.model_dump() for e in report.errors]


@pytest.fixture
def same_as_frictionless(monkeypatch: pytest.MonkeyPatch):
    """Validate with Banchi and frictionless; assert equal findings; return Banchi's report.

    Banchi runs three times: as it chooses, then checking every column per distinct value, then
    never so (fast.DISTINCT_SHARE): the reports must be the same, whichever way a column went."""
    from dictionaries.validate import fast, validate

    def check(path: Path, schema: dict[str, Any], **options: Any):
        report = validate(path, schema, sheet=options.get("sheet"))
        for share, start in ((1.0, 0), (0.0, 0)):
            with monkeypatch.context() as patch:
                patch.setattr(fast, "DISTINCT_SHARE", share)
                patch.setattr(fast, "DISTINCT_FROM", start)
                assert _errors(validate(path, schema, sheet=options.get("sheet"))) == _errors(report)
        expected, count = frictionless_report(path, schema, **options)
        ours = report.finding_keys()
        assert sorted(ours - expected, key=str) == [] and sorted(expected - ours, key=str) == []
        assert report.stats.errors == count
        return report

    return check
