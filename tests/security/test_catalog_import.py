"""Attack (issue 13): ``banchi catalog import`` of a workbook exported before other people's edits silently
reverted them. The workbook now carries each dataset's and resource's version; a row whose record changed
since the export is refused as stale, named by sheet and row in Thai and English, unless ``--force``, which
the audit log records."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.security.conftest import ORG_A, TokenFor
from tests.services.test_cli import banchi

DATASET = "city-development-indicators"
THEIR_TITLE = "ฐานข้อมูลตัวชี้วัดการพัฒนาเมือง (แก้ไขโดยเจ้าหน้าที่)"


def _export_then_someone_edits(client: TestClient, token_for: TokenFor, path: Path) -> str:
    """An admin exports A's catalog; then a steward of A retitles one dataset through the API."""
    code, _, err = banchi("catalog", "export", str(path), "--org", ORG_A)
    assert code == 0, err
    steward = token_for("steward.a@bangkok.go.th", role="steward", org=ORG_A)
    version = client.get(f"/api/datasets/{DATASET}", headers=steward).json()["version"]
    edited = client.patch(f"/api/datasets/{DATASET}", json={"title": THEIR_TITLE},
                          headers={**steward, "If-Match": f'"{version}"'})
    assert edited.status_code == 200, edited.text
    return str(version + 1)


def test_importing_an_old_export_does_not_revert_a_later_edit(client: TestClient, token_for: TokenFor,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    _export_then_someone_edits(client, token_for, path)
    for extra in ((), ("--dry-run",)):
        code, out, _ = banchi("catalog", "import", str(path), *extra, "--format", "json")
        assert code == 1
        [stale] = json.loads(out)["errors"]
        assert stale["code"] == "stale_row" and stale["sheet"].startswith("Temp2_Meta_") and stale["row"] >= 6
        assert DATASET in stale["th"] and "ฉบับที่" in stale["th"] and "--force" in stale["th"]
        assert "changed after this workbook was exported" in stale["en"]
    code, _, err = banchi("catalog", "import", str(path))
    assert code == 1 and "row" in err and DATASET in err
    shown = json.loads(banchi("dataset", "show", DATASET, "--format", "json")[1])
    assert shown["title"] == THEIR_TITLE  # their edit is kept


def test_force_overwrites_and_the_audit_log_says_so(client: TestClient, token_for: TokenFor, tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    _export_then_someone_edits(client, token_for, path)
    code, out, err = banchi("catalog", "import", str(path), "--force", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["datasets_updated"] == [DATASET] and len(report["overwritten"]) == 1
    shown = json.loads(banchi("dataset", "show", DATASET, "--format", "json")[1])
    assert shown["title"] != THEIR_TITLE
    [entry, *_] = json.loads(banchi("audit", "--dataset", DATASET, "--format", "json")[1])
    assert entry["action"] == "dataset_update" and "--force" in entry["reason"] and "version" in entry["reason"]
