"""Organizations, the people in them, and their working groups (คณะทำงานกำกับดูแลข้อมูล)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from catalog.actions.organizations import (
    OrganizationCreate,
    OrganizationPublic,
    OrganizationUpdate,
    organization_create,
    organization_list,
    organization_update,
)
from catalog.actions.organizations import organization_show as show_org
from catalog.actions.people import PersonCreate, PersonPublic, person_create, person_list
from catalog.actions.working_groups import (
    MemberAdd,
    WorkingGroupCreate,
    WorkingGroupPublic,
    working_group_create,
    working_group_member_add,
    working_groups_of,
)
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_ONLY, Ctx, IfMatch, Page, Paging, require_account, tagged

router = APIRouter(tags=["organizations"])


@router.get("/api/organizations", responses=READ_ERRORS)
def list_organizations(ctx: Ctx, paging: Paging) -> Page[OrganizationPublic]:
    orgs = organization_list(ctx)
    return Page(count=len(orgs), limit=paging.limit, offset=paging.offset,
                results=orgs[paging.offset:paging.offset + paging.limit])


@router.post("/api/organizations", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def create_organization(ctx: Ctx, body: OrganizationCreate, response: Response) -> OrganizationPublic:
    return tagged(response, organization_create(ctx, body.model_dump(mode="json", exclude_unset=True)))


@router.get("/api/organizations/{name}", responses=READ_ERRORS)
def show_organization(ctx: Ctx, name: str, response: Response) -> OrganizationPublic:
    return tagged(response, show_org(ctx, name))


@router.patch("/api/organizations/{name}", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def update_organization(ctx: Ctx, name: str, body: OrganizationUpdate, version: IfMatch,
                        response: Response) -> OrganizationPublic:
    """Change the given fields of the version you read (If-Match: its ETag); a stale one gets 412."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    return tagged(response, organization_update(ctx, name, changes, version))


@router.get("/api/organizations/{name}/working-groups", responses=READ_ERRORS)
def list_working_groups(ctx: Ctx, name: str) -> list[WorkingGroupPublic]:
    """The organization's working groups and their members (signed-in accounts only: members' emails)."""
    require_account(ctx)
    return working_groups_of(ctx, name)


@router.post("/api/working-groups", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def create_working_group(ctx: Ctx, body: WorkingGroupCreate) -> WorkingGroupPublic:
    return working_group_create(ctx, body.model_dump(mode="json", exclude_unset=True))


@router.post("/api/working-groups/{group_id}/members", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def add_working_group_member(ctx: Ctx, group_id: str, body: MemberAdd) -> WorkingGroupPublic:
    """Add a member, or change their role."""
    return working_group_member_add(ctx, group_id, body.model_dump(mode="json", exclude_unset=True))


@router.get("/api/people", responses=READ_ERRORS)
def list_people(ctx: Ctx, paging: Paging) -> Page[PersonPublic]:
    """People on record (signed-in accounts only: names and emails are personal data)."""
    require_account(ctx)
    people = person_list(ctx)
    return Page(count=len(people), limit=paging.limit, offset=paging.offset,
                results=people[paging.offset:paging.offset + paging.limit])


@router.post("/api/people", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def create_person(ctx: Ctx, body: PersonCreate) -> PersonPublic:
    return person_create(ctx, body.model_dump(mode="json", exclude_unset=True))
