"""Schedules: work that runs unattended every N minutes as a job.

A registered portal gets a schedule for each of publish, drift check and harvest (with the portal's stored,
encrypted key, so no one has to send it again); link and timeliness checks run for an organization or for
all. Workers' sweepers start what is due (``schedule_start_due``): the due rows are locked (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL) and moved to their next time in the same transaction as the job they start,
so two workers never start one schedule twice; a schedule whose last job has not finished starts none.

Who: schedules of one organization are its admins' (``schedule_manage``); schedules over every organization,
and every harvest (which creates organizations and datasets), are sysadmins'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from catalog import permissions
from catalog.actions.jobs import job_problem
from catalog.actions.lookup import get_by_id_or_name, get_organization
from catalog.actions.validation import check_input
from catalog.audit import record_change
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.models import Organization
from catalog.models.jobs import FINISHED, Job, Schedule
from catalog.models.portal import Portal
from catalog.permissions import action

PORTAL_KINDS = ("publish", "drift_check", "harvest")
CHECK_KINDS = ("link_check", "timeliness_check")
SCHEDULE_LABELS = {
    "kind": ("ประเภทงาน", "Kind of job"),
    "portal": ("พอร์ทัล", "Portal"),
    "organization": ("หน่วยงาน", "Organization"),
    "interval_minutes": ("ทุก ๆ (นาที)", "Every (minutes)"),
    "enabled": ("เปิดใช้", "Enabled"),
}


class ScheduleInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str = Field(pattern=r"^(publish|drift_check|harvest|link_check|timeliness_check)$")
    portal: str | None = Field(None, max_length=100)
    organization: str | None = Field(None, max_length=200)
    interval_minutes: int = Field(ge=5, le=60 * 24 * 366)
    enabled: bool = True


class SchedulePublic(BaseModel):
    id: str
    kind: str
    portal: str | None
    organization: str | None
    interval_minutes: int
    enabled: bool
    next_run_at: dt.datetime
    last_run_at: dt.datetime | None
    last_job_id: str | None


@action("schedule_manage")
def schedule_set(ctx: Context, data: dict[str, Any]) -> SchedulePublic:
    """Create or change the schedule of (kind, portal, organization); the next run is one interval from now."""
    values = check_input(ScheduleInput, data, SCHEDULE_LABELS)
    org = get_organization(ctx, values.organization) if values.organization else None
    permissions.check(ctx, "schedule_manage", None if values.kind == "harvest" else (org.id if org else None))
    portal = None
    if values.kind in PORTAL_KINDS:
        if not values.portal:
            raise ValidationFailed([job_problem("portal_required", "portal")])
        portal = get_by_id_or_name(ctx, Portal, values.portal, "portal")
    elif values.portal:
        raise ValidationFailed([job_problem("portal_not_for_kind", "portal", value=values.kind)])
    now = ctx.now()
    found = ctx.session.exec(select(Schedule).where(
        Schedule.kind == values.kind,
        col(Schedule.portal_id).is_(None) if portal is None else Schedule.portal_id == portal.id,
        col(Schedule.organization_id).is_(None) if org is None else Schedule.organization_id == org.id,
    )).first()
    before = found.model_dump(mode="json") if found else None
    schedule = found or Schedule(kind=values.kind, portal_id=portal.id if portal else None,
                                 organization_id=org.id if org else None, created_by=ctx.actor.name,
                                 interval_minutes=values.interval_minutes, next_run_at=now, created_at=now)
    schedule.interval_minutes, schedule.enabled = values.interval_minutes, values.enabled
    schedule.next_run_at = now + dt.timedelta(minutes=values.interval_minutes)
    schedule.updated_at = now
    ctx.session.add(schedule)
    ctx.session.flush()
    record_change(ctx, "schedule_set", "schedule", schedule.id, before, schedule.model_dump(mode="json"))
    return _public(ctx, schedule)


@action("schedule_manage")
def schedule_delete(ctx: Context, schedule_id: str) -> None:
    schedule = ctx.session.get(Schedule, schedule_id)
    if schedule is None:
        permissions.check_somewhere(ctx, "schedule_manage")
        from catalog.errors import NotFound

        raise NotFound("schedule", schedule_id)
    permissions.check(ctx, "schedule_manage", None if schedule.kind == "harvest" else schedule.organization_id)
    before = schedule.model_dump(mode="json")
    ctx.session.delete(schedule)
    ctx.session.flush()
    record_change(ctx, "schedule_delete", "schedule", schedule_id, before, None)


@action("schedule_manage")
def schedule_list(ctx: Context, organization: str | None = None) -> list[SchedulePublic]:
    """An organization's schedules (its admins), or every schedule (sysadmins)."""
    query = select(Schedule)
    if organization:
        org = get_organization(ctx, organization)
        permissions.check(ctx, "schedule_manage", org.id)
        query = query.where(Schedule.organization_id == org.id)
    else:
        permissions.check(ctx, "schedule_manage")
    return [_public(ctx, s) for s in ctx.session.exec(query.order_by(col(Schedule.kind), col(Schedule.id)))]


@action("job_run")
def schedule_start_due(ctx: Context) -> list[str]:
    """Start a job for every enabled schedule that is due and whose last job has finished; their ids."""
    permissions.check(ctx, "job_run")
    now = ctx.now()
    due = ctx.session.exec(select(Schedule).where(
        col(Schedule.enabled).is_(True), col(Schedule.next_run_at) <= now,
    ).with_for_update(skip_locked=True)).all()
    started = []
    for schedule in due:
        schedule.next_run_at = now + dt.timedelta(minutes=schedule.interval_minutes)
        schedule.updated_at = now
        ctx.session.add(schedule)
        last = ctx.session.get(Job, schedule.last_job_id) if schedule.last_job_id else None
        if last is not None and last.state not in FINISHED:
            continue  # still running (or waiting): one at a time
        org = ctx.session.get(Organization, schedule.organization_id) if schedule.organization_id else None
        portal = ctx.session.get(Portal, schedule.portal_id) if schedule.portal_id else None
        params: dict[str, Any] = {"organization": org.name if org else None}
        if portal is not None:
            params["portal"] = portal.name
        job = Job(kind=schedule.kind, organization_id=schedule.organization_id, params=params,
                  requested_by=f"schedule:{schedule.kind}", schedule_id=schedule.id, created_at=now, updated_at=now)
        ctx.session.add(job)
        ctx.session.flush()
        schedule.last_run_at, schedule.last_job_id = now, job.id
        started.append(job.id)
    return started


def _public(ctx: Context, schedule: Schedule) -> SchedulePublic:
    org = ctx.session.get(Organization, schedule.organization_id) if schedule.organization_id else None
    portal = ctx.session.get(Portal, schedule.portal_id) if schedule.portal_id else None
    return SchedulePublic(portal=portal.name if portal else None, organization=org.name if org else None,
                          **schedule.model_dump(include=set(SchedulePublic.model_fields) - {"portal", "organization"}))
