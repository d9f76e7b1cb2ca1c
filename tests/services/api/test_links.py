"""Banchi's own links follow the address the client used (issue 15 item 5), unless BANCHI_SITE_URL is set on
purpose: download and evidence links, the REST and CKAN APIs, DCAT and the dataset page."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from catalog.settings import Settings, get_settings
from services.web.site import create_site
from tests.live_server import live_server
from tests.services.api.conftest import TokenFor

DATASET = "city-development-indicators"
UPLOAD = f"/api/datasets/{DATASET}/resources/upload"


def _upload(client: TestClient, steward: dict[str, str]) -> dict[str, str]:
    made = client.post(UPLOAD, headers=steward, files={"file": ("เขต.csv", b"a,b\n1,2\n", "text/csv")},
                       data={"name": "รายเขต"})
    assert made.status_code == 201, made.text
    return made.json()


def _links_start_with(client: TestClient, base: str, resource_id: str) -> None:
    """Every place a link is made names ``base`` (and no other Banchi address)."""
    download = f"{base}/dataset/{DATASET}/resource/{resource_id}/download/"
    shown = client.get(f"/api/datasets/{DATASET}").json()
    assert next(r["url"] for r in shown["resources"] if r["id"] == resource_id).startswith(download)
    package = client.get("/api/3/action/package_show", params={"id": DATASET}).json()["result"]
    assert next(r["url"] for r in package["resources"] if r["id"] == resource_id).startswith(download)
    assert client.get("/api/3/action/status_show").json()["result"]["site_url"] == base
    turtle = client.get(f"/dataset/{DATASET}.ttl").text
    assert f"<{base}/dataset/{DATASET}>" in turtle and download in turtle
    assert f"{base}/dataset/{DATASET}" in client.get("/catalog.ttl").text
    assert client.get(f"/api/datasets/{DATASET}/schema.org").json()["url"].startswith(base)
    page = client.get(f"/dataset/{DATASET}").text
    assert download in page or quote(download, safe=":/") in page
    others = set(re.findall(r"https?://(?:127\.0\.0\.1|testserver|localhost)[:\d]*", turtle + page)) - {base}
    assert not others, others


def test_links_follow_the_host_and_root_path_the_client_used(demo: Settings, token_for: TokenFor) -> None:
    assert demo.site_url is None  # links are relative to the request unless the setting is made
    steward = token_for("steward@bangkok.go.th", "steward")
    resource = _upload(TestClient(create_site()), steward)
    _links_start_with(TestClient(create_site(), base_url="http://catalog.example:8123"), "http://catalog.example:8123",
                      resource["id"])
    # behind a proxy that serves Banchi under /banchi (uvicorn --root-path)
    _links_start_with(TestClient(create_site(), base_url="https://data.bangkok.example", root_path="/banchi"),
                      "https://data.bangkok.example/banchi", resource["id"])


def test_a_forged_host_header_never_reaches_a_link(demo: Settings) -> None:
    client = TestClient(create_site())
    status = client.get("/api/3/action/status_show", headers={"host": 'evil"><script>'}).json()["result"]
    assert status["site_url"] == "http://testserver"  # the server's own address instead


def test_banchi_site_url_set_on_purpose_wins(demo: Settings, token_for: TokenFor,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANCHI_SITE_URL", "https://catalog.bangkok.go.th/")
    get_settings.cache_clear()
    steward = token_for("steward@bangkok.go.th", "steward")
    client = TestClient(create_site(), base_url="http://10.0.0.5:9000")
    _links_start_with(client, "https://catalog.bangkok.go.th", _upload(client, steward)["id"])


def test_served_on_another_port_links_name_that_port(demo: Settings, token_for: TokenFor) -> None:
    steward = token_for("steward@bangkok.go.th", "steward")
    with live_server() as url:
        assert not url.endswith(":8000")
        made = httpx.post(url + UPLOAD, headers=steward, files={"file": ("a.csv", b"a\n1\n", "text/csv")},
                          data={"name": "a"}, timeout=30)
        assert made.status_code == 201, made.text
        assert made.json()["url"].startswith(f"{url}/dataset/{DATASET}/resource/")
        package = httpx.get(f"{url}/api/3/action/package_show", params={"id": DATASET}, timeout=30).json()["result"]
        assert [r["url"] for r in package["resources"] if r["id"] == made.json()["id"]] == [made.json()["url"]]
        download = httpx.get(made.json()["url"], timeout=30)
        assert download.status_code == 200 and download.content == b"a\n1\n"


def test_forwarded_headers_count_only_from_a_proxy_uvicorn_trusts(demo: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-host": "elsewhere.example"}
    with live_server() as url:  # uvicorn trusts a proxy on 127.0.0.1 by default (FORWARDED_ALLOW_IPS)
        status = httpx.get(f"{url}/api/3/action/status_show", headers=forwarded, timeout=30).json()["result"]
        assert status["site_url"] == url.replace("http://", "https://")  # the scheme from the proxy, the Host kept
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "192.0.2.1")  # a proxy elsewhere: this client is not it
    with live_server() as url:
        status = httpx.get(f"{url}/api/3/action/status_show", headers=forwarded, timeout=30).json()["result"]
        assert status["site_url"] == url
