"""People: stewards, working-group members, evaluators. A person's email is personal data: it is shown to
the admins of the person's organization (and to the person), not to every signed-in account."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import organization_for_input
from catalog.actions.validation import check_input
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.models import Person
from catalog.permissions import action, helper
from schemas.messages import problem

PERSON_LABELS = {
    "full_name": ("ชื่อ-นามสกุล", "Full name"),
    "full_name_en": ("ชื่อ-นามสกุลภาษาอังกฤษ", "Full name in English"),
    "email": ("อีเมล", "Email"),
    "position": ("ตำแหน่ง", "Position"),
    "organization": ("หน่วยงาน", "Organization"),
}


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str = Field(min_length=1, max_length=300)
    full_name_en: str | None = Field(None, max_length=300)
    email: EmailStr
    position: str | None = Field(None, max_length=300)
    organization: str | None = None


class PersonPublic(BaseModel):
    id: str
    full_name: str
    full_name_en: str | None
    email: str | None = Field(description="only for the admins of the person's organization (and the person)")
    position: str | None
    organization: str | None


@action("person_create")
def person_create(ctx: Context, data: dict[str, Any]) -> PersonPublic:
    values = check_input(PersonCreate, data, PERSON_LABELS)
    org = organization_for_input(ctx, values.organization, "organization") if values.organization else None
    permissions.check(ctx, "person_create", org.id if org else None)
    email = values.email.lower()
    if ctx.session.exec(select(Person.id).where(Person.email == email)).first():
        raise ValidationFailed([problem("duplicate_name", "email", value=email)])
    person = Person(
        **values.model_dump(exclude={"organization", "email"}), email=email,
        organization_id=org.id if org else None, created_at=ctx.now(), updated_at=ctx.now(),
    )
    ctx.session.add(person)
    ctx.session.flush()
    record_change(ctx, "person_create", "person", person.id, None, snapshot(person))
    return person_public(ctx, person, org.name if org else None)


@action("person_list")
def person_list(ctx: Context) -> list[PersonPublic]:
    permissions.check(ctx, "person_list")
    from catalog.models import Organization

    rows = ctx.session.exec(
        select(Person, Organization.name).join(Organization, isouter=True).order_by(col(Person.full_name))
    ).all()
    return [person_public(ctx, person, org_name) for person, org_name in rows]


@helper
def person_public(ctx: Context, person: Person, org_name: str | None) -> PersonPublic:
    return PersonPublic(**person.model_dump(include=set(PersonPublic.model_fields) - {"organization", "email"}),
                        email=person_email(ctx, person), organization=org_name)


@helper
def person_email(ctx: Context, person: Person) -> str | None:
    """The person's email if the actor may see it: a sysadmin, an admin of the person's organization, the person."""
    if ctx.actor.person_id == person.id or permissions.allowed(ctx, "person_email_show", person.organization_id):
        return person.email
    return None
