"""How often each dataset's public page was viewed: what the portal's "most viewed" list ranks by."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from catalog.models.types import UTCDateTime, utcnow


class DatasetViews(SQLModel, table=True):
    __tablename__ = "dataset_views"

    dataset_id: str = Field(foreign_key="dataset.id", primary_key=True, max_length=36)
    views: int = Field(default=0, index=True)
    last_viewed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
