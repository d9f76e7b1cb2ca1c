"""What an operator sees of each request: its id (``X-Request-ID``, taken from the caller when well formed, else
made here, always echoed back), one JSON log line when it ends, and the Prometheus request metrics.

Installed outermost (after every other middleware), so the id, the log line and the latency cover the whole
request, the other middlewares' refusals included. Metrics are labelled by the route's template
(``/api/datasets/{name}``), never the raw path, and by a fixed set of methods: a client cannot make a new
time series by inventing URLs. With several web processes, ``PROMETHEUS_MULTIPROC_DIR`` (set by
``banchi serve --workers N``) makes prometheus-client keep the counts in files every process adds to.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.db import get_engine
from catalog.search.facets import facet_table_state
from services.logs import RequestScope, current_request

log = logging.getLogger("banchi.request")

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")  # a UUID, a proxy's trace id; no spaces
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # any path no route answers (a 404): one series, however many URLs are tried
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

_registry = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("banchi_http_requests", "HTTP requests answered, by method, route template and status",
                   ["method", "route", "status"], registry=_registry)
LATENCY = Histogram("banchi_http_request_duration_seconds", "Time to answer an HTTP request, by route template",
                    ["method", "route"], registry=_registry,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
# per process; across processes the least warm one counts (a new worker has not built its table yet)
FACET_TABLE_WARM = Gauge("banchi_search_facet_table_warm", "1 when this process holds the search facet table of "
                         "its database (searches need not build it), else 0", registry=_registry,
                         multiprocess_mode="livemin")
FACET_TABLE_DATASETS = Gauge("banchi_search_facet_table_datasets", "Datasets in the facet table this process "
                             "holds", registry=_registry, multiprocess_mode="livemax")


def request_id_from(headers: Headers) -> str:
    presented = headers.get(REQUEST_ID_HEADER, "")
    return presented if _WELL_FORMED_ID.match(presented) else uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class ObserveMiddleware:
    """Request id, the request's log line and its metrics (a pure ASGI middleware: streamed answers pass)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope))
        # the same mapping as ``request.state``: the dependencies that read the credential put the actor there
        state = scope.setdefault("state", {})
        token = current_request.set(RequestScope(request_id, state))
        started = time.perf_counter()
        status = 500  # unless an answer starts: an exception went past every handler

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            method = scope["method"] if scope["method"] in METHODS else "other"
            route = route_template(scope)
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            note_facet_table(facet_table_state(get_engine()))  # a dictionary look-up: no database read
            log.info("%s %s %s", scope["method"], route, status, extra={
                "method": scope["method"], "route": route, "path": scope.get("path"), "status": status,
                "duration_ms": round(elapsed * 1000, 2)})
            current_request.reset(token)


def note_facet_table(state: tuple[bool, int]) -> None:
    warm, datasets = state
    FACET_TABLE_WARM.set(1 if warm else 0)
    FACET_TABLE_DATASETS.set(datasets)


class _Values(Collector):
    """Values read at the scrape from the database: the same in every process."""

    def __init__(self, jobs_by_state: dict[str, int], queue_lag: float) -> None:
        self.jobs_by_state, self.queue_lag = jobs_by_state, queue_lag

    def collect(self) -> Any:
        jobs = GaugeMetricFamily("banchi_jobs", "Background jobs by state", labels=["state"])
        for state, count in sorted(self.jobs_by_state.items()):
            jobs.add_metric([state], count)
        yield jobs
        yield GaugeMetricFamily("banchi_job_queue_lag_seconds", "Seconds the oldest queued job that may run now "
                                "has waited (0: none waits)", value=self.queue_lag)


def exposition(jobs_by_state: dict[str, int], queue_lag: float) -> bytes:
    """The Prometheus text: this deployment's request metrics (every process's, in multiprocess mode) and the
    jobs read from the database."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_DIR):
        MultiProcessCollector(registry)
    else:
        registry.register(_registry)
    registry.register(_Values(jobs_by_state, queue_lag))
    return generate_latest(registry)


def _process_stopped() -> None:
    if os.environ.get(MULTIPROCESS_DIR):
        mark_process_dead(os.getpid())  # its "live" gauges leave the sums; its counters stay counted


atexit.register(_process_stopped)
