"""``banchi serve``: run the web application."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from catalog.db import get_engine
from catalog.migrate import is_up_to_date
from schemas.messages import Problem
from services.cli.output import fail


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="restart on code changes (development)")] = False,
) -> None:
    """Serve the catalog over HTTP (API docs at /docs). / เปิดบริการเว็บ"""
    if not is_up_to_date(get_engine()):
        fail([Problem(code="database_not_ready", th="ฐานข้อมูลยังไม่พร้อมใช้งาน กรุณาสั่ง banchi init หรือ banchi demo ก่อน",
                      en="The database is not set up: run `banchi init` (or `banchi demo`) first")], exit_code=2)
    uvicorn.run("services.web.site:create_site", factory=True, host=host, port=port, workers=workers, reload=reload)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
