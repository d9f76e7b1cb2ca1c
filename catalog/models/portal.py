"""CKAN portals a sysadmin registered: the only places the server publishes to, checks or harvests from.

The API key is kept encrypted (``catalog.secrets``) so runs can use it without anyone sending it again;
no interface ever returns it. Publications and publish jobs name their portal by its URL, as before.
Schedules for unattended publish, drift check and harvest runs are meant to hang off this record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from catalog.models.types import UTCDateTime, new_id, utcnow


class Portal(SQLModel, table=True):
    __tablename__ = "portal"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=100, unique=True)
    title: str | None = Field(default=None, max_length=200)
    url: str = Field(max_length=500, unique=True)  # normalized (scheme and host lower-case, no trailing /)
    api_key_encrypted: str | None = Field(default=None, sa_column=Column(Text))
    allow_private_network: bool = Field(default=False)  # loopback and private addresses may be reached
    version: int = Field(default=1)
    created_by: str = Field(max_length=320)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
