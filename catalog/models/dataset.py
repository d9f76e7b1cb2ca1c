"""Datasets and their resources. GD Catalog metadata is kept under its own keys in ``extras``."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, String, false
from sqlmodel import Field, SQLModel

from catalog.models.types import JSONType, UTCDateTime, new_id, utcnow


class DatasetState(StrEnum):
    """CKAN's lifecycle: a new dataset is a draft its organization sees; publishing makes it active (public
    when its category, classification and ``private`` flag allow); withdrawn and deleted are kept for
    history (deleted ones only its organization's admins and stewards, and sysadmins, still read)."""

    draft = "draft"  # being prepared: only its organization's members (and sysadmins) read it
    active = "active"
    withdrawn = "withdrawn"  # no longer offered; kept for history and to withdraw it from portals
    deleted = "deleted"  # soft-deleted (audited); a sysadmin may purge it for good


class Dataset(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(sa_column=Column(String(100), unique=True, nullable=False))
    # The GD Catalog requires titles to be unique among datasets.
    title: str = Field(sa_column=Column(String(500), unique=True, nullable=False))
    owner_org_id: str = Field(foreign_key="organization.id", index=True, max_length=36)
    steward_id: str | None = Field(default=None, foreign_key="person.id", index=True, max_length=36)
    profile: str = Field(max_length=50)
    # denormalised from extras for filtering and facets
    data_type: str = Field(max_length=100, index=True)
    data_category: str | None = Field(default=None, max_length=100, index=True)
    data_classification: str | None = Field(default=None, max_length=100)
    extras: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    state: str = Field(default=DatasetState.draft, sa_column=Column(String(20), nullable=False))  # a DatasetState
    # CKAN's private flag: an active dataset its organization keeps to itself whatever its classification
    private: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ResourceKind(StrEnum):
    file = "file"  # uploaded; bytes in the storage directory, addressed by sha256
    url = "url"  # a link to data held elsewhere


class Resource(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    dataset_id: str = Field(foreign_key="dataset.id", index=True, max_length=36)
    position: int = Field(default=0)
    name: str = Field(max_length=500)
    description: str | None = None
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # a ResourceKind
    url: str | None = Field(default=None, max_length=2000)
    filename: str | None = Field(default=None, max_length=255)
    format: str | None = Field(default=None, max_length=50)
    mimetype: str | None = Field(default=None, max_length=200)
    size: int | None = Field(default=None, sa_column=Column(BigInteger))
    sha256: str | None = Field(default=None, max_length=64, index=True)
    encoding: str | None = Field(default=None, max_length=40)
    private: bool = Field(default=False)  # thai_gdc's resource_private
    extras: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    last_updated: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
