"""Working groups (คณะทำงานกำกับดูแลข้อมูล): appointed by order, with members in roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_by_id_or_name, get_organization, organization_for_input, person_for_input
from catalog.actions.people import person_email
from catalog.actions.validation import check_input
from catalog.audit import record_change, snapshot
from catalog.context import Context
from catalog.models import MemberRole, Organization, Person, WorkingGroup, WorkingGroupMember
from catalog.permissions import action, helper
from schemas.buddhist_era import EnteredDate

WG_LABELS = {
    "organization": ("หน่วยงาน", "Organization"),
    "name": ("ชื่อคณะทำงาน", "Working group name"),
    "name_en": ("ชื่อคณะทำงานภาษาอังกฤษ", "Working group name in English"),
    "order_number": ("เลขที่คำสั่งแต่งตั้ง", "Appointment order number"),
    "order_date": ("วันที่คำสั่งแต่งตั้ง", "Appointment order date"),
    "person": ("บุคคล", "Person"),
    "role": ("บทบาท", "Role"),
}


class WorkingGroupCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organization: str
    name: str = Field(min_length=1, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    order_number: str | None = Field(None, max_length=100)
    order_date: EnteredDate | None = None


class MemberAdd(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    person: str
    role: MemberRole = MemberRole.member


class MemberPublic(BaseModel):
    person_id: str
    full_name: str
    email: str | None = Field(description="only for the admins of the member's organization (and the member)")
    role: MemberRole


class WorkingGroupPublic(BaseModel):
    id: str
    organization: str
    name: str
    name_en: str | None
    order_number: str | None
    order_date: dt.date | None
    members: list[MemberPublic]


@action("working_group_create")
def working_group_create(ctx: Context, data: dict[str, Any]) -> WorkingGroupPublic:
    values = check_input(WorkingGroupCreate, data, WG_LABELS)
    org = organization_for_input(ctx, values.organization, "organization")
    permissions.check(ctx, "working_group_create", org.id)
    group = WorkingGroup(**values.model_dump(exclude={"organization"}), organization_id=org.id,
                         created_at=ctx.now(), updated_at=ctx.now())
    ctx.session.add(group)
    ctx.session.flush()
    record_change(ctx, "working_group_create", "working_group", group.id, None, snapshot(group))
    return working_group_public(ctx, group)


@action("working_group_member_add")
def working_group_member_add(ctx: Context, group_id: str, data: dict[str, Any]) -> WorkingGroupPublic:
    values = check_input(MemberAdd, data, WG_LABELS)
    group = get_by_id_or_name(ctx, WorkingGroup, group_id, "working_group", name_column="id")
    permissions.check(ctx, "working_group_member_add", group.organization_id)
    person = person_for_input(ctx, values.person, "person")
    existing = ctx.session.exec(
        select(WorkingGroupMember).where(
            WorkingGroupMember.working_group_id == group.id, WorkingGroupMember.person_id == person.id
        )
    ).first()
    before = snapshot(existing)
    if existing:
        existing.role = values.role
        member = existing
    else:
        member = WorkingGroupMember(working_group_id=group.id, person_id=person.id, role=values.role,
                                    created_at=ctx.now())
        ctx.session.add(member)
    ctx.session.flush()
    record_change(ctx, "working_group_member_add", "working_group", group.id, before, snapshot(member))
    return working_group_public(ctx, group)


@action("working_group_list")
def working_groups_of(ctx: Context, organization: str) -> list[WorkingGroupPublic]:
    """The organization's working groups and their members: for any signed-in account (members' emails
    only as ``people.person_email`` allows)."""
    org = get_organization(ctx, organization)
    permissions.check(ctx, "working_group_list", org.id)
    groups = ctx.session.exec(
        select(WorkingGroup).where(WorkingGroup.organization_id == org.id).order_by(col(WorkingGroup.created_at))
    ).all()
    return [working_group_public(ctx, group) for group in groups]


@helper
def is_working_group_member(ctx: Context, person_id: str, organization_id: str) -> bool:
    """Whether the person sits on a working group of the organization (who may approve and sign off)."""
    row = ctx.session.exec(
        select(WorkingGroupMember.id)
        .join(WorkingGroup)
        .where(WorkingGroupMember.person_id == person_id, WorkingGroup.organization_id == organization_id)
    ).first()
    return row is not None


@helper
def working_group_public(ctx: Context, group: WorkingGroup) -> WorkingGroupPublic:
    org = ctx.session.get(Organization, group.organization_id)
    rows = ctx.session.exec(
        select(WorkingGroupMember, Person)
        .join(Person)
        .where(WorkingGroupMember.working_group_id == group.id)
        .order_by(col(WorkingGroupMember.created_at))
    ).all()
    members = [MemberPublic(person_id=p.id, full_name=p.full_name, email=person_email(ctx, p), role=m.role)
               for m, p in rows]
    return WorkingGroupPublic(
        **group.model_dump(include={"id", "name", "name_en", "order_number", "order_date"}),
        organization=org.name if org else group.organization_id, members=members,
    )

