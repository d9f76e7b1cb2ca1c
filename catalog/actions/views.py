"""Page views of datasets: counted when a dataset page is shown, ranked for the portal's home page.

A view is not a change of the catalog, so it writes no audit entry; it is counted with one upsert
(INSERT … ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike), so concurrent views never lose a count.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.access import readable_clause
from catalog.actions.datasets import dataset_dict
from catalog.context import Context
from catalog.errors import NotFound
from catalog.models import Dataset, Organization
from catalog.models.views import DatasetViews
from catalog.permissions import action, may_read_org_records


@action("dataset_read")
def dataset_viewed(ctx: Context, dataset_id: str) -> None:
    """Count one view of the dataset (by whoever may read it)."""
    _readable(ctx, dataset_id)
    dialect = postgresql if ctx.session.get_bind().dialect.name == "postgresql" else sqlite
    first = dialect.insert(DatasetViews).values(dataset_id=dataset_id, views=1, last_viewed_at=ctx.now())
    ctx.session.execute(first.on_conflict_do_update(
        index_elements=[DatasetViews.dataset_id],
        set_={"views": DatasetViews.views + 1, "last_viewed_at": first.excluded.last_viewed_at}))


@action("dataset_read")
def dataset_views(ctx: Context, dataset_id: str) -> int:
    _readable(ctx, dataset_id)
    row = ctx.session.get(DatasetViews, dataset_id)
    return row.views if row else 0


@action("dataset_list")
def most_viewed(ctx: Context, limit: int = 5) -> list[dict[str, Any]]:
    """The datasets the actor may read, most viewed first (those never viewed are left out)."""
    rows = ctx.session.exec(
        select(Dataset, DatasetViews.views).join(DatasetViews, col(DatasetViews.dataset_id) == Dataset.id)
        .where(readable_clause(ctx), DatasetViews.views > 0)
        .order_by(col(DatasetViews.views).desc(), col(Dataset.name)).limit(limit)
    ).all()
    orgs = {org.id: org for org in ctx.session.exec(select(Organization)).all()}
    return [dataset_dict(ctx, dataset, orgs[dataset.owner_org_id], with_resources=False,
                         public_only=not may_read_org_records(ctx.actor, dataset.owner_org_id)) | {"views": views}
            for dataset, views in rows]


def _readable(ctx: Context, dataset_id: str) -> None:
    dataset = ctx.session.get(Dataset, dataset_id)
    if dataset is None:
        raise NotFound("dataset", dataset_id)
    permissions.check_dataset_read(ctx, dataset)
