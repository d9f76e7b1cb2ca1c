"""A resource's foreign key refers to another resource of the same dataset by name: the check reads that
resource's stored file with its current dictionary (CSV or XLSX), as frictionless reads a data package."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from catalog.actions.dictionaries import dictionary_version_approve, dictionary_version_create, resource_validate
from catalog.actions.resources import resource_create
from catalog.models.dictionary import ValidationRun
from schemas.messages import ProblemsError
from tests.conftest import OpenContext
from tests.governance_helpers import CHAIR, make_agency

DISTRICTS = {"fields": [{"name": "รหัสเขต", "type": "integer"}, {"name": "ชื่อเขต"}], "primaryKey": ["รหัสเขต"]}
STATS = {
    "fields": [{"name": "เขต", "type": "integer", "title": "รหัสเขต"}, {"name": "จำนวน", "type": "integer"}],
    "foreignKeys": [{"fields": "เขต", "reference": {"resource": "เขตการปกครอง", "fields": "รหัสเขต"}}],
}


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("districts_as", ["csv", "xlsx"])
def test_a_foreign_key_to_another_resource_of_the_dataset(open_ctx: OpenContext, tmp_path: Path, districts_as: str):
    rows: list[list[Any]] = [["รหัสเขต", "ชื่อเขต"], [1001, "พระนคร"], [1002, "ดุสิต"]]
    content = (_xlsx(rows) if districts_as == "xlsx"
               else "".join(",".join(str(cell) for cell in r) + "\n" for r in rows).encode())
    with open_ctx() as ctx:
        dataset = make_agency(ctx)
        districts = resource_create(ctx, dataset, {"name": "เขตการปกครอง"}, content=io.BytesIO(content),
                                    filename=f"districts.{districts_as}")
        stats = resource_create(ctx, dataset, {"name": "สถิติ"}, content=io.BytesIO(b"x\n"), filename="stats.csv")
        for resource_id, schema in ((districts["id"], DISTRICTS), (stats["id"], STATS)):
            version = dictionary_version_create(ctx, dataset, resource_id, schema)
            dictionary_version_approve(ctx, version.id, {"approved_by": CHAIR})
    data = tmp_path / "stats.csv"
    data.write_text("เขต,จำนวน\n1001,5\n1009,3\n1002,1\n,2\n", "utf-8")
    with open_ctx() as ctx:
        run = resource_validate(ctx, dataset, stats["id"], data)
        stored = ctx.session.get(ValidationRun, run.id)
        assert stored is not None
        report = stored.report
    assert run.valid is False and run.errors == 1
    [error] = report["errors"]
    assert (error["type"], error["rowNumber"]) == ("foreign-key", 3)
    assert "1009" in error["messageTh"] and "เขตการปกครอง" in error["messageTh"]


def test_a_foreign_key_to_a_resource_the_dataset_lacks_is_named(open_ctx: OpenContext, tmp_path: Path):
    with open_ctx() as ctx:
        dataset = make_agency(ctx)
        stats = resource_create(ctx, dataset, {"name": "สถิติ"}, content=io.BytesIO(b"x\n"), filename="stats.csv")
        version = dictionary_version_create(ctx, dataset, stats["id"], STATS)
        dictionary_version_approve(ctx, version.id, {"approved_by": CHAIR})
    data = tmp_path / "stats.csv"
    data.write_text("เขต,จำนวน\n1001,5\n", "utf-8")
    with pytest.raises(ProblemsError) as caught, open_ctx() as ctx:
        resource_validate(ctx, dataset, stats["id"], data)
    problem = caught.value.problems[0]
    assert problem.code == "unknown_reference" and "เขตการปกครอง" in problem.th and "เขตการปกครอง" in problem.en
