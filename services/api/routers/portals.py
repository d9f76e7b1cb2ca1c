"""The registry of CKAN portals: a sysadmin registers, lists and removes them; publishers of any organization
list them to choose one. The API key goes in once and never comes back out (``has_api_key`` only)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from catalog.actions.portals import PortalPublic, portal_create, portal_delete, portal_list, portal_show
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_ONLY, Ctx, tagged

router = APIRouter(tags=["portals"])


class PortalRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "data-bangkok", "title": "Bangkok open data", "url": "https://data.bangkok.go.th",
         "api_key": "…"}]})

    name: str = Field(max_length=100, description="the name publish runs use, e.g. data-bangkok")
    title: str | None = Field(None, max_length=200)
    url: str = Field(max_length=500, description="the CKAN portal (http or https)")
    api_key: str | None = Field(None, max_length=500, description="token of a portal user allowed to publish; "
                                                                  "stored encrypted, never returned")
    allow_private_network: bool = Field(False, description="the portal is on loopback or a private network "
                                                           "(otherwise such addresses are refused)")


@router.get("/api/portals", responses=READ_ERRORS | {403: WRITE_ERRORS[403]})
def list_portals(ctx: Ctx) -> list[PortalPublic]:
    """Registered portals (sysadmins, and admins and stewards who publish)."""
    return portal_list(ctx)


@router.post("/api/portals", status_code=201, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def register_portal(ctx: Ctx, body: PortalRegistration, response: Response) -> PortalPublic:
    """Register a portal (sysadmins only)."""
    return tagged(response, portal_create(ctx, body.model_dump(exclude_unset=True)))


@router.get("/api/portals/{name}", responses=READ_ERRORS | {403: WRITE_ERRORS[403]})
def show_portal(ctx: Ctx, name: str, response: Response) -> PortalPublic:
    return tagged(response, portal_show(ctx, name))


@router.delete("/api/portals/{name}", status_code=204, responses=WRITE_ERRORS)
def remove_portal(ctx: Ctx, name: str) -> Response:
    """Forget a portal and its key (sysadmins only); publications there stay on record."""
    portal_delete(ctx, name)
    return Response(status_code=204)
