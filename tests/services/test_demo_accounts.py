"""`banchi demo` makes an account for each role, bound to the demo people, and prints how to sign in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from catalog.models import Person
from catalog.models.accounts import Account, AccountRole
from catalog.settings import Settings
from services.cli.main import app
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.services.web.conftest import csrf_of

runner = CliRunner()
DEMO_ROLES = {"secretary.hrd@bangkok.go.th": ("admin", "bma-hrd"),
              "steward.hrd@bangkok.go.th": ("steward", "bma-hrd"),
              "director.hrd@bangkok.go.th": ("wg_member", "bma-hrd"),
              "evaluator.spe@bangkok.go.th": ("evaluator", 2564)}
_PASSWORD = re.compile(r"password: (\S+)")


def banchi(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def web_sign_in(site: TestClient, email: str, password: str) -> int:
    form = site.get("/user/login")
    answer = site.post("/user/login", data={"csrf_token": csrf_of(form.text), "email": email, "password": password,
                                            "came_from": "/workspace/"}, follow_redirects=False)
    return answer.status_code


def test_each_role_signs_in_with_the_printed_password(banchi_env: Settings, open_ctx: OpenContext) -> None:
    code, out = banchi("demo")
    assert code == 0, out
    printed = _PASSWORD.search(out)
    assert printed, out
    password = printed.group(1)
    for email in DEMO_ROLES:
        assert email in out
    with open_ctx() as ctx:
        for email, (role, scope) in DEMO_ROLES.items():
            account = ctx.session.exec(select(Account).where(Account.email == email)).one()
            person = ctx.session.exec(select(Person).where(Person.email == email)).one()
            assert account.person_id == person.id, f"{email} is not bound to its person"
            roles = ctx.session.exec(select(AccountRole).where(AccountRole.account_id == account.id)).all()
            assert [r.role for r in roles] == [role]
            if role == "evaluator":
                assert roles[0].fiscal_year == scope
    for email in DEMO_ROLES:
        site = TestClient(create_site(), headers={"accept": "text/html"})
        assert web_sign_in(site, email, password) == 303, email
        assert site.get("/workspace/").status_code == 200
        assert web_sign_in(TestClient(create_site()), email, password + "x") != 303


def test_the_password_can_be_chosen_and_a_second_load_keeps_it(banchi_env: Settings) -> None:
    code, out = banchi("demo", "--password", "ทดลองใช้ระบบบัญชีข้อมูล 2564")
    assert code == 0, out
    assert "password: ทดลองใช้ระบบบัญชีข้อมูล 2564" in out
    code, out = banchi("demo")  # the accounts exist: their password is not changed nor printed
    assert code == 0 and "password unchanged" in out and "ทดลองใช้" not in out
    site = TestClient(create_site(), headers={"accept": "text/html"})
    assert web_sign_in(site, "steward.hrd@bangkok.go.th", "ทดลองใช้ระบบบัญชีข้อมูล 2564") == 303


def test_a_weak_chosen_password_is_refused_without_printing_it(banchi_env: Settings) -> None:
    code, out = banchi("demo", "--password", "bangkok2564")
    assert code != 0
    assert "bangkok2564" not in out and "password" in out
