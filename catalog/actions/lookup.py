"""Finding records by id or name, with the bilingual not-found error."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import SQLModel, or_, select

from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models import Dataset, Organization, Person
from schemas.messages import problem

T = TypeVar("T", bound=SQLModel)


def get_by_id_or_name(ctx: Context, model: type[T], key: str, kind: str, name_column: str = "name") -> T:
    column = getattr(model, name_column)
    found = ctx.session.exec(select(model).where(or_(model.id == key, column == key))).first()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound(kind, key)
    return found


def get_organization(ctx: Context, key: str) -> Organization:
    return get_by_id_or_name(ctx, Organization, key, "organization")


def get_person(ctx: Context, key: str) -> Person:
    return get_by_id_or_name(ctx, Person, key, "person", name_column="email")


def get_dataset(ctx: Context, key: str) -> Dataset:
    return get_by_id_or_name(ctx, Dataset, key, "dataset")


def organization_for_input(ctx: Context, key: str, field: str = "owner_org") -> Organization:
    """The organization an input names; an unknown one is a bad-input problem on that field."""
    try:
        return get_organization(ctx, key)
    except NotFound:
        raise ValidationFailed([problem("unknown_organization", field, value=key)]) from None


def person_for_input(ctx: Context, key: str, field: str) -> Person:
    try:
        return get_person(ctx, key)
    except NotFound:
        raise ValidationFailed([problem("unknown_person", field, value=key)]) from None
