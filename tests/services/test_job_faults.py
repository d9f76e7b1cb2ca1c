"""Faults a job meets, with ``banchi worker`` processes against the test database: a portal that answers 503 or
drops the connection is tried again after growing delays until it answers; one that refuses (403) is not
tried again; a broker that is away when a job is asked for (Redis on a closed port) leaves the job queued in
the database, and once the broker is back (the real Redis) a sweeper sends it and it runs; a broker that lost
its messages (emptied) does not lose the jobs; a database that goes away under a worker does not lose the job."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from catalog.actions.jobs import JobPublic, job_create, job_show
from catalog.actions.portals import portal_create
from catalog.settings import get_settings
from services.jobs import runner
from tests.conftest import OpenContext
from tests.services.test_job_workers import _redis_up, wait_for, workers  # noqa: F401 (a fixture)

FAULT_REDIS = "redis://127.0.0.1:6379/11"  # a database of the real Redis for these tests alone, emptied by them


class ScriptedPortal:
    """A CKAN that answers ``package_search`` per a script, then as an empty portal: "503" (Service
    Unavailable), "drop" (closes the connection without an answer), "403" (Authorization Error). Keeps the
    monotonic time of every call."""

    def __init__(self, script: list[str]) -> None:
        self.script = list(script)
        self.calls: list[float] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.calls.append(time.monotonic())
                step = owner.script.pop(0) if owner.script else "ok"
                if step == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, body = {
                    "503": (503, {"success": False, "error": {"message": "Service Unavailable"}}),
                    "403": (403, {"success": False, "error": {"__type": "Authorization Error",
                                                              "message": "Access denied"}}),
                    "ok": (200, {"success": True, "result": {"count": 0, "results": []}}),
                }[step]
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted(open_ctx: OpenContext) -> Iterator[Callable[[list[str]], ScriptedPortal]]:
    made: list[ScriptedPortal] = []

    def make(script: list[str]) -> ScriptedPortal:
        portal = ScriptedPortal(script)
        made.append(portal)
        with open_ctx() as ctx:
            portal_create(ctx, {"name": "scripted", "url": portal.url, "api_key": "k", "allow_private_network": True})
        return portal

    yield make
    for portal in made:
        portal.close()


def reader(open_ctx: OpenContext, job_id: str) -> Callable[[], JobPublic]:
    def read() -> JobPublic:
        with open_ctx() as ctx:
            return job_show(ctx, job_id)
    return read


def harvest_by_a_worker(open_ctx: OpenContext, workers: Callable[..., Any], name: str) -> JobPublic:  # noqa: F811
    """A harvest job from the scripted portal, sent to the broker, run by a new worker to its end."""
    with open_ctx() as ctx:
        job_id = job_create(ctx, "harvest", None, {"portal": "scripted"}).id
    get_settings.cache_clear()
    assert runner.dispatch(get_settings(), job_id)
    workers(name)
    return wait_for(reader(open_ctx, job_id), lambda j: j.finished, seconds=60)


def test_a_passing_portal_fault_is_tried_again_with_growing_delays_until_it_answers(
    open_ctx: OpenContext, scripted: Callable[[list[str]], ScriptedPortal],
    workers: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    monkeypatch.setenv("BANCHI_JOB_RETRY_FIRST_SECONDS", "1")
    portal = scripted(["503", "drop", "503"])
    done = harvest_by_a_worker(open_ctx, workers, "retrying")
    assert done.state == "succeeded" and done.attempts == 4, done
    assert [e["code"] for e in done.errors or []] == ["portal_unavailable"] * 3  # each fault kept, in order
    gaps = [later - earlier for earlier, later in zip(portal.calls, portal.calls[1:], strict=False)]
    assert len(gaps) == 3, portal.calls
    # 1 s, 2 s, 4 s after the 1st, 2nd, 3rd failed try (plus up to a sweep's beat before the job is sent again)
    assert gaps[0] >= 1.0 and gaps[1] >= 2.0 and gaps[2] >= 4.0, gaps
    assert gaps[0] < gaps[1] < gaps[2], gaps


def test_a_portal_that_refuses_is_not_tried_again(
    open_ctx: OpenContext, scripted: Callable[[list[str]], ScriptedPortal],
    workers: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    monkeypatch.setenv("BANCHI_JOB_RETRY_FIRST_SECONDS", "0.5")
    portal = scripted(["403"])
    done = harvest_by_a_worker(open_ctx, workers, "refused")
    assert done.state == "failed" and done.attempts == 1, done
    assert [e["code"] for e in done.errors or []] == ["portal_denied"]
    time.sleep(2)  # four times the first retry's delay: nothing more asked of the portal
    assert len(portal.calls) == 1 and reader(open_ctx, done.id)().attempts == 1


@pytest.fixture
def fault_redis() -> Iterator[str]:
    """The real Redis's database 11, emptied before and after; the test is skipped when no Redis runs here."""
    import redis

    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379")
    client = redis.Redis.from_url(FAULT_REDIS)
    client.flushdb()
    yield FAULT_REDIS
    client.flushdb()


def test_a_job_asked_for_while_redis_is_away_waits_queued_then_runs_once_it_is_back(
    open_ctx: OpenContext, scripted: Callable[[list[str]], ScriptedPortal], fault_redis: str,
    workers: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    portal = scripted([])
    monkeypatch.setenv("BANCHI_BROKER_URL", "redis://127.0.0.1:9/11")  # a closed port: the broker is away
    get_settings.cache_clear()
    with open_ctx() as ctx:
        job_id = job_create(ctx, "harvest", None, {"portal": "scripted"}).id
    assert runner.dispatch(get_settings(), job_id) is False  # not taken…
    assert runner.sweep(get_settings()) == []  # …nor by a sweep while the broker stays away
    waiting = reader(open_ctx, job_id)()
    assert waiting.state == "queued" and waiting.attempts == 0  # the row waits, the source of truth

    monkeypatch.setenv("BANCHI_BROKER_URL", fault_redis)  # the broker is back
    get_settings.cache_clear()
    workers("after-redis-outage")  # its sweeper sends the waiting job
    done = wait_for(reader(open_ctx, job_id), lambda j: j.finished, seconds=60)
    assert done.state == "succeeded" and done.attempts == 1 and len(portal.calls) == 1, done


def test_jobs_whose_messages_redis_lost_are_sent_again(
    open_ctx: OpenContext, scripted: Callable[[list[str]], ScriptedPortal], fault_redis: str,
    workers: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    import redis

    scripted([])
    monkeypatch.setenv("BANCHI_BROKER_URL", fault_redis)
    get_settings.cache_clear()
    with open_ctx() as ctx:
        job_id = job_create(ctx, "harvest", None, {"portal": "scripted"}).id
    assert runner.dispatch(get_settings(), job_id)  # taken by Redis…
    redis.Redis.from_url(fault_redis).flushdb()  # …which then restarts empty
    assert reader(open_ctx, job_id)().state == "queued"
    workers("after-redis-lost-messages")  # long before job_redispatch_seconds (10 min), a sweep sees it missing
    done = wait_for(reader(open_ctx, job_id), lambda j: j.finished, seconds=60)
    assert done.state == "succeeded" and done.attempts == 1, done


class FlakyProxy:
    """A TCP proxy to the database that can be cut (every connection closed, new ones refused) and restored."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for end in self.sockets:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            self.sockets.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_a_database_outage_under_a_worker_leaves_the_job_to_be_run_when_it_is_back(
    open_ctx: OpenContext, banchi_env: Any, workers: Callable[..., Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(banchi_env.effective_database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("the embedded SQLite database is a file of the worker's machine: no connection to lose")
    proxy = FlakyProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        portal = ScriptedPortal([])
        with open_ctx() as ctx:
            portal_create(ctx, {"name": "scripted", "url": portal.url, "api_key": "k", "allow_private_network": True})
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        monkeypatch.setenv("BANCHI_JOB_RETRY_FIRST_SECONDS", "1")
        get_settings.cache_clear()
        worker = workers("database-outage", BANCHI_DATABASE_URL=proxied)
        log = tmp_path / "database-outage.log"
        deadline = time.monotonic() + 60
        while "worker:" not in log.read_text() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the worker has checked the database and is up (slow to start on a loaded machine)
        assert "worker:" in log.read_text(), log.read_text()
        proxy.cut()  # the database goes away for the worker…
        with open_ctx() as ctx:  # …as a job is asked for (this side still sees the database)
            job_id = job_create(ctx, "harvest", None, {"portal": "scripted"}).id
        # into the worker's queue (queues are named after the database's address, which is the proxy's there)
        assert runner.dispatch(get_settings().model_copy(update={"database_url": proxied}), job_id)
        time.sleep(4)  # the worker takes the message, cannot read the job, and the broker keeps trying it
        assert reader(open_ctx, job_id)().state == "queued" and worker.poll() is None
        assert portal.calls == []
        proxy.restore()  # the database is back
        done = wait_for(reader(open_ctx, job_id), lambda j: j.finished, seconds=60)
        assert done.state == "succeeded" and len(portal.calls) == 1, done
        assert "the broker tries the message again" in log.read_text()
    finally:
        proxy.close()
        portal.close()
