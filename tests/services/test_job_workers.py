"""Worker processes (``banchi worker``) against the test database and a real broker: a worker killed in the
middle of a publish job leaves it to another, which finishes it without sending any dataset twice (while a
second job publishes the same datasets at once); a broker
that is away when a job is asked for makes the job wait in the database, and a worker sends it once the
broker answers. The portal is FakeCKAN served over HTTP (tests/services/http_ckan.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from catalog.actions.datasets import dataset_create
from catalog.actions.jobs import JobPublic, job_create, job_show
from catalog.actions.portals import portal_create
from catalog.models.publishing import JobState, PublishJob
from catalog.settings import Settings, get_settings
from services.jobs import runner
from tests.conftest import OpenContext
from tests.factories import dataset_input, make_org
from tests.services.http_ckan import HttpCKAN

ORG = "job-agency"
COUNT = 16


@pytest.fixture
def portal(open_ctx: OpenContext) -> Iterator[HttpCKAN]:
    with HttpCKAN(delay=0.5) as ckan:
        with open_ctx() as ctx:
            make_org(ctx, ORG)
            portal_create(ctx, {"name": "local", "url": ckan.url, "api_key": "k", "allow_private_network": True})
            for i in range(COUNT):
                dataset_create(ctx, dataset_input(f"worker-data-{i:02d}", ORG, title=f"ชุดข้อมูลทดสอบ {i:02d}"),
                               publish=True)
        yield ckan


@pytest.fixture
def workers(banchi_env: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
            ) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start ``banchi worker`` processes with this test's environment (fast heartbeats); all stopped after."""
    monkeypatch.setenv("BANCHI_JOB_HEARTBEAT_SECONDS", "0.3")
    monkeypatch.setenv("BANCHI_JOB_STALE_SECONDS", "2")
    get_settings.cache_clear()
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, **env: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "services.cli", "worker"], env={**os.environ, **env},
                                   stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).parents[2])
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    get_settings.cache_clear()


def wait_for(read: Callable[[], JobPublic], until: Callable[[JobPublic], bool], seconds: float = 90) -> JobPublic:
    deadline = time.monotonic() + seconds
    while True:
        job = read()
        if until(job) or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


BROKERS = ["sqlite", pytest.param("redis://127.0.0.1:6379/0", id="redis")]


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.parametrize("broker", BROKERS)
def test_a_worker_killed_mid_publish_is_replaced_without_duplicates(
    broker: str, open_ctx: OpenContext, portal: HttpCKAN, workers: Callable[..., subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if broker != "sqlite":
        if not _redis_up():
            pytest.skip("no Redis at 127.0.0.1:6379")
        monkeypatch.setenv("BANCHI_BROKER_URL", broker)
    get_settings.cache_clear()
    settings = get_settings()
    with open_ctx() as ctx:  # two runs of the same datasets at once (say, a schedule's and a steward's)
        jobs = [job_create(ctx, "publish", ORG, {"portal": "local", "organization": ORG}).id for _ in (1, 2)]
    for job_id in jobs:
        assert runner.dispatch(settings, job_id)

    def reader(job_id: str) -> Callable[[], JobPublic]:
        def read() -> JobPublic:
            with open_ctx() as ctx:
                return job_show(ctx, job_id)
        return read

    first, second = reader(jobs[0]), reader(jobs[1])
    doomed = workers("first")
    running = wait_for(first, lambda j: j.state == "running" and j.progress_done >= 2)
    assert running.state == "running" and running.progress_total == COUNT, running
    workers("second")
    assert wait_for(second, lambda j: j.state == "running").state == "running"
    doomed.send_signal(signal.SIGKILL)  # in the middle of a dataset (each create takes 0.5 s)
    doomed.wait(10)

    finals = [wait_for(read, lambda j: j.finished) for read in (first, second)]
    assert [j.state for j in finals] == ["succeeded", "succeeded"], finals
    assert finals[0].attempts == 2 and any(e["code"] == "worker_lost" for e in finals[0].errors or [])
    names = [f"worker-data-{i:02d}" for i in range(COUNT)]
    assert all(len(portal.packages_named(name)) == 1 for name in names)  # every dataset once on the portal
    assert sorted(portal.creates) == names and set(portal.creates.values()) == {1}  # created once each
    with open_ctx() as ctx:
        outbox = ctx.session.exec(select(PublishJob)).all()
    assert len(outbox) == COUNT and {j.state for j in outbox} == {JobState.done}  # one entry per dataset


def test_a_job_asked_for_while_the_broker_is_away_waits_then_runs(
    open_ctx: OpenContext, portal: HttpCKAN, workers: Callable[..., subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BANCHI_BROKER_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    get_settings.cache_clear()
    with open_ctx() as ctx:
        job_id = job_create(ctx, "publish", ORG, {"portal": "local", "organization": ORG,
                                                   "datasets": ["worker-data-00"]}).id
    assert runner.dispatch(get_settings(), job_id) is False  # the broker did not take it…

    def read() -> JobPublic:
        with open_ctx() as ctx:
            return job_show(ctx, job_id)

    assert read().state == "queued"  # …and the job waits in the database
    monkeypatch.delenv("BANCHI_BROKER_URL")  # the broker is back (here: the embedded queue)
    get_settings.cache_clear()
    workers("after-outage")
    done = wait_for(read, lambda j: j.finished, seconds=60)
    assert done.state == "succeeded" and portal.creates == {"worker-data-00": 1}
