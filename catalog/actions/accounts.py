"""Accounts: who may sign in, their roles, personal API tokens, and password logins that slow down guessing.

Passwords are kept as argon2id hashes; a token's secret is shown once and only its sha256 is kept, so
neither can be read back from the database. The acting account is what the audit log records.
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
from sqlmodel import col, func, select

from catalog import permissions
from catalog.actions.lookup import organization_for_input
from catalog.actions.organizations import descendants
from catalog.actions.validation import check_input
from catalog.audit import record_change, snapshot
from catalog.context import Actor, Context
from catalog.errors import NotFound, PermissionDenied, ValidationFailed
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
from schemas.messages import Problem, ProblemsError, problem

ACCOUNT_LABELS = {
    "email": ("อีเมล", "Email"),
    "display_name": ("ชื่อที่แสดง", "Display name"),
    "password": ("รหัสผ่าน", "Password"),
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
SESSION_HOURS = 12
# a few mistakes are free; after that each attempt waits twice as long as the one before, up to 15 minutes
FREE_FAILURES = 3
MAX_DELAY_SECONDS = 15 * 60
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


class TooManyAttempts(ProblemsError):
    def __init__(self, retry_after: int):
        super().__init__([Problem(
            code="too_many_attempts", value=retry_after,
            th=f"เข้าสู่ระบบผิดหลายครั้ง กรุณารอ {retry_after} วินาทีแล้วลองใหม่",
            en=f"Too many failed logins; try again in {retry_after} seconds",
        )])
        self.retry_after = retry_after


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
    scopes: list[TokenScope] = Field(default_factory=lambda: [TokenScope.read, TokenScope.write], min_length=1)
    expires_in_days: int = Field(DEFAULT_TOKEN_DAYS, ge=1, le=3650)


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


def account_create(ctx: Context, data: Mapping[str, Any]) -> AccountPublic:
    values = check_input(AccountCreate, data, ACCOUNT_LABELS)
    email = values.email.lower()
    if values.sysadmin and not ctx.actor.sysadmin:
        raise PermissionDenied("account_create")
    grants = [_resolve_grant(ctx, grant) for grant in values.roles]
    orgs: set[str | None] = {org.id for _, org, _ in grants if org is not None}
    for org_id in orgs or {None}:
        permissions.check(ctx, "account_create", org_id)
    if ctx.session.exec(select(Account.id).where(Account.email == email)).first():
        raise ValidationFailed([problem("duplicate_name", "email", value=email)])
    person = _person(ctx, values.person, email)
    account = Account(
        email=email, display_name=values.display_name or (person.full_name if person else email),
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


def account_update(
    ctx: Context, key: str, data: Mapping[str, Any], expected_version: int | None = None
) -> AccountPublic:
    """Change the display name, the password or whether the account may sign in (its own or, as admin, others')."""
    from catalog.versioning import claim_next_version

    values = check_input(AccountUpdate, data, ACCOUNT_LABELS)
    account = get_account(ctx, key)
    own = ctx.actor.account_id == account.id
    if not own or values.active is not None:
        _check_on_account(ctx, "account_update", account)
    before = account_snapshot(account)
    claim_next_version(ctx, account, "account", account.email, expected_version)
    if values.display_name is not None:
        account.display_name = values.display_name
    if values.password is not None:
        account.password_hash = _hasher.hash(values.password)
    if values.active is not None:
        account.active = values.active
        if not values.active:  # a closed account's tokens stop working at once
            for token in ctx.session.exec(_live_tokens(account.id, ctx.now())).all():
                token.revoked_at = ctx.now()
    account.updated_at = ctx.now()
    ctx.session.add(account)
    ctx.session.flush()
    record_change(ctx, "account_update", "account", account.id, before, account_snapshot(account))
    return account_public(ctx, account)


def account_role_grant(ctx: Context, key: str, data: Mapping[str, Any]) -> AccountPublic:
    account = get_account(ctx, key)
    role, org, year = _resolve_grant(ctx, check_input(RoleGrant, data, ACCOUNT_LABELS))
    permissions.check(ctx, "account_role_grant", org.id if org else None)
    _add_role(ctx, account, role, org, year)
    return account_public(ctx, account)


def account_role_revoke(ctx: Context, key: str, data: Mapping[str, Any]) -> AccountPublic:
    account = get_account(ctx, key)
    role, org, year = _resolve_grant(ctx, check_input(RoleGrant, data, ACCOUNT_LABELS))
    permissions.check(ctx, "account_role_revoke", org.id if org else None)
    row = ctx.session.exec(_role_query(account.id, role, org, year)).first()
    if row is not None:
        before = snapshot(row)
        ctx.session.delete(row)
        ctx.session.flush()
        record_change(ctx, "account_role_revoke", "account", account.id, before, None)
    return account_public(ctx, account)


def account_show(ctx: Context, key: str) -> AccountPublic:
    account = get_account(ctx, key)
    if ctx.actor.account_id != account.id:
        _check_on_account(ctx, "account_show", account)
    return account_public(ctx, account)


def account_list(ctx: Context, *, limit: int = 100, offset: int = 0) -> tuple[int, list[AccountPublic]]:
    """All accounts for a sysadmin; for an organization admin, the accounts with a role in their organizations."""
    actor = ctx.actor
    query = select(Account)
    if not actor.sysadmin:
        administered = [org for org, roles in actor.roles.items() if "admin" in roles]
        if not administered or (actor.scopes is not None and "read" not in actor.scopes):
            raise PermissionDenied("account_list")
        members = select(AccountRole.account_id).where(col(AccountRole.organization_id).in_(administered))
        query = query.where(col(Account.id).in_(members))
    total = ctx.session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = ctx.session.exec(query.order_by(col(Account.email)).limit(limit).offset(offset)).all()
    return total, [account_public(ctx, account) for account in rows]


def get_account(ctx: Context, key: str) -> Account:
    found = ctx.session.exec(select(Account).where((Account.id == key) | (Account.email == key.lower()))).first()
    if found is None:
        raise NotFound("account", key)
    return found


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


def actor_for_account(ctx: Context, account: Account, scopes: frozenset[str] | None = None) -> Actor:
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
    if account.person_id:
        seats = ctx.session.exec(
            select(WorkingGroup.organization_id).join(WorkingGroupMember)
            .where(WorkingGroupMember.person_id == account.person_id)
        ).all()
        for org_id in seats:
            roles.setdefault(org_id, set()).add(Role.wg_member.value)
    return Actor(
        name=account.email, person_id=account.person_id, sysadmin=account.sysadmin,
        roles={org_id: frozenset(names) for org_id, names in roles.items()},
        account_id=account.id, evaluator_years=frozenset(years), scopes=scopes,
    )


@dataclass(frozen=True)
class LoginOutcome:
    """A password login's result. Failures are returned, not raised, so the caller commits the
    failure count (which slows the next guess) before reporting the error."""

    actor: Actor | None = None
    error: ProblemsError | None = None

    def raise_for_failure(self) -> Actor:
        if self.error is not None:
            raise self.error
        assert self.actor is not None
        return self.actor


def password_login(ctx: Context, email: str, password: str) -> LoginOutcome:
    key = email.strip().lower()
    throttle = ctx.session.get(LoginThrottle, key)
    if throttle is not None:
        wait = _retry_after(throttle, ctx.now())
        if wait > 0:
            return LoginOutcome(error=TooManyAttempts(wait))
    account = ctx.session.exec(select(Account).where(Account.email == key)).first()
    if account is None or not account.active or not _verify(account.password_hash, password):
        throttle = throttle or LoginThrottle(key=key, failures=0)
        throttle.failures += 1
        throttle.last_failed_at = ctx.now()
        ctx.session.add(throttle)
        ctx.session.flush()
        return LoginOutcome(error=LoginFailed())
    if throttle is not None:
        ctx.session.delete(throttle)
    if account.password_hash and _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.last_login_at = ctx.now()
    ctx.session.add(account)
    ctx.session.flush()
    return LoginOutcome(actor=actor_for_account(ctx, account))


def actor_for_token(ctx: Context, secret: str) -> Actor:
    """The actor a presented token acts as; raise LoginFailed if it is unknown, expired or revoked."""
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
    return actor_for_account(ctx, account, scopes)


# -- tokens -----------------------------------------------------------------------------------------------


def token_create(ctx: Context, data: Mapping[str, Any], account_key: str | None = None) -> TokenCreated:
    """A personal token for the acting account (or, for a sysadmin, any account); the secret is returned once."""
    values = check_input(TokenCreate, data, ACCOUNT_LABELS)
    account = _token_owner(ctx, account_key)
    return _issue(ctx, account, values.name, [s.value for s in values.scopes],
                  ctx.now() + dt.timedelta(days=values.expires_in_days), session=False)


def session_create(ctx: Context, actor: Actor) -> TokenCreated:
    """A web session after a password login: a token kept in a cookie, with every scope, for a few hours."""
    account = ctx.session.get(Account, actor.account_id)
    if account is None:
        raise NotFound("account", actor.name)
    return _issue(ctx, account, "web session", [s.value for s in TokenScope],
                  ctx.now() + dt.timedelta(hours=SESSION_HOURS), session=True)


def token_list(ctx: Context, account_key: str | None = None, *, include_inactive: bool = False) -> list[TokenPublic]:
    account = _token_owner(ctx, account_key)
    query = select(ApiToken).where(ApiToken.account_id == account.id).order_by(col(ApiToken.created_at))
    if not include_inactive:
        query = _live_tokens(account.id, ctx.now()).order_by(col(ApiToken.created_at))
    return [_token_public(token, account) for token in ctx.session.exec(query).all()]


def token_revoke(ctx: Context, token_id: str) -> TokenPublic:
    token = ctx.session.get(ApiToken, token_id)
    account = ctx.session.get(Account, token.account_id) if token else None
    if token is None or account is None:
        raise NotFound("token", token_id)
    if ctx.actor.account_id != account.id and not ctx.actor.sysadmin:
        raise NotFound("token", token_id)  # someone else's token: as if it did not exist
    if token.revoked_at is None:
        before = _token_snapshot(token)
        token.revoked_at = ctx.now()
        ctx.session.add(token)
        ctx.session.flush()
        record_change(ctx, "token_revoke", "api_token", token.id, before, _token_snapshot(token))
    return _token_public(token, account)


def session_end(ctx: Context, secret: str) -> None:
    """Sign out: the session's token stops working. An unknown or ended session is left as it is."""
    token = ctx.session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).first()
    if token is None or token.revoked_at is not None:
        return
    account = ctx.session.get(Account, token.account_id)
    if account is not None:
        ctx.actor = actor_for_account(ctx, account)
        token_revoke(ctx, token.id)


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


def _check_on_account(ctx: Context, action: str, account: Account) -> None:
    """Allowed to a sysadmin, or to an admin of an organization the account has a role in."""
    if account.sysadmin and not ctx.actor.sysadmin:
        raise PermissionDenied(action)
    orgs = ctx.session.exec(
        select(AccountRole.organization_id).where(AccountRole.account_id == account.id,
                                                  col(AccountRole.organization_id).is_not(None))
    ).all()
    for org_id in orgs:
        if permissions.allowed(ctx, "account_update", org_id):
            return
    permissions.check(ctx, action)  # only a sysadmin gets past this


def _person(ctx: Context, key: str | None, email: str) -> Person | None:
    if key:
        person = ctx.session.exec(
            select(Person).where((Person.id == key) | (Person.email == key.lower()))
        ).first()
        if person is None:
            raise ValidationFailed([problem("unknown_person", "person", value=key)])
        return person
    return ctx.session.exec(select(Person).where(Person.email == email)).first()


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _retry_after(throttle: LoginThrottle, now: dt.datetime) -> int:
    if throttle.failures < FREE_FAILURES:
        return 0
    delay = min(2 ** (throttle.failures - FREE_FAILURES), MAX_DELAY_SECONDS)
    remaining = (throttle.last_failed_at + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))
