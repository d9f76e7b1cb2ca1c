"""What a route may show beyond the public catalog, by the catalog's own rules (``catalog.permissions``).

Records the caller may not read answer 404, exactly as records that do not exist.
"""

from __future__ import annotations

from typing import Any

from catalog.actions.access import readable_dataset
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.errors import NotFound
from catalog.models import Organization
from catalog.permissions import allowed, may_read_governance


def governed_org(ctx: Context, name: str, fiscal_year: int | None = None) -> Organization:
    """The organization, if the caller may read its governance records (for ``fiscal_year``, if given):
    its members, evaluators of that year, sysadmins."""
    org = get_organization(ctx, name)
    if not may_read_governance(ctx.actor, org.id, fiscal_year):
        raise NotFound("organization", name)
    return org


def org_for(ctx: Context, action: str, name: str) -> Organization:
    """The organization, if the caller may perform the read ``action`` on it (ACTION_ROLES)."""
    org = get_organization(ctx, name)
    if not allowed(ctx, action, org.id):
        raise NotFound("organization", name)
    return org


def check_named_dataset(ctx: Context, data: dict[str, Any], key: str = "dataset") -> None:
    """A dataset a request body names must be one the caller may read; otherwise 404, as for one that does
    not exist, so that no refusal tells a non-member that a non-public dataset exists."""
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        readable_dataset(ctx, value.strip())
