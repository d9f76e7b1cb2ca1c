"""Publishing actions: plan publish jobs into the outbox, claim and settle them, read publications.

The CKAN talking lives in ``services.ckan``; it calls these actions, each in its own short
transaction, so a job's state is stored before any call to a portal and after each step of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import CursorResult, and_, or_, update
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_dataset, get_organization
from catalog.audit import record_change
from catalog.context import Context
from catalog.errors import NotFound, ValidationFailed
from catalog.models import Dataset, Organization
from catalog.models.publishing import JobOperation, JobState, Publication, PublishJob
from catalog.permissions import action
from catalog.publish_messages import publish_problem
from catalog.publish_rules import PublicationContent, dataset_refusals, publication_content
from catalog.storage import object_key
from schemas.messages import Problem
from schemas.urls import is_http_url


@dataclass
class PlanItem:
    """What a publish run means for one dataset."""

    dataset_id: str
    name: str
    title: str
    action: str  # publish | withdraw | unchanged | refused | failed
    job_id: str | None = None
    refusals: list[Problem] = field(default_factory=list)
    excluded: list[Problem] = field(default_factory=list)
    payload: dict[str, Any] | None = None
    content_hash: str | None = None
    package_id: str | None = None  # on the portal, when it was published before
    error: str | None = None


@dataclass
class ClaimedJob:
    """A job a run now owns, with the content to send as it is now (never older than the rules)."""

    id: str
    operation: str
    dataset_id: str
    dataset_name: str
    attempts: int
    payload: dict[str, Any] | None
    content_hash: str | None
    package_id: str | None
    files: dict[str, Path]  # resource id → stored bytes to upload


def normalize_portal_url(url: str, field: str = "ckan_url") -> str:
    """A portal's address as publications and jobs key it (the shared http/https rule of ``schemas.urls``)."""
    if not is_http_url(url.strip()):
        raise ValidationFailed([publish_problem("bad_portal_url", field, value=url)])
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


@action("dataset_publish")
def publish_plan(
    ctx: Context, portal_url: str, *, organization: str | None = None, dataset: str | None = None,
    force: bool = False, record: bool = True, only: Collection[str] | None = None,
) -> list[PlanItem]:
    """Decide per dataset what the portal should get and, unless ``record`` is off, store it as jobs.
    ``only``: the names (of the organization's datasets) the run includes; the others are left as they are."""
    portal_url = normalize_portal_url(portal_url)
    datasets = _datasets_in_scope(ctx, "dataset_publish", organization, dataset)
    if only is not None:
        chosen = set(only)
        unknown = chosen - {d.name for d in datasets}
        if unknown:  # not in this scope: as if it did not exist
            raise NotFound("dataset", sorted(unknown)[0])
        datasets = [d for d in datasets if d.name in chosen]
    orgs = {org.id: org for org in ctx.session.exec(select(Organization))}
    ids = [d.id for d in datasets]
    publications = {p.dataset_id: p for p in _for_datasets(ctx, Publication, portal_url, ids)}
    latest_jobs: dict[str, PublishJob] = {}
    for job in sorted(_for_datasets(ctx, PublishJob, portal_url, ids), key=lambda j: j.created_at):
        latest_jobs[job.dataset_id] = job
    items = []
    for item_dataset in datasets:
        permissions.check(ctx, "dataset_publish", item_dataset.owner_org_id)
        item = _plan_one(ctx, item_dataset, orgs[item_dataset.owner_org_id], publications.get(item_dataset.id),
                         latest_jobs.get(item_dataset.id), force)
        if record:
            _record(ctx, portal_url, item, latest_jobs.get(item_dataset.id))
        items.append(item)
    ctx.session.flush()
    return items


def _plan_one(
    ctx: Context, dataset: Dataset, org: Organization, pub: Publication | None, last_job: PublishJob | None,
    force: bool,
) -> PlanItem:
    live = pub is not None and pub.withdrawn_at is None
    item = PlanItem(dataset_id=dataset.id, name=dataset.name, title=dataset.title, action="unchanged",
                    package_id=pub.package_id if live and pub else None)
    item.refusals = dataset_refusals(ctx, dataset, org)
    if item.refusals:
        item.action = "withdraw" if live else "refused"
        return item
    content: PublicationContent = publication_content(ctx, dataset, org)
    item.payload, item.content_hash, item.excluded = content.payload, content.content_hash, content.excluded
    if live and pub is not None and pub.content_hash == content.content_hash and not force:
        return item
    item.action = "publish"
    if (not force and last_job is not None and last_job.state == JobState.failed
            and last_job.operation == JobOperation.publish and last_job.payload_hash == content.content_hash):
        item.action, item.error, item.job_id = "failed", last_job.last_error, last_job.id
    return item


def _record(ctx: Context, portal_url: str, item: PlanItem, last_job: PublishJob | None) -> None:
    pending = last_job if last_job is not None and last_job.state == JobState.pending else None
    if item.action not in ("publish", "withdraw"):
        if pending is not None:  # queued earlier, no longer needed (content back as published, or refused)
            _settle(ctx, pending, JobState.done)
        return
    operation = JobOperation(item.action)
    if pending is None:
        pending = PublishJob(portal_url=portal_url, dataset_id=item.dataset_id, operation=operation,
                             requested_by=ctx.actor.name, created_at=ctx.now())
    elif pending.operation == operation and pending.payload_hash == item.content_hash:
        item.job_id = pending.id
        return
    else:  # newer content replaces what was queued; it starts its retries afresh
        pending.attempts, pending.last_error, pending.problems = 0, None, None
    pending.operation, pending.payload_hash, pending.payload = operation, item.content_hash, item.payload
    pending.next_attempt_at, pending.updated_at = ctx.now(), ctx.now()
    ctx.session.add(pending)
    ctx.session.flush()
    item.job_id = pending.id


@action("dataset_publish")
def publish_due_jobs(
    ctx: Context, portal_url: str, *, dataset_ids: list[str] | None = None, ignore_backoff: bool = False
) -> list[str]:
    """Pending jobs of a portal that may run now, oldest first: of ``dataset_ids`` (each one the actor may
    publish), or of every dataset (the operator)."""
    if dataset_ids is None:
        permissions.check(ctx, "publish_job_run")
    for dataset_id in dataset_ids or []:
        found = ctx.session.get(Dataset, dataset_id)
        if found is not None:
            permissions.check_dataset(ctx, "dataset_publish", found)
    if dataset_ids == []:
        permissions.check_somewhere(ctx, "dataset_publish")
    now = ctx.now()
    query = select(PublishJob.id).where(
        PublishJob.portal_url == normalize_portal_url(portal_url), PublishJob.state == JobState.pending,
        or_(col(PublishJob.claimed_until).is_(None), col(PublishJob.claimed_until) < now),
    )
    if not ignore_backoff:
        query = query.where(or_(col(PublishJob.next_attempt_at).is_(None), col(PublishJob.next_attempt_at) <= now))
    if dataset_ids is not None:
        query = query.where(col(PublishJob.dataset_id).in_(dataset_ids))
    return list(ctx.session.exec(query.order_by(col(PublishJob.created_at), col(PublishJob.id))))


@action("dataset_publish")
def publish_job_claim(ctx: Context, job_id: str, lease: dt.timedelta, claimed_by: str | None = None
                      ) -> ClaimedJob | None:
    """Take a pending job for one run (None if another run holds it), re-checking the rules right now.
    ``claimed_by``: the background job of the run, so its claims are released if its worker dies."""
    _job(ctx, job_id)  # the actor may publish its dataset
    now = ctx.now()
    claimed = cast("CursorResult[Any]", ctx.session.execute(
        update(PublishJob)
        .where(and_(col(PublishJob.id) == job_id, col(PublishJob.state) == JobState.pending,
                    or_(col(PublishJob.claimed_until).is_(None), col(PublishJob.claimed_until) < now)))
        .values(claimed_until=now + lease, claimed_by=claimed_by, attempts=PublishJob.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ))
    if claimed.rowcount != 1:
        return None
    job = ctx.session.get(PublishJob, job_id)
    assert job is not None
    ctx.session.refresh(job)
    dataset = ctx.session.get(Dataset, job.dataset_id)
    assert dataset is not None
    permissions.check_dataset(ctx, "dataset_publish", dataset)
    org = ctx.session.get(Organization, dataset.owner_org_id)
    assert org is not None
    pub = _publication(ctx, job.portal_url, dataset.id)
    live = pub is not None and pub.withdrawn_at is None
    if dataset_refusals(ctx, dataset, org):  # the last gate: nothing goes that is not open now
        if not live:
            _settle(ctx, job, JobState.done)
            return None
        job.operation, job.payload, job.payload_hash = JobOperation.withdraw, None, None
    files: dict[str, Path] = {}
    if job.operation == JobOperation.publish:
        content = publication_content(ctx, dataset, org)
        job.payload, job.payload_hash = content.payload, content.content_hash
        storage = ctx.settings.effective_storage_dir
        files = {r["id"]: storage / object_key(r["file"]["sha256"]) for r in content.payload["resources"]
                 if r.get("file")}
    ctx.session.add(job)
    return ClaimedJob(
        id=job.id, operation=job.operation, dataset_id=dataset.id, dataset_name=dataset.name,
        attempts=job.attempts, payload=job.payload, content_hash=job.payload_hash,
        package_id=job.package_id or (pub.package_id if pub else None), files=files,
    )


@action("dataset_publish")
def publish_job_progress(ctx: Context, job_id: str, package_id: str) -> None:
    """Remember the package as soon as it exists, so a retry continues it instead of starting over."""
    job = _job(ctx, job_id)
    job.package_id, job.updated_at = package_id, ctx.now()
    ctx.session.add(job)


@action("dataset_publish")
def publish_job_done(ctx: Context, job_id: str, *, package_id: str, package_name: str) -> Publication:
    """The portal now holds what the job sent: record the publication (stage-5 evidence) or its withdrawal."""
    job = _job(ctx, job_id)
    now = ctx.now()
    pub = _publication(ctx, job.portal_url, job.dataset_id)
    before = _publication_snapshot(pub)
    if job.operation == JobOperation.withdraw:
        assert pub is not None
        pub.withdrawn_at = now
        action = "dataset_unpublish"
    else:
        assert job.payload is not None and job.payload_hash is not None
        if pub is None:
            pub = Publication(dataset_id=job.dataset_id, portal_url=job.portal_url, first_published_at=now,
                              package_id=package_id, package_name=package_name, content_hash=job.payload_hash)
        pub.package_id, pub.package_name, pub.content_hash = package_id, package_name, job.payload_hash
        pub.payload, pub.published_at, pub.withdrawn_at = job.payload, now, None
        action = "dataset_publish"
    ctx.session.add(pub)
    job.package_id = package_id
    _settle(ctx, job, JobState.done)
    ctx.session.flush()
    record_change(ctx, action, "dataset", job.dataset_id, before, _publication_snapshot(pub),
                  reason=f"{job.portal_url} {package_name}")
    return pub


@action("dataset_publish")
def publish_job_retry(ctx: Context, job_id: str, problems: list[Problem], next_attempt_at: dt.datetime) -> None:
    """The portal was down, slow or answered 5xx: keep the job pending with its error until ``next_attempt_at``."""
    job = _job(ctx, job_id)
    job.next_attempt_at = next_attempt_at
    _note_problems(job, problems)
    job.claimed_until, job.claimed_by, job.updated_at = None, None, ctx.now()
    ctx.session.add(job)


@action("dataset_publish")
def publish_job_fail(ctx: Context, job_id: str, problems: list[Problem]) -> None:
    """The portal refused the content: the job fails with the fields named; a change queues a new one."""
    job = _job(ctx, job_id)
    _note_problems(job, problems)
    _settle(ctx, job, JobState.failed)


@action("publication_list")
def publication_list(
    ctx: Context, portal_url: str | None = None, *, organization: str | None = None, dataset: str | None = None,
    live_only: bool = True,
) -> list[Publication]:
    query = select(Publication)
    if portal_url:
        query = query.where(Publication.portal_url == normalize_portal_url(portal_url))
    if live_only:
        query = query.where(col(Publication.withdrawn_at).is_(None))
    if organization or dataset:
        ids = [d.id for d in _datasets_in_scope(ctx, "publication_list", organization, dataset)]
        query = query.where(col(Publication.dataset_id).in_(ids))
    else:
        permissions.check(ctx, "publication_list")  # every portal's every dataset: sysadmins
    return list(ctx.session.exec(query.order_by(col(Publication.package_name))))


@action("publish_job_list")
def publish_job_list(
    ctx: Context, portal_url: str | None = None, *, states: tuple[str, ...] = (), organization: str | None = None,
    dataset: str | None = None,
) -> list[PublishJob]:
    """Publish jobs, oldest first: of an organization or a dataset (its admins and stewards), or all (sysadmins)."""
    query = select(PublishJob)
    if organization or dataset:
        ids = [d.id for d in _datasets_in_scope(ctx, "publish_job_list", organization, dataset)]
        query = query.where(col(PublishJob.dataset_id).in_(ids))
    else:
        permissions.check(ctx, "publish_job_list")
    if portal_url:
        query = query.where(PublishJob.portal_url == normalize_portal_url(portal_url))
    if states:
        query = query.where(col(PublishJob.state).in_(states))
    return list(ctx.session.exec(query.order_by(col(PublishJob.created_at))))


# -- helpers -------------------------------------------------------------------------------------------


def _datasets_in_scope(ctx: Context, rule: str, organization: str | None, dataset: str | None) -> list[Dataset]:
    """The named dataset, the organization's datasets or (sysadmins) all, if the actor may do ``rule`` on them."""
    reading = permissions.required_scope(rule) == "read"
    if dataset:
        found = get_dataset(ctx, dataset)
        permissions.check_dataset_read(ctx, found)
        if reading:
            permissions.check_read(ctx, rule, found.owner_org_id, "dataset", dataset)
        permissions.check(ctx, rule, found.owner_org_id)
        return [found]
    query = select(Dataset)
    if organization:
        org = get_organization(ctx, organization)
        if reading:
            permissions.check_read(ctx, rule, org.id, "organization", organization)
        permissions.check(ctx, rule, org.id)
        query = query.where(Dataset.owner_org_id == org.id)
    else:  # every dataset: the caller checks each one it acts on
        permissions.check_somewhere(ctx, rule)
    return list(ctx.session.exec(query.order_by(col(Dataset.name))))


def _for_datasets(ctx: Context, model: Any, portal_url: str, ids: list[str]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(ids), 500):  # keep IN lists short
        chunk = ids[start:start + 500]
        rows += ctx.session.exec(select(model).where(model.portal_url == portal_url, col(model.dataset_id).in_(chunk)))
    return rows


def _publication(ctx: Context, portal_url: str, dataset_id: str) -> Publication | None:
    query = select(Publication).where(Publication.portal_url == portal_url, Publication.dataset_id == dataset_id)
    return ctx.session.exec(query).first()


def _job(ctx: Context, job_id: str) -> PublishJob:
    """The job, if the actor may publish its dataset."""
    job = ctx.session.get(PublishJob, job_id)
    assert job is not None, job_id
    dataset = ctx.session.get(Dataset, job.dataset_id)
    assert dataset is not None
    permissions.check_dataset(ctx, "dataset_publish", dataset)
    return job


def _settle(ctx: Context, job: PublishJob, state: JobState) -> None:
    job.state, job.completed_at, job.claimed_until, job.updated_at = state, ctx.now(), None, ctx.now()
    job.claimed_by = None
    if state == JobState.done:
        job.last_error, job.problems = None, None
    ctx.session.add(job)


def _note_problems(job: PublishJob, problems: list[Problem]) -> None:
    job.problems = [p.model_dump(exclude_none=True) for p in problems]
    job.last_error = "\n".join(str(p) for p in problems)


def _publication_snapshot(pub: Publication | None) -> dict[str, Any] | None:
    return None if pub is None else pub.model_dump(mode="json", exclude={"payload"})
