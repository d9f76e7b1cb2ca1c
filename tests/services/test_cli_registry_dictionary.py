"""`banchi dictionary add|versions|approve|check`: a resource's dictionary through the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.settings import Settings
from services.cli.main import app
from tests.conftest import OpenContext

runner = CliRunner()
SCHEMA = {"fields": [{"name": "district", "type": "string", "title": "เขต", "constraints": {"required": True}},
                     {"name": "trainees", "type": "integer", "title": "จำนวนผู้เข้าอบรม", "constraints": {"minimum": 0}}]}


def banchi(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def resource_id(banchi_env: Settings) -> str:
    assert banchi("demo")[0] == 0
    shown = json.loads(banchi("dataset", "show", "city-development-indicators", "--format", "json")[1])
    return shown["resources"][0]["id"]


def test_attach_approve_and_check_a_file(resource_id: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA, ensure_ascii=False), encoding="utf-8")
    code, out, err = banchi("dictionary", "add", "city-development-indicators", resource_id, str(schema),
                            "--format", "json")
    assert code == 0, err
    version = json.loads(out)
    assert (version["number"], version["status"]) == (1, "draft")
    code, _, err = banchi("dictionary", "approve", version["id"], "--by", "evaluator.spe@bangkok.go.th")
    assert code == 1 and "evaluator.spe@bangkok.go.th" in err  # not on the institute's working group
    code, out, err = banchi("dictionary", "approve", version["id"], "--by", "director.hrd@bangkok.go.th",
                            "--format", "json")
    assert code == 0, err
    assert json.loads(out)["approved_by"] == "director.hrd@bangkok.go.th"
    [listed] = json.loads(banchi("dictionary", "versions", "city-development-indicators", resource_id,
                                 "--format", "json")[1])
    assert listed["status"] == "approved"

    data = tmp_path / "data.csv"
    data.write_text("district,trainees\nบางรัก,91\n,-3\n", encoding="utf-8")
    code, out, _ = banchi("dictionary", "check", "city-development-indicators", resource_id, str(data),
                          "--format", "json")
    run = json.loads(out)
    assert code == 1 and run["valid"] is False and run["errors"] == 2 and run["rows"] == 2


def test_unknown_resource_is_named(resource_id: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    code, _, err = banchi("dictionary", "add", "city-development-indicators", "no-such-resource", str(schema))
    assert code == 1 and "no-such-resource" in err


def test_a_resource_named_by_its_name_and_its_newest_draft_approved(resource_id: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA, ensure_ascii=False), encoding="utf-8")
    shown = json.loads(banchi("dataset", "show", "city-development-indicators", "--format", "json")[1])
    name = next(r["name"] for r in shown["resources"] if r["id"] == resource_id)
    code, _, err = banchi("dictionary", "approve", "city-development-indicators", name, "--by",
                          "director.hrd@bangkok.go.th")
    assert code == 1 and "ไม่มีพจนานุกรมข้อมูลฉบับร่าง" in err and "no draft" in err
    for _ in range(2):
        code, _, err = banchi("dictionary", "add", "city-development-indicators", name, str(schema))
        assert code == 0, err
    code, out, err = banchi("dictionary", "approve", "city-development-indicators", name, "--by",
                            "director.hrd@bangkok.go.th", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["number"] == 2  # the newest draft
    code, _, err = banchi("dictionary", "versions", "city-development-indicators", "no such resource")
    assert code != 0 and "no such resource" in err


def test_a_name_two_resources_share_is_refused(resource_id: str, open_ctx: OpenContext) -> None:
    from catalog.actions.resources import resource_create

    with open_ctx() as ctx:
        for month in ("256410", "256411"):
            resource_create(ctx, "city-development-indicators", {
                "name": "ไฟล์รายเดือน", "url": f"https://hrd.bangkok.go.th/indicators/{month}.csv", "format": "CSV"})
    code, _, err = banchi("dictionary", "versions", "city-development-indicators", "ไฟล์รายเดือน")
    assert code == 1 and "มากกว่าหนึ่งรายการ" in err and "more than one resource" in err
