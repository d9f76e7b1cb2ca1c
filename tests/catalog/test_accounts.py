"""Accounts, roles, tokens and password logins: the rules behind every API request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import select

from catalog import permissions
from catalog.actions.accounts import (
    LoginFailed,
    TooManyAttempts,
    account_create,
    account_list,
    account_role_grant,
    account_update,
    actor_for_account,
    actor_for_token,
    get_account,
    password_login,
    token_create,
    token_hash,
    token_list,
    token_revoke,
)
from catalog.actions.datasets import dataset_create
from catalog.actions.people import person_create
from catalog.actions.working_groups import working_group_create, working_group_member_add
from catalog.audit import audit_log
from catalog.context import Actor
from catalog.errors import Conflict, PermissionDenied, ValidationFailed
from catalog.models import AuditEntry, Organization
from catalog.models.accounts import Account, ApiToken
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def orgs(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        make_org(ctx, "bma", kind="administration")
        make_org(ctx, "bma-hrd", parent="bma")
        make_org(ctx, "bma-hrd-academic", kind="division", parent="bma-hrd")
        make_org(ctx, "bma-spe", parent="bma")


def login_actor(open_ctx: OpenContext, email: str, **kwargs: Any) -> Actor:
    with open_ctx(**kwargs) as ctx:
        outcome = password_login(ctx, email, PASSWORD)
    return outcome.raise_for_failure()


def test_password_is_kept_as_argon2_hash_and_never_audited(open_ctx: OpenContext, orgs: None) -> None:
    with open_ctx() as ctx:
        account = account_create(ctx, {"email": "Steward@Bangkok.go.th", "password": PASSWORD,
                                       "roles": [{"role": "steward", "organization": "bma-hrd"}]})
    assert account.email == "steward@bangkok.go.th" and account.has_password
    assert [(r.role, r.organization) for r in account.roles] == [("steward", "bma-hrd")]
    with open_ctx() as ctx:
        stored = ctx.session.exec(select(Account)).one()
        entries = audit_log(ctx, entity_type="account")
    assert stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert {e.action for e in entries} == {"account_create", "account_role_grant"}
    assert all("password_hash" not in (e.after or {}) for e in entries)


def test_bad_account_input_names_the_fields(open_ctx: OpenContext, orgs: None) -> None:
    with open_ctx() as ctx, pytest.raises(ValidationFailed) as caught:
        account_create(ctx, {"email": "not-an-email", "password": "short", "colour": "red"})
    assert {p.field for p in caught.value.problems} == {"email", "password", "colour"}
    with open_ctx() as ctx, pytest.raises(ValidationFailed) as caught:
        account_create(ctx, {"email": "a@b.go.th", "roles": [{"role": "evaluator"}]})
    assert caught.value.problems[0].field == "fiscal_year"
    with open_ctx() as ctx, pytest.raises(ValidationFailed) as caught:
        account_create(ctx, {"email": "a@b.go.th", "roles": [{"role": "steward", "organization": "nowhere"}]})
    assert caught.value.problems[0].field == "organization"


def test_login_and_the_actor_it_gives(open_ctx: OpenContext, orgs: None) -> None:
    with open_ctx() as ctx:
        person_create(ctx, {"email": "steward@bangkok.go.th", "full_name": "นายธนากร ใจเย็น"})
        account_create(ctx, {"email": "steward@bangkok.go.th", "password": PASSWORD,
                             "roles": [{"role": "steward", "organization": "bma-hrd"}]})
    actor = login_actor(open_ctx, "STEWARD@bangkok.go.th")
    assert actor.name == "steward@bangkok.go.th" and actor.person_id is not None and actor.scopes is None
    with open_ctx() as ctx:
        hrd = {o: ctx.session.exec(select(Organization.id).where(Organization.name == o)).one()
               for o in ("bma-hrd", "bma-hrd-academic", "bma-spe")}
    # a role in an agency reaches its divisions, and nothing else
    assert actor.roles[hrd["bma-hrd"]] == {"steward"} and actor.roles[hrd["bma-hrd-academic"]] == {"steward"}
    assert hrd["bma-spe"] not in actor.roles
    with open_ctx() as ctx:
        assert get_account(ctx, "steward@bangkok.go.th").last_login_at is not None


def test_failed_logins_are_slowed_down_and_a_success_resets(open_ctx: OpenContext, orgs: None) -> None:
    clock = Clock()
    with open_ctx() as ctx:
        account_create(ctx, {"email": "a@bangkok.go.th", "password": PASSWORD})

    def attempt(password: str, email: str = "a@bangkok.go.th") -> Exception | None:
        with open_ctx(clock=clock) as ctx:
            return password_login(ctx, email, password).error

    for _ in range(3):  # three mistakes are free
        assert isinstance(attempt("wrong password"), LoginFailed)
    waiting = attempt("wrong password")
    assert isinstance(waiting, TooManyAttempts) and waiting.retry_after == 1
    clock.advance(1)
    assert isinstance(attempt("wrong password"), LoginFailed)  # 4th failure: the next one waits twice as long
    blocked = attempt(PASSWORD)
    assert isinstance(blocked, TooManyAttempts) and blocked.retry_after == 2  # even the right password waits
    clock.advance(2)
    assert attempt(PASSWORD) is None
    assert attempt(PASSWORD) is None  # the count was reset
    # an unknown email is slowed down the same way (guessing does not learn which emails exist)
    for _ in range(5):
        attempt("x", "nobody@bangkok.go.th")
    assert isinstance(attempt("x", "nobody@bangkok.go.th"), TooManyAttempts)


def test_tokens_keep_only_a_hash_scope_expire_and_revoke(open_ctx: OpenContext, orgs: None) -> None:
    clock = Clock()
    with open_ctx(clock=clock) as ctx:
        account_create(ctx, {"email": "s@bangkok.go.th", "roles": [{"role": "steward", "organization": "bma-hrd"}]})
        reader = token_create(ctx, {"name": "harvester", "scopes": ["read"], "expires_in_days": 30},
                              "s@bangkok.go.th")
        writer = token_create(ctx, {"name": "script"}, "s@bangkok.go.th")
    with open_ctx() as ctx:
        stored = {t.name: t for t in ctx.session.exec(select(ApiToken)).all()}
    assert stored["harvester"].token_hash == token_hash(reader.token) and reader.token not in str(stored)
    assert reader.token.startswith(stored["harvester"].prefix)

    with open_ctx(clock=clock) as ctx:
        actor = actor_for_token(ctx, reader.token)
    assert actor.scopes == {"read"}
    with open_ctx(actor, clock=clock) as ctx, pytest.raises(PermissionDenied):
        dataset_create(ctx, dataset_input(), publish=True)
    with open_ctx(clock=clock) as ctx:
        actor = actor_for_token(ctx, writer.token)
    with open_ctx(actor, clock=clock) as ctx:
        dataset_create(ctx, dataset_input(), publish=True)
    with open_ctx() as ctx:
        entry = ctx.session.exec(select(AuditEntry).where(AuditEntry.action == "dataset_create")).one()
        used = {t.name: t.last_used_at for t in ctx.session.exec(select(ApiToken)).all()}
    assert entry.actor == "s@bangkok.go.th"  # the audit log names the account that made the change
    assert used == {"harvester": clock.now, "script": clock.now}

    clock.advance(31 * 86400)
    with open_ctx(clock=clock) as ctx, pytest.raises(LoginFailed):
        actor_for_token(ctx, reader.token)  # expired
    with open_ctx(actor, clock=clock) as ctx:
        assert [t.name for t in token_list(ctx)] == ["script"]
        token_revoke(ctx, writer.id)
    with open_ctx() as ctx, pytest.raises(LoginFailed):
        actor_for_token(ctx, writer.token)
    with open_ctx() as ctx, pytest.raises(LoginFailed):
        actor_for_token(ctx, "banchi_made-up")


def test_only_own_tokens_unless_sysadmin(open_ctx: OpenContext, orgs: None) -> None:
    with open_ctx() as ctx:
        for email in ("a@bangkok.go.th", "b@bangkok.go.th"):
            account_create(ctx, {"email": email})
        b_token = token_create(ctx, {"name": "b"}, "b@bangkok.go.th")
        a = actor_for_account(ctx, get_account(ctx, "a@bangkok.go.th"))
    with open_ctx(a) as ctx, pytest.raises(PermissionDenied):
        token_create(ctx, {"name": "x"}, "b@bangkok.go.th")
    with open_ctx(a) as ctx, pytest.raises(Exception, match="โทเค็น"):
        token_revoke(ctx, b_token.id)  # someone else's token answers as not found


def test_org_admin_manages_accounts_of_their_organization_only(open_ctx: OpenContext, orgs: None) -> None:
    with open_ctx() as ctx:
        account_create(ctx, {"email": "admin@bangkok.go.th", "password": PASSWORD,
                             "roles": [{"role": "admin", "organization": "bma-hrd"}]})
    admin = login_actor(open_ctx, "admin@bangkok.go.th")
    with open_ctx(admin) as ctx:
        account_create(ctx, {"email": "new@bangkok.go.th",
                             "roles": [{"role": "steward", "organization": "bma-hrd-academic"}]})
    for data in ({"email": "x@bangkok.go.th", "roles": [{"role": "steward", "organization": "bma-spe"}]},
                 {"email": "y@bangkok.go.th", "sysadmin": True},
                 {"email": "z@bangkok.go.th", "roles": [{"role": "evaluator", "fiscal_year": 2568}]}):
        with open_ctx(admin) as ctx, pytest.raises(PermissionDenied):
            account_create(ctx, data)
    with open_ctx(admin) as ctx:
        total, accounts = account_list(ctx)
        assert total == 2 and {a.email for a in accounts} == {"admin@bangkok.go.th", "new@bangkok.go.th"}
        updated = account_update(ctx, "new@bangkok.go.th", {"active": False}, expected_version=1)
        assert updated.active is False and updated.version == 2
    with open_ctx(admin) as ctx, pytest.raises(Conflict):
        account_update(ctx, "new@bangkok.go.th", {"display_name": "x"}, expected_version=1)


def test_steward_edits_only_their_organizations_datasets(open_ctx: OpenContext, orgs: None) -> None:
    with open_ctx() as ctx:
        account_create(ctx, {"email": "s@bangkok.go.th", "password": PASSWORD,
                             "roles": [{"role": "steward", "organization": "bma-hrd"}]})
    steward = login_actor(open_ctx, "s@bangkok.go.th")
    with open_ctx(steward) as ctx:
        dataset_create(ctx, dataset_input("own", owner_org="bma-hrd-academic"), publish=True)
    with open_ctx(steward) as ctx, pytest.raises(PermissionDenied):
        dataset_create(ctx, dataset_input("other", owner_org="bma-spe"), publish=True)


def test_working_group_seat_and_evaluator_years(open_ctx: OpenContext, orgs: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(permissions.ACTION_ROLES, "test_sign_off", frozenset({"wg_member"}))
    monkeypatch.setitem(permissions.ACTION_ROLES, "test_audit", frozenset({"evaluator"}))
    with open_ctx() as ctx:
        person_create(ctx, {"email": "member@bangkok.go.th", "full_name": "นางสาวอรุณี แสงทอง"})
        group = working_group_create(ctx, {"organization": "bma-hrd", "name": "คณะทำงาน"})
        working_group_member_add(ctx, group.id, {"person": "member@bangkok.go.th"})
        account_create(ctx, {"email": "member@bangkok.go.th", "password": PASSWORD})
        account_create(ctx, {"email": "eval@bangkok.go.th", "password": PASSWORD,
                             "roles": [{"role": "evaluator", "fiscal_year": 2568}]})
        hrd = ctx.session.exec(select(Organization.id).where(Organization.name == "bma-hrd")).one()
        spe = ctx.session.exec(select(Organization.id).where(Organization.name == "bma-spe")).one()
    member = login_actor(open_ctx, "member@bangkok.go.th")
    evaluator = login_actor(open_ctx, "eval@bangkok.go.th")
    with open_ctx(member) as ctx:
        permissions.check(ctx, "test_sign_off", hrd)
        assert not permissions.allowed(ctx, "test_sign_off", spe)
        assert permissions.readable_org_ids(ctx.actor) == {hrd}
    with open_ctx(evaluator) as ctx:
        permissions.check(ctx, "test_audit", spe, fiscal_year=2568)
        assert not permissions.allowed(ctx, "test_audit", spe, fiscal_year=2567)
        assert not permissions.allowed(ctx, "dataset_update", spe)
        assert permissions.readable_org_ids(ctx.actor) == frozenset()


def test_disabling_an_account_stops_its_logins_and_tokens(open_ctx: OpenContext, orgs: None) -> None:
    with open_ctx() as ctx:
        account_create(ctx, {"email": "a@bangkok.go.th", "password": PASSWORD})
        token = token_create(ctx, {"name": "t"}, "a@bangkok.go.th")
        account_role_grant(ctx, "a@bangkok.go.th", {"role": "steward", "organization": "bma-hrd"})
        account_update(ctx, "a@bangkok.go.th", {"active": False})
    with open_ctx() as ctx, pytest.raises(LoginFailed):
        actor_for_token(ctx, token.token)
    with open_ctx() as ctx:
        assert isinstance(password_login(ctx, "a@bangkok.go.th", PASSWORD).error, LoginFailed)
