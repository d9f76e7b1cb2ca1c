"""Finding records by id or name, with the bilingual not-found error. These decide nothing about who may
see a record: actions check (``catalog.permissions``) before they answer with what they found."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import SQLModel, or_, select

from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models import Dataset, Organization, Person
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
