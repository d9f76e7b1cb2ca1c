"""Demo sign-ins: an account for each role (admin, steward, working-group member, evaluator of 2564), each
bound to the demo person of the same email, so whoever loads the demo can sign in as each of them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlmodel import select

from catalog.actions.accounts import account_create, account_update
from catalog.context import Context
from catalog.models.accounts import ROLE_LABELS, Account, Role

ACCOUNTS_FILE = Path(__file__).parent / "accounts.yaml"


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    role: Role
    scope: str  # the organization or the fiscal year the role applies to
    created: bool  # False: it existed already and keeps its password unless one was given

    @property
    def role_th(self) -> str:
        return ROLE_LABELS[self.role][0]

    @property
    def role_en(self) -> str:
        return ROLE_LABELS[self.role][1]


def generate_password() -> str:
    """16 random URL-safe characters: passes the strength check, and is typed from the terminal as printed."""
    return secrets.token_urlsafe(12)


def load_demo_accounts(ctx: Context, password: str, *, reset_existing: bool = False) -> list[DemoSignIn]:
    """Create the demo accounts that do not exist yet with ``password``; with ``reset_existing`` the existing
    ones get it too (``banchi demo --password ...`` is a way back in). ``ctx`` is a sysadmin's."""
    specs = yaml.safe_load(ACCOUNTS_FILE.read_text(encoding="utf-8"))["accounts"]
    sign_ins = []
    for spec in specs:
        role = Role(spec["role"])
        grant = {"role": role.value, **({"fiscal_year": spec["fiscal_year"]} if role is Role.evaluator
                                         else {"organization": spec["organization"]})}
        existing = ctx.session.exec(select(Account).where(Account.email == spec["email"])).first()
        if existing is None:
            account_create(ctx, {"email": spec["email"], "roles": [grant], "password": password})
        elif reset_existing:
            account_update(ctx, existing.id, {"password": password})
        sign_ins.append(DemoSignIn(email=spec["email"], role=role,
                                   scope=str(spec.get("organization") or spec.get("fiscal_year")),
                                   created=existing is None))
    return sign_ins
