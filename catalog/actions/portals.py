"""The registry of CKAN portals: a sysadmin registers each one (URL, API key, whether it sits on a private
network); publishing, drift checks and harvests through the API and the web name a registered portal,
never an address from the request.

The API key is stored encrypted (``catalog.secrets``) and leaves this module only inside a
``PortalConnection``, to the service that calls the portal for an allowed actor; no action returns it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_by_id_or_name
from catalog.actions.publishing import normalize_portal_url
from catalog.actions.validation import check_input
from catalog.audit import record_change
from catalog.context import Context
from catalog.errors import PermissionDenied, ValidationFailed
from catalog.models.portal import Portal
from catalog.permissions import action
from catalog.publish_messages import publish_problem
from catalog.secrets import decrypt_secret, encrypt_secret

PORTAL_LABELS = {
    "name": ("ชื่อย่อของพอร์ทัล", "Portal name"),
    "title": ("ชื่อพอร์ทัล", "Portal title"),
    "url": ("ที่อยู่ระบบ CKAN", "CKAN portal address"),
    "api_key": ("API token ของผู้ใช้บนพอร์ทัล", "API token of a portal user"),
    "allow_private_network": ("อนุญาตเครือข่ายภายใน", "Allow private network"),
}
PUBLISHER_ROLES_ACTION = "portal_list"  # who may see the registry: publishers of any organization


class PortalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(pattern=r"^[a-z0-9_-]{2,100}$")
    title: str | None = Field(None, max_length=200)
    url: str = Field(min_length=1, max_length=500)
    api_key: str | None = Field(None, max_length=500)
    allow_private_network: bool = False

    @field_validator("title", "api_key", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class PortalPublic(BaseModel):
    """A registered portal as every interface shows it: whether it has a key, never the key."""

    name: str
    title: str | None
    url: str
    has_api_key: bool
    allow_private_network: bool
    version: int
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class PortalConnection:
    """What a service needs to call a portal; handed out for one run, never serialized."""

    name: str
    url: str
    api_key: str | None
    allow_private_network: bool

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        return f"PortalConnection(name={self.name!r}, url={self.url!r}, api_key={'***' if self.api_key else None})"


@action("portal_create")
def portal_create(ctx: Context, data: dict[str, Any]) -> PortalPublic:
    permissions.check(ctx, "portal_create")
    values = check_input(PortalCreate, data, PORTAL_LABELS)
    url = normalize_portal_url(values.url, field="url")
    problems = []
    if ctx.session.exec(select(Portal.id).where(Portal.name == values.name)).first():
        problems.append(publish_problem("portal_name_taken", "name", value=values.name))
    other = ctx.session.exec(select(Portal.name).where(Portal.url == url)).first()
    if other:
        problems.append(publish_problem("portal_url_taken", "url", value=url, other=other))
    if problems:
        raise ValidationFailed(problems)
    portal = Portal(name=values.name, title=values.title, url=url,
                    api_key_encrypted=encrypt_secret(ctx.settings, values.api_key) if values.api_key else None,
                    allow_private_network=values.allow_private_network, created_by=ctx.actor.name,
                    created_at=ctx.now(), updated_at=ctx.now())
    ctx.session.add(portal)
    ctx.session.flush()
    record_change(ctx, "portal_create", "portal", portal.id, None, _audited(portal))
    return _public(portal)


@action("portal_delete")
def portal_delete(ctx: Context, name: str) -> None:
    """Forget a portal and its key; what was published there stays recorded under its URL."""
    permissions.check(ctx, "portal_delete")
    portal = get_by_id_or_name(ctx, Portal, name, "portal")
    before = _audited(portal)
    from catalog.models.jobs import Schedule

    for schedule in ctx.session.exec(select(Schedule).where(Schedule.portal_id == portal.id)).all():
        ctx.session.delete(schedule)  # its schedules go with it (jobs already run stay on record)
    ctx.session.flush()
    ctx.session.delete(portal)
    ctx.session.flush()
    record_change(ctx, "portal_delete", "portal", portal.id, before, None)


@action("portal_list")
def portal_list(ctx: Context) -> list[PortalPublic]:
    _check_reader(ctx)
    return [_public(p) for p in ctx.session.exec(select(Portal).order_by(col(Portal.name)))]


@action("portal_list")
def portal_show(ctx: Context, name: str) -> PortalPublic:
    _check_reader(ctx)
    return _public(get_by_id_or_name(ctx, Portal, name, "portal"))


@action("dataset_publish")
def portal_connection(ctx: Context, name: str, organization_id: str | None = None) -> PortalConnection:
    """The portal with its key, for a run by someone who may publish the organization's datasets (a
    sysadmin for runs over every organization, and for harvests)."""
    permissions.check(ctx, "dataset_publish", organization_id)
    portal = get_by_id_or_name(ctx, Portal, name, "portal")
    key = decrypt_secret(ctx.settings, portal.api_key_encrypted) if portal.api_key_encrypted else None
    return PortalConnection(portal.name, portal.url, key, portal.allow_private_network)


def _check_reader(ctx: Context) -> None:
    """Sysadmins, and whoever publishes for an organization, see the registry (names and addresses)."""
    if not any(permissions.allowed(ctx, PUBLISHER_ROLES_ACTION, org_id) for org_id in (None, *ctx.actor.roles)):
        raise PermissionDenied(PUBLISHER_ROLES_ACTION)


def _public(portal: Portal) -> PortalPublic:
    return PortalPublic(**portal.model_dump(exclude={"id", "api_key_encrypted"}),
                        has_api_key=portal.api_key_encrypted is not None)


def _audited(portal: Portal) -> dict[str, Any]:
    """The audit snapshot: whether a key is stored, not even its ciphertext."""
    return {**portal.model_dump(mode="json", exclude={"api_key_encrypted"}),
            "api_key": "(stored)" if portal.api_key_encrypted else None}
