"""Organizations, people and working groups."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.actions.lookup import get_organization
from catalog.actions.organizations import descendants, organization_create, organization_list
from catalog.actions.people import person_create
from catalog.actions.working_groups import (
    is_working_group_member,
    working_group_create,
    working_group_member_add,
    working_groups_of,
)
from catalog.audit import audit_log
from catalog.errors import ValidationFailed
from tests.conftest import OpenContext


def build_hierarchy(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma", "title": "กรุงเทพมหานคร",
                                  "title_en": "Bangkok Metropolitan Administration", "kind": "administration"})
        organization_create(ctx, {"name": "bma-hrd", "title": "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร", "kind": "agency",
                                  "parent": "bma"})
        organization_create(ctx, {"name": "bma-hrd-plan", "title": "ฝ่ายแผนงาน", "kind": "division",
                                  "parent": "bma-hrd"})


def test_hierarchy(open_ctx: OpenContext) -> None:
    build_hierarchy(open_ctx)
    with open_ctx() as ctx:
        orgs = {org.name: org for org in organization_list(ctx)}
        assert orgs["bma-hrd"].parent == "bma" and orgs["bma-hrd-plan"].parent == "bma-hrd"
        assert [o.name for o in descendants(ctx, get_organization(ctx, "bma"))] == ["bma", "bma-hrd", "bma-hrd-plan"]


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"name": "x-div", "title": "ฝ่าย", "kind": "division"}, "parent", "invalid_parent_kind"),
        ({"name": "x-div", "title": "ฝ่าย", "kind": "division", "parent": "nowhere"}, "parent", "unknown_organization"),
        ({"name": "BMA HRD", "title": "สถาบัน"}, "name", "invalid_value"),
        ({"name": "bma-hrd", "title": "ซ้ำ", "kind": "agency"}, "name", "duplicate_name"),
        ({"name": "new-one"}, "title", "required"),
        ({"name": "new-one", "title": "ใหม่", "email": "not-an-email"}, "email", "invalid_value"),
    ],
)
def test_bad_organization_input(open_ctx: OpenContext, data: dict, field: str, code: str) -> None:
    build_hierarchy(open_ctx)
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        organization_create(ctx, data)
    assert [(p.field, p.code) for p in caught.value.problems] == [(field, code)]
    with open_ctx() as ctx:
        assert len(organization_list(ctx)) == 3


def test_working_group_with_appointment_order_and_members(open_ctx: OpenContext) -> None:
    build_hierarchy(open_ctx)
    with open_ctx() as ctx:
        chair = person_create(ctx, {"full_name": "นางสาวสมศรี ใจดี", "email": "Somsri@Bangkok.go.th",
                                    "organization": "bma-hrd", "position": "ผู้อำนวยการสถาบัน"})
        group = working_group_create(ctx, {"organization": "bma-hrd", "name": "คณะทำงานกำกับดูแลข้อมูลระดับหน่วยงาน",
                                           "order_number": "สพข. 12/2563", "order_date": "2020-11-30"})
        working_group_member_add(ctx, group.id, {"person": "somsri@bangkok.go.th", "role": "chair"})
    with open_ctx() as ctx:
        [stored] = working_groups_of(ctx, "bma-hrd")
        assert stored.order_date == dt.date(2020, 11, 30) and stored.order_number == "สพข. 12/2563"
        assert [(m.email, m.role) for m in stored.members] == [("somsri@bangkok.go.th", "chair")]
        org = get_organization(ctx, "bma-hrd")
        assert is_working_group_member(ctx, chair.id, org.id)
        assert not is_working_group_member(ctx, chair.id, get_organization(ctx, "bma").id)
        actions = [entry.action for entry in audit_log(ctx)]
        assert actions[:3] == ["working_group_member_add", "working_group_create", "person_create"]


def test_member_needs_a_known_person_and_role(open_ctx: OpenContext) -> None:
    build_hierarchy(open_ctx)
    with open_ctx() as ctx:
        group = working_group_create(ctx, {"organization": "bma-hrd", "name": "คณะทำงาน"})
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        working_group_member_add(ctx, group.id, {"person": "ghost@bangkok.go.th", "role": "president"})
    assert {p.field for p in caught.value.problems} == {"role"}
    with pytest.raises(ValidationFailed) as caught, open_ctx() as ctx:
        working_group_member_add(ctx, group.id, {"person": "ghost@bangkok.go.th"})
    assert [p.code for p in caught.value.problems] == ["unknown_person"]
