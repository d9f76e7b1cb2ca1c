"""The first search of a new web process against its warm searches, on a loaded database.

    .venv/bin/python benchmarks/first_search.py --database sqlite:////work/notes/bench100k.db
    .venv/bin/python benchmarks/first_search.py --datasets 20000        # loads a scratch SQLite database first

Each measurement runs in a fresh Python process (``subprocess``) against the given database, which it only
reads. The process creates the web application and runs its start-up (``TestClient`` runs the lifespan,
which starts warming the search in the background: the facet table and the Thai word dictionary), waits
until that warm-up has finished (as a server would before it gets traffic), then times the first
``package_search`` (words and five facets, over HTTP inside the process), then the same searches again
warm. For comparison a second fresh process searches without the start-up (what every process paid
before: it builds the facet table inside its first request). Target (issue 16): first search ≤ 10× a
warm one at 100,000 datasets.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 10.0
FACETS = '["organization", "data_type", "data_category", "tags", "res_format"]'
SEARCHES: list[dict[str, Any]] = [
    {"q": "คุณภาพน้ำ", "facet.field": FACETS, "rows": 20},
    {"q": "ฝึกอบรม OR น้ำท่วม", "facet.field": FACETS, "rows": 20},
    {"fq": 'data_type:"ข้อมูลสถิติ"', "facet.field": FACETS, "rows": 20},
    {"q": "traffic", "facet.field": FACETS, "rows": 20},
]
WARM_RUNS = 5


def child(with_start_up: bool) -> None:
    """In the fresh process: start up (or not), then time the first search and the warm ones (JSON out)."""
    from fastapi.testclient import TestClient

    from services.api.app import create_app

    started = time.perf_counter()
    client = TestClient(create_app())
    figures: dict[str, float] = {}
    if with_start_up:
        client.__enter__()  # the lifespan: start-up, which starts the warm-up in the background
        figures["start_up_s"] = time.perf_counter() - started
        for thread in threading.enumerate():
            if thread.name == "banchi-search-warm-up":
                thread.join()
        figures["warm_up_s"] = time.perf_counter() - started
    timings = []
    for params in [SEARCHES[0], *SEARCHES * WARM_RUNS]:
        began = time.perf_counter()
        response = client.get("/api/3/action/package_search", params=params)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200 and response.json()["success"], response.text[:300]
    figures["first_ms"] = timings[0]
    figures["warm_ms"] = statistics.median(timings[1:])
    figures["count"] = response.json()["result"]["count"]
    if with_start_up:
        client.__exit__(None, None, None)
    print(json.dumps(figures))


def fresh_process(url: str, with_start_up: bool) -> dict[str, float]:
    env = {**os.environ, "BANCHI_DATABASE_URL": url,
           "BANCHI_DATA_DIR": tempfile.mkdtemp(prefix="banchi-first-search-")}
    args = [sys.executable, str(Path(__file__).resolve()), "--child", "start-up" if with_start_up else "none"]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def scratch_database(n: int) -> str:
    """A SQLite database loaded with ``n`` datasets by the search benchmark's generator."""
    import importlib.util

    from catalog.db import make_engine
    from catalog.migrate import upgrade
    from catalog.settings import Settings

    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "benchmarks" / "search.py")
    assert spec and spec.loader
    search = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search)
    folder = Path(tempfile.mkdtemp(prefix="banchi-first-search-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seconds, _, _ = search.load(engine, Settings(database_url=url, data_dir=folder), n, 52)
    engine.dispose()
    print(f"loaded {n:,} datasets in {seconds:.0f} s into {url}", flush=True)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", metavar="URL", help="a loaded database (only read)")
    parser.add_argument("--datasets", type=int, default=20_000, help="without --database: load a scratch one")
    parser.add_argument("--child", choices=["start-up", "none"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child == "start-up")
        return
    url = args.database or scratch_database(args.datasets)
    print(f"first search of a fresh process, {url}; load average {os.getloadavg()[0]:.2f}", flush=True)
    warmed = fresh_process(url, with_start_up=True)
    print(f"  with the start-up warm-up: start-up {warmed['start_up_s']:.2f} s, warm-up done at "
          f"{warmed['warm_up_s']:.2f} s (background); first search {warmed['first_ms']:.0f} ms, warm "
          f"{warmed['warm_ms']:.0f} ms (median): {warmed['first_ms'] / warmed['warm_ms']:.1f}× "
          f"(target ≤ {TARGET:.0f}×) {'ok' if warmed['first_ms'] <= TARGET * warmed['warm_ms'] else 'OVER'}; "
          f"{warmed['count']:,} found", flush=True)
    cold = fresh_process(url, with_start_up=False)
    print(f"  without it (before):       first search {cold['first_ms']:.0f} ms, warm {cold['warm_ms']:.0f} ms "
          f"(median): {cold['first_ms'] / cold['warm_ms']:.1f}×")


if __name__ == "__main__":
    main()
