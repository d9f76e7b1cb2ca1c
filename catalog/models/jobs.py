"""Background jobs, their schedules, and what the link checks found.

A ``job`` row is the one record of a piece of long work (a publish run, a drift check, a harvest, a catalog
import, a link check…): the API, the web and the command line read its state, progress and result here,
whichever broker carried it to a worker. The broker only carries the job's id; a job whose message is lost
(a broker outage) or whose worker died (no heartbeat) is sent again from this table, and its work is
written so that doing it twice changes nothing (the publish outbox claims each dataset once).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalog.models.types import JSONType, UTCDateTime, new_id, utcnow


class BackgroundState(StrEnum):
    queued = "queued"  # waiting for a worker (sent to the broker, or to be sent again)
    running = "running"  # a worker holds it and keeps its heartbeat
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


FINISHED = frozenset({BackgroundState.succeeded, BackgroundState.failed, BackgroundState.cancelled})


class Job(SQLModel, table=True):
    __tablename__ = "job"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    kind: str = Field(sa_column=Column(String(40), nullable=False, index=True))
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True, max_length=36)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    state: str = Field(default=BackgroundState.queued, sa_column=Column(String(20), nullable=False, index=True))
    cancel_requested: bool = Field(default=False)
    progress_done: int = Field(default=0)
    progress_total: int | None = Field(default=None)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    errors: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSONType))
    requested_by: str = Field(max_length=320)
    requested_by_account: str | None = Field(default=None, max_length=36)  # whose rights the job runs with
    worker: str | None = Field(default=None, max_length=200)  # host:pid of the worker that holds it
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=5)
    heartbeat_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    dispatched_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)  # last handed to the broker
    run_after: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)  # a retry's backoff
    schedule_id: str | None = Field(default=None, max_length=36)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Schedule(SQLModel, table=True):
    """Work that runs unattended every ``interval_minutes``: a portal's publish, drift check or harvest, an
    organization's (or every) link and timeliness check."""

    __tablename__ = "job_schedule"
    __table_args__ = (UniqueConstraint("kind", "portal_id", "organization_id", name="uq_job_schedule_scope"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    portal_id: str | None = Field(default=None, foreign_key="portal.id", index=True, max_length=36)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True, max_length=36)
    interval_minutes: int
    enabled: bool = Field(default=True)
    next_run_at: dt.datetime = Field(sa_type=UTCDateTime)
    last_run_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_job_id: str | None = Field(default=None, max_length=36)
    created_by: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LinkCheck(SQLModel, table=True):
    """The last check of a link resource's URL: whether it answered, and since when it is broken."""

    __tablename__ = "link_check"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    resource_id: str = Field(foreign_key="resource.id", unique=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36)
    url: str = Field(sa_column=Column(Text, nullable=False))
    ok: bool
    status_code: int | None = Field(default=None)
    error: str | None = Field(default=None, sa_column=Column(Text))
    checked_at: dt.datetime = Field(sa_type=UTCDateTime)
    broken_since: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
