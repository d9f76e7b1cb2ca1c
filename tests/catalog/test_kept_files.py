"""Copies kept for reports (a file checked on the web stays in the store so its report can show its rows)
go when the resource's data is replaced or the resource deleted, and a start-up sweeps what is left; the
same bytes stay while a resource (now or before) or evidence has them (catalog.kept_files)."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalog.actions.datasets import dataset_delete, dataset_purge
from catalog.actions.dictionaries import dictionary_version_create, resource_validate
from catalog.actions.resource_files import resource_file_replace
from catalog.actions.resources import resource_create, resource_delete
from catalog.kept_files import GRACE_SECONDS, sweep
from catalog.settings import Settings
from catalog.storage import object_key, store_stream
from tests.conftest import OpenContext
from tests.governance_helpers import at, make_agency

DATASET = "city-indicators"
SCHEMA = {"fields": [{"name": "id", "type": "integer", "constraints": {"required": True}}]}
FIRST = b"id\n1\n"
OTHER = b"id\n7\n"


def stored(settings: Settings, content: bytes) -> Path:
    return settings.effective_storage_dir / object_key(hashlib.sha256(content).hexdigest())


def age(settings: Settings) -> None:
    """Every stored file as if stored an hour ago (past the grace a fresh store gets)."""
    old = time.time() - GRACE_SECONDS - 3600
    for path in (settings.effective_storage_dir / "objects").glob("*/*/*"):
        os.utime(path, (old, old))


@pytest.fixture
def resource(open_ctx: OpenContext) -> str:
    with open_ctx(clock=at("2025-01-01")) as ctx:
        make_agency(ctx)
        made = resource_create(ctx, DATASET, {}, content=io.BytesIO(FIRST), filename="data.csv")
        resource_create(ctx, DATASET, {}, content=io.BytesIO(OTHER), filename="other.csv")
        dictionary_version_create(ctx, DATASET, made["id"], SCHEMA)
    return str(made["id"])


def check(open_ctx: OpenContext, resource: str, tmp_path: Path, content: bytes, day: str) -> None:
    path = tmp_path / f"checked-{hashlib.sha256(content).hexdigest()[:8]}.csv"
    path.write_bytes(content)
    with open_ctx(clock=at(day)) as ctx:
        resource_validate(ctx, DATASET, resource, path, keep_file=True)


def test_copies_go_when_the_data_is_replaced_and_bytes_wanted_elsewhere_stay(
    open_ctx: OpenContext, settings: Settings, resource: str, tmp_path: Path
) -> None:
    refused, same_as_other = b"id\nabc\n", OTHER
    check(open_ctx, resource, tmp_path, refused, "2025-02-01")
    check(open_ctx, resource, tmp_path, same_as_other, "2025-02-01")  # bytes another resource serves
    assert stored(settings, refused).is_file() and stored(settings, same_as_other).is_file()
    age(settings)
    with pytest.raises(RuntimeError), open_ctx(clock=at("2025-02-02")) as ctx:  # rolled back: nothing goes
        resource_file_replace(ctx, resource, io.BytesIO(b"id\n2\n"), "data.csv")
        raise RuntimeError("the request failed after the replacement")
    assert stored(settings, refused).is_file()
    new = b"id\n3\n"
    with open_ctx(clock=at("2025-02-03")) as ctx:
        resource_file_replace(ctx, resource, io.BytesIO(new), "data.csv")
    assert not stored(settings, refused).exists()  # the report's copy went with the data it spoke of
    assert stored(settings, same_as_other).is_file()  # another resource serves these bytes
    assert stored(settings, FIRST).is_file()  # the resource's earlier bytes stay (the audit log names them)
    assert stored(settings, new).is_file()


def test_a_copy_of_the_current_data_stays_and_a_fresh_one_waits_for_the_sweep(
    open_ctx: OpenContext, settings: Settings, resource: str, tmp_path: Path
) -> None:
    current, fresh = b"id\n\n", b"id\nx\n"
    check(open_ctx, resource, tmp_path, fresh, "2025-02-01")
    age(settings)
    check(open_ctx, resource, tmp_path, fresh, "2025-02-02")  # stored again just now: touched
    with open_ctx(clock=at("2025-02-03")) as ctx:
        resource_file_replace(ctx, resource, io.BytesIO(b"id\n4\n"), "data.csv")
    check(open_ctx, resource, tmp_path, current, "2025-02-04")  # after the replacement: still current
    assert stored(settings, fresh).is_file()  # within the grace: maybe another request's, just stored
    age(settings)
    assert sweep(settings) == [hashlib.sha256(fresh).hexdigest()]
    assert stored(settings, current).is_file() and not stored(settings, fresh).exists()


def test_copies_go_with_the_resource_and_with_a_purged_dataset(
    open_ctx: OpenContext, settings: Settings, resource: str, tmp_path: Path
) -> None:
    refused = b"id\nabc\n"
    check(open_ctx, resource, tmp_path, refused, "2025-02-01")
    age(settings)
    with open_ctx() as ctx:
        resource_delete(ctx, resource)
    assert not stored(settings, refused).exists()
    assert stored(settings, FIRST).is_file()  # the data it served stays, as documented
    with open_ctx(clock=at("2025-03-01")) as ctx:
        other = resource_create(ctx, DATASET, {}, content=io.BytesIO(b"id\n5\n"), filename="again.csv")
        dictionary_version_create(ctx, DATASET, other["id"], SCHEMA)
    check(open_ctx, other["id"], tmp_path, refused, "2025-03-02")
    age(settings)
    with open_ctx() as ctx:
        dataset_delete(ctx, DATASET)
    assert stored(settings, refused).is_file()  # a deleted dataset can be restored: its reports stay
    with open_ctx() as ctx:
        dataset_purge(ctx, DATASET)
    assert not stored(settings, refused).exists()


def test_the_web_application_sweeps_at_start_up(open_ctx: OpenContext, banchi_env: Settings, resource: str) -> None:
    settings = banchi_env
    storage = settings.effective_storage_dir
    # a copy a report kept of data deleted before copies were removed: nothing refers to it any more
    left = store_stream(storage, io.BytesIO(b"id\nleft behind\n"), 1 << 20)
    age(settings)
    just_now = store_stream(storage, io.BytesIO(b"id\njust stored\n"), 1 << 20)  # its request not committed yet
    from services.api.app import create_app

    with TestClient(create_app()):
        pass
    assert not left.path(storage).exists()
    assert just_now.path(storage).is_file()  # within the grace
    assert stored(settings, FIRST).is_file() and stored(settings, OTHER).is_file()


def test_a_failing_file_the_steward_kept_as_data_stays_as_earlier_bytes(
    open_ctx: OpenContext, settings: Settings, resource: str, tmp_path: Path
) -> None:
    kept = b"id\nabc\n"
    check(open_ctx, resource, tmp_path, kept, "2025-02-01")
    with open_ctx(clock=at("2025-02-01", 11)) as ctx:  # kept though it fails (keep_invalid on the web)
        resource_file_replace(ctx, resource, io.BytesIO(kept), "data.csv")
    age(settings)
    with open_ctx(clock=at("2025-02-05")) as ctx:
        resource_file_replace(ctx, resource, io.BytesIO(b"id\n6\n"), "data.csv")
    assert stored(settings, kept).is_file()  # data the resource served: the audit log names it
    assert sweep(settings) == []
