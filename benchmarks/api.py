"""The CKAN-compatible API under load: package_show and package_search over HTTP, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/api.py                         # 10,000 datasets, both databases
    .venv/bin/python benchmarks/api.py --only sqlite --duration 5
    BANCHI_BENCH_PG=postgresql://postgres@127.0.0.1:5432/postgres  # the PostgreSQL server (this default)

For each database it loads 10,000 generated datasets (the search benchmark's generator and bulk path:
ORM inserts indexed by the flush hook), starts ``uvicorn`` with several workers on 127.0.0.1, and runs
a bounded load of concurrent clients (httpx, async) against it, one endpoint at a time:

- ``package_show`` of a random public dataset;
- ``package_search`` with words or an ``fq`` filter and three facets, 20 rows;
- ``/health`` (the same load): what the server, the middleware and one small query cost per request,
  the ceiling an endpoint can reach on this machine.

It prints requests/s and p50/p95/p99 latency for each, the throughput of ``package_show`` and
``package_search`` as a ratio of ``/health``'s, and the ratio against the baseline measured in the same
run: the same load on a single uvicorn worker. The load generator shares the machine's cores
with the server, so the figures are a floor. A PostgreSQL database of its own is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from catalog.db import make_engine, normalize_url  # noqa: E402
from catalog.migrate import upgrade  # noqa: E402
from catalog.settings import Settings  # noqa: E402

MAX_REQUESTS = 200_000  # per endpoint and run, whatever the duration
WORDS = ["คุณภาพน้ำ", "ขยะ", "ฝึกอบรม", "น้ำท่วม", "ประชากร", "สถิติ", "โรงเรียน", "ผู้สูงอายุ", "traffic", "budget"]
FACETS = '["organization", "data_type", "tags"]'
ENDPOINTS = ("health", "package_show", "package_search")


def search_benchmark() -> Any:
    """benchmarks/search.py, whose generator and bulk loader this benchmark reuses."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "benchmarks" / "search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "BANCHI_DATABASE_URL": url, "BANCHI_DATA_DIR": str(data_dir),
           "BANCHI_SITE_URL": f"http://127.0.0.1:{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "services.api.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("uvicorn did not answer within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # the server and its workers: the group this script started
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def requests_for(endpoint: str, names: list[str], orgs: list[str], rng: random.Random) -> Any:
    while True:
        if endpoint == "health":
            yield "/health", {}
        elif endpoint == "package_show":
            yield "/api/3/action/package_show", {"id": rng.choice(names)}
        elif rng.random() < 0.5:
            yield "/api/3/action/package_search", {"q": rng.choice(WORDS), "facet.field": FACETS, "rows": 20}
        else:
            yield "/api/3/action/package_search", {"fq": f"organization:{rng.choice(orgs)}", "facet.field": FACETS,
                                                   "rows": 20}


async def load(base: str, endpoint: str, names: list[str], orgs: list[str], clients: int,
               duration: float) -> tuple[float, list[float], int]:
    """``clients`` concurrent loops for ``duration`` seconds; returns (req/s, latencies in ms, errors)."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(seed: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        calls = requests_for(endpoint, names, orgs, random.Random(seed))
        while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
            path, params = next(calls)
            started = time.perf_counter()
            try:
                response = await http.get(path, params=params)
                body = response.json() if response.status_code == 200 else {}
                ok = bool(body.get("success") or body.get("status") == "ok")
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(seed, http) for seed in range(clients)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies, errors


def cut(latencies: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return q[49], q[94], q[98]


def run(label: str, url: str, n: int, workers: int, clients: int, duration: float, seed: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    data_dir = Path(tempfile.mkdtemp(prefix="banchi-api-bench-"))
    settings = Settings(database_url=url, data_dir=data_dir)
    print(f"\n== {label}: loading {n:,} datasets …", flush=True)
    seconds, orgs, _ = search_benchmark().load(engine, settings, n, seed)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    print(f"   loaded in {seconds:.1f} s", flush=True)
    results: dict[tuple[int, str], float] = {}
    names: list[str] = []
    for count in (workers, 1):
        process, base = start_server(url, data_dir, count)
        try:
            if not names:
                names = httpx.get(f"{base}/api/3/action/package_list", timeout=60).json()["result"]
                print(f"   {len(names):,} public datasets; {clients} clients, {duration:.0f} s per endpoint",
                      flush=True)
            # the workers warm their search in the background at start-up: let them finish before timing
            asyncio.run(load(base, "package_search", names, orgs, clients, 3))
            for endpoint in ENDPOINTS:
                asyncio.run(load(base, endpoint, names, orgs, clients, 2))  # warm the workers
                rate, latencies, errors = asyncio.run(load(base, endpoint, names, orgs, clients, duration))
                results[(count, endpoint)] = rate
                p50, p95, p99 = cut(latencies)
                print(f"   {count} worker{'s' if count > 1 else ' '} {endpoint:<15} {rate:8.1f} req/s   "
                      f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   errors {errors}",
                      flush=True)
        finally:
            stop_server(process)
    for endpoint in ENDPOINTS:
        print(f"   {endpoint}: {workers} workers / 1 worker (baseline) = "
              f"{results[(workers, endpoint)] / results[(1, endpoint)]:.2f}×")
    for count in (workers, 1):
        print(f"   {count} worker{'s' if count > 1 else ''}, throughput as a ratio of /health's: " + ", ".join(
            f"{endpoint} {results[(count, endpoint)] / results[(count, 'health')]:.2f}×"
            for endpoint in ("package_show", "package_search")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2), help="uvicorn workers")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per endpoint")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"Banchi CKAN-compatible API under load: {os.cpu_count()} cores shared by server and clients")
    if args.only != "postgresql":
        path = Path(tempfile.mkdtemp(prefix="banchi-api-bench-")) / "bench.db"
        run("SQLite", f"sqlite:///{path}", args.datasets, args.workers, args.clients, args.duration, args.seed)
    if args.only != "sqlite":
        server = make_url(normalize_url(os.environ.get("BANCHI_BENCH_PG",
                                                       "postgresql://postgres@127.0.0.1:5432/postgres")))
        name = f"banchi_api_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
        except Exception as exc:  # no server: say so and stop, as the tests do
            print(f"\n== PostgreSQL: skipped ({type(exc).__name__}: {exc})")
            return
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            run("PostgreSQL", url, args.datasets, args.workers, args.clients, args.duration, args.seed)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
