"""``banchi job …`` on the command line: a catalog import and its dry run as jobs (the worker's code runs here,
``runner.execute``), followed with ``job show``; a queued job cancelled with ``job cancel``."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import func, select
from typer.testing import CliRunner

from catalog.models import Dataset
from catalog.settings import Settings
from services.cli.main import app
from services.jobs import runner
from tests.catalog.test_catalog_import import hrd, sample_book  # noqa: F401 (the hrd fixture)
from tests.conftest import OpenContext

cli = CliRunner()


def banchi(*args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def count(open_ctx: OpenContext) -> int:
    with open_ctx() as ctx:
        return ctx.session.exec(select(func.count()).select_from(Dataset)).one()


def test_a_catalog_import_and_its_dry_run_as_jobs(banchi_env: Settings, hrd: str, open_ctx: OpenContext,  # noqa: F811
                                                  tmp_path: Path) -> None:
    book = sample_book(tmp_path / "catalog.xlsx")
    code, out, err = banchi("job", "import", str(book), "--org", hrd, "--dry-run", "--no-wait", "--format", "json")
    assert code == 0, err
    dry = json.loads(out)
    assert dry["state"] == "queued" and dry["kind"] == "catalog_import"
    assert runner.execute(dry["id"], banchi_env) == "succeeded" and count(open_ctx) == 0  # checked, nothing written
    code, out, _ = banchi("job", "show", dry["id"], "--format", "json")
    assert code == 0 and json.loads(out)["result"]["dry_run"] is True

    code, out, _ = banchi("job", "import", str(book), "--org", hrd, "--no-wait", "--format", "json")
    job = json.loads(out)
    assert runner.execute(job["id"], banchi_env) == "succeeded" and count(open_ctx) == 3

    code, out, _ = banchi("job", "import", str(book), "--org", hrd, "--no-wait", "--format", "json")
    queued = json.loads(out)["id"]
    code, out, _ = banchi("job", "cancel", queued, "--format", "json")
    assert code == 0 and json.loads(out)["state"] == "cancelled"
    code, out, err = banchi("job", "cancel", queued)
    assert code == 1 and "cancelled" in err  # finished already: refused, in Thai and English
    code, out, _ = banchi("job", "list", "--org", hrd, "--format", "json")
    assert code == 0 and [j["state"] for j in json.loads(out)] == ["cancelled", "succeeded", "succeeded"]
