"""Who may do what. Every action asks here once; nothing above re-implements these rules."""

from __future__ import annotations

from typing import Literal

from catalog.context import Actor, Context
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
    # catalog workbooks: importing writes many datasets at once; exporting reads the organization's catalog
    "catalog_import": frozenset({"admin"}),
    "catalog_export": frozenset({"admin", "steward"}),
    # accounts: an organization's admin manages the accounts that act only within its organizations (every
    # role, the person bound to it and that person's working-group seats), and binds accounts to its people
    "account_create": frozenset({"admin"}),
    "account_show": frozenset({"admin"}),
    "account_list": frozenset({"admin"}),
    "account_update": frozenset({"admin"}),
    "account_role_grant": frozenset({"admin"}),
    "account_role_revoke": frozenset({"admin"}),
    "account_person_bind": frozenset({"admin"}),
    # a person's email is shown to the admins of the person's organization
    "person_email_show": frozenset({"admin"}),
    # governance (indicator 5.2): stage moves also need a working-group member's sign-off, checked by the action
    "stage_change": frozenset({"admin", "steward", "wg_member"}),
    "evidence_add": frozenset({"admin", "steward", "wg_member"}),
    "wg_meeting_add": frozenset({"admin", "wg_member"}),
    "indicator_dataset_add": frozenset({"admin", "wg_member"}),
    "narrative_update": frozenset({"admin", "wg_member"}),
    "audited_result_record": frozenset({"evaluator"}),
    "indicator_report_read": frozenset({"admin", "steward", "wg_member", "evaluator"}),
    # publishing to open portals is the organization admin's call
    "dataset_publish": frozenset({"admin", "steward"}),
    # what was published where, and the outbox of publish jobs: the organization's admins and stewards
    "publication_list": frozenset({"admin", "steward"}),
    "publish_job_list": frozenset({"admin", "steward"}),
    # the registry of CKAN portals: sysadmins register and remove them; whoever publishes sees the list
    "portal_create": frozenset(),
    "portal_delete": frozenset(),
    "portal_list": frozenset({"admin", "steward"}),
    # a dictionary version is approved by a member of the owner's data governance working group
    "dictionary_version_approve": frozenset({"wg_member"}),
}

# actions a read-only token may still perform; every other action needs the "write" scope
READ_SUFFIXES = ("_read", "_show", "_list", "_search")


def check(ctx: Context, action: str, organization_id: str | None = None, *, fiscal_year: int | None = None) -> None:
    """Allow ``action`` on ``organization_id`` or raise PermissionDenied.

    A role named in ACTION_ROLES allows it when the actor holds that role in the organization; the
    ``wg_member`` role also follows a seat on one of the organization's working groups, and ``evaluator``
    applies to every organization for the fiscal years (Buddhist Era) the account evaluates.
    """
    actor = ctx.actor
    if actor.scopes is not None and required_scope(action) not in actor.scopes:
        raise PermissionDenied(action)
    if actor.sysadmin:
        return
    allowed = ACTION_ROLES.get(action, frozenset())
    if organization_id is not None and actor.roles.get(organization_id, frozenset()) & allowed:
        return
    years = actor.evaluator_years
    if "evaluator" in allowed and years and (fiscal_year is None or fiscal_year in years):
        return
    if "wg_member" in allowed and organization_id is not None and actor.person_id:
        from catalog.actions.working_groups import is_working_group_member

        if is_working_group_member(ctx, actor.person_id, organization_id):
            return
    raise PermissionDenied(action)


def allowed(ctx: Context, action: str, organization_id: str | None = None, *, fiscal_year: int | None = None) -> bool:
    try:
        check(ctx, action, organization_id, fiscal_year=fiscal_year)
    except PermissionDenied:
        return False
    return True


def check_own(ctx: Context, action: str) -> None:
    """Allow ``action`` on the actor's own account (its password, its tokens) or raise PermissionDenied:
    a signed-in account, and for a personal token the scope the action needs (``write`` for changes)."""
    actor = ctx.actor
    if actor.account_id is None and not actor.sysadmin:
        raise PermissionDenied(action)
    if actor.scopes is not None and required_scope(action) not in actor.scopes:
        raise PermissionDenied(action)


def required_scope(action: str) -> str:
    return "read" if action.endswith(READ_SUFFIXES) else "write"


# -- visibility: what an actor may read beyond the public catalog ---------------------------------------


MEMBER_ROLES = frozenset({"admin", "steward", "wg_member"})


def readable_org_ids(actor: Actor) -> frozenset[str] | Literal["*"]:
    """Organizations whose non-public datasets and resources the actor may read ("*": all of them).

    Members (admin, steward, working-group member) read their organization's records; the public and
    evaluators (who read governance reports, not data) see only what is public.
    """
    if actor.sysadmin:
        return "*"
    return frozenset(org_id for org_id, roles in actor.roles.items() if roles & MEMBER_ROLES)


def may_read_org_records(actor: Actor, organization_id: str) -> bool:
    readable = readable_org_ids(actor)
    return readable == "*" or organization_id in readable


def may_read_governance(actor: Actor, organization_id: str, fiscal_year: int | None = None) -> bool:
    """Stages, evidence, scores and reports: the organization's members, evaluators (for their fiscal
    years, every agency) and sysadmins."""
    if may_read_org_records(actor, organization_id):
        return True
    years = actor.evaluator_years
    return bool(years) and (fiscal_year is None or fiscal_year in years)
