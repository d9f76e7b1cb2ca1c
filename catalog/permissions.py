"""Who may do what, for reads as for writes. Every action asks here; nothing above re-implements these rules.

How an action declares and checks its permission (as CKAN's ``ckan/logic/auth/``)
--------------------------------------------------------------------------------
Every public function of ``catalog.actions`` (and the other read entry points: search, scoring, reports)
that takes a :class:`~catalog.context.Context` is one of two things:

``@action("rule")``
    An operation the services may call. ``rule`` names its permission rule: a key of ``ACTION_ROLES``
    (who, by role in the organization, may do it), ``ANYONE`` (reads open to everybody, whose records are
    then filtered by visibility) or ``SIGNED_IN``. The rule's name also sets the scope a token needs
    (``*_read``/``_show``/``_list``/``_search`` need ``read``; anything else ``write``). While the action
    runs, the decorator keeps an audit frame: unless the action consulted this module (:func:`check`,
    :func:`check_dataset`, :func:`check_dataset_read`, :func:`visible_org_ids` …) before returning, the call
    fails with :class:`AuthNotChecked`, as CKAN's auth audit does; so an action that forgets its check
    fails every test that calls it (and, closed, in production).

``@helper``
    A building block (a lookup, a dict of a record already read) that decides nothing itself; whoever
    calls it must have checked first. Routers call actions, not helpers, for anything a caller names.

``tests/catalog/test_action_permissions.py`` enumerates those modules and fails on a function that is
neither or names an unknown rule; the audit makes every other test that calls an action prove its check.

Adding an action: write the rule (``ACTION_ROLES`` for a write, ``ANYONE`` for a read), decorate the
function ``@action("that_rule")``, and check before returning: ``check(ctx, rule, org_id)`` for a write
on an organization, ``check_dataset(ctx, rule, dataset)`` for a write on a dataset (a non-member of a
non-public dataset gets :class:`~catalog.errors.Hidden`, i.e. 404, never 403), ``check_dataset_read``
for a read of one dataset, ``visible_org_ids``/``readable_clause`` for listings.

Visibility (one rule for every interface)
-----------------------------------------
The public reads active datasets of the public category with the public classification that are not
flagged private, and their public resources. Members of the owning organization (admin, steward,
working-group member) and sysadmins read the rest: drafts, private and withdrawn datasets. A deleted
dataset is read only by its organization's admins and stewards (who may restore it) and sysadmins.
Evaluators read what the indicator report of the years they evaluate needs,
for every agency: the organization's governance records of those years (stages, evidence, meetings,
scores, narratives, audited results) and, of non-public datasets, only those counted in the indicator
in those years (their name, title and stage). What an actor may not read answers
:class:`~catalog.errors.Hidden` (404 everywhere), exactly as a record that does not exist.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

from catalog.context import Actor, Context
from catalog.errors import Hidden, PermissionDenied

if TYPE_CHECKING:
    from catalog.models import Dataset

P = ParamSpec("P")
R = TypeVar("R")

MEMBER_ROLES = frozenset({"admin", "steward", "wg_member"})

# action → roles (per organization) that may perform it; sysadmins may do everything
ACTION_ROLES: dict[str, frozenset[str]] = {
    "organization_create": frozenset(),
    "organization_update": frozenset({"admin"}),
    "person_create": frozenset({"admin"}),
    "working_group_create": frozenset({"admin"}),
    "working_group_member_add": frozenset({"admin"}),
    "dataset_create": frozenset({"admin", "steward"}),
    "dataset_update": frozenset({"admin", "steward"}),
    # the lifecycle (CKAN's): publishing a draft, withdrawing and restoring, soft deletion (the private flag is
    # an edit, dataset_update); purging a deleted dataset for good is a sysadmin's
    "dataset_lifecycle": frozenset({"admin", "steward"}),
    "dataset_delete": frozenset({"admin", "steward"}),
    "dataset_purge": frozenset(),
    "resource_create": frozenset({"admin", "steward"}),
    "resource_update": frozenset({"admin", "steward"}),
    "resource_delete": frozenset({"admin", "steward"}),
    # catalog workbooks: importing writes many datasets at once; exporting reads the organization's catalog
    "catalog_import": frozenset({"admin"}),
    "catalog_export": frozenset({"admin", "steward"}),
    # who changed a dataset, when, from what to what (the audit log): its organization's members
    "dataset_history_read": MEMBER_ROLES,
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
    # the evaluators' overview of every agency of a year (what each shows: indicator_report_read per agency)
    "evaluation_read": frozenset({"evaluator"}),
    # the organization's governance records (stages, evidence, meetings, scores, reports, narratives)
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
    # running the publish outbox and rebuilding the search index: the operator (sysadmin) only
    "publish_job_run": frozenset(),
    "search_rebuild": frozenset(),
    # background jobs (catalog.actions.jobs): an organization's admins and stewards start, follow and cancel
    # its jobs (each kind also needs its own rule, e.g. dataset_publish); workers claim and settle them as
    # the operator
    "job_start": frozenset({"admin", "steward"}),
    "job_read": frozenset({"admin", "steward"}),
    "job_cancel": frozenset({"admin", "steward"}),
    "job_run": frozenset(),
    # /metrics (jobs by state, queue lag): the operator; a read, so a sysadmin's read-only token may scrape
    "metrics_read": frozenset(),
    # schedules of unattended jobs (publish, drift check, link and timeliness checks) of an organization
    "schedule_manage": frozenset({"admin"}),
}

# reads open to everybody: each filters or hides records by visibility (check_dataset_read, readable_clause)
ANYONE: frozenset[str] = frozenset({
    "dataset_read", "dataset_list", "dataset_search", "resource_read", "organization_read", "organization_list",
    "dictionary_read", "login",
})

# what any signed-in account may do for itself (its own tokens and sessions, the people it may pick from)
SIGNED_IN: frozenset[str] = frozenset({
    "token_create", "token_list", "token_revoke", "person_list", "working_group_list",
})

RULES: frozenset[str] = frozenset(ACTION_ROLES) | ANYONE | SIGNED_IN

# actions a read-only token may still perform; every other action needs the "write" scope
READ_SUFFIXES = ("_read", "_show", "_list", "_search")


# -- the registry and the audit -------------------------------------------------------------------------


class AuthNotChecked(RuntimeError):
    """An action returned without consulting its permission: a bug, refused rather than let through."""


@dataclass
class _Frame:
    action: str
    checked: bool = False


_FRAME: ContextVar[_Frame | None] = ContextVar("banchi_auth_frame", default=None)

# qualified function name → the rule it declared; helpers are listed with None
REGISTRY: dict[str, str | None] = {}


def action(rule: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a function an action under the permission ``rule`` (see the module docstring)."""
    if rule not in RULES:
        raise ValueError(f"unknown permission rule {rule!r}: add it to ACTION_ROLES, ANYONE or SIGNED_IN")

    def declare(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def audited(*args: P.args, **kwargs: P.kwargs) -> R:
            frame = _Frame(rule)
            token = _FRAME.set(frame)
            try:
                result = function(*args, **kwargs)
            finally:
                _FRAME.reset(token)
            if not frame.checked:
                raise AuthNotChecked(f"{function.__module__}.{function.__qualname__} did not check permission")
            return result

        audited.permission_rule = rule  # type: ignore[attr-defined]
        REGISTRY[f"{function.__module__}.{function.__qualname__}"] = rule
        return audited

    return declare


def helper(function: Callable[P, R]) -> Callable[P, R]:
    """Declare a building block that decides no permission itself (see the module docstring)."""
    function.permission_rule = None  # type: ignore[attr-defined]
    REGISTRY[f"{function.__module__}.{function.__qualname__}"] = None
    return function


def _consulted() -> None:
    frame = _FRAME.get()
    if frame is not None:
        frame.checked = True


# -- deciding -------------------------------------------------------------------------------------------


def check(ctx: Context, action: str, organization_id: str | None = None, *, fiscal_year: int | None = None) -> None:
    """Allow ``action`` on ``organization_id`` or raise PermissionDenied.

    A role named in ACTION_ROLES allows it when the actor holds that role in the organization; the
    ``wg_member`` role also follows a seat on one of the organization's working groups, and ``evaluator``
    applies to every organization for the fiscal years (Buddhist Era) the account evaluates. ANYONE's
    rules allow everybody, SIGNED_IN's every signed-in account.
    """
    _consulted()
    actor = ctx.actor
    if actor.scopes is not None and required_scope(action) not in actor.scopes:
        raise PermissionDenied(action)
    if actor.sysadmin or action in ANYONE or (action in SIGNED_IN and actor.authenticated):
        return
    allowed_roles = ACTION_ROLES.get(action, frozenset())
    if organization_id is not None and actor.roles.get(organization_id, frozenset()) & allowed_roles:
        return
    years = actor.evaluator_years
    if "evaluator" in allowed_roles and years and (fiscal_year is None or fiscal_year in years):
        return
    if "wg_member" in allowed_roles and organization_id is not None and actor.person_id:
        from catalog.actions.working_groups import is_working_group_member

        if is_working_group_member(ctx, actor.person_id, organization_id):
            return
    raise PermissionDenied(action)


def check_read(ctx: Context, action: str, organization_id: str, kind: str, key: str, *,
               fiscal_year: int | None = None) -> None:
    """A read of an organization's records: refused as Hidden (404, as if they did not exist), not 403."""
    try:
        check(ctx, action, organization_id, fiscal_year=fiscal_year)
    except PermissionDenied:
        raise Hidden(kind, key) from None


def check_somewhere(ctx: Context, action: str) -> None:
    """Allow ``action`` if the actor may do it in at least one organization (for a run over no records yet:
    an empty import, a publish run with nothing due); PermissionDenied otherwise."""
    _consulted()
    if ctx.actor.sysadmin or any(allowed(ctx, action, org_id) for org_id in ctx.actor.roles):
        return
    check(ctx, action)


def allowed(ctx: Context, action: str, organization_id: str | None = None, *, fiscal_year: int | None = None) -> bool:
    try:
        check(ctx, action, organization_id, fiscal_year=fiscal_year)
    except PermissionDenied:
        return False
    return True


def check_own(ctx: Context, action: str) -> None:
    """Allow ``action`` on the actor's own account (its password, its tokens) or raise PermissionDenied:
    a signed-in account, and for a personal token the scope the action needs (``write`` for changes)."""
    _consulted()
    actor = ctx.actor
    if actor.account_id is None and not actor.sysadmin:
        raise PermissionDenied(action)
    if actor.scopes is not None and required_scope(action) not in actor.scopes:
        raise PermissionDenied(action)


def required_scope(action: str) -> str:
    return "read" if action.endswith(READ_SUFFIXES) else "write"


def check_dataset(ctx: Context, action: str, dataset: Dataset) -> None:
    """Allow ``action`` on ``dataset``: Hidden (404) when the actor may not even read it, PermissionDenied
    (403) when it may read it but not do this."""
    check_dataset_read(ctx, dataset)
    check(ctx, action, dataset.owner_org_id)


def check_dataset_read(ctx: Context, dataset: Dataset, *, governance: bool = False) -> None:
    """Hidden unless the actor may read ``dataset`` (with ``governance``: its stages and evidence too)."""
    _consulted()
    if governance:
        if not may_read_dataset_governance(ctx, dataset):
            raise Hidden("dataset", dataset.name)
    elif not (is_public(ctx, dataset) or may_read_org_records(ctx.actor, dataset.owner_org_id)):
        raise Hidden("dataset", dataset.name)
    if dataset.state == "deleted" and not may_read_deleted(ctx.actor, dataset.owner_org_id):
        raise Hidden("dataset", dataset.name)


def check_resource_read(ctx: Context, dataset: Dataset, resource: Any) -> None:
    """Hidden unless the actor may read ``resource`` of ``dataset``: members read every resource of their
    organization's datasets; anyone else only the public resources of a public dataset."""
    check_dataset_read(ctx, dataset)
    if not may_read_resource(ctx, dataset, resource):
        raise Hidden("resource", resource.id)


def check_governance(ctx: Context, organization_id: str, name: str, fiscal_year: int | None = None) -> None:
    """Hidden unless the actor may read the organization's governance records (of ``fiscal_year``): its
    members, evaluators (of that year) and sysadmins, by the rule ``indicator_report_read``."""
    check_read(ctx, "indicator_report_read", organization_id, "organization", name, fiscal_year=fiscal_year)


def check_evidence_read(ctx: Context, evidence: Any, key: str) -> None:
    """Hidden unless the actor may read this evidence record (``may_read_evidence``)."""
    _consulted()
    if evidence is None or not may_read_evidence(ctx, evidence):
        raise Hidden("evidence", key)


def visible_org_ids(ctx: Context) -> frozenset[str] | Literal["*"]:
    """For listings: organizations whose non-public records the actor reads ("*": all of them)."""
    _consulted()
    return readable_org_ids(ctx.actor)


# -- visibility: what an actor may read beyond the public catalog ---------------------------------------


def is_public(ctx: Context, dataset: Dataset) -> bool:
    """Open to anyone: active, not private, public category with the public classification (schemas.metadata)."""
    from catalog.models import DatasetState
    from schemas.metadata import is_openly_publishable

    profile = ctx.profile_for(dataset.profile)
    return dataset.state == DatasetState.active and not dataset.private and is_openly_publishable(
        {"data_category": dataset.data_category, "data_classification": dataset.data_classification}, profile
    )


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


def may_read_deleted(actor: Actor, organization_id: str) -> bool:
    """Deleted datasets: those who may restore them (the organization's admins and stewards) and sysadmins."""
    return actor.sysadmin or bool(actor.roles.get(organization_id, frozenset()) & ACTION_ROLES["dataset_delete"])


def live_states(ctx: Context, *, include_withdrawn: bool = False) -> tuple[str, ...]:
    """The states a listing shows: published and draft datasets (drafts reach only the organization's members,
    through the organization clause of the listing), withdrawn ones when asked for; deleted ones never."""
    _consulted()
    return ("active", "draft", "withdrawn") if include_withdrawn else ("active", "draft")


def may_read_governance(actor: Actor, organization_id: str, fiscal_year: int | None = None) -> bool:
    """Stages, evidence, scores and reports: the organization's members, evaluators (for their fiscal
    years, every agency) and sysadmins."""
    if may_read_org_records(actor, organization_id):
        return True
    years = actor.evaluator_years
    return bool(years) and (fiscal_year is None or fiscal_year in years)


def evaluated_dataset_ids(ctx: Context) -> frozenset[str]:
    """Datasets counted in the indicator in a fiscal year the actor evaluates: what its reports show."""
    years = ctx.actor.evaluator_years
    if not years:
        return frozenset()
    from sqlmodel import col, select

    from catalog.models.governance import IndicatorDataset

    rows = ctx.session.exec(select(IndicatorDataset.dataset_id).where(col(IndicatorDataset.fiscal_year).in_(years)))
    return frozenset(rows.all())


def may_read_dataset_governance(ctx: Context, dataset: Dataset) -> bool:
    """A dataset's stages and evidence: the owner's members, sysadmins, and evaluators of a year that
    counts it in the indicator."""
    return may_read_org_records(ctx.actor, dataset.owner_org_id) or dataset.id in evaluated_dataset_ids(ctx)


def may_read_evidence(ctx: Context, evidence: Any) -> bool:
    """Evidence: the organization's members; evaluators for the years they evaluate, unless it is about a
    dataset not counted in those years (its title would tell what the report does not)."""
    if may_read_org_records(ctx.actor, evidence.organization_id):
        return True
    if not may_read_governance(ctx.actor, evidence.organization_id, evidence.fiscal_year):
        return False
    return evidence.dataset_id is None or evidence.dataset_id in evaluated_dataset_ids(ctx)


def governed_dataset_clause(ctx: Context) -> Any:
    """SQL condition on Dataset for the datasets whose governance records (stages) the actor reads."""
    from sqlalchemy import false, or_, true
    from sqlmodel import col

    from catalog.models import Dataset

    _consulted()
    readable = readable_org_ids(ctx.actor)
    if readable == "*":
        return true()
    clauses = []
    if readable:
        clauses.append(col(Dataset.owner_org_id).in_(sorted(readable)))
    evaluated = evaluated_dataset_ids(ctx)
    if evaluated:
        clauses.append(col(Dataset.id).in_(sorted(evaluated)))
    return or_(*clauses) if clauses else false()


def may_read_resource(ctx: Context, dataset: Dataset, resource: Any) -> bool:
    """A resource of a dataset the actor reads: members read them all; anyone else only what may leave the
    organization: resources of a public dataset that are neither private nor withheld (``withheld_ids``)."""
    if may_read_org_records(ctx.actor, dataset.owner_org_id):
        return True
    return is_public(ctx, dataset) and not withheld_ids(ctx, [resource])


def withheld_ids(ctx: Context, resources: Sequence[Any]) -> frozenset[str]:
    """Of ``resources``, those that never leave their organization, by the rule that keeps them from the open
    portals (``publish_rules.resource_refusal``): private ones, and files whose data dictionary flags
    personal-data fields (PDPA). Their files, entries and dictionaries are not served to anyone outside."""
    from collections import defaultdict

    from sqlmodel import col, select

    from catalog.models.dictionary import DataDictionary, DictionaryVersion
    from catalog.publish_rules import dictionary_of, resource_refusal

    ids = [resource.id for resource in resources]
    versions: dict[str, list[DictionaryVersion]] = defaultdict(list)
    if ids:
        rows = ctx.session.exec(select(DataDictionary.resource_id, DictionaryVersion).join(
            DictionaryVersion, col(DictionaryVersion.dictionary_id) == DataDictionary.id
        ).where(col(DataDictionary.resource_id).in_(ids))).all()
        for resource_id, version in rows:
            versions[resource_id].append(version)
    return frozenset(resource.id for resource in resources
                     if resource_refusal(resource, dictionary_of(versions[resource.id])[1]) is not None)
