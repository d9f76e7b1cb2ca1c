"""``banchi serve``: run the web application."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="run a job worker beside the web server (the "
                                         "embedded default); --no-worker when workers run apart")] = True,
) -> None:
    """Serve the catalog over HTTP (API docs at /docs). / เปิดบริการเว็บ"""
    if not is_up_to_date(get_engine()):
        fail([Problem(code="database_not_ready", th="ฐานข้อมูลยังไม่พร้อมใช้งาน กรุณาสั่ง banchi init หรือ banchi demo ก่อน",
                      en="The database is not set up: run `banchi init` (or `banchi demo`) first")], exit_code=2)
    with embedded_worker(worker):
        uvicorn.run("services.web.site:create_site", factory=True, host=host, port=port, workers=workers,
                    reload=reload)


@contextmanager
def embedded_worker(enabled: bool) -> Iterator[None]:
    """``banchi worker`` as a child process for as long as the web server runs: jobs need no other service."""
    if not enabled:
        yield
        return
    child = subprocess.Popen([sys.executable, "-m", "services.cli", "worker"])
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
