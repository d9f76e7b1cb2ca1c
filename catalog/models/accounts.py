"""Accounts (who may sign in), their roles per organization, personal API tokens, and login throttling."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalog.models.types import JSONType, UTCDateTime, new_id, utcnow


class Role(StrEnum):
    admin = "admin"  # ผู้ดูแลหน่วยงาน: manages the organization, its accounts and datasets
    steward = "steward"  # บริกรข้อมูล: edits the organization's datasets
    wg_member = "wg_member"  # คณะทำงาน: approves dictionaries, signs off stages
    evaluator = "evaluator"  # ผู้ประเมิน: reads every agency's stages and reports for a fiscal year


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.admin: ("ผู้ดูแลหน่วยงาน", "Organization admin"),
    Role.steward: ("บริกรข้อมูล", "Data steward"),
    Role.wg_member: ("คณะทำงานกำกับดูแลข้อมูล", "Working-group member"),
    Role.evaluator: ("ผู้ประเมิน", "Evaluator"),
}


class TokenScope(StrEnum):
    read = "read"  # read what the account may read, including non-public records
    write = "write"  # every change the account's roles allow


class Account(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    email: str = Field(sa_column=Column(String(320), unique=True, nullable=False))
    display_name: str = Field(max_length=300)
    person_id: str | None = Field(default=None, foreign_key="person.id", index=True, max_length=36)
    password_hash: str | None = Field(default=None, max_length=200)  # argon2id; None: tokens only
    sysadmin: bool = Field(default=False)
    active: bool = Field(default=True)
    last_login_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AccountRole(SQLModel, table=True):
    """One role: in an organization (admin, steward, wg_member) or for a fiscal year (evaluator)."""

    __tablename__ = "account_role"
    __table_args__ = (UniqueConstraint("account_id", "role", "organization_id", "fiscal_year"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    account_id: str = Field(foreign_key="account.id", index=True, max_length=36)
    role: str = Field(sa_column=Column(String(20), nullable=False))  # a Role
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True, max_length=36)
    fiscal_year: int | None = Field(default=None)  # Buddhist Era, for evaluators
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A personal token: the secret is shown once; only its sha256 is kept."""

    __tablename__ = "api_token"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    account_id: str = Field(foreign_key="account.id", index=True, max_length=36)
    name: str = Field(max_length=200)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    prefix: str = Field(max_length=20)  # the first characters, so people can tell their tokens apart
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    session: bool = Field(default=False)  # made by a password login for the web pages
    expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed password logins per email (known or not), to slow down guessing."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=320)
    failures: int = Field(default=0)
    last_failed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def account_snapshot(account: Account) -> dict[str, Any]:
    """What the audit log keeps of an account: never the password hash."""
    return account.model_dump(mode="json", exclude={"password_hash"}) | {"has_password": bool(account.password_hash)}
