"""The `banchi` command line, end to end on the test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.settings import Settings
from services.cli.main import app
from tests.factories import dataset_input

runner = CliRunner()


def banchi(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo(banchi_env: Settings) -> Settings:
    code, _out, err = banchi("demo")
    assert code == 0, err
    return banchi_env


def test_demo_is_idempotent_and_lists_as_json(demo: Settings) -> None:
    code, out, _ = banchi("demo")
    assert code == 0 and "nothing to add" in out
    code, out, _ = banchi("dataset", "list", "--format", "json")
    datasets = json.loads(out)
    assert len(datasets) >= 12
    types = {d["data_type"] for d in datasets}
    assert types == {"ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"}
    by_name = {d["name"]: d for d in datasets}
    assert by_name["junior-executive-personal-reports"]["title"] == "ข้อมูลรายงานส่วนบุคคลการฝึกอบรมนักบริหารมหานครระดับต้น"
    assert by_name["city-development-indicators"]["data_category"] == "ข้อมูลสาธารณะ"


def test_demo_datasets_have_complete_mandatory_metadata(demo: Settings) -> None:
    from schemas.metadata import missing_mandatory
    from schemas.profile import load_profile

    datasets = json.loads(banchi("dataset", "list", "--format", "json")[1])
    assert all(missing_mandatory(d, load_profile(d["profile"])) == [] for d in datasets)


def test_org_list_json(demo: Settings) -> None:
    orgs = {o["name"]: o for o in json.loads(banchi("org", "list", "--format", "json")[1])}
    assert orgs["bma-hrd"]["title"] == "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร" and orgs["bma-hrd"]["parent"] == "bma"


def test_add_show_edit_with_stale_version(demo: Settings, tmp_path: Path) -> None:
    metadata = tmp_path / "dataset.json"
    metadata.write_text(json.dumps(dataset_input("cli-stats", title="สถิติทดสอบ"), ensure_ascii=False),
                        encoding="utf-8")
    code, _, err = banchi("dataset", "add", "--file", str(metadata))
    assert code == 0, err
    shown = json.loads(banchi("dataset", "show", "cli-stats", "--format", "json")[1])
    assert shown["title"] == "สถิติทดสอบ" and shown["version"] == 1
    code, out, _ = banchi("dataset", "edit", "cli-stats", "--set", "notes=ปรับปรุงคำอธิบาย", "--version", "1",
                          "--format", "json")
    assert code == 0 and json.loads(out)["version"] == 2
    code, _, err = banchi("dataset", "edit", "cli-stats", "--set", "notes=ของเก่า", "--version", "1")
    assert code == 1 and "ฉบับปัจจุบันคือ 2" in err and "it is now version 2" in err
    assert json.loads(banchi("dataset", "show", "cli-stats", "--format", "json")[1])["notes"] == "ปรับปรุงคำอธิบาย"


def test_bad_input_exits_non_zero_names_fields_and_writes_nothing(demo: Settings) -> None:
    before = banchi("dataset", "list", "--format", "json")[1]
    code, out, _err = banchi("dataset", "add", "--org", "no-such-org", "--set", "name=bad-one",
                            "--set", "title=ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง", "--set", "maintainer_email=nope",
                            "--set", "data_type=ข้อมูลสถิติ", "--format", "json")
    assert code == 1
    errors = {e["field"]: e for e in json.loads(out)["errors"]}
    assert {"owner_org", "title", "maintainer_email"} <= set(errors)
    assert "notes" not in errors  # a draft may wait for its description; wrong values may not
    assert errors["title"]["code"] == "duplicate_title" and errors["title"]["th"] and errors["title"]["en"]
    code, out, _err = banchi("dataset", "add", "--org", "bma-hrd", "--set", "name=bad-one", "--set", "title=ใหม่",
                             "--set", "data_type=ข้อมูลสถิติ", "--publish", "--format", "json")
    assert code == 1
    errors = {e["field"]: e for e in json.loads(out)["errors"]}
    assert errors["notes"]["code"] == "required_to_publish"  # published at once: complete, every field named
    assert banchi("dataset", "list", "--format", "json")[1] == before


def test_table_output_uses_the_profiles_thai_labels(demo: Settings) -> None:
    code, out, _ = banchi("dataset", "show", "training-venues-map")
    assert code == 0 and "ชุดข้อมูลภูมิศาสตร์" in out and "ชั้นข้อมูลชุมนุม/อาคาร" in out


def test_audit_command_lists_changes(demo: Settings) -> None:
    banchi("dataset", "edit", "training-budget", "--set", "notes=แก้ไข", "--reason", "ทดสอบ")
    entries = json.loads(banchi("audit", "--dataset", "training-budget", "--format", "json")[1])
    assert entries[0]["action"] == "dataset_update" and entries[0]["reason"] == "ทดสอบ"
    assert entries[0]["actor"].startswith("cli:")


def test_commands_refuse_an_uninitialised_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog.settings import get_settings

    monkeypatch.setenv("BANCHI_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    get_settings.cache_clear()
    try:
        code, _, err = banchi("dataset", "list")
        assert code == 2 and "banchi init" in err
        assert banchi("init")[0] == 0
        assert banchi("dataset", "list", "--format", "json")[1].strip() == "[]"
    finally:
        get_settings.cache_clear()
