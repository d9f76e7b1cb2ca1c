"""Uploads: streamed into the store, refused when too large or of the wrong kind, names reduced to a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from catalog.models import Resource
from catalog.settings import Settings, get_settings
from services.api.app import create_app
from tests.conftest import OpenContext
from tests.services.api.conftest import TokenFor

URL = "/api/datasets/city-development-indicators/resources/upload"


def stored_objects(settings: Settings) -> list[Path]:
    root = settings.effective_storage_dir / "objects"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_upload_is_stored_by_sha256_and_downloadable(client: TestClient, token_for: TokenFor, demo: Settings) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    data = "เขต,จำนวน\nพระนคร,12\n".encode()
    response = client.post(URL, headers=steward, files={"file": ("../../etc/รายเขต.csv", data, "text/csv")},
                           data={"name": "รายเขต 2566", "metadata": '{"resource_unit_of_measure": "คน"}'})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["filename"] == "รายเขต.csv" and body["format"] == "CSV" and body["size"] == len(data)
    assert body["resource_unit_of_measure"] == "คน" and response.headers["etag"] == '"1"'
    download = client.get(body["url"].removeprefix("http://testserver"))
    assert download.status_code == 200 and download.content == data
    assert all(".." not in str(p.relative_to(demo.effective_storage_dir)) for p in stored_objects(demo))


def test_oversized_upload_gets_413_and_nothing_is_kept(
    token_for: TokenFor, demo: Settings, open_ctx: OpenContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANCHI_MAX_UPLOAD_BYTES", "1000")
    get_settings.cache_clear()
    client = TestClient(create_app())
    steward = token_for("steward@bangkok.go.th", "steward")
    before = stored_objects(demo)
    with open_ctx() as ctx:
        count = len(ctx.session.exec(select(Resource)).all())
    # just over the limit: the stream is counted by the store
    response = client.post(URL, headers={**steward, "Accept-Language": "en"},
                           files={"file": ("big.csv", b"x" * 1001, "text/csv")})
    assert response.status_code == 413 and "1,000" in response.json()["title"]
    # far over: refused by the body limit before the store sees it
    huge = client.post(URL, headers=steward, files={"file": ("huge.csv", b"x" * 200_000, "text/csv")})
    assert huge.status_code == 413 and huge.json()["errors"][0]["code"] == "payload_too_large"
    with open_ctx() as ctx:
        assert len(ctx.session.exec(select(Resource)).all()) == count
    assert stored_objects(demo) == before
    assert not [p for p in (demo.effective_storage_dir).glob(".upload-*")]


def test_upload_refuses_other_content_types_and_unusable_names(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    raw = client.post(URL, headers={**steward, "Content-Type": "application/octet-stream"}, content=b"a,b\n1,2\n")
    assert raw.status_code == 415
    nameless = client.post(URL, headers=steward, files={"file": ("../..", b"a,b\n", "text/csv")})
    assert nameless.status_code == 422 and nameless.json()["errors"][0]["field"] == "filename"
    bad_meta = client.post(URL, headers=steward, files={"file": ("a.csv", b"a,b\n", "text/csv")},
                           data={"metadata": "{not json"})
    assert bad_meta.status_code == 422 and bad_meta.json()["errors"][0]["field"] == "metadata"
    anonymous = client.post(URL, files={"file": ("a.csv", b"a,b\n", "text/csv")})
    assert anonymous.status_code == 401


def test_private_resources_are_hidden_from_the_public(client: TestClient, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    made = client.post(URL, headers=steward, files={"file": ("internal.csv", b"a,b\n1,2\n", "text/csv")},
                       data={"private": "true"}).json()
    assert client.get(f"/api/resources/{made['id']}").status_code == 404
    assert client.get(f"/api/resources/{made['id']}", headers=steward).status_code == 200
    public = client.get("/api/datasets/city-development-indicators").json()
    assert made["id"] not in {r["id"] for r in public["resources"]}
    path = made["url"].split("/dataset/", 1)[1]
    assert client.get(f"/dataset/{path}").status_code == 404
    assert client.get(f"/dataset/{path}", headers=steward).status_code == 200
