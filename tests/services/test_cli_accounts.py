"""`banchi account` and `banchi token` on the test database."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from catalog.actions.accounts import actor_for_token
from catalog.errors import ProblemsError
from catalog.settings import Settings
from schemas.buddhist_era import bangkok_time
from services.cli.main import app
from tests.conftest import OpenContext

runner = CliRunner()


def banchi(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_account_and_token_lifecycle(banchi_env: Settings, open_ctx: OpenContext) -> None:
    assert banchi("org", "add", "bma-hrd", "--title", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร")[0] == 0
    code, out, err = banchi("account", "add", "s@bangkok.go.th", "--role", "steward", "--role", "admin",
                            "--org", "bma-hrd", "--password-stdin", "--format", "json", stdin="a long password\n")
    assert code == 0, err
    account = json.loads(out)
    assert account["has_password"] and {r["role"] for r in account["roles"]} == {"steward", "admin"}

    code, out, err = banchi("token", "create", "--account", "s@bangkok.go.th", "--name", "harvest", "--scope", "read",
                            "--format", "json")
    assert code == 0, err
    created = json.loads(out)
    with open_ctx() as ctx:
        assert actor_for_token(ctx, created["token"]).scopes == {"read"}
    listed = json.loads(banchi("token", "list", "--account", "s@bangkok.go.th", "--format", "json")[1])
    assert [t["name"] for t in listed] == ["harvest"] and "token" not in listed[0]

    assert banchi("token", "revoke", created["id"])[0] == 0
    # tables people read give moments as Bangkok days of the Buddhist Era, never Python's datetime or "None"
    expires = dt.datetime.fromisoformat(created["expires_at"])
    code, out, err = banchi("token", "list", "--account", "s@bangkok.go.th", "--all")
    assert code == 0, err
    flat = " ".join(out.split())
    assert str(bangkok_time(expires).year + 543) in flat and "None" not in flat
    assert str(expires.year) not in flat.replace("/", " ").split()  # no Christian Era year of its own
    code, out, err = banchi("account", "list")
    assert code == 0 and "None" not in out and "เข้าสู่ระบบล่าสุด" in " ".join(out.split()), err
    with open_ctx() as ctx:
        try:
            actor_for_token(ctx, created["token"])
            raise AssertionError("a revoked token still works")
        except ProblemsError as exc:
            assert exc.problems[0].code == "login_failed"


def test_bad_account_input_exits_non_zero_and_names_the_field(banchi_env: Settings) -> None:
    assert banchi("init")[0] == 0
    code, _, err = banchi("account", "add", "s@bangkok.go.th", "--role", "steward", "--org", "nowhere")
    assert code == 1 and "organization" in err and "ไม่พบหน่วยงาน" in err
    code, _, err = banchi("account", "add", "e@bangkok.go.th", "--role", "evaluator")
    assert code == 1 and "fiscal_year" in err
