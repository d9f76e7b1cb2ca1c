"""The queue jobs travel on: huey, on a SQLite file beside the database (the embedded default, one machine)
or on Redis (``BANCHI_BROKER_URL=redis://…``: web processes and workers on any number of machines).

Why huey: a small, well-kept library (since 2011) with both brokers Banchi needs in one API, a consumer
with thread workers and graceful shutdown, and no service of its own on the embedded path. The broker only
carries a job's id; the job's state lives in Banchi's database (``catalog.models.jobs``), so losing a
message (a broker restarted empty, an outage while a job was asked for) delays the job and never loses it:
every worker's sweeper sends queued jobs again (``catalog.actions.jobs.job_recover``).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

from catalog.settings import Settings

log = logging.getLogger("banchi.jobs")
QUEUE_FILE = "jobs-queue.db"
TASK_NAME = "banchi.run_job"
MESSAGE_RETRIES = 10
BROKER_TIMEOUT = 10  # seconds to connect to, or hear from, Redis


def broker_description(settings: Settings) -> str:
    return settings.broker_url or f"sqlite:///{settings.data_dir / QUEUE_FILE}"


@functools.cache
def _huey(description: str, name: str) -> tuple[Huey, Any]:
    if description.startswith(("redis://", "rediss://", "unix://")):
        # a Redis that accepts and then says nothing fails in seconds (readiness, sending a job), never hangs;
        # blocking reads wait read_timeout (1 s), well within the socket's timeout
        import redis

        pool = redis.ConnectionPool.from_url(description, socket_connect_timeout=BROKER_TIMEOUT,
                                             socket_timeout=BROKER_TIMEOUT)
        huey: Huey = RedisHuey(name, connection_pool=pool, results=False, blocking=True, read_timeout=1)
    else:
        path = description.removeprefix("sqlite:///")
        huey = SqliteHuey(name, filename=path, results=False, timeout=30)

    # a message whose job could not be read (the database away) is tried again by huey: 1 s, 2 s, 4 s, … ~17 min
    # in all; after that the job, still queued in the database, is sent again by a sweeper
    @huey.task(name=TASK_NAME, retries=MESSAGE_RETRIES, retry_delay=1, retry_backoff=2)
    def run_job(job_id: str) -> None:
        from services.jobs.runner import execute_from_broker

        execute_from_broker(job_id)

    return huey, run_job


def get_huey(settings: Settings) -> Huey:
    """The queue of this deployment (one per broker address and queue name)."""
    return _huey(broker_description(settings), queue_name(settings))[0]


def queue_name(settings: Settings) -> str:
    """Deployments sharing a Redis keep apart by their database (tests run many at once)."""
    import hashlib

    return "banchi-" + hashlib.sha256(settings.effective_database_url.encode()).hexdigest()[:12]


def send(settings: Settings, job_id: str) -> bool:
    """Hand a job's id to the broker; False (logged) when it is unreachable: the job stays queued in the
    database and a worker's sweeper sends it again."""
    _, run_job = _huey(broker_description(settings), queue_name(settings))
    try:
        run_job(job_id)
    except Exception as exc:  # any broker failure (connection refused, disk full): the job waits in the database
        log.warning("broker unavailable, job %s waits for the sweeper: %s", job_id, exc)
        return False
    return True


def held_job_ids(settings: Settings, limit: int = 10_000) -> frozenset[str] | None:
    """The ids of the jobs whose message waits in the broker (queued, or scheduled for a retry); None when that
    cannot be told (the broker is away, or holds more than ``limit`` messages: then nothing is sent again
    early, and the slow rule of ``job_redispatch_seconds`` applies)."""
    huey = get_huey(settings)
    try:
        if huey.pending_count() + huey.scheduled_count() > limit:
            return None
        tasks = [*huey.pending(limit), *huey.scheduled(limit)]
    except Exception as exc:
        log.warning("broker unavailable, its messages not read: %s", exc)
        return None
    return frozenset(str(task.args[0]) for task in tasks if task.args)


def broker_reachable(settings: Settings) -> bool:
    """Whether the broker answers (for /ready)."""
    try:
        get_huey(settings).pending_count()
    except Exception:
        return False
    return True
