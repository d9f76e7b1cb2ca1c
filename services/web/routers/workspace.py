"""The signed-in account's workspace: its organizations, what it may do in each, and their datasets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from catalog.actions.access import dataset_page
from catalog.actions.stages import current_stage
from catalog.models import Organization
from catalog.models.accounts import ROLE_LABELS, Role
from catalog.permissions import allowed
from services.web.deps import MemberCtx
from services.web.render import render

router = APIRouter(include_in_schema=False)

# what the workspace offers in an organization, and the action that allows it
OFFERS = (("new_dataset", "dataset_create"), ("stage_board", "stage_change"), ("evidence", "evidence_add"),
          ("meetings", "indicator_report_read"), ("narratives", "narrative_update"), ("dashboard", None),
          ("publish", "dataset_publish"), ("import", "catalog_import"), ("accounts", "account_list"))


@dataclass
class Membership:
    org: Organization
    roles: list[tuple[str, str]]  # (Thai, English) names of the actor's roles there
    offers: list[str]
    datasets: list[dict[str, Any]]


@router.get("/workspace/", response_class=HTMLResponse)
@router.get("/workspace", response_class=HTMLResponse)
def workspace(request: Request, ctx: MemberCtx) -> HTMLResponse:
    actor = ctx.actor
    query = select(Organization).order_by(col(Organization.name))
    if not actor.sysadmin:
        query = query.where(col(Organization.id).in_(list(actor.roles)))
    memberships = []
    for org in ctx.session.exec(query).all():
        offers = [key for key, action in OFFERS if action is None or allowed(ctx, action, org.id)]
        _, datasets = dataset_page(ctx, organization=org.id, limit=200, include_withdrawn=True)
        for dataset in datasets:
            dataset["stage"] = current_stage(ctx, dataset["id"])
        held = sorted(actor.roles.get(org.id, ()))
        roles = [ROLE_LABELS[Role(name)] for name in held if name in {role.value for role in Role}]
        memberships.append(Membership(org, roles, offers, datasets))
    return render(request, "workspace.html", {"memberships": memberships})
