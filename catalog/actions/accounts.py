"""Accounts: who may sign in, their roles, personal API tokens, and password logins that slow down guessing.

Passwords are kept as argon2id hashes; a token's secret is shown once and only its sha256 is kept, so
neither can be read back from the database. The acting account is what the audit log records: role
grants and revocations, password changes, tokens made and revoked, sign-ins and failed sign-ins (never
a password or a token's secret).

An organization's admin manages an account only when everything the account acts in lies within the
organizations the admin administers (its roles, its person and that person's working-group seats); a
password change of one's own needs the current password, and every change of a password ends the
account's other sessions and tokens. A token never holds more scope than the credential that made it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy import case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import organization_for_input
from catalog.actions.organizations import descendants
from catalog.actions.validation import check_input
from catalog.audit import record_change, snapshot
from catalog.context import Actor, Context
from catalog.errors import NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from catalog.models import Organization, Person, WorkingGroup, WorkingGroupMember
from catalog.models.accounts import (
    ROLE_LABELS,
    Account,
    AccountRole,
    ApiToken,
    LoginThrottle,
    Role,
    TokenScope,
    account_snapshot,
)
from catalog.models.types import UTCDateTime
from catalog.passwords import password_problems
from catalog.permissions import action, helper
from schemas.messages import Problem, ProblemsError, problem

ACCOUNT_LABELS = {
    "email": ("อีเมล", "Email"),
    "display_name": ("ชื่อที่แสดง", "Display name"),
    "password": ("รหัสผ่าน", "Password"),
    "current_password": ("รหัสผ่านปัจจุบัน", "Current password"),
    "person": ("บุคคล", "Person"),
    "sysadmin": ("ผู้ดูแลระบบ", "System administrator"),
    "roles": ("บทบาท", "Roles"),
    "role": ("บทบาท", "Role"),
    "organization": ("หน่วยงาน", "Organization"),
    "fiscal_year": ("ปีงบประมาณ", "Fiscal year"),
    "active": ("ใช้งานได้", "Active"),
    "name": ("ชื่อโทเค็น", "Token name"),
    "scopes": ("ขอบเขตสิทธิ์", "Scopes"),
    "expires_in_days": ("อายุโทเค็น (วัน)", "Token lifetime (days)"),
}

TOKEN_PREFIX = "banchi_"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
SESSION_HOURS = 12
# Failed sign-ins are counted per account and client address, per address (over every account it tries)
# and per account (over every address). A few mistakes are free; after that each attempt waits twice as
# long as the one before, up to 15 minutes. The per-account count slows only addresses that already
# failed on the account, so guessing from many addresses is slowed while the owner, signing in from an
# address of their own, is never locked out. Counts are forgotten after an hour without a failure.
FREE_FAILURES = 3
FREE_FAILURES_PER_ADDRESS = 20
FREE_FAILURES_PER_ACCOUNT = 10
MAX_DELAY_SECONDS = 15 * 60
FORGET_FAILURES_AFTER = dt.timedelta(hours=1)
# a token's last use is written at most this often, so reading with a token does not write on every request
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("banchi-timing-equaliser")


# -- errors --------------------------------------------------------------------------------------------


class LoginFailed(ProblemsError):
    """Wrong email or password (which one is not said), or a token that is unknown, expired or revoked."""

    def __init__(self, token: bool = False):
        th, en = (
            ("โทเค็นไม่ถูกต้อง หมดอายุ หรือถูกเพิกถอนแล้ว", "The token is not valid, has expired or was revoked")
            if token else ("อีเมลหรือรหัสผ่านไม่ถูกต้อง", "Wrong email or password")
        )
        super().__init__([Problem(code="login_failed", th=th, en=en)])


class TooManyAttempts(TooManyRequests):
    def __init__(self, retry_after: int):
        super().__init__(retry_after, [Problem(
            code="too_many_attempts", value=retry_after,
            th=f"เข้าสู่ระบบผิดหลายครั้ง กรุณารอ {retry_after} วินาทีแล้วลองใหม่",
            en=f"Too many failed logins; try again in {retry_after} seconds",
        )])


# -- input and output models -----------------------------------------------------------------------------


class RoleGrant(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: Role
    organization: str | None = Field(None, description="organization name or id (admin, steward, wg_member)")
    fiscal_year: int | None = Field(None, ge=2500, le=2800, description="Buddhist Era fiscal year (evaluator)")


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailStr
    display_name: str | None = Field(None, min_length=1, max_length=300)
    password: str | None = Field(None, min_length=10, max_length=200)
    person: str | None = Field(None, description="the person record (email or id); default: same email")
    sysadmin: bool = False
    roles: list[RoleGrant] = Field(default_factory=list)


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: str | None = Field(None, min_length=1, max_length=300)
    active: bool | None = None
    password: str | None = Field(None, min_length=10, max_length=200)
    current_password: str | None = Field(None, max_length=200,
                                         description="needed to change the password of one's own account")


class RolePublic(BaseModel):
    role: Role
    label: str
    label_en: str
    organization: str | None
    fiscal_year: int | None


class AccountPublic(BaseModel):
    id: str
    email: str
    display_name: str
    person_id: str | None
    sysadmin: bool
    active: bool
    has_password: bool
    last_login_at: dt.datetime | None
    roles: list[RolePublic]
    version: int


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    scopes: list[TokenScope] | None = Field(
        None, min_length=1, description="default: every scope of the credential making it (never more)")
    expires_in_days: int = Field(DEFAULT_TOKEN_DAYS, ge=1, le=MAX_TOKEN_DAYS)


class TokenPublic(BaseModel):
    id: str
    account: str
    name: str
    prefix: str
    scopes: list[TokenScope]
    session: bool
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreated(TokenPublic):
    token: str = Field(description="the secret; shown only now, never again")


# -- accounts ---------------------------------------------------------------------------------------------



@action("account_create")
def account_create(ctx: Context, data: Mapping[str, Any]) -> AccountPublic:
    """A new account with its roles, bound to a person (named, or the person of the same email).

    An organization's admin may create accounts with roles in its organizations and bind them to its
    own people; an evaluator's role, a sysadmin, or an account without a role or a person is for a sysadmin.
    """
    values = check_input(AccountCreate, data, ACCOUNT_LABELS)
    email = values.email.lower()
    if values.sysadmin and not ctx.actor.sysadmin:
        raise PermissionDenied("account_create")
    grants = [_resolve_grant(ctx, grant) for grant in values.roles]
    person = _person(ctx, values.person, email)
    if person is not None:  # named, or of the same email: a person of another organization is not the admin's
        permissions.check(ctx, "account_person_bind", person.organization_id)
    orgs: set[str | None] = {org.id if org else None for _, org, _ in grants}
    if person is not None:
        orgs.add(person.organization_id)
    for org_id in orgs or {None}:
        permissions.check(ctx, "account_create", org_id)
    if ctx.session.exec(select(Account.id).where(Account.email == email)).first():
        raise ValidationFailed([problem("duplicate_name", "email", value=email)])
    display_name = values.display_name or (person.full_name if person else email)
    if values.password is not None:
        _check_password(values.password, email, display_name)
    account = Account(
        email=email, display_name=display_name,
        person_id=person.id if person else None, sysadmin=values.sysadmin,
        password_hash=_hasher.hash(values.password) if values.password else None,
        created_at=ctx.now(), updated_at=ctx.now(),
    )
    ctx.session.add(account)
    ctx.session.flush()
    record_change(ctx, "account_create", "account", account.id, None, account_snapshot(account))
    for role, org, year in grants:
        _add_role(ctx, account, role, org, year)
    return account_public(ctx, account)


@action("account_update")
def account_update(
    ctx: Context, key: str, data: Mapping[str, Any], expected_version: int | None = None
) -> AccountPublic:
    """Change the display name, the password or whether the account may sign in (its own or, as the
    admin managing it, another's). One's own password needs the current one; any new password ends
    the account's other sessions and tokens."""
    from catalog.versioning import claim_next_version

    values = check_input(AccountUpdate, data, ACCOUNT_LABELS)
    account = get_account(ctx, key)
    own = ctx.actor.account_id == account.id
    if own:
        permissions.check_own(ctx, "account_update")
    if not own or values.active is not None:
        _check_manages(ctx, "account_update", account)
    if values.password is not None:
        if own and not _verify(account.password_hash, values.current_password or ""):
            raise ValidationFailed([Problem(
                field="current_password", code="wrong_current_password",
                th="รหัสผ่านปัจจุบันไม่ถูกต้อง (ต้องระบุเพื่อเปลี่ยนรหัสผ่านของบัญชีตนเอง)",
                en="The current password is wrong (it is needed to change your own password)")])
        _check_password(values.password, account.email, values.display_name or account.display_name)
    before = account_snapshot(account)
    claim_next_version(ctx, account, "account", account.email, expected_version)
    if values.display_name is not None:
        account.display_name = values.display_name
    if values.active is not None:
        account.active = values.active
        if not values.active:  # a closed account's tokens stop working at once
            _revoke_all(ctx, account)
    account.updated_at = ctx.now()
    ctx.session.add(account)
    ctx.session.flush()
    record_change(ctx, "account_update", "account", account.id, before, account_snapshot(account))
    if values.password is not None:
        account.password_hash = _hasher.hash(values.password)
        ctx.session.add(account)
        ended = _revoke_all(ctx, account, keep=ctx.actor.token_id if own else None)
        record_change(ctx, "account_password_change", "account", account.id, None,
                      {"email": account.email, "own": own, "credentials_ended": ended})
    return account_public(ctx, account)


@action("account_role_grant")
def account_role_grant(ctx: Context, key: str, data: Mapping[str, Any]) -> AccountPublic:
    account = get_account(ctx, key)
    role, org, year = _resolve_grant(ctx, check_input(RoleGrant, data, ACCOUNT_LABELS))
    permissions.check(ctx, "account_role_grant", org.id if org else None)
    _check_manages(ctx, "account_role_grant", account)
    _add_role(ctx, account, role, org, year)
    return account_public(ctx, account)


@action("account_role_revoke")
def account_role_revoke(ctx: Context, key: str, data: Mapping[str, Any]) -> AccountPublic:
    account = get_account(ctx, key)
    role, org, year = _resolve_grant(ctx, check_input(RoleGrant, data, ACCOUNT_LABELS))
    permissions.check(ctx, "account_role_revoke", org.id if org else None)
    _check_manages(ctx, "account_role_revoke", account)
    row = ctx.session.exec(_role_query(account.id, role, org, year)).first()
    if row is not None:
        before = snapshot(row)
        ctx.session.delete(row)
        ctx.session.flush()
        record_change(ctx, "account_role_revoke", "account", account.id, before, None)
    return account_public(ctx, account)


@action("account_show")
def account_show(ctx: Context, key: str) -> AccountPublic:
    account = get_account(ctx, key)
    if ctx.actor.account_id == account.id:
        permissions.check_own(ctx, "account_show")
    else:
        _check_manages(ctx, "account_show", account)
    return account_public(ctx, account)


@action("account_list")
def account_list(ctx: Context, *, limit: int = 100, offset: int = 0) -> tuple[int, list[AccountPublic]]:
    """All accounts for a sysadmin; for an organization admin, the accounts it manages."""
    actor = ctx.actor
    query = select(Account).order_by(col(Account.email))
    if not actor.sysadmin:
        administered = [org for org, roles in actor.roles.items() if "admin" in roles]
        if not administered:
            raise PermissionDenied("account_list")
        permissions.check(ctx, "account_list", administered[0])  # the token's scope
        members = select(AccountRole.account_id).where(col(AccountRole.organization_id).in_(administered))
        people = select(Person.id).where(col(Person.organization_id).in_(administered))
        query = query.where(col(Account.id).in_(members) | col(Account.person_id).in_(people))
    rows = [account for account in ctx.session.exec(query).all() if _manages(ctx, "account_list", account)]
    return len(rows), [account_public(ctx, account) for account in rows[offset:offset + limit]]


@helper
def get_account(ctx: Context, key: str) -> Account:
    found = ctx.session.exec(select(Account).where((Account.id == key) | (Account.email == key.lower()))).first()
    if found is None:
        raise NotFound("account", key)
    return found


@helper
def account_public(ctx: Context, account: Account) -> AccountPublic:
    rows = ctx.session.exec(
        select(AccountRole, Organization.name).join(Organization, isouter=True)
        .where(AccountRole.account_id == account.id).order_by(col(AccountRole.created_at))
    ).all()
    roles = [
        RolePublic(role=Role(row.role), label=ROLE_LABELS[Role(row.role)][0], label_en=ROLE_LABELS[Role(row.role)][1],
                   organization=org_name, fiscal_year=row.fiscal_year)
        for row, org_name in rows
    ]
    return AccountPublic(
        **account.model_dump(include={"id", "email", "display_name", "person_id", "sysadmin", "active",
                                      "last_login_at", "version"}),
        has_password=bool(account.password_hash), roles=roles,
    )


# -- who is acting ----------------------------------------------------------------------------------------


@helper
def actor_for_account(ctx: Context, account: Account, scopes: frozenset[str] | None = None,
                      token_id: str | None = None) -> Actor:
    """The actor an account acts as: its roles (an organization's roles reach the units below it),
    a working-group seat as the wg_member role, and the fiscal years it evaluates."""
    roles: dict[str, set[str]] = {}
    years: set[int] = set()
    for row in ctx.session.exec(select(AccountRole).where(AccountRole.account_id == account.id)).all():
        if row.role == Role.evaluator and row.fiscal_year is not None:
            years.add(row.fiscal_year)
        elif row.organization_id:
            org = ctx.session.get(Organization, row.organization_id)
            for unit in descendants(ctx, org) if org else []:
                roles.setdefault(unit.id, set()).add(row.role)
    for org_id in _seats(ctx, account):
        roles.setdefault(org_id, set()).add(Role.wg_member.value)
    return Actor(
        name=account.email, person_id=account.person_id, sysadmin=account.sysadmin,
        roles={org_id: frozenset(names) for org_id, names in roles.items()},
        account_id=account.id, evaluator_years=frozenset(years), scopes=scopes, token_id=token_id,
    )


@dataclass(frozen=True)
class LoginOutcome:
    """A password login's result. Failures are returned, not raised, so the caller commits the
    failure count (which slows the next guess) and the audit entry before reporting the error."""

    actor: Actor | None = None
    error: ProblemsError | None = None

    def raise_for_failure(self) -> Actor:
        if self.error is not None:
            raise self.error
        assert self.actor is not None
        return self.actor


@action("login")
def password_login(ctx: Context, email: str, password: str, address: str | None = None) -> LoginOutcome:
    """Sign in with a password from the client ``address`` (None: not known, as on the command line)."""
    permissions.check(ctx, "login")
    key = email.strip().lower()
    where = address or "-"
    keys = _throttle_keys(key, where)
    now = ctx.now()
    counts = {kind: _failures(ctx, throttle_key, now) for kind, throttle_key in keys.items()}
    wait = max(_retry_after(*counts["pair"], FREE_FAILURES, now),
               _retry_after(*counts["address"], FREE_FAILURES_PER_ADDRESS, now),
               _retry_after(*counts["account"], FREE_FAILURES_PER_ACCOUNT, now) if counts["pair"][0] else 0)
    if wait > 0:
        return LoginOutcome(error=TooManyAttempts(wait))
    account = ctx.session.exec(select(Account).where(Account.email == key)).first()
    if account is None or not account.active or not _verify(account.password_hash, password):
        for throttle_key in keys.values():
            _count_failure(ctx, throttle_key, now)
        record_change(ctx, "sign_in_failed", "account", account.id if account else "-", None,
                      {"email": key[:320] if "@" in key else None, "address": where})
        return LoginOutcome(error=LoginFailed())
    ctx.session.execute(delete(LoginThrottle).where(col(LoginThrottle.key).in_([keys["pair"], keys["account"]])))
    if account.password_hash and _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.last_login_at = now
    ctx.session.add(account)
    ctx.session.flush()
    actor = actor_for_account(ctx, account)
    ctx.actor = actor
    record_change(ctx, "sign_in", "account", account.id, None, {"email": account.email, "address": where})
    return LoginOutcome(actor=actor)


@action("login")
def actor_for_token(ctx: Context, secret: str) -> Actor:
    """The actor a presented token acts as; raise LoginFailed if it is unknown, expired or revoked."""
    permissions.check(ctx, "login")
    row = ctx.session.exec(
        select(ApiToken, Account).join(Account).where(ApiToken.token_hash == token_hash(secret))
    ).first()
    if row is None:
        raise LoginFailed(token=True)
    token, account = row
    now = ctx.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now) or not account.active:
        raise LoginFailed(token=True)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        ctx.session.add(token)
        ctx.session.flush()
    scopes = None if token.session else frozenset(token.scopes)
    return actor_for_account(ctx, account, scopes, token.id)


# -- tokens -----------------------------------------------------------------------------------------------


@action("token_create")
def token_create(ctx: Context, data: Mapping[str, Any], account_key: str | None = None) -> TokenCreated:
    """A personal token for the acting account (or, for a sysadmin, any account); the secret is returned once.

    Needs the ``write`` scope; the new token has at most the scopes of the credential making it, and a
    token made by another personal token expires no later than that one."""
    permissions.check_own(ctx, "token_create")
    values = check_input(TokenCreate, data, ACCOUNT_LABELS)
    account = _token_owner(ctx, account_key)
    held = ctx.actor.scopes if ctx.actor.scopes is not None else frozenset(s.value for s in TokenScope)
    scopes = [s.value for s in values.scopes] if values.scopes else [s.value for s in TokenScope if s.value in held]
    if not set(scopes) <= held:
        raise ValidationFailed([Problem(
            field="scopes", code="scope_beyond_credential", value=sorted(set(scopes) - held),
            th="โทเค็นใหม่มีขอบเขตสิทธิ์เกินกว่าโทเค็นที่ใช้สร้างไม่ได้",
            en="A new token cannot have more scope than the token creating it")])
    expires_at = ctx.now() + dt.timedelta(days=values.expires_in_days)
    maker = ctx.session.get(ApiToken, ctx.actor.token_id) if ctx.actor.token_id else None
    if maker is not None and not maker.session and maker.expires_at is not None:
        expires_at = min(expires_at, maker.expires_at)
    return _issue(ctx, account, values.name, scopes, expires_at, session=False)


@action("login")
def session_create(ctx: Context, actor: Actor) -> TokenCreated:
    """A web session after a password login: a token kept in a cookie, with every scope, for a few hours."""
    permissions.check(ctx, "login")
    account = ctx.session.get(Account, actor.account_id)
    if account is None:
        raise NotFound("account", actor.name)
    return _issue(ctx, account, "web session", [s.value for s in TokenScope],
                  ctx.now() + dt.timedelta(hours=SESSION_HOURS), session=True)


@action("token_list")
def token_list(ctx: Context, account_key: str | None = None, *, include_inactive: bool = False) -> list[TokenPublic]:
    permissions.check_own(ctx, "token_list")
    account = _token_owner(ctx, account_key)
    query = select(ApiToken).where(ApiToken.account_id == account.id).order_by(col(ApiToken.created_at))
    if not include_inactive:
        query = _live_tokens(account.id, ctx.now()).order_by(col(ApiToken.created_at))
    return [_token_public(token, account) for token in ctx.session.exec(query).all()]


@action("token_revoke")
def token_revoke(ctx: Context, token_id: str) -> TokenPublic:
    permissions.check_own(ctx, "token_revoke")
    token = ctx.session.get(ApiToken, token_id)
    account = ctx.session.get(Account, token.account_id) if token else None
    if token is None or account is None:
        raise NotFound("token", token_id)
    if ctx.actor.account_id != account.id and not ctx.actor.sysadmin:
        raise NotFound("token", token_id)  # someone else's token: as if it did not exist
    _revoke(ctx, token)
    return _token_public(token, account)


@action("login")
def session_end(ctx: Context, secret: str) -> None:
    """Sign out: the session's token stops working. An unknown or ended session is left as it is."""
    permissions.check(ctx, "login")
    token = ctx.session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).first()
    if token is None or token.revoked_at is not None:
        return
    account = ctx.session.get(Account, token.account_id)
    if account is not None:
        ctx.actor = actor_for_account(ctx, account)
        _revoke(ctx, token)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# -- helpers ----------------------------------------------------------------------------------------------


def _issue(ctx: Context, account: Account, name: str, scopes: list[str], expires_at: dt.datetime,
           *, session: bool) -> TokenCreated:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(account_id=account.id, name=name, token_hash=token_hash(secret), prefix=secret[:12],
                     scopes=scopes, session=session, expires_at=expires_at, created_at=ctx.now())
    ctx.session.add(token)
    ctx.session.flush()
    record_change(ctx, "session_create" if session else "token_create", "api_token", token.id, None,
                  _token_snapshot(token))
    return TokenCreated(**_token_public(token, account).model_dump(), token=secret)


def _revoke(ctx: Context, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    before = _token_snapshot(token)
    token.revoked_at = ctx.now()
    ctx.session.add(token)
    ctx.session.flush()
    record_change(ctx, "token_revoke", "api_token", token.id, before, _token_snapshot(token))


def _revoke_all(ctx: Context, account: Account, keep: str | None = None) -> int:
    """End every live session and token of the account but ``keep``; how many were ended."""
    ended = [token for token in ctx.session.exec(_live_tokens(account.id, ctx.now())).all() if token.id != keep]
    for token in ended:
        _revoke(ctx, token)
    return len(ended)


def _token_owner(ctx: Context, account_key: str | None) -> Account:
    actor = ctx.actor
    if account_key is None:
        if actor.account_id is None:
            raise PermissionDenied("token_create")
        account = ctx.session.get(Account, actor.account_id)
        if account is None:
            raise NotFound("account", actor.name)
        return account
    account = get_account(ctx, account_key)
    if account.id != actor.account_id and not actor.sysadmin:
        raise PermissionDenied("token_create")
    return account


def _live_tokens(account_id: str, now: dt.datetime) -> Any:
    return select(ApiToken).where(
        ApiToken.account_id == account_id, col(ApiToken.revoked_at).is_(None),
        (col(ApiToken.expires_at).is_(None)) | (col(ApiToken.expires_at) > now),
    )


def _token_public(token: ApiToken, account: Account) -> TokenPublic:
    return TokenPublic(**token.model_dump(exclude={"token_hash", "account_id"}), account=account.email)


def _token_snapshot(token: ApiToken) -> dict[str, Any]:
    return token.model_dump(mode="json", exclude={"token_hash"})


def _resolve_grant(ctx: Context, grant: RoleGrant) -> tuple[Role, Organization | None, int | None]:
    """An evaluator role names a fiscal year; every other role names an organization."""
    labels = ACCOUNT_LABELS
    if grant.role is Role.evaluator:
        if grant.fiscal_year is None:
            raise ValidationFailed([problem("required", "fiscal_year", label=labels["fiscal_year"][0],
                                            label_en=labels["fiscal_year"][1])])
        return grant.role, None, grant.fiscal_year
    if not grant.organization:
        raise ValidationFailed([problem("required", "organization", label=labels["organization"][0],
                                        label_en=labels["organization"][1])])
    return grant.role, organization_for_input(ctx, grant.organization, "organization"), None


def _role_query(account_id: str, role: Role, org: Organization | None, year: int | None) -> Any:
    query = select(AccountRole).where(AccountRole.account_id == account_id, AccountRole.role == role.value)
    query = query.where(AccountRole.organization_id == org.id if org else col(AccountRole.organization_id).is_(None))
    return query.where(AccountRole.fiscal_year == year if year is not None else col(AccountRole.fiscal_year).is_(None))


def _add_role(ctx: Context, account: Account, role: Role, org: Organization | None, year: int | None) -> None:
    if ctx.session.exec(_role_query(account.id, role, org, year)).first():
        return  # granting a role the account already has changes nothing
    row = AccountRole(account_id=account.id, role=role.value, organization_id=org.id if org else None,
                      fiscal_year=year, created_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    record_change(ctx, "account_role_grant", "account", account.id, None, snapshot(row))


def _seats(ctx: Context, account: Account) -> list[str]:
    """The organizations on whose working groups the account's person sits."""
    if not account.person_id:
        return []
    return list(ctx.session.exec(
        select(WorkingGroup.organization_id).join(WorkingGroupMember)
        .where(WorkingGroupMember.person_id == account.person_id)
    ).all())


def _acts_in(ctx: Context, account: Account) -> set[str | None]:
    """Every organization the account acts in: its roles' (None for an evaluator's fiscal years, which
    span every agency), its person's and that person's working-group seats'."""
    orgs: set[str | None] = set(ctx.session.exec(
        select(AccountRole.organization_id).where(AccountRole.account_id == account.id)).all())
    if account.person_id:
        person = ctx.session.get(Person, account.person_id)
        orgs.add(person.organization_id if person else None)
        orgs.update(_seats(ctx, account))
    return orgs


def _check_manages(ctx: Context, action: str, account: Account) -> None:
    """Allowed to a sysadmin, or to an admin of every organization the account acts in (its tree below
    included); an account acting nowhere yet, or for every agency (an evaluator), is the sysadmin's."""
    if account.sysadmin and not ctx.actor.sysadmin:
        raise PermissionDenied(action)
    for org_id in _acts_in(ctx, account) or {None}:
        permissions.check(ctx, action, org_id)


def _manages(ctx: Context, action: str, account: Account) -> bool:
    try:
        _check_manages(ctx, action, account)
    except PermissionDenied:
        return False
    return True


def _person(ctx: Context, key: str | None, email: str) -> Person | None:
    if key:
        person = ctx.session.exec(
            select(Person).where((Person.id == key) | (Person.email == key.lower()))
        ).first()
        if person is None:
            raise ValidationFailed([problem("unknown_person", "person", value=key)])
        return person
    return ctx.session.exec(select(Person).where(Person.email == email)).first()


def _check_password(password: str, email: str, display_name: str | None) -> None:
    problems = password_problems(password, email=email, display_name=display_name)
    if problems:
        raise ValidationFailed(problems)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# -- failed sign-ins --------------------------------------------------------------------------------------


def _throttle_keys(email: str, address: str) -> dict[str, str]:
    """The counters a sign-in from ``address`` as ``email`` touches (hashed: bounded, and no address kept)."""

    def key(kind: str, *parts: str) -> str:
        return f"{kind}:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    return {"pair": key("pair", email, address), "address": key("address", address),
            "account": key("account", email)}


def _failures(ctx: Context, key: str, now: dt.datetime) -> tuple[int, dt.datetime]:
    """How many failures a counter holds (forgotten after an hour without one) and when the last was."""
    throttle = ctx.session.get(LoginThrottle, key)
    if throttle is None or now - throttle.last_failed_at > FORGET_FAILURES_AFTER:
        return 0, now
    return throttle.failures, throttle.last_failed_at


def _count_failure(ctx: Context, key: str, now: dt.datetime) -> None:
    """One more failure on a counter, in one statement (concurrent failures each count, none collides)."""
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    dialect = ctx.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    forgotten = table.c.last_failed_at < literal(now - FORGET_FAILURES_AFTER, UTCDateTime())
    statement = insert(table).values(key=key, failures=1, last_failed_at=now).on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((forgotten, 1), else_=table.c.failures + 1), "last_failed_at": now},
    )
    ctx.session.execute(statement)
    ctx.session.expire_all()


def _retry_after(failures: int, last_failed_at: dt.datetime, free: int, now: dt.datetime) -> int:
    if failures < free:
        return 0
    delay = min(2 ** min(failures - free, 20), MAX_DELAY_SECONDS)
    remaining = (last_failed_at + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))
