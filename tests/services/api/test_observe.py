"""Operating Banchi: JSON log lines with the request id and account (and a job's id), /health, /ready and
/metrics with who may read it."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import time
from collections.abc import Iterator

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, event
from sqlmodel import select

from catalog.actions.accounts import session_create
from catalog.context import Actor
from catalog.db import CONNECT_TIMEOUT, get_engine, make_engine
from catalog.models.accounts import Account
from catalog.settings import Settings, get_settings
from services.api.app import create_app
from services.api.deps import Ctx
from services.api.routers import system
from services.jobs.broker import BROKER_TIMEOUT
from services.jobs.runner import execute
from services.logs import BanchiJsonFormatter, ContextFilter, job_logging
from tests.conftest import OpenContext
from tests.services.api.conftest import TokenFor

ORG = "/api/organizations/bma-hrd"
METRICS_TOKEN = "a-scraper-secret-of-some-length"


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """The JSON lines the root logger writes while the test runs (as ``services.logs.logging_config`` sets)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(BanchiJsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]  # each line one JSON object


def account_named(open_ctx: OpenContext, email: str) -> Account:
    with open_ctx() as ctx:
        return ctx.session.exec(select(Account).where(Account.email == email)).one()


@pytest.fixture
def app_with_a_logging_route(demo: Settings) -> TestClient:
    app = create_app()

    @app.get("/test/logs")
    def logs_something(ctx: Ctx, request: Request) -> dict[str, str]:  # a sync route: it runs in a thread
        logging.getLogger("banchi.test").info("inside the route")
        return {"ok": "yes"}

    return TestClient(app)


# -- request id and log lines ----------------------------------------------------------------------------


def test_request_id_taken_when_well_formed_else_made_and_always_echoed(client: TestClient) -> None:
    given = "3f2b9c1e-6a7d-4e55-9d0b-2a1c5e8f7a10"
    assert client.get("/health", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    made = client.get("/health").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/health").headers["X-Request-ID"] != made  # one per request
    for forged in ("two words", "x" * 200, "semi;colon", "quote\"d", "<script>", "-leading-dash"):
        echoed = client.get("/health", headers={"X-Request-ID": forged}).headers["X-Request-ID"]
        assert echoed != forged and re.fullmatch(r"[0-9a-f]{32}", echoed)
    # errors carry it too (a 404 and a 401)
    assert client.get("/no/such/page").headers["X-Request-ID"]
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers={"X-Request-ID": "abc-1"}).headers["X-Request-ID"] == "abc-1"


def test_every_line_of_a_request_has_its_id_and_the_signed_in_account(
        app_with_a_logging_route: TestClient, token_for: TokenFor, lines: io.StringIO, open_ctx: OpenContext) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    answer = app_with_a_logging_route.get("/test/logs", headers={**steward, "X-Request-ID": "req-steward-1"})
    assert answer.status_code == 200
    mine = [line for line in parsed(lines) if line["request_id"] == "req-steward-1"]
    assert {line["message"] for line in mine} >= {"inside the route", "GET /test/logs 200"}
    account = account_named(open_ctx, "steward@bangkok.go.th")
    for line in mine:
        assert line["account"] == {"id": account.id, "name": "steward@bangkok.go.th"}
        assert line["job_id"] is None and line["level"] == "INFO" and line["time"]
    access = next(line for line in mine if line["logger"] == "banchi.request")
    assert access["route"] == "/test/logs" and access["status"] == 200 and float(str(access["duration_ms"])) >= 0


def test_anonymous_lines_have_a_null_account(app_with_a_logging_route: TestClient, lines: io.StringIO) -> None:
    app_with_a_logging_route.get("/test/logs", headers={"X-Request-ID": "req-anon"})
    mine = [line for line in parsed(lines) if line["request_id"] == "req-anon"]
    assert len(mine) >= 2 and all(line["account"] is None for line in mine)


def test_lines_outside_a_request_have_null_context(lines: io.StringIO) -> None:
    logging.getLogger("banchi.test").warning("no request here")
    (line,) = parsed(lines)
    assert line["request_id"] is None and line["account"] is None and line["job_id"] is None
    assert line["level"] == "WARNING" and line["logger"] == "banchi.test"


def test_a_workers_lines_carry_the_job_id(client: TestClient, token_for: TokenFor, demo: Settings,
                                         lines: io.StringIO) -> None:
    admin = token_for("admin@bangkok.go.th", "admin")
    job = client.post(f"{ORG}/jobs", json={"kind": "timeliness_check"}, headers=admin).json()
    assert execute(job["id"], get_settings()) == "succeeded"
    of_job = [line for line in parsed(lines) if line["job_id"] == job["id"]]
    assert any("started" in str(line["message"]) for line in of_job)
    assert any("succeeded" in str(line["message"]) for line in of_job)
    with job_logging("another"):
        logging.getLogger("banchi.test").info("x")
    assert parsed(lines)[-1]["job_id"] == "another"
    logging.getLogger("banchi.test").info("after")
    assert parsed(lines)[-1]["job_id"] is None


# -- /health and /ready ----------------------------------------------------------------------------------


def test_health_answers_without_touching_the_database(client: TestClient) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = client.get("/health")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert statements == []


def test_ready_when_database_migrations_and_broker_are(client: TestClient) -> None:
    answer = client.get("/ready")
    body = answer.json()
    assert answer.status_code == 200 and body["status"] == "ready"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["migrations"] == {"ok": True}  # no revision told while they agree


def test_not_ready_names_the_failing_check(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system, "broker_reachable", lambda settings: False)
    answer = client.get("/ready")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "not_ready" and body["checks"]["database"]["ok"]
    (problem,) = body["problems"]
    assert problem["code"] == "broker_not_ready" and "broker" in problem["en"] and "คิวงาน" in problem["th"]

    monkeypatch.setattr(system, "_code_heads", lambda: ("0099_from_newer_code",))
    body = client.get("/ready").json()
    assert [p["code"] for p in body["problems"]] == ["migrations_not_ready", "broker_not_ready"]
    migrations = body["checks"]["migrations"]
    assert migrations["code"] == ["0099_from_newer_code"] and migrations["database"] != migrations["code"]
    assert "banchi init" in body["problems"][0]["th"]


def test_not_ready_when_the_database_is_unreachable(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    monkeypatch.setattr(system, "get_engine", lambda: nowhere)
    answer = client.get("/ready")
    assert answer.status_code == 503
    codes = [p["code"] for p in answer.json()["problems"]]
    assert codes[:2] == ["database_not_ready", "migrations_not_ready"]
    assert client.get("/health").status_code == 200  # alive all the same


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes connections and never says a word (a server hung, a firewall swallowing replies)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # the kernel completes the handshakes; nothing ever reads or writes
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_ready_answers_in_seconds_when_database_and_broker_hang(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, silent_server: int, demo: Settings,
) -> None:
    # a PostgreSQL and a Redis that accept and then say nothing: /ready fails them within their timeouts,
    # never holding the caller (and a load balancer's probe) for ever
    hung = make_engine(f"postgresql://postgres@127.0.0.1:{silent_server}/banchi")
    monkeypatch.setattr(system, "get_engine", lambda: hung)
    hung_broker = demo.model_copy(update={"broker_url": f"redis://127.0.0.1:{silent_server}/0"})
    monkeypatch.setattr(system, "get_settings", lambda: hung_broker)
    started = time.monotonic()
    answer = client.get("/ready")
    elapsed = time.monotonic() - started
    assert answer.status_code == 503
    assert [p["code"] for p in answer.json()["problems"]] == [
        "database_not_ready", "migrations_not_ready", "broker_not_ready"]
    assert elapsed < CONNECT_TIMEOUT + BROKER_TIMEOUT + 10, elapsed


# -- /metrics --------------------------------------------------------------------------------------------


@pytest.fixture
def metrics_token(demo: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("BANCHI_METRICS_TOKEN", METRICS_TOKEN)
    get_settings.cache_clear()
    yield {"Authorization": f"Bearer {METRICS_TOKEN}"}
    get_settings.cache_clear()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def requests_of(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], route: str, status: str) -> float:
    return found.get(("banchi_http_requests_total", (("method", "GET"), ("route", route), ("status", status))), 0.0)


def test_who_may_read_metrics(client: TestClient, token_for: TokenFor, metrics_token: dict[str, str],
                              open_ctx: OpenContext) -> None:
    assert client.get("/metrics").status_code == 401  # anonymous
    assert client.get("/metrics", headers={"Authorization": "Bearer not-the-metrics-token"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}x"}).status_code == 401
    steward = token_for("steward@bangkok.go.th", "steward")
    assert client.get("/metrics", headers=steward).status_code == 403
    admin_read = token_for("admin@bangkok.go.th", "admin", scopes=["read"])
    refused = client.get("/metrics", headers={**admin_read, "Accept-Language": "en"})
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    # the metrics token only counts as a bearer token, not as a session cookie
    client.cookies.set("banchi_session", METRICS_TOKEN)
    assert client.get("/metrics").status_code == 401
    client.cookies.clear()

    assert client.get("/metrics", headers=metrics_token).status_code == 200
    sysadmin = token_for("root@bangkok.go.th", "sysadmin")
    answer = client.get("/metrics", headers=sysadmin)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    sysadmin_read = token_for("reader@bangkok.go.th", "sysadmin", scopes=["read"])  # scraping is a read
    assert client.get("/metrics", headers=sysadmin_read).status_code == 200
    account = account_named(open_ctx, "root@bangkok.go.th")
    with open_ctx() as ctx:  # a sysadmin's web session
        session = session_create(ctx, Actor(name=account.email, account_id=account.id, sysadmin=True))
    client.cookies.set("banchi_session", session.token)
    assert client.get("/metrics").status_code == 200


def test_metrics_without_a_token_configured_refuse_every_bearer(client: TestClient, demo: Settings) -> None:
    assert get_settings().metrics_token is None
    for secret in ("", "None", "null"):
        assert client.get("/metrics", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_requests_counted_by_route_template_not_raw_path(client: TestClient, metrics_token: dict[str, str]) -> None:
    before = samples(client.get("/metrics", headers=metrics_token).text)
    for name in ("city-development-indicators", "no-such-dataset", "another-missing-one"):
        client.get(f"/api/datasets/{name}")
    for n in range(5):
        client.get(f"/random/path/{n}")
    after_text = client.get("/metrics", headers=metrics_token).text
    after = samples(after_text)
    route = "/api/datasets/{name}"
    assert requests_of(after, route, "200") - requests_of(before, route, "200") == 1
    assert requests_of(after, route, "404") - requests_of(before, route, "404") == 2
    assert requests_of(after, "unmatched", "404") - requests_of(before, "unmatched", "404") == 5
    assert "no-such-dataset" not in after_text and "/random/path" not in after_text
    count = ("banchi_http_request_duration_seconds_count", (("method", "GET"), ("route", route)))
    assert after[count] - before.get(count, 0) == 3


def test_jobs_by_state_queue_lag_and_facet_table(client: TestClient, token_for: TokenFor,
                                                 metrics_token: dict[str, str]) -> None:
    found = samples(client.get("/metrics", headers=metrics_token).text)
    assert found[("banchi_jobs", (("state", "queued"),))] == 0
    assert found[("banchi_job_queue_lag_seconds", ())] == 0
    admin = token_for("admin@bangkok.go.th", "admin")
    assert client.post(f"{ORG}/jobs", json={"kind": "timeliness_check"}, headers=admin).status_code == 202
    time.sleep(0.05)
    client.get("/api/search", params={"q": "ข้อมูล"})
    found = samples(client.get("/metrics", headers=metrics_token).text)
    assert found[("banchi_jobs", (("state", "queued"),))] == 1
    assert found[("banchi_jobs", (("state", "succeeded"),))] == 0
    assert found[("banchi_job_queue_lag_seconds", ())] > 0
    assert found[("banchi_search_facet_table_warm", ())] == 1
    assert found[("banchi_search_facet_table_datasets", ())] >= 10


def test_facet_table_cold_in_a_process_that_has_not_searched(client: TestClient, metrics_token: dict[str, str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog.search import facets

    monkeypatch.setattr(facets, "_tables", {})
    found = samples(client.get("/metrics", headers=metrics_token).text)
    assert found[("banchi_search_facet_table_warm", ())] == 0
