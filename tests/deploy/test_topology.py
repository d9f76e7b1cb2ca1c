"""The deployment example (``deploy/``) run on this machine without Docker: a scratch PostgreSQL database, Redis,
two web processes and two job workers started with the systemd units' own command lines and settings file
(the machine-specific values replaced: database, broker, folders, port). Both web processes are ready, a job
asked of one is finished by one of the workers, and the compose file runs the same commands."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.live_server import free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = DEPLOY / "systemd"
SERVER_URL = os.environ.get("BANCHI_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database number of its own; queue names also carry the database's
INSTALLED_BANCHI = "/opt/banchi/.venv/bin/banchi"
METRICS_TOKEN = "topology-metrics-token"


def unit(name: str) -> dict[str, str]:
    """A unit file's [Service] keys."""
    keys: dict[str, str] = {}
    section = ""
    for line in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys[key] = value
    return keys


def unit_command(name: str, instance: str = "") -> list[str]:
    """The unit's ExecStart as arguments, ``%i`` its instance, the installed ``banchi`` this checkout's."""
    words = shlex.split(unit(name)["ExecStart"].replace("%i", instance))
    assert words[0] == INSTALLED_BANCHI
    return [str(Path(sys.executable).with_name("banchi")), *words[1:]]


def settings_file() -> dict[str, str]:
    values = {}
    for line in (UNITS / "banchi.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_compose_runs_what_the_units_run() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    webs = [s for s in services.values() if s.get("command", [])[:2] == ["banchi", "serve"]]
    workers = [s for s in services.values() if s.get("command", [])[:2] == ["banchi", "worker"]]
    assert len(webs) == 2 and len(workers) == 2 and {"postgres", "redis"} <= set(services)

    def without_address(words: list[str]) -> list[str]:
        kept, skip = [], False
        for word in words:
            if skip:
                skip = False
            elif word in ("--host", "--port"):
                skip = True
            else:
                kept.append(word)
        return kept

    for web in webs:
        assert without_address(web["command"][1:]) == without_address(unit_command("banchi-web@.service", "1")[1:])
    for worker in workers:
        assert worker["command"][1:] == unit_command("banchi-worker@.service", "1")[1:]
    assert services["migrate"]["command"][1:] == unit_command("banchi-migrate.service")[1:]
    # the settings the units read are the compose file's too (the machine-specific ones set per service)
    environment = webs[0]["environment"]
    assert set(environment) <= set(settings_file()) and webs[0]["env_file"] == "banchi.env"
    for name in ("banchi-web@.service", "banchi-worker@.service", "banchi-migrate.service"):
        assert unit(name)["EnvironmentFile"] == "/etc/banchi/banchi.env"


def _postgres_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(SERVER_URL, connect_timeout=3):
            pass
    except Exception as exc:
        return f"no PostgreSQL at {SERVER_URL}: {type(exc).__name__}"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"no Redis at {REDIS_URL}: {type(exc).__name__}"
    return None


@pytest.fixture
def scratch_database() -> Iterator[str]:
    missing = _postgres_available()
    if missing:
        pytest.skip(missing)
    import psycopg

    name = f"banchi_topology_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = SERVER_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Processes:
    """The processes this test started, each stopped (SIGTERM, then SIGKILL) at the end."""

    def __init__(self, folder: Path, environment: dict[str, str]) -> None:
        self.folder, self.environment, self.running = folder, environment, []  # type: ignore[var-annotated]

    def run(self, command: list[str], stdin: str | None = None) -> str:
        done = subprocess.run(command, env=self.environment, cwd=self.folder, input=stdin, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, command: list[str], label: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{label}.log").open("wb")
        process = subprocess.Popen(command, env=self.environment, cwd=self.folder, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append(process)
        return process

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> dict[str, object]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            answer = httpx.get(f"{url}/ready", timeout=5)
            if answer.status_code == 200:
                return dict(answer.json())
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} not ready: {log.read_text(errors='replace')}")


def test_two_web_processes_and_two_workers_on_postgresql_and_redis(scratch_database: str, tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    environment = {key: value for key, value in os.environ.items() if not key.startswith("BANCHI_")}
    environment |= settings_file() | {  # the units' settings file, with this machine's places in it
        "BANCHI_DATABASE_URL": scratch_database, "BANCHI_BROKER_URL": REDIS_URL,
        "BANCHI_RATE_LIMIT_STORAGE": "memory://", "BANCHI_DATA_DIR": str(tmp_path / "data"),
        "BANCHI_STORAGE_DIR": str(tmp_path / "data" / "storage"), "BANCHI_SECRET_KEY": Fernet.generate_key().decode(),
        "BANCHI_METRICS_TOKEN": METRICS_TOKEN, "BANCHI_JOB_HEARTBEAT_SECONDS": "1",
    }
    processes = Processes(tmp_path, environment)
    try:
        processes.run(unit_command("banchi-migrate.service"))
        banchi = unit_command("banchi-migrate.service")[0]
        processes.run([banchi, "org", "add", "topology-org", "--title", "หน่วยงานทดสอบการติดตั้ง"])
        processes.run([banchi, "account", "add", "operator@example.go.th", "--sysadmin", "--password-stdin"],
                      stdin="a long enough password for the operator\n")
        token = json.loads(processes.run([banchi, "token", "create", "--account", "operator@example.go.th",
                                          "--name", "topology", "--format", "json"]))["token"]
        ports = [free_port(), free_port()]
        webs = [processes.start(unit_command("banchi-web@.service", str(port)), f"web-{port}") for port in ports]
        workers = [processes.start(unit_command("banchi-worker@.service", str(n)), f"worker-{n}") for n in (1, 2)]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, web, port in zip(urls, webs, ports, strict=True):
            checks = wait_ready(url, web, tmp_path / f"web-{port}.log")["checks"]
            assert all(check["ok"] for check in checks.values())  # type: ignore[attr-defined]

        auth = {"Authorization": f"Bearer {token}"}
        asked = httpx.post(f"{urls[0]}/api/organizations/topology-org/jobs", json={"kind": "timeliness_check"},
                           headers=auth, timeout=30)
        assert asked.status_code == 202, asked.text
        job_id = asked.json()["id"]
        deadline = time.monotonic() + 60
        while True:  # followed on the other web process: both read the one database
            job = httpx.get(f"{urls[1]}/api/jobs/{job_id}", headers=auth, timeout=10).json()
            if job["state"] in ("succeeded", "failed", "cancelled") or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert job["state"] == "succeeded", (job, *(w.pid for w in workers))
        assert job["result"] == {"checked": 0, "overdue": []}

        import psycopg

        with psycopg.connect(scratch_database.replace("+psycopg", "")) as connection:
            (held_by,) = connection.execute("SELECT worker FROM job WHERE id = %s", (job_id,)).fetchone()  # type: ignore[misc]
        assert int(held_by.split(":")[1]) in {w.pid for w in workers}  # host:pid:thread of one of our workers

        metrics = httpx.get(f"{urls[1]}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
        assert metrics.status_code == 200 and 'banchi_jobs{state="succeeded"} 1.0' in metrics.text
        assert httpx.get(f"{urls[0]}/metrics", timeout=10).status_code == 401
        for port in ports:  # every line the web processes wrote is one JSON object
            lines = (tmp_path / f"web-{port}.log").read_text(encoding="utf-8").splitlines()
            assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    finally:
        processes.stop()
    assert all(process.poll() is not None for process in processes.running)
