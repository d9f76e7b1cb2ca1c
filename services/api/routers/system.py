"""Health of this Banchi: the database it runs on and whether its schema is current."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from catalog.actions.access import dataset_count
from catalog.db import get_engine
from catalog.migrate import is_up_to_date
from services.api.deps import Ctx

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    database: str
    schema_up_to_date: bool
    datasets: int


@router.get("/health")
def health(ctx: Ctx) -> Health:
    """Public datasets counted; the database kind; whether migrations are applied."""
    return Health(status="ok", database=ctx.session.get_bind().dialect.name,
                  schema_up_to_date=is_up_to_date(get_engine()), datasets=dataset_count(ctx, public_only=True))
