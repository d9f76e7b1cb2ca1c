"""Reading the catalog as the acting account may: what it may not read answers as if it did not exist.

The public reads active datasets of the public category with the public classification, and only
their public resources. Members of the owning organization (admin, steward, working-group member)
and sysadmins also read the rest of that organization's datasets and resources.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, true
from sqlmodel import col, func, select

from catalog.actions.datasets import dataset_dict, is_public
from catalog.actions.lookup import get_dataset, get_organization
from catalog.actions.resources import resource_dict
from catalog.context import Context
from catalog.errors import NotFound
from catalog.models import Dataset, DatasetState, Organization, Resource
from catalog.permissions import may_read_org_records, readable_org_ids


def readable_dataset(ctx: Context, key: str) -> Dataset:
    """The dataset named ``key`` if the actor may read it; otherwise not found, as for a missing one."""
    try:
        dataset = get_dataset(ctx, key)
    except NotFound:
        raise NotFound("dataset", key) from None
    if not (is_public(ctx, dataset) or may_read_org_records(ctx.actor, dataset.owner_org_id)):
        raise NotFound("dataset", key)
    return dataset


def dataset_read(ctx: Context, key: str) -> dict[str, Any]:
    dataset = readable_dataset(ctx, key)
    return dataset_dict(ctx, dataset, public_only=not may_read_org_records(ctx.actor, dataset.owner_org_id))


def is_private_to_actor(ctx: Context, dataset: Dataset) -> bool:
    """Whether the actor reads this dataset only because of its role (CKAN's ``private``)."""
    return not is_public(ctx, dataset)


def public_clause(ctx: Context) -> Any:
    """SQL condition on Dataset for what anyone may read (the rule of ``datasets.is_public``)."""
    rule = ctx.profile.classification_rule
    return and_(col(Dataset.state) == DatasetState.active, col(Dataset.data_category) == rule.public_category,
                col(Dataset.data_classification) == rule.public_classification)


def readable_clause(ctx: Context, *, include_withdrawn: bool = False) -> Any:
    """SQL condition on Dataset for what the actor may read."""
    public = public_clause(ctx)
    readable = readable_org_ids(ctx.actor)
    if readable == "*":
        clause: Any = true()
    elif readable:
        clause = or_(public, col(Dataset.owner_org_id).in_(sorted(readable)))
    else:
        clause = public
    return clause if include_withdrawn else and_(clause, col(Dataset.state) == DatasetState.active)


def dataset_page(
    ctx: Context, *, organization: str | None = None, limit: int = 50, offset: int = 0,
    include_withdrawn: bool = False, with_resources: bool = False,
) -> tuple[int, list[dict[str, Any]]]:
    """One page of the datasets the actor may read, by name, and how many there are in all."""
    query = select(Dataset).where(readable_clause(ctx, include_withdrawn=include_withdrawn))
    if organization:
        query = query.where(Dataset.owner_org_id == get_organization(ctx, organization).id)
    total = ctx.session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = ctx.session.exec(query.order_by(col(Dataset.name)).limit(limit).offset(offset)).all()
    orgs = {org.id: org for org in ctx.session.exec(select(Organization)).all()}
    results = [
        dataset_dict(ctx, dataset, orgs[dataset.owner_org_id], with_resources=with_resources,
                     public_only=not may_read_org_records(ctx.actor, dataset.owner_org_id))
        for dataset in rows
    ]
    return total, results


def readable_dataset_names(
    ctx: Context, *, limit: int | None = None, offset: int = 0, public_only: bool = False
) -> list[str]:
    clause = readable_clause(ctx) if not public_only else public_clause(ctx)
    query = select(Dataset.name).where(clause).order_by(col(Dataset.name)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(ctx.session.exec(query).all())


def readable_resource(ctx: Context, resource_id: str, dataset_key: str | None = None) -> tuple[Dataset, Resource]:
    """A resource the actor may read: of a readable dataset, and public unless the actor is a member."""
    resource = ctx.session.get(Resource, resource_id)
    dataset = ctx.session.get(Dataset, resource.dataset_id) if resource else None
    if resource is None or dataset is None or (dataset_key and dataset_key not in (dataset.name, dataset.id)):
        raise NotFound("resource", resource_id)
    member = may_read_org_records(ctx.actor, dataset.owner_org_id)
    if not member and (resource.private or not is_public(ctx, dataset)):
        raise NotFound("resource", resource_id)
    return dataset, resource


def resource_read(ctx: Context, resource_id: str) -> dict[str, Any]:
    dataset, resource = readable_resource(ctx, resource_id)
    return resource_dict(ctx, dataset, resource)


def organization_dataset_counts(ctx: Context) -> dict[str, int]:
    """Readable datasets per organization id."""
    rows = ctx.session.exec(
        select(Dataset.owner_org_id, func.count()).where(readable_clause(ctx)).group_by(Dataset.owner_org_id)
    ).all()
    return dict(rows)
