"""The web application: health, and the catalog as JSON. Routes call catalog actions and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from catalog.context import Actor, Context, open_context
from catalog.db import get_engine
from catalog.migrate import is_up_to_date
from catalog.settings import get_settings
from schemas.messages import ProblemsError
from services.api.errors import problems_response

ANONYMOUS = Actor(name="anonymous")


def read_context() -> Iterator[Context]:
    with open_context(ANONYMOUS, engine=get_engine(), settings=get_settings()) as ctx:
        yield ctx


ReadContext = Annotated[Context, Depends(read_context)]


def create_app() -> FastAPI:
    app = FastAPI(
        title="Banchi (บัญชีข้อมูล)",
        description="Data catalog and metadata registry for Thai government agencies",
        version="0.1.0",
    )

    @app.exception_handler(ProblemsError)
    async def _problems(request: Request, exc: ProblemsError) -> JSONResponse:
        return problems_response(request, exc)

    @app.get("/health", tags=["system"])
    def health(ctx: ReadContext) -> dict[str, Any]:
        from catalog.actions.datasets import dataset_count

        return {"status": "ok", "database": ctx.session.get_bind().dialect.name,
                "schema_up_to_date": is_up_to_date(get_engine()), "datasets": dataset_count(ctx, public_only=True)}

    @app.get("/api/datasets", tags=["datasets"])
    def datasets(ctx: ReadContext, org: str | None = None) -> list[dict[str, Any]]:
        """Public datasets (public category, classification เปิดเผย), GD Catalog keys."""
        from catalog.actions.datasets import dataset_list

        return dataset_list(ctx, org, public_only=True)

    @app.get("/api/datasets/{name}", tags=["datasets"])
    def dataset(ctx: ReadContext, name: str) -> dict[str, Any]:
        from catalog.actions.datasets import dataset_show

        return dataset_show(ctx, name, public_only=True)

    return app
