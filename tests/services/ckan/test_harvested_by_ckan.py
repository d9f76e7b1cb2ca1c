"""Banchi harvested by a real CKAN: ckanext-harvest's CKAN harvester (1.6.3) run against a running Banchi,
in full and then incrementally, as the national GD Catalog harvests an agency.

Needs the CI CKAN started with ``CKAN_CI_HARVEST=1`` (``CKAN_INI`` and ``CKAN_CI_VENV`` set by
``ckan-ci.sh up``); the harvest runs synchronously with ``ckan harvester run-test``. Banchi is served by
uvicorn on 127.0.0.1, which the CKAN process (a local process on the same machine) reaches.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN

from catalog.actions.datasets import dataset_set_state, dataset_update
from catalog.models import DatasetState
from catalog.settings import Settings, get_settings
from schemas.profile import load_profile
from tests.conftest import OpenContext
from tests.live_server import live_server
from tests.services.ckan.conftest import CKAN_API_TOKEN, CKAN_URL

pytestmark = pytest.mark.ckan
PROFILE = load_profile()
CKAN_INI = os.environ.get("CKAN_INI", "")
CKAN_CI_VENV = os.environ.get("CKAN_CI_VENV", "")
NON_PUBLIC = {"trainee-registry", "lecturer-registry", "training-budget", "scholarship-committee-minutes"}
EDITED = "city-development-indicators"


@pytest.fixture
def harvest_cli() -> list[str]:
    if not CKAN_INI or not CKAN_CI_VENV:
        reason = ("CKAN_INI and CKAN_CI_VENV are not set: start CKAN with "
                  "CKAN_CI_HARVEST=1 bash ../shared/ckan/ckan-ci.sh up")
        if os.environ.get("BANCHI_REQUIRE_CKAN"):
            pytest.fail(reason)
        pytest.skip(reason)
    return [f"{CKAN_CI_VENV}/bin/ckan", "-c", CKAN_INI, "harvester"]


@pytest.fixture
def banchi_url(banchi_env: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Banchi with the demo catalog, served on a free port of 127.0.0.1, its download links pointing there."""

    def site_url(url: str) -> None:
        monkeypatch.setenv("BANCHI_SITE_URL", url)
        get_settings.cache_clear()

    with live_server(before_start=site_url) as url:
        yield url


@pytest.fixture
def ckan() -> RemoteCKAN:
    return RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN)


@pytest.fixture
def source(ckan: RemoteCKAN, harvest_cli: list[str], banchi_url: str, demo: Settings) -> Iterator[str]:
    """A harvest source of type ``ckan`` for the running Banchi, owned by an organization of its own."""
    suffix = uuid.uuid4().hex[:8]
    name, org = f"banchi-{suffix}", f"banchi-harvest-{suffix}"
    ckan.action.organization_create(name=org, title=f"Banchi (harvested) {suffix}")
    created = subprocess.run([*harvest_cli, "source", "create", name, banchi_url, "ckan", f"Banchi {suffix}",
                              "true", org, "MANUAL"], capture_output=True, text=True, timeout=120, check=False)
    assert created.returncode == 0, created.stdout + created.stderr
    yield name
    with contextlib.suppress(Exception):
        ckan.call_action("harvest_source_clear", {"id": name})
    for dataset in ckan.action.package_search(fq=f"organization:{org}", rows=1000, include_private=True)["results"]:
        with contextlib.suppress(NotFound):
            ckan.action.dataset_purge(id=dataset["id"])
    with contextlib.suppress(Exception):
        ckan.call_action("harvest_source_delete", {"id": name, "clear": True})
    with contextlib.suppress(NotFound):
        ckan.action.dataset_purge(id=name)
    with contextlib.suppress(NotFound):
        ckan.action.organization_purge(id=org)


def run_job(ckan: RemoteCKAN, harvest_cli: list[str], source: str) -> dict[str, Any]:
    """One harvest job, gather to import in one process; the job's report."""
    done = subprocess.run([*harvest_cli, "run-test", source], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    job = ckan.call_action("harvest_source_show", {"id": source})["status"]["last_job"]
    report = ckan.call_action("harvest_job_report", {"id": job["id"]})
    assert job["status"] == "Finished", job
    assert not report["gather_errors"] and not report["object_errors"], report
    return job


def gd_fields(package: dict[str, Any]) -> dict[str, Any]:
    keys = [s.key for s in PROFILE.dataset_fields if s.key not in ("owner_org", "tag_string")]
    data = {k: package.get(k) for k in keys if package.get(k) not in (None, "", [])}
    data["tags"] = sorted(t["name"] for t in package["tags"])
    return data


def test_ckan_harvester_takes_every_public_dataset_then_only_edits(
    ckan: RemoteCKAN, harvest_cli: list[str], source: str, banchi_url: str, open_ctx: OpenContext,
) -> None:
    banchi = RemoteCKAN(banchi_url)
    public = set(banchi.action.package_list())
    assert len(public) == 10 and not public & NON_PUBLIC

    first = run_job(ckan, harvest_cli, source)
    print("full harvest:", first["stats"])
    assert first["stats"]["added"] == len(public) and first["stats"]["errored"] == 0
    org = ckan.call_action("harvest_source_show", {"id": source})["owner_org"]
    harvested = {d["name"]: d for d in ckan.action.package_search(fq=f"owner_org:{org}", rows=1000)["results"]}
    assert set(harvested) == public  # and nothing that is not public
    for name in public:
        ours, theirs = banchi.action.package_show(id=name), ckan.action.package_show(id=name)
        assert gd_fields(theirs) == gd_fields(ours), name
        assert [r["url"] for r in theirs["resources"]] == [r["url"] for r in ours["resources"]]
        for resource in theirs["resources"]:
            if resource["url"].startswith(banchi_url):  # a file Banchi hosts stays downloadable
                answer = requests.get(resource["url"], timeout=30)
                assert answer.status_code == 200 and answer.content, resource["url"]

    time.sleep(1)
    with open_ctx() as ctx:
        dataset_update(ctx, EDITED, {"notes": "แก้ไขหลังการเก็บเกี่ยวครั้งแรก / edited after the first harvest"})
    second = run_job(ckan, harvest_cli, source)
    print("incremental harvest:", second["stats"])
    assert second["stats"]["updated"] == 1 and second["stats"]["added"] == 0 and second["stats"]["errored"] == 0
    assert ckan.action.package_show(id=EDITED)["notes"].startswith("แก้ไขหลังการเก็บเกี่ยวครั้งแรก")

    with open_ctx() as ctx:  # withdrawn in Banchi: ckanext-harvest's CKAN harvester never deletes
        dataset_set_state(ctx, EDITED, DatasetState.withdrawn)
    third = run_job(ckan, harvest_cli, source)
    print("after a withdrawal:", third["stats"])
    assert third["stats"]["deleted"] == 0
    lingering = ckan.action.package_show(id=EDITED)  # what a harvesting portal then shows: the last copy
    assert lingering["state"] == "active" and lingering["notes"].startswith("แก้ไขหลังการเก็บเกี่ยวครั้งแรก")


def test_ckanapi_dump_then_load_keeps_banchi_files_downloadable(
    ckan: RemoteCKAN, banchi_url: str, demo: Settings, tmp_path: Path,
) -> None:
    """``ckanapi dump`` from Banchi, ``ckanapi load`` into CKAN: every resource link still downloads."""
    tools = Path(sys.executable).parent  # ckanapi starts its workers as "ckanapi" from the PATH
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}
    tool = str(tools / "ckanapi")
    dump = tmp_path / "datasets.jsonl"
    dumped = subprocess.run([tool, "dump", "datasets", "--all", "-r", banchi_url, "-O", str(dump), "-q"],
                            capture_output=True, text=True, timeout=300, check=False, env=env)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    packages = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(packages) == 10
    org = packages[0]["organization"]
    ckan.action.organization_create(id=org["id"], name=f"{org['name']}-copy-{uuid.uuid4().hex[:6]}",
                                    title=org["title"])
    try:
        loaded = subprocess.run([tool, "load", "datasets", "-I", str(dump), "-r", CKAN_URL, "-a", CKAN_API_TOKEN,
                                 "-q"], capture_output=True, text=True, timeout=600, check=False, env=env)
        assert loaded.returncode == 0, loaded.stderr[-2000:]
        for package in packages:
            copy = ckan.action.package_show(id=package["name"])
            assert [r["url"] for r in copy["resources"]] == [r["url"] for r in package["resources"]]
            for resource in copy["resources"]:
                if resource["url"].startswith(banchi_url):
                    assert requests.get(resource["url"], timeout=30).status_code == 200, resource["url"]
    finally:
        for package in packages:
            with contextlib.suppress(NotFound):
                ckan.action.dataset_purge(id=package["id"])
        with contextlib.suppress(NotFound):
            ckan.action.organization_purge(id=org["id"])
