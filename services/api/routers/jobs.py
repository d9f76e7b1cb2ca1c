"""Background jobs over HTTP: start one for an organization, read its state, progress, result and errors,
cancel it. A job is visible to its organization's admins and stewards (and sysadmins); anyone else gets 404.
Starting one answers 202 with the job and its address (``Location``); a worker runs it
(``banchi worker``, or the one ``banchi serve`` starts on the embedded database)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from catalog.actions.jobs import JobPublic, job_cancel, job_create, job_list, job_problem, job_show
from catalog.actions.schedules import SchedulePublic, schedule_delete, schedule_list, schedule_set
from catalog.errors import ValidationFailed
from catalog.models.jobs import BackgroundState
from services.api.common import READ_ERRORS, WRITE_ERRORS
from services.api.deps import JSON_ONLY, Ctx
from services.api.queued import queued

router = APIRouter(tags=["jobs"])


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "publish", "portal": "data-bangkok", "datasets": ["city-development-indicators"]}]})

    kind: Literal["publish", "drift_check", "link_check", "timeliness_check"]
    portal: str | None = Field(None, max_length=100, description="publish, drift_check: a registered portal "
                                                                 "(GET /api/portals)")
    datasets: list[Annotated[str, Field(max_length=200)]] | None = Field(
        None, max_length=10000, description="publish: only these datasets of the organization (default: all due)")
    force: bool = Field(False, description="publish: compare even unchanged datasets, and retry refused ones")


@router.post("/api/organizations/{name}/jobs", status_code=202, dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def start_job(ctx: Ctx, name: str, body: JobRequest, response: Response, tasks: BackgroundTasks) -> JobPublic:
    """Queue a job for the organization: a publish run (of the datasets chosen) or a drift check against a
    registered portal, a check of its link resources or of its datasets' timeliness. Follow it at
    ``GET /api/jobs/{id}``."""
    params: dict[str, Any] = {"organization": name}
    if body.kind in ("publish", "drift_check"):
        if not body.portal:
            raise ValidationFailed([job_problem("portal_required", "portal")])
        params["portal"] = body.portal
    if body.kind == "publish":
        params |= {"datasets": body.datasets, "force": body.force}
    return queued(job_create(ctx, body.kind, name, params), response, tasks)


@router.get("/api/organizations/{name}/jobs", responses=READ_ERRORS)
def organization_jobs(ctx: Ctx, name: str, state: Annotated[list[BackgroundState], Query()] = [],  # noqa: B006
                      kind: Annotated[list[str], Query(max_length=40)] = [],  # noqa: B006
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[JobPublic]:
    """The organization's jobs, newest first."""
    return job_list(ctx, name, states=tuple(state), kinds=tuple(kind), limit=limit)


@router.get("/api/jobs/{job_id}", responses=READ_ERRORS)
def show_job(ctx: Ctx, job_id: str) -> JobPublic:
    """A job: state (queued, running, succeeded, failed, cancelled), progress (done of total), result, errors."""
    return job_show(ctx, job_id)


@router.post("/api/jobs/{job_id}/cancel", responses=WRITE_ERRORS)
def cancel_job(ctx: Ctx, job_id: str) -> JobPublic:
    """Cancel: a queued job at once, a running one at its next step (what it finished stays done)."""
    return job_cancel(ctx, job_id)


class ScheduleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "publish", "portal": "data-bangkok", "organization": "bma-hrd", "interval_minutes": 1440}]})

    kind: Literal["publish", "drift_check", "harvest", "link_check", "timeliness_check"]
    portal: str | None = Field(None, max_length=100)
    organization: str | None = Field(None, max_length=200, description="only this organization (default: all, "
                                                                       "a sysadmin's)")
    interval_minutes: int = Field(ge=5, le=60 * 24 * 366)
    enabled: bool = True


@router.get("/api/schedules", responses=READ_ERRORS)
def list_schedules(ctx: Ctx, organization: Annotated[str | None, Query(max_length=200)] = None
                   ) -> list[SchedulePublic]:
    """Schedules of unattended jobs: an organization's (its admins), or all (sysadmins)."""
    return schedule_list(ctx, organization)


@router.put("/api/schedules", dependencies=[JSON_ONLY], responses=WRITE_ERRORS)
def put_schedule(ctx: Ctx, body: ScheduleRequest) -> SchedulePublic:
    """Create or change the schedule of (kind, portal, organization): a portal's publish, drift check or
    harvest runs with its stored key; link and timeliness checks of an organization or of all."""
    return schedule_set(ctx, body.model_dump())


@router.delete("/api/schedules/{schedule_id}", status_code=204, responses=WRITE_ERRORS)
def delete_schedule(ctx: Ctx, schedule_id: str) -> Response:
    schedule_delete(ctx, schedule_id)
    return Response(status_code=204)
