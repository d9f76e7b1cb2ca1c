"""Governance records for indicator 5.2: stages reached, evidence, working-group meetings, the datasets each
fiscal year scores, the evaluator's audited results and the quarterly narratives.

Every record a past figure needs carries the day it took effect (``effective_date``, ``evidence_date``,
``meeting_date``, ``enrolled_on``, ``audited_on``), so a score recomputed as of a past day ignores later work.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from catalog.models.types import JSONType, UTCDateTime, new_id, utcnow


class DatasetStage(SQLModel, table=True):
    """The highest stage a dataset has reached now (0–5); kept in step with each stage change. Searched as a facet."""

    __tablename__ = "dataset_stage"

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36)
    stage: int = Field(default=0, index=True)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StageEvent(SQLModel, table=True):
    """A move forward or back, effective on a day, signed off by a working-group member, with the gates as checked."""

    __tablename__ = "stage_event"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36)
    from_stage: int
    to_stage: int
    effective_date: dt.date = Field(index=True)
    signed_off_by_id: str = Field(foreign_key="person.id", max_length=36)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    gates: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    actor: str = Field(max_length=320)
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EvidenceKind(StrEnum):
    document = "document"  # a file, stored once by sha256 and never overwritten
    link = "link"


class Evidence(SQLModel, table=True):
    """หลักฐาน: a document or link with its date, who added it and what it shows; attached to an organization and
    optionally a dataset, a stage and gate, and a fiscal year."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=36)
    dataset_id: str | None = Field(default=None, foreign_key="dataset.id", index=True, max_length=36)
    stage: int | None = None
    gate: str | None = Field(default=None, max_length=50)
    fiscal_year: int | None = Field(default=None, index=True)  # Buddhist Era
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # an EvidenceKind
    url: str | None = Field(default=None, max_length=2000)
    sha256: str | None = Field(default=None, max_length=64, index=True)
    size: int | None = Field(default=None, sa_column=Column(BigInteger))
    filename: str | None = Field(default=None, max_length=255)
    mimetype: str | None = Field(default=None, max_length=200)
    evidence_date: dt.date = Field(index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    added_by_id: str = Field(foreign_key="person.id", max_length=36)
    actor: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WorkingGroupMeeting(SQLModel, table=True):
    __tablename__ = "working_group_meeting"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    working_group_id: str = Field(foreign_key="working_group.id", index=True, max_length=36)
    meeting_date: dt.date = Field(index=True)
    title: str = Field(max_length=300)
    minutes_evidence_id: str | None = Field(default=None, foreign_key="evidence.id", max_length=36)
    actor: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IndicatorDataset(SQLModel, table=True):
    """A dataset counted in an organization's indicator work for a fiscal year, in a part of the rubric."""

    __tablename__ = "indicator_dataset"
    __table_args__ = (UniqueConstraint("dataset_id", "fiscal_year"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=36)
    fiscal_year: int = Field(index=True)
    dataset_id: str = Field(foreign_key="dataset.id", max_length=36)
    part: int
    enrolled_on: dt.date
    actor: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditedResult(SQLModel, table=True):
    """The evaluator's (สยป.) audited result for a quarter, kept beside the agency's own figure: the score
    (``result``) and the two figures the BMA KPI page prints under "(2.1 / 2.2)" (e.g. Q4 of the seed page:
    score 95, 2.1 / 2.2 = 100 / 100). ``announced``: the evaluator's announced verdict, the page's headline
    ("สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 1: 95")."""

    __tablename__ = "audited_result"
    __table_args__ = (UniqueConstraint("organization_id", "fiscal_year", "quarter"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organization.id", max_length=36)
    fiscal_year: int
    quarter: int
    result: float
    figure_2_1: float | None = None
    figure_2_2: float | None = None
    announced: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    evaluator_id: str = Field(foreign_key="person.id", max_length=36)
    audited_on: dt.date
    note: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1)
    actor: str = Field(max_length=320)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuarterNarrative(SQLModel, table=True):
    """The narrative of a quarter's report (รายงานผลฯ ไตรมาส) as edited by a person; absent, a draft is made."""

    __tablename__ = "quarter_narrative"
    __table_args__ = (UniqueConstraint("organization_id", "fiscal_year", "quarter"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organization.id", max_length=36)
    fiscal_year: int
    quarter: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    version: int = Field(default=1)
    actor: str = Field(max_length=320)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
