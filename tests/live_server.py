"""Banchi's API served by uvicorn on a free 127.0.0.1 port in a background thread, for clients that need a
real HTTP server (ckanapi, a CKAN harvester in another process)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn

from services.api.app import create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(port: int | None = None, before_start: Callable[[str], None] | None = None) -> Iterator[str]:
    """Serve the API; yields its base URL. ``before_start(url)`` runs before the app is made (settings)."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    if before_start:
        before_start(url)
    running = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                                            lifespan="off"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield url
    finally:
        running.should_exit = True
        thread.join(timeout=10)
