"""Publishing to CKAN portals: the outbox of publish jobs, and what each portal holds of each dataset.

A job is written before any call to a portal, so a portal that is down, slow or half-way through a
change never loses or repeats work: the job stays pending and the next run completes it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from catalog.models.types import JSONType, UTCDateTime, new_id, utcnow


class JobState(StrEnum):
    pending = "pending"  # to do, or to retry at next_attempt_at after a portal failure
    done = "done"
    failed = "failed"  # the portal refused the content (e.g. a validation error); retried only on a change


class JobOperation(StrEnum):
    publish = "publish"  # create or update the package so it matches the dataset
    withdraw = "withdraw"  # delete the package from the portal


class PublishJob(SQLModel, table=True):
    __tablename__ = "publish_job"
    # one pending job per dataset and portal: two runs planning at once (two workers) cannot queue it twice
    __table_args__ = (Index("uq_publish_job_pending", "portal_url", "dataset_id", unique=True,
                            sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    portal_url: str = Field(max_length=500, index=True)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36)
    operation: str = Field(sa_column=Column(String(20), nullable=False))  # a JobOperation
    payload_hash: str | None = Field(default=None, max_length=64)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    state: str = Field(default=JobState.pending, sa_column=Column(String(20), nullable=False, index=True))
    attempts: int = Field(default=0)
    next_attempt_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)  # a run is working on it
    claimed_by: str | None = Field(default=None, max_length=36, index=True)  # the background job of that run
    package_id: str | None = Field(default=None, max_length=100)  # known once the package exists
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    problems: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSONType))
    requested_by: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Publication(SQLModel, table=True):
    """What one portal holds of one dataset: the evidence that it was published (stage 5).

    Updated on every publish; ``withdrawn_at`` is set when the package was withdrawn from the portal.
    """

    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("portal_url", "dataset_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36)
    portal_url: str = Field(max_length=500)
    package_id: str = Field(max_length=100)
    package_name: str = Field(max_length=100)
    content_hash: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    published_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_published_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
