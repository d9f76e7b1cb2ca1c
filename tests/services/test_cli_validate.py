"""``banchi validate``: JSON and table output, exit codes 0/1/2, progress bar on long runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli.commands import validate as validate_command
from services.cli.main import app
from tests.dictionaries.datagen import SCHEMA, write_csv

runner = CliRunner()


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA, ensure_ascii=False), "utf-8")
    return path


def test_valid_file_exits_zero(tmp_path: Path, schema_file: Path):
    data = write_csv(tmp_path / "ok.csv", 200, 0)
    result = runner.invoke(app, ["validate", str(data), "--schema", str(schema_file), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["stats"]["rows"] == 200
    assert report["quality"]["validity"] == 100.0


def test_invalid_file_exits_one_with_frictionless_shaped_errors(tmp_path: Path, schema_file: Path):
    data = write_csv(tmp_path / "bad.csv", 500, 0.1)
    result = runner.invoke(app, ["validate", str(data), "--schema", str(schema_file), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["stats"]["errors"] == len(report["errors"]) > 0
    first = next(e for e in report["errors"] if e["type"] == "type-error")
    assert {"type", "rowNumber", "fieldName", "message", "messageTh"} <= set(first)
    assert "แถวที่" in first["messageTh"]


def test_table_output_summarises_in_thai_and_english(tmp_path: Path, schema_file: Path):
    data = write_csv(tmp_path / "bad.csv", 500, 0.1)
    result = runner.invoke(app, ["validate", str(data), "--schema", str(schema_file)])
    assert result.exit_code == 1
    assert "ไม่ผ่าน / invalid" in result.stdout and "แถวที่" in result.stdout and "Row " in result.stdout


def test_bad_input_exits_two(tmp_path: Path, schema_file: Path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["validate", str(binary), "--schema", str(schema_file), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["code"] == "binary_file"
    broken_schema = tmp_path / "broken.json"
    broken_schema.write_text('{"fields": [{"name": "a", "type": "money"}]}', "utf-8")
    data = write_csv(tmp_path / "ok.csv", 5, 0)
    result = runner.invoke(app, ["validate", str(data), "--schema", str(broken_schema)])
    assert result.exit_code == 2 and "money" in result.stderr


def test_progress_is_reported_on_long_runs(tmp_path: Path, schema_file: Path, monkeypatch: pytest.MonkeyPatch):
    data = write_csv(tmp_path / "long.csv", 3000, 0.01)
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(validate_command, "PROGRESS_FROM_BYTES", 0)
    monkeypatch.setattr(validate_command, "stderr_is_terminal", lambda: True)
    original = validate_command.validate

    def spy(*args, progress=None, **kwargs):
        def record(done: int, total: int) -> None:
            seen.append((done, total))
            progress(done, total)

        return original(*args, progress=record, **kwargs)

    monkeypatch.setattr(validate_command, "validate", spy)
    result = runner.invoke(app, ["validate", str(data), "--schema", str(schema_file), "--format", "json"])
    assert result.exit_code == 1
    assert seen and seen[-1][0] == seen[-1][1] == data.stat().st_size
    json.loads(result.stdout)  # the bar went to stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path, schema_file: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    """A bar nobody sees would only slow the run (Arrow would read through Python to count bytes)."""
    data = write_csv(tmp_path / "long.csv", 300, 0.01)
    monkeypatch.setattr(validate_command, "PROGRESS_FROM_BYTES", 0)
    asked: list[object] = []
    original = validate_command.validate

    def spy(*args, progress=None, **kwargs):
        asked.append(progress)
        return original(*args, progress=progress, **kwargs)

    monkeypatch.setattr(validate_command, "validate", spy)
    result = runner.invoke(app, ["validate", str(data), "--schema", str(schema_file), "--format", "json"])
    assert result.exit_code == 1 and asked == [None]
    report = json.loads(result.stdout)
    assert report["stats"]["rows"] == 300 and report["errors"] and list(report)[:4] == [
        "valid", "stats", "warnings", "errors"]


def test_ctrl_c_is_a_clean_cancel(tmp_path: Path, schema_file: Path, monkeypatch: pytest.MonkeyPatch):
    data = write_csv(tmp_path / "data.csv", 100, 0)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_command, "validate", interrupted)
    result = runner.invoke(app, ["validate", str(data), "--schema", str(schema_file)])
    assert result.exit_code == 130 and "nothing was stored" in result.stderr
