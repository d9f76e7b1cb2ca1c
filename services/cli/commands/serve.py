"""``banchi serve``: run the web application."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn

from catalog.db import get_engine
from catalog.migrate import is_up_to_date
from schemas.messages import Problem
from services.api.observe import MULTIPROCESS_DIR
from services.cli.output import fail
from services.logs import logging_config


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="web processes (uvicorn workers); the embedded job worker "
                                         "still runs once")] = 1,
    reload: Annotated[bool, typer.Option(help="restart on code changes (development)")] = False,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="run a job worker beside the web server (the "
                                         "embedded default); --no-worker when workers run apart")] = True,
) -> None:
    """Serve the catalog over HTTP (API docs at /docs). / เปิดบริการเว็บ"""
    if not is_up_to_date(get_engine()):
        fail([Problem(code="database_not_ready", th="ฐานข้อมูลยังไม่พร้อมใช้งาน กรุณาสั่ง banchi init หรือ banchi demo ก่อน",
                      en="The database is not set up: run `banchi init` (or `banchi demo`) first")], exit_code=2)
    with embedded_worker(worker), shared_metrics(workers):
        uvicorn.run("services.web.site:create_site", factory=True, host=host, port=port, workers=workers,
                    reload=reload, log_config=logging_config())


@contextmanager
def shared_metrics(workers: int) -> Iterator[None]:
    """With several web processes, prometheus-client's multiprocess mode: each process writes its counts to
    files in one folder, and /metrics (whichever process answers) adds them up. A folder the operator set in
    ``PROMETHEUS_MULTIPROC_DIR`` is used as it is; else one is made for this run and removed after it."""
    if workers < 2 or os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    folder = tempfile.mkdtemp(prefix="banchi-metrics-")
    os.environ[MULTIPROCESS_DIR] = folder  # before the web processes start: they import prometheus-client anew
    try:
        yield
    finally:
        os.environ.pop(MULTIPROCESS_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)


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
