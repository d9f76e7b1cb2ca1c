"""Organizations: the hierarchy BMA → agency → division."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_organization
from catalog.actions.validation import check_input
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.models import Organization, OrganizationKind
from catalog.models.organization import ALLOWED_PARENT_KIND
from catalog.permissions import action, helper
from catalog.versioning import claim_next_version
from schemas.messages import problem
from schemas.urls import HttpUrlText

ORG_LABELS = {
    "name": ("ชื่อย่อ (URL)", "Name (URL)"),
    "title": ("ชื่อหน่วยงาน", "Organization name"),
    "title_en": ("ชื่อหน่วยงานภาษาอังกฤษ", "Organization name in English"),
    "code": ("รหัสหน่วยงาน", "Organization code"),
    "kind": ("ระดับหน่วยงาน", "Organization level"),
    "parent": ("สังกัด", "Parent organization"),
    "email": ("อีเมล", "Email"),
    "description": ("คำอธิบาย", "Description"),
    "url": ("เว็บไซต์", "Website"),
}


# the organization's own code, e.g. 0409-0968 on the BMA KPI site (printed after the indicator's name)
CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._/-]*$"


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(pattern=r"^[a-z0-9_-]{2,100}$")
    title: str = Field(min_length=1, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    code: str | None = Field(None, pattern=CODE_PATTERN, max_length=50)
    kind: OrganizationKind = OrganizationKind.agency
    parent: str | None = None
    description: str | None = None
    email: EmailStr | None = None
    url: HttpUrlText | None = None


class OrganizationUpdate(BaseModel):
    """What an organization's admin may change. Its URL name and its place in the hierarchy stay: roles
    and rubric files follow them. An empty value clears an optional field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(None, min_length=1, max_length=300)  # absent: unchanged; never empty
    title_en: str | None = Field(None, max_length=300)
    code: str | None = Field(None, pattern=CODE_PATTERN, max_length=50)
    description: str | None = None
    email: EmailStr | None = None
    url: HttpUrlText | None = None

    @field_validator("title_en", "code", "description", "email", "url", mode="before")
    @classmethod
    def _empty_clears(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class OrganizationPublic(BaseModel):
    id: str
    name: str
    title: str
    title_en: str | None
    code: str | None
    kind: OrganizationKind
    parent: str | None
    description: str | None
    email: str | None
    url: str | None
    version: int


@action("organization_create")
def organization_create(ctx: Context, data: dict[str, Any]) -> OrganizationPublic:
    permissions.check(ctx, "organization_create")
    values = check_input(OrganizationCreate, data, ORG_LABELS)
    problems = []
    parent = None
    if values.parent:
        parent = ctx.session.exec(
            select(Organization).where((Organization.name == values.parent) | (Organization.id == values.parent))
        ).first()
        if parent is None:
            problems.append(problem("unknown_organization", "parent", value=values.parent))
    parent_kind = OrganizationKind(parent.kind) if parent else None
    if not problems and parent_kind not in ALLOWED_PARENT_KIND[values.kind]:
        problems.append(
            problem("invalid_parent_kind", "parent", kind=values.kind.value,
                    parent_kind=" / ".join(k.value if k else "-" for k in ALLOWED_PARENT_KIND[values.kind]))
        )
    if ctx.session.exec(select(Organization.id).where(Organization.name == values.name)).first():
        problems.append(problem("duplicate_name", "name", value=values.name))
    if problems:
        raise ValidationFailed(problems)
    org = Organization(
        **values.model_dump(exclude={"parent"}), parent_id=parent.id if parent else None,
        created_at=ctx.now(), updated_at=ctx.now(),
    )
    ctx.session.add(org)
    ctx.session.flush()
    record_change(ctx, "organization_create", "organization", org.id, None, snapshot(org))
    return organization_public(ctx, org)


@action("organization_update")
def organization_update(
    ctx: Context, key: str, changes: dict[str, Any], expected_version: int | None = None
) -> OrganizationPublic:
    """Apply ``changes`` to the version the editor saw (``expected_version``; None: whatever is current)."""
    org = get_organization(ctx, key)
    permissions.check(ctx, "organization_update", org.id)
    values = check_input(OrganizationUpdate, changes, ORG_LABELS)
    given = values.model_dump(exclude_unset=True)
    if "title" in given and given["title"] is None:
        th, en = ORG_LABELS["title"]
        raise ValidationFailed([problem("required", "title", label=th, label_en=en)])
    before = snapshot(org)
    claim_next_version(ctx, org, "organization", org.name, expected_version)
    for column, value in given.items():
        setattr(org, column, value)
    org.updated_at = ctx.now()
    ctx.session.add(org)
    ctx.session.flush()
    record_change(ctx, "organization_update", "organization", org.id, before, snapshot(org))
    return organization_public(ctx, org)


@action("organization_list")
def organization_list(ctx: Context) -> list[OrganizationPublic]:
    """Every organization (the hierarchy is public, as on GD Catalog)."""
    permissions.check(ctx, "organization_list")
    orgs = ctx.session.exec(select(Organization).order_by(col(Organization.name))).all()
    names = {org.id: org.name for org in orgs}
    return [_public(org, names.get(org.parent_id) if org.parent_id else None) for org in orgs]


@action("organization_read")
def organization_show(ctx: Context, key: str) -> OrganizationPublic:
    permissions.check(ctx, "organization_read")
    return organization_public(ctx, get_organization(ctx, key))


@helper
def organization_public(ctx: Context, org: Organization) -> OrganizationPublic:
    parent = ctx.session.get(Organization, org.parent_id) if org.parent_id else None
    return _public(org, parent.name if parent else None)


def _public(org: Organization, parent_name: str | None) -> OrganizationPublic:
    return OrganizationPublic(**org.model_dump(exclude={"parent_id", "created_at", "updated_at"}), parent=parent_name)


@helper
def descendants(ctx: Context, org: Organization) -> list[Organization]:
    """The organization and every unit below it (an agency's divisions)."""
    found, frontier = [org], [org.id]
    while frontier:
        children = ctx.session.exec(select(Organization).where(col(Organization.parent_id).in_(frontier))).all()
        found.extend(children)
        frontier = [child.id for child in children]
    return found
