"""Link checks and timeliness: which link resources to check, what a check found, and which datasets are
past their update frequency (``catalog.gates.data_current``, the same rule as the stage-3 gate and the page's
freshness badge). The HTTP side is ``services.jobs.kinds.link_check``; these actions run with the rights of
whoever asked for the job (an organization's admins and stewards, ``job_start``; sysadmins for every one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.gates import data_current
from catalog.models import Dataset, DatasetState, Resource
from catalog.models.dataset import ResourceKind
from catalog.models.jobs import LinkCheck
from catalog.permissions import action, helper
from schemas.fiscal_year import thai_today


@dataclass(frozen=True)
class LinkTarget:
    resource_id: str
    dataset_id: str
    dataset: str
    url: str


@dataclass(frozen=True)
class Overdue:
    dataset: str
    title: str
    th: str
    en: str


@action("job_start")
def link_check_targets(ctx: Context, organization: str | None) -> list[LinkTarget]:
    """The link resources (http/https) of the organization's (or every) published and draft datasets."""
    datasets = _datasets(ctx, organization)
    by_id = {d.id: d for d in datasets}
    targets = []
    for start in range(0, len(datasets), 500):
        ids = [d.id for d in datasets[start:start + 500]]
        for resource in ctx.session.exec(select(Resource).where(
                col(Resource.dataset_id).in_(ids), Resource.kind == ResourceKind.url).order_by(col(Resource.id))):
            if resource.url and resource.url.lower().startswith(("http://", "https://")):
                dataset = by_id[resource.dataset_id]
                targets.append(LinkTarget(resource.id, dataset.id, dataset.name, resource.url))
    return targets


@action("job_start")
def link_check_record(ctx: Context, target: LinkTarget, *, ok: bool, status_code: int | None,
                      error: str | None) -> LinkCheck:
    """Keep what the check of one link found; ``broken_since`` is the first failing check of a broken run."""
    dataset = ctx.session.get(Dataset, target.dataset_id)
    assert dataset is not None
    permissions.check(ctx, "job_start", dataset.owner_org_id)
    now = ctx.now()
    check = ctx.session.exec(select(LinkCheck).where(LinkCheck.resource_id == target.resource_id)).first()
    if check is None:
        check = LinkCheck(resource_id=target.resource_id, dataset_id=target.dataset_id, url=target.url, ok=ok,
                          checked_at=now)
    broken_since = None if ok else (check.broken_since if not check.ok and check.broken_since else now)
    check.url, check.ok, check.status_code, check.error = target.url, ok, status_code, error
    check.checked_at, check.broken_since = now, broken_since
    ctx.session.add(check)
    ctx.session.flush()
    return check


@action("job_start")
def timeliness_overdue(ctx: Context, organization: str | None) -> tuple[int, list[Overdue]]:
    """How many published datasets were checked, and those past their update frequency (with why)."""
    datasets = [d for d in _datasets(ctx, organization) if d.state == DatasetState.active]
    today = thai_today(ctx.now())
    overdue = []
    for dataset in datasets:
        outcome = data_current(ctx, dataset, today, {})
        if outcome.state == "fail":
            overdue.append(Overdue(dataset.name, dataset.title, outcome.th, outcome.en))
    return len(datasets), overdue


@helper
def link_checks_of(ctx: Context, dataset_id: str) -> dict[str, LinkCheck]:
    """The last check of each link resource of a dataset the caller already read, by resource id."""
    rows = ctx.session.exec(select(LinkCheck).where(LinkCheck.dataset_id == dataset_id)).all()
    return {row.resource_id: row for row in rows}


def _datasets(ctx: Context, organization: str | None) -> list[Dataset]:
    query = select(Dataset).where(col(Dataset.state).in_([DatasetState.active, DatasetState.draft]))
    if organization:
        org = get_organization(ctx, organization)
        permissions.check(ctx, "job_start", org.id)
        query = query.where(Dataset.owner_org_id == org.id)
    else:
        permissions.check(ctx, "job_start")  # every organization's: sysadmins
    return list(ctx.session.exec(query.order_by(col(Dataset.name))))


def quality_score(fresh: bool | None, validity: float | None, link_checks: list[LinkCheck]) -> int | None:
    """A dataset's quality score out of 100: the mean of what is known of it, each counted once: timeliness
    (updated within its frequency: 1, overdue: 0), the validity of its latest validated data (share of rows
    without errors) and its links (share of the checked links that answer). None when nothing is known."""
    parts: list[float] = []
    if fresh is not None:
        parts.append(1.0 if fresh else 0.0)
    if validity is not None:
        parts.append(max(0.0, min(validity, 100.0)) / 100)
    if link_checks:
        parts.append(sum(1 for c in link_checks if c.ok) / len(link_checks))
    return round(100 * sum(parts) / len(parts)) if parts else None
