"""Reading the catalog as the acting account may: what it may not read answers Hidden, as if it did not exist.

The rule itself (who reads what) is ``catalog.permissions``; here are the read actions over datasets and
resources, and the SQL form of that rule for listings. No caller passes visibility in: it follows
``ctx.actor``; ``public_only`` may only narrow what is shown to what the public sees.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_, true
from sqlmodel import col, func, select

from catalog import permissions
from catalog.actions.datasets import dataset_dict
from catalog.actions.lookup import checked_resource, get_dataset, get_organization
from catalog.actions.resources import resource_dict
from catalog.audit import audit_log, public_dataset_activity
from catalog.context import Context
from catalog.errors import Hidden, NotFound
from catalog.models import AuditEntry, Dataset, DatasetState, Organization, Resource
from catalog.permissions import action, helper, is_public, may_read_org_records


@action("dataset_read")
def readable_dataset(ctx: Context, key: str) -> Dataset:
    """The dataset named ``key`` if the actor may read it; otherwise Hidden, as for a missing one."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset_read(ctx, dataset)
    return dataset


@action("dataset_read")
def dataset_show(ctx: Context, key: str, *, public_only: bool = False) -> dict[str, Any]:
    """A dataset as the actor may read it; with ``public_only``, as the public reads it."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset_read(ctx, dataset)
    if public_only and not is_public(ctx, dataset):
        raise Hidden("dataset", key)
    return dataset_dict(ctx, dataset, public_only=public_only or not member_of(ctx, dataset))


@helper
def member_of(ctx: Context, dataset: Dataset) -> bool:
    """Whether the actor reads the dataset's non-public parts (private resources) too."""
    return may_read_org_records(ctx.actor, dataset.owner_org_id)


@helper
def is_private_to_actor(ctx: Context, dataset: Dataset) -> bool:
    """Whether the actor reads this dataset only because of its role (CKAN's ``private``)."""
    return not is_public(ctx, dataset)


@helper
def public_clause(ctx: Context) -> Any:
    """SQL condition on Dataset for what anyone may read (the rule of ``permissions.is_public``)."""
    rule = ctx.profile.classification_rule
    return and_(col(Dataset.state) == DatasetState.active, col(Dataset.private) == false(),
                col(Dataset.data_category) == rule.public_category,
                col(Dataset.data_classification) == rule.public_classification)


@helper
def readable_clause(ctx: Context, *, include_withdrawn: bool = False, public_only: bool = False) -> Any:
    """SQL condition on Dataset for what the actor may read (consults the permission rule): the public
    datasets, and the drafts and other non-public datasets of the actor's organizations; withdrawn ones only
    with ``include_withdrawn``, deleted ones never (their admins and stewards open each by name)."""
    public = public_clause(ctx)
    readable = permissions.visible_org_ids(ctx)
    if public_only:
        clause: Any = public
    elif readable == "*":
        clause = true()
    elif readable:
        clause = or_(public, col(Dataset.owner_org_id).in_(sorted(readable)))
    else:
        clause = public
    return and_(clause, col(Dataset.state).in_(permissions.live_states(ctx, include_withdrawn=include_withdrawn)))


@action("dataset_list")
def dataset_page(
    ctx: Context, *, organization: str | None = None, limit: int | None = 50, offset: int = 0,
    include_withdrawn: bool = False, with_resources: bool = False, public_only: bool = False,
) -> tuple[int, list[dict[str, Any]]]:
    """One page of the datasets the actor may read, by name, and how many there are in all."""
    return _page(ctx, organization, limit, offset, include_withdrawn, with_resources, public_only)


def _page(ctx: Context, organization: str | None, limit: int | None, offset: int, include_withdrawn: bool,
          with_resources: bool, public_only: bool) -> tuple[int, list[dict[str, Any]]]:
    query = select(Dataset).where(readable_clause(ctx, include_withdrawn=include_withdrawn, public_only=public_only))
    if organization:
        query = query.where(Dataset.owner_org_id == get_organization(ctx, organization).id)
    total = ctx.session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = ctx.session.exec(query.order_by(col(Dataset.name)).limit(limit).offset(offset)).all()
    orgs = {org.id: org for org in ctx.session.exec(select(Organization)).all()}
    results = [
        dataset_dict(ctx, dataset, orgs[dataset.owner_org_id], with_resources=with_resources,
                     public_only=public_only or not member_of(ctx, dataset))
        for dataset in rows
    ]
    return total, results


@action("dataset_list")
def dataset_list(
    ctx: Context, organization: str | None = None, *, include_withdrawn: bool = False, public_only: bool = False
) -> list[dict[str, Any]]:
    """Every dataset the actor may read (of ``organization``), by name, without resources."""
    return _page(ctx, organization, None, 0, include_withdrawn, False, public_only)[1]


@action("dataset_list")
def dataset_count(ctx: Context, *, public_only: bool = False) -> int:
    query = select(Dataset).where(readable_clause(ctx, public_only=public_only))
    return ctx.session.exec(select(func.count()).select_from(query.subquery())).one()


@action("dataset_list")
def resource_count(ctx: Context) -> int:
    """Resources of the datasets the actor may read (drafts and deleted ones count only where they are read)."""
    query = select(Resource.id).join(Dataset, col(Dataset.id) == Resource.dataset_id).where(readable_clause(ctx))
    return ctx.session.exec(select(func.count()).select_from(query.subquery())).one()


@action("dataset_list")
def readable_dataset_names(
    ctx: Context, *, limit: int | None = None, offset: int = 0, public_only: bool = False
) -> list[str]:
    query = (select(Dataset.name).where(readable_clause(ctx, public_only=public_only))
             .order_by(col(Dataset.name)).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return list(ctx.session.exec(query).all())


@action("resource_read")
def readable_resource(ctx: Context, resource_id: str, dataset_key: str | None = None) -> tuple[Dataset, Resource]:
    """A resource the actor may read (``permissions.check_resource_read``); otherwise Hidden."""
    return checked_resource(ctx, resource_id, dataset_key)


@action("resource_read")
def published_resource(ctx: Context, resource_id: str) -> tuple[Dataset, Resource]:
    """A resource as the open portals get it (the CKAN API's ``resource_show``): one the actor reads that
    may also leave its organization (neither private nor withheld for personal data); otherwise NotFound,
    the answer an unknown id gets, for members too."""
    dataset, resource = checked_resource(ctx, resource_id)
    if permissions.withheld_ids(ctx, [resource]):
        raise NotFound("resource", resource_id)
    return dataset, resource


@action("dataset_read")
def public_activity(ctx: Context, key: str, *, limit: int, offset: int) -> list[AuditEntry]:
    """The changes of a public dataset the public may know of (``audit.public_dataset_activity``); a dataset
    that is not public now has no public history: NotFound, for members too (CKAN's activity stream)."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset_read(ctx, dataset)
    if not is_public(ctx, dataset):
        raise NotFound("dataset", key)
    return public_dataset_activity(ctx, dataset, limit=limit, offset=offset)


@action("resource_read")
def resource_read(ctx: Context, resource_id: str) -> dict[str, Any]:
    dataset, resource = checked_resource(ctx, resource_id)
    return resource_dict(ctx, dataset, resource)


@action("dataset_history_read")
def dataset_history_read(ctx: Context, key: str, *, limit: int = 100) -> list[AuditEntry]:
    """Who changed the dataset, when, and what it was before and after: its organization's members."""
    dataset = get_dataset(ctx, key)
    permissions.check_dataset_read(ctx, dataset)
    permissions.check_read(ctx, "dataset_history_read", dataset.owner_org_id, "dataset", key)
    return audit_log(ctx, entity_type="dataset", entity_id=dataset.id, limit=limit)


@action("organization_read")
def organization_dataset_counts(ctx: Context) -> dict[str, int]:
    """Readable datasets per organization id."""
    rows = ctx.session.exec(
        select(Dataset.owner_org_id, func.count()).where(readable_clause(ctx)).group_by(Dataset.owner_org_id)
    ).all()
    return dict(rows)
