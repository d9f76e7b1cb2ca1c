"""Publishing an organization's open datasets to CKAN portals (``services.ckan.Publisher``, the outbox of
``catalog.actions.publishing``): what each portal holds, the publish jobs, a plan, and a run.

Publications and jobs are read, planned and published by the organization's admins and stewards
(``dataset_publish``; 404 for anyone else). Plans and runs name a portal a sysadmin registered
(``/api/portals``), whose stored key they use: a request never gives an address or a key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from catalog.actions.access import readable_dataset
from catalog.actions.lookup import get_organization
from catalog.actions.portals import PortalConnection, portal_connection
from catalog.actions.publishing import (
    PlanItem,
    normalize_portal_url,
    publication_list,
    publish_job_list,
    publish_plan,
)
from catalog.context import Actor, Context, open_context
from catalog.db import get_engine
from catalog.errors import NotFound
from catalog.models import Dataset, Organization
from catalog.models.publishing import JobState, PublishJob
from catalog.settings import get_settings
from schemas.messages import Problem
from schemas.profile import Profile
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_ONLY, Acting, Ctx
from services.ckan.client import PortalClient, PortalUnavailable
from services.ckan.diff import PackageChanges
from services.ckan.publisher import DriftItem, Publisher, RunReport

router = APIRouter(tags=["publishing"])

PortalQuery = Annotated[str | None, Query(max_length=500, description="only this portal, e.g. https://data.go.th")]
PORTAL_TIMEOUT = 60.0


class PublicationPublic(BaseModel):
    dataset: str
    portal_url: str
    package_id: str
    package_name: str
    content_hash: str
    first_published_at: dt.datetime
    published_at: dt.datetime
    withdrawn_at: dt.datetime | None


class PublishJobPublic(BaseModel):
    id: str
    dataset: str
    portal_url: str
    operation: str
    state: JobState
    attempts: int
    next_attempt_at: dt.datetime | None
    package_id: str | None
    last_error: str | None
    problems: list[dict[str, Any]] | None
    requested_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None


class PortalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"portal": "data-bangkok", "dataset": "city-development-indicators"}]})

    portal: str = Field(max_length=100, description="a registered portal (GET /api/portals)")
    dataset: str | None = Field(None, max_length=200, description="only this dataset of the organization")


class PublishRequest(PortalRequest):
    force: bool = Field(False, description="compare even unchanged datasets, and retry refused ones")


class PlanRequest(PublishRequest):
    preview: bool = Field(False, description="also read the portal and show, field by field, what would change")


class RunRequest(PublishRequest):
    run: bool = Field(False, description="publish now; otherwise the jobs are queued for the next run")
    retry_now: bool = Field(False, description="with ``run``: retry pending jobs without waiting")


class PlannedDataset(BaseModel):
    dataset: str
    title: str
    action: Literal["publish", "withdraw", "unchanged", "refused", "failed"]
    job_id: str | None
    package_id: str | None
    refusals: list[Problem]
    excluded: list[Problem]
    error: str | None
    status: Literal["done", "pending", "failed"] | None = None  # after a run
    problems: list[Problem] = []
    retry_at: dt.datetime | None = None
    changes: PackageChanges | None = None  # preview: what the portal would get, field by field


class DriftReport(BaseModel):
    portal_url: str
    stopped: Problem | None  # the portal was not available (or refused by the outbound rules)
    drift: list[DriftItem]  # only the packages that differ from what Banchi last sent


class PublishReport(BaseModel):
    portal_url: str
    dry_run: bool
    queued: bool
    ok: bool
    stopped: Problem | None  # the portal became unavailable; the remaining jobs wait for the next run
    write_calls: int
    datasets: list[PlannedDataset]


# -- what was published, and the outbox ----------------------------------------------------------------------


def _dataset_names(ctx: Context, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(ctx.session.exec(select(Dataset.id, Dataset.name).where(col(Dataset.id).in_(ids))).all())


def _publications(ctx: Context, portal_url: str | None, include_withdrawn: bool,
                  **scope: str) -> list[PublicationPublic]:
    rows = publication_list(ctx, _portal(portal_url), live_only=not include_withdrawn, **scope)
    names = _dataset_names(ctx, {p.dataset_id for p in rows})
    return [PublicationPublic(dataset=names[p.dataset_id], **p.model_dump(exclude={"id", "dataset_id", "payload"}))
            for p in rows]


def _jobs(ctx: Context, chosen: list[PublishJob]) -> list[PublishJobPublic]:
    names = _dataset_names(ctx, {job.dataset_id for job in chosen})
    return [PublishJobPublic(dataset=names[job.dataset_id],
                             **job.model_dump(exclude={"dataset_id", "payload", "payload_hash", "claimed_until"}))
            for job in chosen]


def _portal(url: str | None) -> str | None:
    return normalize_portal_url(url) if url else None


@router.get("/api/organizations/{name}/publications", responses=READ_ERRORS)
def organization_publications(ctx: Ctx, name: str, portal_url: PortalQuery = None,
                              include_withdrawn: bool = False) -> list[PublicationPublic]:
    """Where the organization's datasets are published (stage-5 evidence), by package name."""
    return _publications(ctx, portal_url, include_withdrawn, organization=name)


@router.get("/api/datasets/{name}/publications", responses=READ_ERRORS)
def dataset_publications(ctx: Ctx, name: str, portal_url: PortalQuery = None,
                         include_withdrawn: bool = False) -> list[PublicationPublic]:
    return _publications(ctx, portal_url, include_withdrawn, dataset=name)


@router.get("/api/organizations/{name}/publish-jobs", responses=READ_ERRORS)
def organization_jobs(ctx: Ctx, name: str, portal_url: PortalQuery = None,
                      state: Annotated[list[JobState], Query()] = []) -> list[PublishJobPublic]:  # noqa: B006
    """The organization's publish jobs, oldest first: pending ones with their last error and next try."""
    return _jobs(ctx, publish_job_list(ctx, _portal(portal_url), states=tuple(state), organization=name))


@router.get("/api/datasets/{name}/publish-jobs", responses=READ_ERRORS)
def dataset_jobs(ctx: Ctx, name: str, portal_url: PortalQuery = None,
                 state: Annotated[list[JobState], Query()] = []) -> list[PublishJobPublic]:  # noqa: B006
    return _jobs(ctx, publish_job_list(ctx, _portal(portal_url), states=tuple(state), dataset=name))


# -- planning and publishing ---------------------------------------------------------------------------------


def portal_client(connection: PortalConnection, profile: Profile) -> PortalClient:
    """The registered portal's client, under the outbound rules (a seam for tests)."""
    return PortalClient.connect(connection, profile=profile, timeout=PORTAL_TIMEOUT)


def _scope(actor: Actor, name: str, body: PortalRequest
           ) -> tuple[Organization, str | None, PortalConnection, Profile]:
    """The organization, the dataset (one of the organization's the caller may read), the registered portal
    (for someone who may publish the organization's datasets), the profile."""
    with open_context(actor, engine=get_engine(), settings=get_settings()) as ctx:
        org = get_organization(ctx, name)
        dataset = None
        if body.dataset:
            found = readable_dataset(ctx, body.dataset)
            if found.owner_org_id != org.id:
                raise NotFound("dataset", body.dataset)
            dataset = found.name
        return org, dataset, portal_connection(ctx, body.portal, org.id), ctx.profile


def _publisher(actor: Actor, portal: PortalConnection, profile: Profile) -> Publisher:
    engine, settings = get_engine(), get_settings()
    return Publisher(lambda: open_context(actor, engine=engine, settings=settings), portal_client(portal, profile))


def _report(report: RunReport, *, dry_run: bool, queued: bool = False) -> PublishReport:
    outcomes = {o.dataset: o for o in report.outcomes}
    datasets = []
    for item in report.plan:
        outcome = outcomes.get(item.name)
        planned = _planned(item)
        if outcome is not None:
            planned.status, planned.problems, planned.retry_at = outcome.status, outcome.problems, outcome.retry_at
            planned.package_id = outcome.package_id or planned.package_id
        planned.changes = report.previews.get(item.dataset_id)
        planned.problems += report.preview_problems.get(item.dataset_id, [])
        datasets.append(planned)
    return PublishReport(portal_url=report.portal_url, dry_run=dry_run, queued=queued, ok=report.ok,
                         stopped=report.stopped, write_calls=report.write_calls, datasets=datasets)


def _planned(item: PlanItem) -> PlannedDataset:
    return PlannedDataset(dataset=item.name, title=item.title, action=item.action, job_id=item.job_id,
                          package_id=item.package_id, refusals=item.refusals, excluded=item.excluded, error=item.error)


@router.post("/api/organizations/{name}/publish/plan", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def plan(actor: Acting, name: str, body: PlanRequest) -> PublishReport:
    """Dry run: what publishing would do per dataset (publish, withdraw, unchanged, refused and why); writes
    nothing. With ``preview`` the portal is read to show each field that would change."""
    org, dataset, portal, profile = _scope(actor, name, body)
    if body.preview:
        publisher = _publisher(actor, portal, profile)
        return _report(publisher.dry_run(organization=org.name, dataset=dataset, force=body.force), dry_run=True)
    with open_context(actor, engine=get_engine(), settings=get_settings()) as ctx:
        items = publish_plan(ctx, portal.url, organization=org.name, dataset=dataset, force=body.force,
                             record=False)
    return _report(RunReport(portal.url, plan=items), dry_run=True)


@router.post("/api/organizations/{name}/publish", dependencies=[JSON_ONLY],
             responses={**WRITE_ERRORS, 202: {"model": PublishReport, "description": "Jobs queued"}})
def publish(actor: Acting, name: str, body: RunRequest, response: Response) -> PublishReport:
    """Queue publish jobs for what changed (202; a later run sends them), or with ``run`` publish now: each
    job is kept in the outbox, so a portal that fails half-way is finished by the next run."""
    org, dataset, portal, profile = _scope(actor, name, body)
    if body.run:
        publisher = _publisher(actor, portal, profile)
        report = publisher.run(organization=org.name, dataset=dataset, force=body.force, retry_now=body.retry_now)
        return _report(report, dry_run=False)
    with open_context(actor, engine=get_engine(), settings=get_settings()) as ctx:
        items = publish_plan(ctx, portal.url, organization=org.name, dataset=dataset, force=body.force)
    response.status_code = 202
    return _report(RunReport(portal.url, plan=items), dry_run=False, queued=True)


@router.post("/api/organizations/{name}/publish/check", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def check(actor: Acting, name: str, body: PortalRequest) -> DriftReport:
    """Drift: the fields edited on the registered portal since the last publish (what it holds against what
    Banchi sent), and packages gone from it. Reads the portal, writes nothing."""
    org, dataset, portal, profile = _scope(actor, name, body)
    try:
        drift = _publisher(actor, portal, profile).check(organization=org.name, dataset=dataset)
    except PortalUnavailable as exc:
        return DriftReport(portal_url=portal.url, stopped=exc.problem, drift=[])
    return DriftReport(portal_url=portal.url, stopped=None, drift=drift)
