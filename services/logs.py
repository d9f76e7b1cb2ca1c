"""Logs as one JSON object a line, each carrying what it happened in: the request (its id, the signed-in
account) or the background job.

The request's middleware (``services.api.observe``) and the job runner set a context variable for as long as
they run; a filter on the handler copies it into every record, whichever logger wrote it (the application's,
uvicorn's, SQLAlchemy's). A request's account is known only once its credential is read (a dependency, after
the first lines are written), so the variable holds the request's ``state`` mapping itself, where the API's
and the pages' dependencies put the actor, and the filter reads it at each line.
"""

from __future__ import annotations

import logging
import logging.config
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pythonjsonlogger.json import JsonFormatter


@dataclass(frozen=True)
class RequestScope:
    request_id: str
    state: MutableMapping[str, Any] = field(default_factory=dict)  # the ASGI scope's "state": the actor, once known


current_request: ContextVar[RequestScope | None] = ContextVar("banchi_request", default=None)
current_job: ContextVar[str | None] = ContextVar("banchi_job", default=None)

LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"  # process: which web worker


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``account`` ({id, name} or null) and ``job_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        record.request_id = request.request_id if request else None
        actor = request.state.get("actor") if request else None
        account_id = getattr(actor, "account_id", None)
        record.account = {"id": account_id, "name": actor.name} if actor is not None and account_id else None
        record.job_id = current_job.get()
        return True


class BanchiJsonFormatter(JsonFormatter):
    """python-json-logger's formatter with the context fields always present (null outside a request or job)
    and the time in ISO 8601."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", LOG_FIELDS)
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
        for name in ("request_id", "account", "job_id"):
            log_data.setdefault(name, getattr(record, name, None))


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A ``dictConfig`` writing JSON lines to stderr, for this process and for uvicorn's ``log_config``
    (its access log is replaced by the middleware's one line per request, which knows the route and account)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"json": {"()": BanchiJsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"],
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "alembic": {"level": "WARNING"},  # /ready reads the revision: no "Context impl" line each time
        },
    }


def configure_logging(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))


@contextmanager
def job_logging(job_id: str) -> Iterator[None]:
    """Lines written while a worker runs a job carry its id."""
    token = current_job.set(job_id)
    try:
        yield
    finally:
        current_job.reset(token)
