"""The catalog as records for export (Excel template, GD Catalog export, CSV, JSON Lines)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from catalog import permissions
from catalog.actions.datasets import dataset_dict
from catalog.actions.lookup import get_organization
from catalog.actions.organizations import OrganizationPublic, organization_public
from catalog.actions.resources import resource_dict
from catalog.context import Context
from catalog.models import Dataset, Organization, Resource
from catalog.permissions import action


@dataclass
class CatalogSnapshot:
    datasets: list[dict[str, Any]]  # dataset_dict, each with its "resources"
    organizations: list[OrganizationPublic]  # the owners and their ancestors, parents first
    org_labels: dict[str, str]  # organization name → how a workbook names it (its title, unless shared)

    def spreadsheet_record(self, dataset: Mapping[str, Any]) -> dict[str, Any]:
        """A dataset flattened for a sheet: the owner as the workbook names it, the organization's title."""
        return {**dataset, "owner_org": self.org_labels[dataset["owner_org"]],
                "organization": dataset["organization"]["title"]}


@action("catalog_export")
def catalog_snapshot(ctx: Context, organization: str | None = None, *, include_withdrawn: bool = False
                     ) -> CatalogSnapshot:
    """Every dataset (of ``organization`` if given) with its resources, by name."""
    org = get_organization(ctx, organization) if organization else None
    permissions.check(ctx, "catalog_export", org.id if org else None)
    query = select(Dataset)
    if org is not None:
        query = query.where(Dataset.owner_org_id == org.id)
    # the organization's catalog: its drafts too (a workbook round trip keeps them); deleted ones never
    query = query.where(col(Dataset.state).in_(permissions.live_states(ctx, include_withdrawn=include_withdrawn)))
    datasets = list(ctx.session.exec(query.order_by(col(Dataset.name))))
    orgs = {o.id: o for o in ctx.session.exec(select(Organization))}
    resources: dict[str, list[Resource]] = {}
    resource_query = (select(Resource).where(col(Resource.dataset_id).in_(query.with_only_columns(col(Dataset.id))))
                      .order_by(col(Resource.dataset_id), col(Resource.position)))
    for resource in ctx.session.exec(resource_query):
        resources.setdefault(resource.dataset_id, []).append(resource)
    records = []
    for dataset in datasets:
        record = dataset_dict(ctx, dataset, orgs[dataset.owner_org_id], with_resources=False)
        record["resources"] = [resource_dict(ctx, dataset, r) for r in resources.get(dataset.id, [])]
        records.append(record)
    owners = _with_ancestors({d.owner_org_id for d in datasets}, orgs)
    titles = Counter(o.title for o in owners)
    return CatalogSnapshot(
        datasets=records,
        organizations=[organization_public(ctx, o) for o in owners],
        org_labels={o.name: o.title if titles[o.title] == 1 else o.name for o in owners},
    )


def _with_ancestors(ids: set[str], orgs: Mapping[str, Organization]) -> list[Organization]:
    """The organizations and everything above them, parents before children."""
    ordered: list[Organization] = []
    seen: set[str] = set()

    def visit(org_id: str) -> None:
        if org_id in seen or org_id not in orgs:
            return
        seen.add(org_id)
        parent = orgs[org_id].parent_id
        if parent:
            visit(parent)
        ordered.append(orgs[org_id])

    for org_id in sorted(ids, key=lambda i: orgs[i].name):
        visit(org_id)
    return ordered
