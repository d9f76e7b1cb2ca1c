"""Data dictionaries attached to resources, their immutable versions, and stored validation runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalog.models.types import JSONType, UTCDateTime, new_id, utcnow


class DataDictionary(SQLModel, table=True):
    """One dictionary (พจนานุกรมข้อมูล) per resource; its content lives in versions."""

    __tablename__ = "data_dictionary"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    resource_id: str = Field(foreign_key="resource.id", unique=True, max_length=36)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DictionaryVersion(SQLModel, table=True):
    """A Table Schema that never changes once written; a draft until a working-group member approves it."""

    __tablename__ = "dictionary_version"
    __table_args__ = (UniqueConstraint("dictionary_id", "number"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dictionary_id: str = Field(foreign_key="data_dictionary.id", index=True, max_length=36)
    number: int
    table_schema: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    status: str = Field(default="draft", sa_column=Column(String(10), nullable=False))  # a VersionStatus
    created_by: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_by_id: str | None = Field(default=None, foreign_key="person.id", max_length=36)
    approved_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ValidationRun(SQLModel, table=True):
    """One validation of a file against a dictionary version, with its report and quality figures."""

    __tablename__ = "validation_run"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36)
    resource_id: str = Field(foreign_key="resource.id", index=True, max_length=36)
    dictionary_version_id: str = Field(foreign_key="dictionary_version.id", index=True, max_length=36)
    file_sha256: str = Field(max_length=64, index=True)
    valid: bool
    rows: int
    errors: int
    validity: float  # % of rows without errors
    completeness: float  # % of cells with a value
    report: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    created_by: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
