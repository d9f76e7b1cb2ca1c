"""Finding records by id or name, with the bilingual not-found error. These decide nothing about who may
see a record: actions check (``catalog.permissions``) before they answer with what they found;
:func:`checked_resource` runs that read check for the action calling it, as every resource action needs."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import SQLModel, or_, select

from catalog import permissions
from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models import Dataset, Organization, Person, Resource
from catalog.permissions import helper
from schemas.messages import problem

T = TypeVar("T", bound=SQLModel)


@helper
def get_by_id_or_name(ctx: Context, model: type[T], key: str, kind: str, name_column: str = "name") -> T:
    column = getattr(model, name_column)
    found = ctx.session.exec(select(model).where(or_(model.id == key, column == key))).first()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound(kind, key)
    return found


@helper
def get_organization(ctx: Context, key: str) -> Organization:
    return get_by_id_or_name(ctx, Organization, key, "organization")


@helper
def get_person(ctx: Context, key: str) -> Person:
    return get_by_id_or_name(ctx, Person, key, "person", name_column="email")


@helper
def get_dataset(ctx: Context, key: str) -> Dataset:
    return get_by_id_or_name(ctx, Dataset, key, "dataset")


@helper
def organization_for_input(ctx: Context, key: str, field: str = "owner_org") -> Organization:
    """The organization an input names; an unknown one is a bad-input problem on that field."""
    try:
        return get_organization(ctx, key)
    except NotFound:
        raise ValidationFailed([problem("unknown_organization", field, value=key)]) from None


@helper
def person_for_input(ctx: Context, key: str, field: str) -> Person:
    try:
        return get_person(ctx, key)
    except NotFound:
        raise ValidationFailed([problem("unknown_person", field, value=key)]) from None


@helper
def checked_resource(ctx: Context, resource_id: str, dataset_key: str | None = None) -> tuple[Dataset, Resource]:
    """The resource and its dataset (of ``dataset_key`` when given, by name or id), after the read check
    (``permissions.check_resource_read``) of the calling action: NotFound for an unknown id or one of another
    dataset, Hidden for one the actor may not read. Writes check their own rule after it."""
    resource = ctx.session.get(Resource, resource_id)
    dataset = ctx.session.get(Dataset, resource.dataset_id) if resource else None
    if resource is None or dataset is None or (dataset_key and dataset_key not in (dataset.name, dataset.id)):
        raise NotFound("resource", resource_id)
    permissions.check_resource_read(ctx, dataset, resource)
    return dataset, resource
