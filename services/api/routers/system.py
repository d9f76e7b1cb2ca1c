"""Operating this Banchi: is the process alive (``/health``), may it take traffic (``/ready``), and its
Prometheus metrics (``/metrics``)."""

from __future__ import annotations

import functools
import hmac
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from catalog.actions.jobs import job_metrics
from catalog.context import ANONYMOUS, Actor, open_context
from catalog.db import get_engine
from catalog.migrate import current_revisions, head_revisions
from catalog.search.facets import facet_table_state
from catalog.settings import get_settings
from schemas.messages import Problem
from services.api.deps import act_as_presented, presented_credential
from services.api.observe import exposition, note_facet_table
from services.jobs.broker import broker_reachable

router = APIRouter(tags=["system"])

# whoever presents the operator's metrics token reads the job counts as the operator would, and nothing else
METRICS_READER = Actor(name="metrics", sysadmin=True)
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"

NOT_READY: dict[str, tuple[str, str]] = {
    "database": ("ติดต่อฐานข้อมูลไม่ได้", "The database cannot be reached"),
    "migrations": ("โครงสร้างฐานข้อมูลไม่ตรงกับรุ่นของโปรแกรม กรุณาสั่ง banchi init",
                   "The database schema is not the code's revision: run `banchi init`"),
    "broker": ("ติดต่อคิวงานเบื้องหลัง (broker) ไม่ได้", "The job broker cannot be reached"),
}


class Health(BaseModel):
    status: str


@router.get("/health")
def health() -> Health:
    """The process answers (reads nothing: a load balancer may call it often)."""
    return Health(status="ok")


@functools.cache
def _code_heads() -> tuple[str, ...]:
    return tuple(sorted(head_revisions()))  # the migrations shipped with this code: fixed while it runs


def _checks() -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}
    engine = get_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
        revisions = tuple(sorted(current_revisions(engine)))
        checks["migrations"] = {"ok": revisions == _code_heads()}
        if revisions != _code_heads():  # the revisions only when they differ: a caller learns no version otherwise
            checks["migrations"] |= {"database": list(revisions), "code": list(_code_heads())}
    except Exception as exc:  # refused, timed out, bad credentials: not ready, whatever the cause
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        checks["migrations"] = {"ok": False, "error": "database unreachable"}
    checks["broker"] = {"ok": broker_reachable(get_settings())}
    return checks


@router.get("/ready", responses={503: {"description": "a check failed; each failing one named in Thai and English"}})
def ready() -> JSONResponse:
    """May this process take traffic: the database answers, its migrations are the code's head, and the job
    broker answers. 503 names each check that failed."""
    checks = _checks()
    failing = [name for name, check in checks.items() if not check["ok"]]
    problems = [Problem(code=f"{name}_not_ready", field=name, th=NOT_READY[name][0], en=NOT_READY[name][1])
                .model_dump(exclude_none=True) for name in failing]
    body: dict[str, Any] = {"status": "not_ready" if failing else "ready", "checks": checks}
    if problems:
        body["problems"] = problems
    return JSONResponse(body, status_code=503 if failing else 200)


@router.get("/metrics", response_class=Response, responses={
    200: {"content": {PROMETHEUS_TEXT: {}}, "description": "Prometheus text format"},
    401: {"description": "no credential, or one not valid"}, 403: {"description": "not a sysadmin"}})
def metrics(request: Request) -> Response:
    """Prometheus metrics: requests and latencies by route template and status, jobs by state, queue lag,
    whether the search facet table is built. For sysadmins, or ``Authorization: Bearer`` with the
    ``BANCHI_METRICS_TOKEN`` setting (a scraper needs no account)."""
    settings = get_settings()
    with open_context(ANONYMOUS, engine=get_engine(), settings=settings) as ctx:
        secret, from_cookie = presented_credential(request)
        expected = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
        if expected and secret and not from_cookie and hmac.compare_digest(secret.encode(), expected.encode()):
            ctx.actor = request.state.actor = METRICS_READER
        else:
            act_as_presented(ctx, request)
        jobs_by_state, queue_lag = job_metrics(ctx)  # sysadmins only (job_run): 401 anonymous, 403 anyone else
    note_facet_table(facet_table_state(get_engine()))
    return Response(exposition(jobs_by_state, queue_lag), media_type=PROMETHEUS_TEXT)
