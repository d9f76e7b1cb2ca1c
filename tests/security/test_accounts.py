"""Accounts, roles, tokens and signing in, attacked from organization B, from a stolen read-only token, and
by guessing passwords. Each test is one attack and the answer it now gets."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select
from typer.testing import CliRunner

from catalog.actions.accounts import get_account
from catalog.models import AuditEntry
from catalog.settings import Settings, get_settings
from services.cli.main import app as cli_app
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.security.conftest import NON_PUBLIC_A, ORG_B, PASSWORD, TokenFor
from tests.services.web.conftest import csrf_of

VICTIM = "steward.a@bangkok.go.th"  # an account of organization A
NEW_PASSWORD = "ผักบุ้งลอยฟ้า seven lanterns"
SIGN_IN = "/api/auth/login"


def at(client: TestClient, address: str) -> TestClient:
    """The same site, called from another client address."""
    return TestClient(client.app, client=(address, 40000))


def sign_in(client: TestClient, email: str, password: str) -> int:
    return client.post(SIGN_IN, json={"email": email, "password": password}).status_code


def site_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> TestClient:
    """The whole site started with these settings (``BANCHI_…``)."""
    for name, value in env.items():
        monkeypatch.setenv(f"BANCHI_{name.upper()}", value)
    get_settings.cache_clear()
    return TestClient(create_site())


# -- accounts and roles ------------------------------------------------------------------------------------


def test_an_admin_of_b_cannot_grant_itself_a_role_on_an_account_of_a_nor_reset_its_password(
    client: TestClient, token_for: TokenFor
) -> None:
    admin_b = token_for("admin@other.example", role="admin", org=ORG_B)
    token_for(VICTIM, role="steward")
    granted = client.post(f"/api/accounts/{VICTIM}/roles", json={"role": "steward", "organization": ORG_B},
                          headers=admin_b)
    assert granted.status_code == 403
    reset = client.patch(f"/api/accounts/{VICTIM}", json={"password": NEW_PASSWORD},
                         headers={**admin_b, "If-Match": "*"})
    assert reset.status_code == 403
    assert sign_in(client, VICTIM, NEW_PASSWORD) == 401 and sign_in(client, VICTIM, PASSWORD) == 200

    # an account acting in A and in B is not B's alone to manage either
    sysadmin = token_for("root@bangkok.go.th", role="sysadmin")
    assert client.post(f"/api/accounts/{VICTIM}/roles", json={"role": "steward", "organization": ORG_B},
                       headers=sysadmin).status_code == 200
    for answer in (
        client.patch(f"/api/accounts/{VICTIM}", json={"password": NEW_PASSWORD}, headers={**admin_b, "If-Match": "*"}),
        client.post(f"/api/accounts/{VICTIM}/roles/revoke", json={"role": "steward", "organization": "bma-hrd"},
                    headers=admin_b),
        client.get(f"/api/accounts/{VICTIM}", headers=admin_b),
    ):
        assert answer.status_code == 403
    assert VICTIM not in {a["email"] for a in client.get("/api/accounts", headers=admin_b).json()["results"]}
    roles = client.get(f"/api/accounts/{VICTIM}", headers=sysadmin).json()["roles"]
    assert {(r["role"], r["organization"]) for r in roles} == {("steward", "bma-hrd"), ("steward", ORG_B)}
    assert sign_in(client, VICTIM, PASSWORD) == 200


def test_role_grants_password_changes_tokens_and_sign_ins_are_audited_without_secrets(
    client: TestClient, token_for: TokenFor, open_ctx: OpenContext
) -> None:
    admin_a = token_for("admin.a@bangkok.go.th", role="admin")
    token_for(VICTIM, role="steward")
    assert client.post(f"/api/accounts/{VICTIM}/roles", json={"role": "admin", "organization": "bma-hrd"},
                       headers=admin_a).status_code == 200
    assert client.post(f"/api/accounts/{VICTIM}/roles/revoke", json={"role": "admin", "organization": "bma-hrd"},
                       headers=admin_a).status_code == 200
    assert client.patch(f"/api/accounts/{VICTIM}", json={"password": NEW_PASSWORD},
                        headers={**admin_a, "If-Match": "*"}).status_code == 200
    assert sign_in(client, VICTIM, "not the password") == 401
    assert sign_in(client, VICTIM, NEW_PASSWORD) == 200
    same_site = {"Origin": "http://testserver"}  # writes with the session cookie come from Banchi's own pages
    made = client.post("/api/me/tokens", json={"name": "script"}, headers=same_site)
    assert made.status_code == 201
    assert client.delete(f"/api/me/tokens/{made.json()['id']}", headers=same_site).status_code == 200

    with open_ctx() as ctx:
        account_id = get_account(ctx, VICTIM).id
        entries = ctx.session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    mine = [e for e in entries if e.entity_id == account_id or (e.after or {}).get("account_id") == account_id]
    actions = [e.action for e in mine]
    for action in ("account_role_grant", "account_role_revoke", "account_password_change", "sign_in_failed",
                   "sign_in", "token_create", "token_revoke"):
        assert action in actions, action
    change = next(e for e in mine if e.action == "account_password_change")
    assert change.actor == "admin.a@bangkok.go.th" and change.after and change.after["credentials_ended"] >= 1
    logged = json.dumps([e.model_dump(mode="json") for e in entries], ensure_ascii=False)
    for secret in (NEW_PASSWORD, PASSWORD, "not the password", made.json()["token"], "$argon2"):
        assert secret not in logged


def test_an_admin_of_b_cannot_bind_an_account_to_a_person_of_a(client: TestClient, token_for: TokenFor) -> None:
    admin_b = token_for("admin@other.example", role="admin", org=ORG_B)
    roles_in_b = [{"role": "steward", "organization": ORG_B}]
    named = client.post("/api/accounts", headers=admin_b, json={
        "email": "mole@other.example", "password": PASSWORD, "person": "training.hrd@bangkok.go.th",
        "roles": roles_in_b})
    assert named.status_code == 403
    same_email = client.post("/api/accounts", headers=admin_b, json={
        "email": "training.hrd@bangkok.go.th", "password": PASSWORD, "roles": roles_in_b})
    assert same_email.status_code == 403
    assert sign_in(client, "mole@other.example", PASSWORD) == 401
    assert sign_in(client, "training.hrd@bangkok.go.th", PASSWORD) == 401
    assert client.get(f"/api/datasets/{NON_PUBLIC_A}").status_code == 404

    # A's admin binds an account to A's person, who then acts through the working-group seat
    admin_a = token_for("admin.a@bangkok.go.th", role="admin")
    made = client.post("/api/accounts", headers=admin_a, json={
        "email": "training.hrd@bangkok.go.th", "password": PASSWORD})
    assert made.status_code == 201 and made.json()["person_id"]


def test_people_emails_are_shown_only_to_admins_of_their_organization(
    client: TestClient, token_for: TokenFor
) -> None:
    steward_b = token_for("steward@other.example", role="steward", org=ORG_B)
    admin_b = token_for("admin@other.example", role="admin", org=ORG_B)
    admin_a = token_for("admin.a@bangkok.go.th", role="admin")
    for outsider in (steward_b, admin_b):
        people = client.get("/api/people", headers=outsider).json()["results"]
        assert people and all(p["email"] is None for p in people)
        groups = client.get("/api/organizations/bma-hrd/working-groups", headers=outsider).json()
        assert all(m["email"] is None for g in groups for m in g["members"])
    seen = {p["full_name"]: p["email"] for p in client.get("/api/people", headers=admin_a).json()["results"]}
    assert seen["นางสาวอรุณี แสงทอง"] == "training.hrd@bangkok.go.th"  # a person of a unit under A
    assert seen["นางวิไลวรรณ ตรวจดี"] is None  # a person of another agency


# -- tokens and one's own password ---------------------------------------------------------------------------


def test_a_read_only_token_cannot_mint_a_write_token_nor_change_the_password(
    client: TestClient, token_for: TokenFor
) -> None:
    reader = token_for(VICTIM, role="steward", scopes=["read"])
    decade = client.post("/api/me/tokens", headers=reader,
                         json={"name": "escalate", "scopes": ["read", "write"], "expires_in_days": 3650})
    assert decade.status_code == 422 and decade.json()["errors"][0]["field"] == "expires_in_days"
    minted = client.post("/api/me/tokens", headers=reader, json={"name": "escalate", "scopes": ["read", "write"]})
    assert minted.status_code == 403
    assert client.post("/api/me/tokens", headers=reader, json={"name": "copy", "scopes": ["read"]}).status_code == 403
    changed = client.patch(f"/api/accounts/{VICTIM}", headers={**reader, "If-Match": "*"},
                           json={"password": NEW_PASSWORD, "current_password": PASSWORD})
    assert changed.status_code == 403
    assert client.patch(f"/api/accounts/{VICTIM}", headers={**reader, "If-Match": "*"},
                        json={"display_name": "x"}).status_code == 403
    assert client.get("/api/me/tokens", headers=reader).status_code == 200  # reading stays allowed
    assert sign_in(client, VICTIM, PASSWORD) == 200

    writer_only = token_for("writer@bangkok.go.th", role="steward", scopes=["write"])
    wider = client.post("/api/me/tokens", headers=writer_only, json={"name": "wider", "scopes": ["read", "write"]})
    assert wider.status_code == 422 and wider.json()["errors"][0]["field"] == "scopes"
    same = client.post("/api/me/tokens", headers=writer_only, json={"name": "same"})
    assert same.status_code == 201 and same.json()["scopes"] == ["write"]
    full = token_for("full@bangkok.go.th", role="steward")
    decade = client.post("/api/me/tokens", headers=full, json={"name": "forever", "expires_in_days": 3650})
    assert decade.status_code == 422 and decade.json()["errors"][0]["field"] == "expires_in_days"


def test_changing_ones_own_password_needs_the_current_one_and_ends_every_other_session_and_token(
    client: TestClient, token_for: TokenFor
) -> None:
    owner = token_for(VICTIM, role="steward")
    made = client.post("/api/me/tokens", headers=owner, json={"name": "x"}).json()
    other = {"Authorization": f"Bearer {made['token']}"}
    browser = at(client, "192.0.2.10")
    assert sign_in(browser, VICTIM, PASSWORD) == 200
    change = {**owner, "If-Match": "*"}
    missing = client.patch(f"/api/accounts/{VICTIM}", headers=change, json={"password": NEW_PASSWORD})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "current_password"
    wrong = client.patch(f"/api/accounts/{VICTIM}", headers=change,
                         json={"password": NEW_PASSWORD, "current_password": "a guess at it"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    assert client.get("/api/me", headers=other).status_code == 200  # nothing changed yet
    done = client.patch(f"/api/accounts/{VICTIM}", headers=change,
                        json={"password": NEW_PASSWORD, "current_password": PASSWORD})
    assert done.status_code == 200
    assert client.get("/api/me", headers=owner).status_code == 200  # the credential that changed it
    assert client.get("/api/me", headers=other).status_code == 401
    assert browser.get("/api/me").status_code == 401
    assert sign_in(client, VICTIM, PASSWORD) == 401 and sign_in(client, VICTIM, NEW_PASSWORD) == 200

    # an admin's reset ends every session and token of the account
    admin_a = token_for("admin.a@bangkok.go.th", role="admin")
    assert client.patch(f"/api/accounts/{VICTIM}", headers={**admin_a, "If-Match": "*"},
                        json={"password": "ลมหนาวพัดผ่าน river nine"}).status_code == 200
    assert client.get("/api/me", headers=owner).status_code == 401
    assert client.get("/api/me").status_code == 401  # the session signed in above


# -- sign-in abuse -------------------------------------------------------------------------------------------


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(client: TestClient, token_for: TokenFor) -> None:
    token_for(VICTIM, role="steward")
    attacker = at(client, "203.0.113.66")
    answers = [sign_in(attacker, VICTIM, f"guess number {n}") for n in range(6)]
    assert answers[:3] == [401, 401, 401] and 429 in answers[3:]
    slowed = attacker.post(SIGN_IN, json={"email": VICTIM, "password": PASSWORD})
    assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) >= 1  # the guesser waits
    assert sign_in(at(client, "198.51.100.7"), VICTIM, PASSWORD) == 200  # the owner, from their own address


def test_guessing_many_accounts_from_one_address_is_slowed(
    two_orgs: Settings, token_for: TokenFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_with(monkeypatch, rate_limit_sign_in="1000/minute")  # the per-address failure count alone
    token_for(VICTIM, role="steward")
    sprayer = at(site, "203.0.113.99")
    answers = [sprayer.post(SIGN_IN, json={"email": f"user{n}@bangkok.go.th", "password": "Bangkok2567!"})
               for n in range(25)]
    assert answers[0].status_code == 401
    refused = [a for a in answers if a.status_code == 429]
    assert refused and refused[0].json()["errors"][0]["code"] == "too_many_attempts"
    assert sign_in(sprayer, VICTIM, PASSWORD) == 429  # even a right password waits from this address
    assert sign_in(at(site, "198.51.100.7"), VICTIM, PASSWORD) == 200


def test_the_api_and_the_sign_in_page_are_rate_limited_per_address(
    two_orgs: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_with(monkeypatch, rate_limit_api="20/minute", rate_limit_sign_in="3/minute")
    answers = [site.get("/api/datasets").status_code for _ in range(21)]
    assert answers[:20] == [200] * 20 and answers[20] == 429
    over = site.get("/api/organizations")
    assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
    assert over.json()["errors"][0]["code"] == "too_many_requests"
    assert at(site, "198.51.100.7").get("/api/datasets").status_code == 200  # another address is not held back

    page = at(site, "192.0.2.44")
    form = page.get("/user/login").text
    tries = [page.post("/user/login", data={"csrf_token": csrf_of(form), "email": f"u{n}@bangkok.go.th",
                                            "password": "a wrong password"}).status_code for n in range(4)]
    assert tries == [401, 401, 401, 429]


def test_weak_passwords_are_refused_and_never_repeated(
    client: TestClient, token_for: TokenFor, banchi_env: Settings
) -> None:
    admin_a = token_for("admin.a@bangkok.go.th", role="admin")
    roles = [{"role": "steward", "organization": "bma-hrd"}]
    for email, password in (("n1@bangkok.go.th", "1111111111"), ("n2@bangkok.go.th", "n2@bangkok.go.th"),
                            ("n3@bangkok.go.th", "password1234"), ("n4@bangkok.go.th", "hunter2")):
        refused = client.post("/api/accounts", headers=admin_a,
                              json={"email": email, "password": password, "roles": roles})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "password"
        assert password not in refused.text.replace(email, "")
    assert client.post("/api/accounts", headers=admin_a,
                       json={"email": "n5@bangkok.go.th", "password": PASSWORD, "roles": roles}).status_code == 201

    runner = CliRunner()
    for weak in ("1111111111", "hunter2"):
        result = runner.invoke(cli_app, ["account", "add", "n6@bangkok.go.th", "--role", "steward", "--org", "bma-hrd",
                                         "--password-stdin"], input=weak + "\n")
        assert result.exit_code == 1 and "password" in result.stderr
        assert weak not in result.stdout + result.stderr
