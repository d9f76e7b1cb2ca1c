"""Who may do what. Every action asks here once; nothing above re-implements these rules."""

from __future__ import annotations

from catalog.context import Context
from catalog.errors import PermissionDenied

# action → roles (per organization) that may perform it; sysadmins may do everything
ACTION_ROLES: dict[str, frozenset[str]] = {
    "organization_create": frozenset(),
    "organization_update": frozenset({"admin"}),
    "person_create": frozenset({"admin"}),
    "working_group_create": frozenset({"admin"}),
    "working_group_member_add": frozenset({"admin"}),
    "dataset_create": frozenset({"admin", "steward"}),
    "dataset_update": frozenset({"admin", "steward"}),
    "resource_create": frozenset({"admin", "steward"}),
    "resource_update": frozenset({"admin", "steward"}),
}


def check(ctx: Context, action: str, organization_id: str | None = None) -> None:
    actor = ctx.actor
    if actor.sysadmin:
        return
    allowed = ACTION_ROLES.get(action, frozenset())
    if organization_id is not None and actor.roles.get(organization_id, frozenset()) & allowed:
        return
    raise PermissionDenied(action)
