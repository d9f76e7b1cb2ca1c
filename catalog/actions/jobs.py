"""Background jobs: start one, read it, cancel it; and the worker's side (claim, heartbeat, finish, recover).

A job is a row of ``job`` (``catalog.models.jobs``); the broker carries only its id. Every change of state
is one conditional UPDATE (the row's current state and worker in its WHERE), so two workers given the same
id (a message sent twice, a job re-sent after a worker stopped answering) never both run it: the second
claim changes no row and is dropped. The work itself is written to be done again without a second effect
(the publish outbox claims each dataset once and finds the portal's package it made).

Who sees a job: its organization's admins and stewards (``job_read``) and sysadmins; a job of no
organization (a run over every organization, a harvest) only sysadmins. Anyone else gets 404, as for a job
that does not exist. The worker's actions are the operator's (``job_run``, sysadmins: the worker runs as
``SYSTEM``); the work inside runs with the rights of whoever asked for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, and_, false, or_, update
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.lookup import get_organization
from catalog.context import Context
from catalog.errors import Hidden, ValidationFailed
from catalog.models import Organization
from catalog.models.jobs import FINISHED, BackgroundState, Job
from catalog.models.publishing import JobState, PublishJob
from catalog.permissions import action, helper
from schemas.messages import Problem, render

# the kinds of work, each with the permission rule a requester needs on the job's organization
KIND_RULES: dict[str, str] = {
    "publish": "dataset_publish",
    "drift_check": "dataset_publish",
    "harvest": "publish_job_run",  # creates organizations and datasets from a portal: the operator's
    "link_check": "job_start",
    "timeliness_check": "job_start",
    "validation": "resource_update",  # a large data file checked against its dictionary (validation_jobs)
    "report": "indicator_report_read",  # the evaluator's report of a fiscal year, built to a file (report_jobs)
    "catalog_import": "catalog_import",  # a workbook (and its dry run), all or nothing, in one transaction
}

MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_kind": ("ไม่รู้จักงานประเภท “{value}”", "Unknown kind of job “{value}”"),
    "job_finished": ("งานนี้จบแล้ว ({state}) จึงยกเลิกไม่ได้", "The job has already finished ({state_en}); it cannot be "
                                                                  "cancelled"),
    "worker_lost": ("ผู้ปฏิบัติงาน (worker) {value} หยุดตอบสนอง งานถูกส่งให้ผู้ปฏิบัติงานอื่นทำต่อ",
                    "The worker {value} stopped answering; the job was handed to another worker"),
    "too_many_attempts": ("งานล้มเหลวครบ {value} ครั้งแล้ว จึงหยุดลองใหม่",
                          "The job failed {value} times; it is not tried again"),
    "portal_required": ("งานประเภทนี้ต้องระบุพอร์ทัล", "This kind of job needs a portal"),
    "portal_not_for_kind": ("งาน “{value}” ไม่ใช้พอร์ทัล", "A “{value}” job does not use a portal"),
    "database_away": ("ฐานข้อมูลไม่ตอบสนอง ({detail}) งานจะลองใหม่ภายหลัง",
                      "The database did not answer ({detail}); the job is tried again later"),
    "job_error": ("งานหยุดด้วยข้อผิดพลาดภายใน: {detail}", "The job stopped on an internal error: {detail}"),
}
STATE_LABELS: dict[str, tuple[str, str]] = {
    "queued": ("รอคิว", "queued"), "running": ("กำลังทำงาน", "running"), "succeeded": ("สำเร็จ", "succeeded"),
    "failed": ("ล้มเหลว", "failed"), "cancelled": ("ยกเลิกแล้ว", "cancelled"),
}


QUEUED_AT = "base_url"  # the params key of the base URL of the request that queued the job


def job_problem(code: str, field: str | None = None, **params: Any) -> Problem:
    return render(MESSAGES, code, field, **params)


class JobPublic(BaseModel):
    """A job as every interface shows it."""

    id: str
    kind: str
    organization: str | None
    params: dict[str, Any]
    state: BackgroundState
    cancel_requested: bool
    progress_done: int
    progress_total: int | None
    result: dict[str, Any] | None
    errors: list[dict[str, Any]] | None
    requested_by: str
    attempts: int
    heartbeat_at: dt.datetime | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.state == BackgroundState.succeeded else None
        return min(100, round(100 * self.progress_done / self.progress_total))


# -- asking for work, reading it, cancelling it ------------------------------------------------------------


@action("job_start")
def job_create(ctx: Context, kind: str, organization: str | None, params: dict[str, Any], *,
               schedule_id: str | None = None) -> JobPublic:
    """Queue a job of ``kind`` for ``organization`` (None: every organization, a sysadmin's). The caller
    hands the id to the broker after this transaction commits (``services.jobs.dispatch``)."""
    if kind not in KIND_RULES:
        permissions.check_somewhere(ctx, "job_start")
        raise ValidationFailed([job_problem("unknown_kind", "kind", value=kind)])
    org = get_organization(ctx, organization) if organization else None
    permissions.check(ctx, KIND_RULES[kind], org.id if org else None)
    now = ctx.now()
    if ctx.base_url:  # links the job makes start where its requester reached Banchi (``catalog.links``)
        params = {**params, QUEUED_AT: ctx.base_url}
    job = Job(kind=kind, organization_id=org.id if org else None, params=params, requested_by=ctx.actor.name,
              requested_by_account=ctx.actor.account_id, schedule_id=schedule_id, created_at=now, updated_at=now)
    ctx.session.add(job)
    ctx.session.flush()
    return _public(ctx, job)


@action("job_read")
def job_show(ctx: Context, job_id: str) -> JobPublic:
    return _public(ctx, _readable(ctx, job_id))


@action("job_read")
def job_list(ctx: Context, organization: str | None = None, *, states: tuple[str, ...] = (),
             kinds: tuple[str, ...] = (), limit: int = 100) -> list[JobPublic]:
    """The newest jobs first: of an organization (its admins and stewards), or of every one (sysadmins)."""
    query = select(Job)
    if organization:
        org = get_organization(ctx, organization)
        permissions.check_read(ctx, "job_read", org.id, "organization", organization)
        query = query.where(Job.organization_id == org.id)
    else:
        permissions.check(ctx, "job_read")  # every organization's jobs: sysadmins
    if states:
        query = query.where(col(Job.state).in_(states))
    if kinds:
        query = query.where(col(Job.kind).in_(kinds))
    rows = ctx.session.exec(query.order_by(col(Job.created_at).desc(), col(Job.id)).limit(limit)).all()
    return [_public(ctx, job) for job in rows]


@action("job_cancel")
def job_cancel(ctx: Context, job_id: str) -> JobPublic:
    """A queued job is cancelled at once; a running one stops at its next step (its worker sees the request
    with its heartbeat), keeping what it finished. A finished job is refused."""
    job = _readable(ctx, job_id)
    permissions.check(ctx, "job_cancel", job.organization_id)
    if job.state in FINISHED:
        th, en = STATE_LABELS[job.state]
        raise ValidationFailed([job_problem("job_finished", "state", state=th, state_en=en)])
    now = ctx.now()
    ctx.session.execute(
        update(Job).where(col(Job.id) == job.id, col(Job.state) == BackgroundState.queued)
        .values(state=BackgroundState.cancelled, cancel_requested=True, finished_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    ctx.session.execute(
        update(Job).where(col(Job.id) == job.id, col(Job.state) == BackgroundState.running)
        .values(cancel_requested=True, updated_at=now).execution_options(synchronize_session=False))
    ctx.session.refresh(job)
    if job.state == BackgroundState.cancelled:  # cancelled before it ran: no worker will remove what it kept
        _release_files(job)
    return _public(ctx, job)


# -- the worker's side -------------------------------------------------------------------------------------


@action("job_run")
def job_claim(ctx: Context, job_id: str, worker: str) -> Job | None:
    """Take a queued job for ``worker`` (None when another has it, it finished, or its backoff has not
    passed). A job cancelled while queued is settled here without running."""
    permissions.check(ctx, "job_run")
    now = ctx.now()
    claimed = _rowcount(ctx, update(Job).where(
        col(Job.id) == job_id, col(Job.state) == BackgroundState.queued, col(Job.cancel_requested).is_(False),
        or_(col(Job.run_after).is_(None), col(Job.run_after) <= now),
    ).values(state=BackgroundState.running, worker=worker, attempts=Job.attempts + 1, heartbeat_at=now,
             started_at=now, updated_at=now))
    if claimed != 1:
        return None
    job = ctx.session.get(Job, job_id)
    assert job is not None
    ctx.session.refresh(job)
    return job


@action("job_run")
def job_heartbeat(ctx: Context, job_id: str, worker: str, *, done: int | None = None,
                  total: int | None = None) -> tuple[bool, bool]:
    """The worker is alive (and how far it got): (still its job, cancel requested)."""
    permissions.check(ctx, "job_run")
    now = ctx.now()
    values: dict[str, Any] = {"heartbeat_at": now, "updated_at": now}
    if done is not None:
        values["progress_done"] = done
    if total is not None:
        values["progress_total"] = total
    owned = _rowcount(ctx, update(Job).where(*_held(job_id, worker)).values(**values)) == 1
    cancel = ctx.session.exec(select(Job.cancel_requested).where(Job.id == job_id)).first()
    return owned, bool(cancel)


@action("job_run")
def job_finish(ctx: Context, job_id: str, worker: str, state: BackgroundState, *,
               result: dict[str, Any] | None = None, errors: list[Problem] | None = None,
               done: int | None = None, total: int | None = None) -> bool:
    """Settle the job the worker holds (False when it no longer holds it: it was handed to another)."""
    permissions.check(ctx, "job_run")
    assert state in FINISHED
    now = ctx.now()
    earlier = ctx.session.exec(select(Job.errors).where(Job.id == job_id)).first() or []
    values: dict[str, Any] = {"state": state, "result": result, "finished_at": now, "updated_at": now,
                              "heartbeat_at": now, "errors": [*earlier, *(_dumped(errors) or [])] or None}
    if done is not None:
        values["progress_done"] = done
    if total is not None:
        values["progress_total"] = total
    return _rowcount(ctx, update(Job).where(*_held(job_id, worker)).values(**values)) == 1


@action("job_run")
def job_retry(ctx: Context, job_id: str, worker: str, errors: list[Problem], run_after: dt.datetime) -> str:
    """The work failed in a way worth trying again (a portal or the database was unavailable): back to the
    queue until ``run_after``, or failed for good after ``max_attempts``. Returns the new state."""
    permissions.check(ctx, "job_run")
    job = ctx.session.get(Job, job_id)
    assert job is not None
    now = ctx.now()
    if job.attempts >= job.max_attempts:
        errors = [*errors, job_problem("too_many_attempts", None, value=job.attempts)]
        values: dict[str, Any] = {"finished_at": now}
        state = BackgroundState.failed
        _release_files(job)
    else:
        values = {"run_after": run_after, "dispatched_at": None, "worker": None}
        state = BackgroundState.queued
    _rowcount(ctx, update(Job).where(*_held(job_id, worker))
              .values(state=state, errors=[*(job.errors or []), *(_dumped(errors) or [])], updated_at=now, **values))
    return state


@action("job_run")
def job_recover(ctx: Context, *, stale_after: dt.timedelta, redispatch_after: dt.timedelta,
                held_by_broker: frozenset[str] | None = None, grace: dt.timedelta = dt.timedelta(0)) -> list[str]:
    """Jobs to hand to the broker (again): running jobs whose worker gave no heartbeat for ``stale_after``
    (back to the queue, with the publish outbox entries they claimed released), and queued ones that were
    never handed over or whose message was not taken for ``redispatch_after`` (a broker restarted empty), or,
    when the broker's messages are known (``held_by_broker``), that were handed over more than ``grace`` ago
    and whose message it no longer holds (a worker may have just taken it: a second message is harmless).
    Stalled rows are locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two workers recovering at once
    take different jobs; handing one to the broker twice is harmless, as only one claim succeeds."""
    permissions.check(ctx, "job_run")
    now = ctx.now()
    stale = ctx.session.exec(select(Job).where(
        col(Job.state) == BackgroundState.running, col(Job.heartbeat_at) < now - stale_after,
    ).with_for_update(skip_locked=True)).all()
    for job in stale:
        lost = job_problem("worker_lost", None, value=job.worker or "-")
        job.errors = [*(job.errors or []), lost.model_dump(exclude_none=True)]
        if job.attempts >= job.max_attempts:
            job.state, job.finished_at = BackgroundState.failed, now
            job.errors.append(job_problem("too_many_attempts", None, value=job.attempts).model_dump(exclude_none=True))
            _release_files(job)
        else:
            job.state, job.dispatched_at, job.run_after = BackgroundState.queued, None, None
        job.worker, job.updated_at = None, now
        ctx.session.add(job)
        # the outbox entries the dead worker claimed are free again (the next run finds what the portal holds)
        ctx.session.execute(update(PublishJob).where(
            col(PublishJob.claimed_by) == job.id, col(PublishJob.state) == JobState.pending,
        ).values(claimed_until=None, claimed_by=None).execution_options(synchronize_session=False))
    ctx.session.flush()
    waiting = ctx.session.exec(select(Job).where(
        col(Job.state) == BackgroundState.queued,
        or_(col(Job.run_after).is_(None), col(Job.run_after) <= now),
        or_(col(Job.dispatched_at).is_(None), col(Job.dispatched_at) < now - redispatch_after,
            col(Job.dispatched_at) < now - grace if held_by_broker is not None else false()),
    ).order_by(col(Job.created_at))).all()
    return [job.id for job in waiting if held_by_broker is None or job.dispatched_at is None
            or job.id not in held_by_broker or job.dispatched_at < now - redispatch_after]


@action("job_run")
def job_dispatched(ctx: Context, job_id: str) -> None:
    """The broker took the job's message."""
    permissions.check(ctx, "job_run")
    _rowcount(ctx, update(Job).where(col(Job.id) == job_id, col(Job.state) == BackgroundState.queued)
              .values(dispatched_at=ctx.now()))


@action("job_run")
def job_record(ctx: Context, job_id: str) -> Job:
    """The job row itself, for its worker."""
    permissions.check(ctx, "job_run")
    job = ctx.session.get(Job, job_id)
    if job is None:
        raise Hidden("job", job_id)
    return job


# -- helpers -----------------------------------------------------------------------------------------------


def _readable(ctx: Context, job_id: str) -> Job:
    """The job, if the actor may read it; otherwise Hidden (404), as if it did not exist. Whoever asked for a
    job reads it (an evaluator follows the report it asked for, not being of the organization)."""
    job = ctx.session.get(Job, job_id)
    if job is None:
        raise Hidden("job", job_id)
    if job.requested_by_account is not None and job.requested_by_account == ctx.actor.account_id:
        permissions.check_own(ctx, "job_read")
    elif job.organization_id is None:
        if not permissions.allowed(ctx, "job_read"):
            raise Hidden("job", job_id)
    else:
        permissions.check_read(ctx, "job_read", job.organization_id, "job", job_id)
    return job


def _release_files(job: Job) -> None:
    """A job that ends without its work having run to its end leaves no kept input behind (a large upload
    kept for its validation: ``params.file`` with ``params.delete_file``)."""
    if job.params.get("delete_file") and job.params.get("file"):
        Path(job.params["file"]).unlink(missing_ok=True)


def _held(job_id: str, worker: str) -> tuple[Any, ...]:
    return (and_(col(Job.id) == job_id, col(Job.state) == BackgroundState.running, col(Job.worker) == worker),)


def _rowcount(ctx: Context, statement: Any) -> int:
    result = cast("CursorResult[Any]", ctx.session.execute(statement.execution_options(synchronize_session=False)))
    return result.rowcount


def _dumped(problems: list[Problem] | None) -> list[dict[str, Any]] | None:
    return [p.model_dump(exclude_none=True) for p in problems] if problems else None


@helper
def job_public(ctx: Context, job: Job) -> JobPublic:
    """The public shape of a job the caller already read."""
    return _public(ctx, job)


def _public(ctx: Context, job: Job) -> JobPublic:
    org = ctx.session.get(Organization, job.organization_id) if job.organization_id else None
    return JobPublic(organization=org.name if org else None,
                     **job.model_dump(include=set(JobPublic.model_fields) - {"organization"}))


@action("metrics_read")
def job_metrics(ctx: Context) -> tuple[dict[str, int], float]:
    """For /metrics: jobs by state, and the queue lag (seconds the oldest job that may run now has waited)."""
    from sqlalchemy import func

    permissions.check(ctx, "metrics_read")
    counts = {state.value: 0 for state in BackgroundState}
    for state, count in ctx.session.exec(select(Job.state, func.count()).group_by(col(Job.state))).all():
        counts[state] = count
    now = ctx.now()
    oldest = ctx.session.exec(select(func.min(Job.created_at)).where(
        col(Job.state) == BackgroundState.queued, or_(col(Job.run_after).is_(None), col(Job.run_after) <= now))).first()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return counts, max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
