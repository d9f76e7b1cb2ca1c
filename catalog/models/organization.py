"""Organizations (BMA → agency → division), the people in them, and their working groups."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalog.models.types import UTCDateTime, new_id, utcnow


class OrganizationKind(StrEnum):
    administration = "administration"  # e.g. กรุงเทพมหานคร, the top of the hierarchy
    agency = "agency"  # หน่วยงาน, e.g. สถาบันพัฒนาข้าราชการกรุงเทพมหานคร
    division = "division"  # ส่วนราชการภายใน / ฝ่าย


# which kind may sit directly under which (None: at the top)
ALLOWED_PARENT_KIND: dict[OrganizationKind, set[OrganizationKind | None]] = {
    OrganizationKind.administration: {None},
    OrganizationKind.agency: {None, OrganizationKind.administration},
    OrganizationKind.division: {OrganizationKind.agency, OrganizationKind.division},
}


class Organization(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(sa_column=Column(String(100), unique=True, nullable=False))
    title: str = Field(max_length=300)
    title_en: str | None = Field(default=None, max_length=300)
    # the organization's own code on the BMA KPI site (e.g. 0409-0968 for สถาบันพัฒนาข้าราชการกรุงเทพมหานคร),
    # printed after the indicator's name in its report
    code: str | None = Field(default=None, max_length=50)
    kind: str = Field(sa_column=Column(String(20), nullable=False))  # an OrganizationKind
    parent_id: str | None = Field(default=None, foreign_key="organization.id", index=True, max_length=36)
    description: str | None = None
    email: str | None = Field(default=None, max_length=320)
    url: str | None = Field(default=None, max_length=2000)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Person(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    full_name: str = Field(max_length=300)
    full_name_en: str | None = Field(default=None, max_length=300)
    email: str = Field(sa_column=Column(String(320), unique=True, nullable=False))
    position: str | None = Field(default=None, max_length=300)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True, max_length=36)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MemberRole(StrEnum):
    chair = "chair"  # ประธาน
    vice_chair = "vice_chair"  # รองประธาน
    secretary = "secretary"  # เลขานุการ
    assistant_secretary = "assistant_secretary"  # ผู้ช่วยเลขานุการ
    data_steward = "data_steward"  # บริกรข้อมูล
    member = "member"  # คณะทำงาน


MEMBER_ROLE_LABELS: dict[MemberRole, tuple[str, str]] = {
    MemberRole.chair: ("ประธานคณะทำงาน", "Chair"),
    MemberRole.vice_chair: ("รองประธานคณะทำงาน", "Vice chair"),
    MemberRole.secretary: ("เลขานุการ", "Secretary"),
    MemberRole.assistant_secretary: ("ผู้ช่วยเลขานุการ", "Assistant secretary"),
    MemberRole.data_steward: ("บริกรข้อมูล", "Data steward"),
    MemberRole.member: ("คณะทำงาน", "Member"),
}


class WorkingGroup(SQLModel, table=True):
    """คณะทำงานกำกับดูแลข้อมูลระดับหน่วยงาน: appointed by an order with a number and a date."""

    __tablename__ = "working_group"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=36)
    name: str = Field(max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    order_number: str | None = Field(default=None, max_length=100)  # เลขที่คำสั่งแต่งตั้ง
    order_date: dt.date | None = None  # วันที่ลงนามคำสั่ง
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WorkingGroupMember(SQLModel, table=True):
    __tablename__ = "working_group_member"
    __table_args__ = (UniqueConstraint("working_group_id", "person_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    working_group_id: str = Field(foreign_key="working_group.id", index=True, max_length=36)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=36)
    role: str = Field(sa_column=Column(String(30), nullable=False))  # a MemberRole
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
