"""``banchi serve --workers N`` on the embedded database: N web processes, one job worker beside them (not one
per web process), request counts in /metrics added up over every web process, JSON log lines, and nothing
left running once it stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.live_server import free_port

METRICS_TOKEN = "serve-workers-metrics-token"


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid`` and its command line (from /proc)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = commands.get(child, "")
                frontier.append(child)
    return found


def _state(pid: int) -> str | None:
    """A process's state letter (R, S, Z…), None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def test_serve_with_two_web_processes_and_one_embedded_worker(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("BANCHI_") and key != "PROMETHEUS_MULTIPROC_DIR"}
    environment |= {"BANCHI_DATA_DIR": str(tmp_path / "data"), "BANCHI_METRICS_TOKEN": METRICS_TOKEN}
    banchi = str(Path(sys.executable).with_name("banchi"))
    subprocess.run([banchi, "init"], env=environment, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        serve = subprocess.Popen([banchi, "serve", "--port", str(port), "--workers", "2"], env=environment,
                                 cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=output, start_new_session=True)
    below: dict[int, str] = {}
    left: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 90
        while True:
            assert serve.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            try:
                if httpx.get(f"{url}/ready", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        below = descendants(serve.pid)
        job_workers = [pid for pid, command in below.items() if "services.cli worker" in command]
        web_processes = [pid for pid, command in below.items() if "multiprocessing" in command
                         and "resource_tracker" not in command]
        assert len(job_workers) == 1, below  # the embedded worker runs once, beside every web process
        assert len(web_processes) == 2, below

        for _ in range(30):  # a new connection each: the kernel hands them to either web process
            assert httpx.get(f"{url}/health", timeout=10).status_code == 200
        metrics = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
        assert metrics.status_code == 200
        counted = sum(sample.value for family in text_string_to_metric_families(metrics.text)
                      for sample in family.samples
                      if sample.name == "banchi_http_requests_total" and sample.labels["route"] == "/health")
        assert counted == 30  # whichever process answered each, and whichever answers the scrape
    finally:
        os.kill(serve.pid, signal.SIGTERM)  # as a service manager stops it: serve stops what it started
        try:
            serve.wait(timeout=60)
        finally:
            time.sleep(0.5)
            left = {pid: stat for pid in below if (stat := _state(pid)) not in (None, "Z")}  # a zombie has ended
            if left:
                os.killpg(serve.pid, signal.SIGKILL)
    assert not left, (left, below)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert all({"time", "level", "logger", "message", "request_id", "account", "job_id"} <= set(line)
               and "color_message" not in line for line in lines)
    answered_by = {line["process"] for line in lines if line.get("route") == "/health"}
    assert answered_by and answered_by <= set(web_processes)

