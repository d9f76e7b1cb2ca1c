"""Running one job in a worker: claim it, keep its heartbeat, run its kind's work, settle it.

Each kind's work (``services.jobs.kinds``) gets a :class:`JobRun`: the job, an opener of transactions with
the rights of whoever asked for it (re-checked as the work runs), and ``step(done, total)``, which records
progress and answers False once the job was cancelled. A heartbeat thread writes the progress every
``job_heartbeat_seconds`` and reads the cancel request; a job that gives none for ``job_stale_seconds``
(its worker was killed, its machine lost) is handed to another worker by the sweeper.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from catalog.actions.accounts import actor_for_account
from catalog.actions.jobs import (
    QUEUED_AT,
    job_claim,
    job_dispatched,
    job_finish,
    job_heartbeat,
    job_problem,
    job_recover,
    job_retry,
)
from catalog.actions.schedules import schedule_start_due
from catalog.context import SYSTEM, Actor, Context, open_context
from catalog.db import engine_for
from catalog.links import serving_at
from catalog.models.accounts import Account
from catalog.models.jobs import BackgroundState, Job
from catalog.settings import Settings, get_settings
from schemas.messages import Problem, ProblemsError
from services.jobs import broker
from services.logs import job_logging

log = logging.getLogger("banchi.jobs")
# the database did not answer (down, restarting, unreachable, locked too long): a passing fault, never the job's
DATABASE_AWAY = (OperationalError, InterfaceError, DisconnectionError)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class RetryLater(Exception):
    """The work could not go on for now (a portal down): the job goes back to the queue with backoff."""

    def __init__(self, problems: list[Problem], result: dict[str, Any] | None = None):
        super().__init__(problems[0].en if problems else "retry later")
        self.problems, self.result = problems, result


@dataclass
class Outcome:
    state: BackgroundState
    result: dict[str, Any] | None = None
    errors: list[Problem] = field(default_factory=list)


@dataclass
class JobRun:
    job: Job
    actor: Actor
    engine: Engine
    settings: Settings
    done: int = 0
    total: int | None = None
    cancel_requested: bool = False
    lost: bool = False  # another worker holds the job now (this one was taken for dead)

    def opener(self) -> Callable[[], AbstractContextManager[Context]]:
        """Contexts as the requester, making links as the request that queued the job would have."""
        return self._opened

    @contextmanager
    def _opened(self) -> Iterator[Context]:
        with serving_at(self.job.params.get(QUEUED_AT)), \
                open_context(self.actor, engine=self.engine, settings=self.settings) as ctx:
            yield ctx

    def step(self, done: int, total: int | None = None) -> bool:
        """Progress so far; False once the job was cancelled (or handed to another worker): stop then."""
        self.done = done
        if total is not None:
            self.total = total
        return not (self.cancel_requested or self.lost)


def retry_delay(attempts: int, settings: Settings) -> dt.timedelta:
    """Exponential backoff between tries of a job: 30 s, 1 min, 2 min, … up to 30 min (the settings
    ``job_retry_first_seconds`` and ``job_retry_longest_seconds``) after the 1st, 2nd, 3rd… failed try."""
    first = settings.job_retry_first_seconds * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(first, settings.job_retry_longest_seconds))


def execute_from_broker(job_id: str) -> None:
    """The broker's task: run the job with this process's settings. Only the database being away reaches the
    broker (which tries the message again with backoff); anything else is logged, and the job's row tells."""
    try:
        execute(job_id, get_settings())
    except DATABASE_AWAY:
        log.warning("job %s: the database is away; the broker tries the message again", job_id)
        raise
    except Exception:
        log.exception("job %s could not be run", job_id)


def execute(job_id: str, settings: Settings, *, worker: str | None = None) -> BackgroundState | None:
    """Run one job to its end; None when this worker did not get it (another has it, or it finished). Every
    line logged meanwhile carries the job's id."""
    with job_logging(job_id):
        return _execute(job_id, settings, worker)


def _execute(job_id: str, settings: Settings, worker: str | None) -> BackgroundState | None:
    from services.jobs.kinds import RUNNERS

    engine = engine_for(settings.effective_database_url)
    worker = worker or worker_name()
    with _system(engine, settings) as ctx:
        job = job_claim(ctx, job_id, worker)
    if job is None:
        return None
    log.info("job %s (%s) started by %s, attempt %s", job.id, job.kind, worker, job.attempts)
    try:
        with _system(engine, settings) as ctx:
            actor = _requester(ctx, job)
    except ProblemsError as exc:
        return _settle(engine, settings, job, worker, Outcome(BackgroundState.failed, errors=exc.problems))
    run = JobRun(job, actor, engine, settings)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(run, worker, stop), daemon=True, name=f"heartbeat-{job.id}")
    beat.start()
    try:
        outcome = RUNNERS[job.kind](run)
    except (RetryLater, *DATABASE_AWAY) as exc:
        stop.set()
        beat.join()
        problems = exc.problems if isinstance(exc, RetryLater) else [
            job_problem("database_away", None, detail=type(getattr(exc, "orig", None) or exc).__name__)]
        log.warning("job %s meets a passing fault, tried again later: %s", job.id, exc)
        # if the database is still away this raises, and the broker's task is tried again (services.jobs.broker);
        # the job is never dropped: at worst it stays running without a heartbeat, and a sweeper requeues it
        with _system(engine, settings) as ctx:
            return BackgroundState(job_retry(ctx, job.id, worker, problems,
                                             ctx.now() + retry_delay(job.attempts, settings)))
    except ProblemsError as exc:
        outcome = Outcome(BackgroundState.failed, errors=exc.problems)
    except Exception as exc:
        log.exception("job %s failed", job.id)
        outcome = Outcome(BackgroundState.failed, errors=[job_problem("job_error", None, detail=type(exc).__name__)])
    finally:
        stop.set()
        beat.join()
    if run.cancel_requested and outcome.state == BackgroundState.succeeded:
        outcome.state = BackgroundState.cancelled
    return _settle(engine, settings, job, worker, outcome, run.done, run.total)


def _settle(engine: Engine, settings: Settings, job: Job, worker: str, outcome: Outcome,
            done: int | None = None, total: int | None = None) -> BackgroundState | None:
    with _system(engine, settings) as ctx:
        settled = job_finish(ctx, job.id, worker, outcome.state, result=outcome.result, errors=outcome.errors,
                             done=done, total=total)
    log.info("job %s %s", job.id, outcome.state if settled else "was handed to another worker")
    return outcome.state if settled else None


def _heartbeat(run: JobRun, worker: str, stop: threading.Event) -> None:
    interval = run.settings.job_heartbeat_seconds
    while not stop.wait(interval):
        try:
            with _system(run.engine, run.settings) as ctx:
                owned, cancel = job_heartbeat(ctx, run.job.id, worker, done=run.done, total=run.total)
        except OperationalError as exc:  # the database is away: the work waits on it too; try again
            log.warning("heartbeat of job %s not written: %s", run.job.id, exc)
            continue
        run.cancel_requested = run.cancel_requested or cancel
        run.lost = not owned


def _requester(ctx: Context, job: Job) -> Actor:
    """Whose rights the work runs with: the account that asked (as it is now), else the operator or a schedule."""
    if job.requested_by_account is None:
        return Actor(name=job.requested_by, sysadmin=True)
    account = ctx.session.get(Account, job.requested_by_account)
    if account is None or not account.active:
        from catalog.errors import PermissionDenied

        raise PermissionDenied(job.kind)
    return actor_for_account(ctx, account)


@contextmanager
def _system(engine: Engine, settings: Settings) -> Iterator[Context]:
    with open_context(SYSTEM, engine=engine, settings=settings) as ctx:
        yield ctx


# -- dispatching and the sweeper --------------------------------------------------------------------------


def dispatch(settings: Settings, job_id: str) -> bool:
    """Send a job (already committed as queued) to the broker; if the broker is away it waits for a sweeper."""
    if not broker.send(settings, job_id):
        return False
    try:
        with _system(engine_for(settings.effective_database_url), settings) as ctx:
            job_dispatched(ctx, job_id)
    except OperationalError:
        pass  # it was sent; the sweeper may send it again, which is harmless
    return True


def sweep(settings: Settings) -> list[str]:
    """Hand stalled and unsent jobs to the broker (again), and start the jobs of due schedules. Returns the ids
    sent. The job table is the outbox and the broker its relay: a queued job whose message the broker does not
    hold (it was never taken, the broker restarted empty) is sent again."""
    engine = engine_for(settings.effective_database_url)
    with _system(engine, settings) as ctx:
        ids = job_recover(ctx, stale_after=dt.timedelta(seconds=settings.job_stale_seconds),
                          redispatch_after=dt.timedelta(seconds=settings.job_redispatch_seconds),
                          held_by_broker=broker.held_job_ids(settings),
                          grace=dt.timedelta(seconds=2 * settings.job_heartbeat_seconds))
    with _system(engine, settings) as ctx:  # schedules that are due start their jobs
        ids += schedule_start_due(ctx)
    sent = [job_id for job_id in ids if dispatch(settings, job_id)]
    if ids:
        log.info("sweeper sent %s job(s) to the broker", len(sent))
    return sent


def sweeper(settings: Settings, stop: threading.Event) -> None:
    """Sweep until ``stop``; an outage of the database or the broker is waited out."""
    while True:
        try:
            sweep(settings)
        except Exception as exc:  # an outage: try again at the next beat
            log.warning("sweep failed: %s", exc)
        if stop.wait(settings.job_heartbeat_seconds):
            return
