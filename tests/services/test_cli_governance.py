"""`banchi stage|evidence|wg meeting|indicator|score|audited-result|narrative|report`, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.services.test_cli import banchi, demo  # noqa: F401 (the demo fixture, used by every test)

pytestmark = pytest.mark.usefixtures("demo")


def test_score_json_and_as_of() -> None:
    code, out, err = banchi("score", "--org", "bma-hrd", "--fy", "2564", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["weight"], data["score"]) == (10, 10)
    assert [(q["target"], q["progress"], q["met"], q["score"]) for q in data["quarters"]] == [
        (5, 5, True, 0.5), (30, 30, True, 3), (70, 70, True, 7), (100, 100, True, 10)]
    code, out, _ = banchi("score", "--org", "bma-hrd", "--fy", "2564", "--as-of", "2564-06-30", "--format", "json")
    assert [q["progress"] for q in json.loads(out)["quarters"]] == [5, 30, 70, None]
    code, out, _ = banchi("score", "--org", "bma-hrd", "--fy", "2564")
    assert code == 0 and "95 / 100" in out and "70.00" in out


def test_score_with_another_rubric_and_missing_year(tmp_path: Path) -> None:
    from schemas.rubric import RUBRICS_DIR

    (tmp_path / "bma-5.2-2564.yaml").write_bytes((RUBRICS_DIR / "bma-5.2-2564.yaml").read_bytes())
    rubric = tmp_path / "bma-5.2-2564.other.yaml"
    rubric.write_text("extends: bma-5.2-2564\ntargets: {1: 20, 2: 40, 3: 80, 4: 100}\n", encoding="utf-8")
    code, out, err = banchi("score", "--org", "bma-hrd", "--fy", "2564", "--rubric", str(rubric), "--format", "json")
    assert code == 0, err
    assert [q["met"] for q in json.loads(out)["quarters"]] == [False, False, False, True]
    rubric.write_text("extends: bma-5.2-2564\ntargets: {1: 20, 2: 10, 3: 80, 4: 100}\n", encoding="utf-8")
    code, out, _ = banchi("score", "--org", "bma-hrd", "--fy", "2564", "--rubric", str(rubric), "--format", "json")
    assert code == 1 and json.loads(out)["errors"][0]["code"] == "targets_decrease"
    code, _out, err = banchi("score", "--org", "bma-hrd", "--fy", "2590")
    assert code == 1 and "2590" in err and "no rubric" in err


def test_stage_status_advance_and_refusal() -> None:
    code, out, _ = banchi("stage", "status", "--org", "bma-hrd", "--format", "json")
    rows = {row["dataset"]: row for row in json.loads(out)}
    assert rows["junior-executive-personal-reports"]["stage"] == 5
    assert rows["city-development-indicators"]["blocking"][0]["gate"] == "usage_evidence"
    code, _out, err = banchi("stage", "advance", "city-development-indicators", "--to", "5",
                             "--by", "director.hrd@bangkok.go.th", "--reason", "ขอเลื่อน")
    assert code == 1 and "usage_evidence" in err and "published_or_exchanged" in err
    code, out, err = banchi("stage", "advance", "training-budget", "--to", "1", "--by",
                            "director.hrd@bangkok.go.th", "--reason", "อยู่ในบัญชีข้อมูล", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["to_stage"] == 1
    code, out, _ = banchi("stage", "history", "training-budget", "--format", "json")
    assert [e["reason"] for e in json.loads(out)] == ["อยู่ในบัญชีข้อมูล"]


def test_evidence_meeting_and_audited_result(tmp_path: Path) -> None:
    code, _out, err = banchi("evidence", "add", "--dataset", "training-budget", "--description", "ไม่มีวันที่",
                             "--by", "steward.hrd@bangkok.go.th", "--url", "https://hrd.bangkok.go.th/a")
    assert code == 1 and "evidence_date" in err
    code, _out, err = banchi("evidence", "add", "--dataset", "training-budget", "--description", "ไม่มีไฟล์",
                             "--by", "steward.hrd@bangkok.go.th", "--date", "2564-05-01")
    assert code == 1 and "file" in err
    document = tmp_path / "usage.txt"
    document.write_text("หลักฐานการใช้งาน", encoding="utf-8")
    code, out, err = banchi("evidence", "add", "--dataset", "training-budget", "--gate", "usage_evidence",
                            "--description", "การใช้งาน", "--by", "steward.hrd@bangkok.go.th", "--date", "2564-05-01",
                            "--file", str(document), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["evidence_date"] == "2021-05-01" and json.loads(out)["kind"] == "document"
    code, out, err = banchi("wg", "meeting", "add", "--org", "bma-hrd", "--date", "2021-11-05", "--title",
                            "ครั้งที่ 1/2565", "--by", "steward.hrd@bangkok.go.th", "--minutes", str(document))
    assert code == 0, err
    code, out, _ = banchi("wg", "meeting", "list", "--org", "bma-hrd", "--format", "json")
    assert [m["title"][-6:] for m in json.loads(out)][-1] == "1/2565"
    code, out, err = banchi("audited-result", "--org", "bma-hrd", "--fy", "2565", "--quarter", "1", "--result",
                            "90", "--by", "evaluator.spe@bangkok.go.th", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["result"] == 90
    code, out, _ = banchi("narrative", "show", "--org", "bma-hrd", "--fy", "2565", "--quarter", "1", "--format",
                          "json")
    narrative = json.loads(out)
    assert narrative["drafted"] and "1/2565" in narrative["text"]


@pytest.mark.parametrize(("fmt", "magic"), [("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF"), ("xlsx", b"PK"),
                                             ("json", b"{")])
def test_report_formats(tmp_path: Path, fmt: str, magic: bytes) -> None:
    target = tmp_path / f"report.{fmt}"
    code, _out, err = banchi("report", "--org", "bma-hrd", "--fy", "2564", "--format", fmt, "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(magic)
