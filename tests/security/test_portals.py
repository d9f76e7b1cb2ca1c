"""Attack (issue 13): ``POST …/publish/plan`` with ``ckan_url`` = any address made the server connect there
(ports on 127.0.0.1 answered differently) and send the API key it was given.

Now a plan or run names a portal a sysadmin registered; its key is stored encrypted and never returned;
the server refuses loopback, link-local and private addresses (every address a name resolves to, and on
redirects) unless the portal was registered allowing private networks.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from catalog.models import AuditEntry
from catalog.models.portal import Portal
from services import outbound
from services.outbound import CheckedSession, OutboundRefused
from tests.conftest import OpenContext
from tests.security.conftest import ORG_A, ORG_B, TokenFor

KEY = "ckan-token-not-to-leak"
PLAN = f"/api/organizations/{ORG_A}/publish/plan"


class Listener:
    """A local HTTP server that records every request (path and headers); answers with ``reply``."""

    def __init__(self, host: str = "127.0.0.1", reply: tuple[int, dict[str, str]] = (200, {})):
        self.requests: list[tuple[str, dict[str, str]]] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.requests.append((self.path, dict(self.headers)))
                status, headers = reply
                body = b'{"success": false, "error": {"__type": "Not Found Error"}}'
                self.send_response(status if status != 200 else 404)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_a_plan_cannot_name_a_free_address_or_key(client: TestClient, token_for: TokenFor,
                                                  listener: Listener) -> None:
    admin_a = token_for("admin.a@bangkok.go.th", role="admin", org=ORG_A)
    for body in ({"ckan_url": listener.url, "api_key": KEY, "preview": True},
                 {"portal": "x", "ckan_url": listener.url, "preview": True}):
        answer = client.post(PLAN, json=body, headers=admin_a)
        assert answer.status_code == 422, answer.text
        assert any(e["field"] == "ckan_url" for e in answer.json()["errors"])
    answer = client.post(PLAN, json={"portal": listener.url, "preview": True}, headers=admin_a)
    assert answer.status_code == 404  # not a registered portal's name
    assert listener.requests == []


def test_a_registered_portal_on_loopback_is_refused_unless_allowed(client: TestClient, token_for: TokenFor,
                                                                   listener: Listener) -> None:
    sysadmin = token_for("root@bangkok.go.th", role="sysadmin")
    admin_a = token_for("admin.a@bangkok.go.th", role="admin", org=ORG_A)
    added = client.post("/api/portals", json={"name": "local", "url": listener.url, "api_key": KEY}, headers=sysadmin)
    assert added.status_code == 201, added.text
    answer = client.post(PLAN, json={"portal": "local", "preview": True}, headers=admin_a)
    assert answer.status_code == 200, answer.text
    stopped = answer.json()["stopped"]
    assert stopped["code"] == "outbound_private" and "127.0.0.1" in stopped["en"] and stopped["th"]
    run = client.post(f"/api/organizations/{ORG_A}/publish", json={"portal": "local", "run": True},
                      headers=admin_a)
    assert run.status_code == 200 and run.json()["stopped"]["code"] == "outbound_private"
    assert listener.requests == []  # nothing reached the port, and no key was sent

    assert client.delete("/api/portals/local", headers=sysadmin).status_code == 204
    allowed = {"name": "local", "url": listener.url, "api_key": KEY, "allow_private_network": True}
    assert client.post("/api/portals", json=allowed, headers=sysadmin).status_code == 201
    answer = client.post(PLAN, json={"portal": "local", "preview": True,
                                     "dataset": "city-development-indicators"}, headers=admin_a)
    assert answer.status_code == 200 and answer.json()["stopped"] is None
    assert listener.requests and all(h.get("X-CKAN-API-Key") == KEY for _, h in listener.requests)


def test_only_a_sysadmin_registers_portals_and_no_one_reads_the_key(
    client: TestClient, token_for: TokenFor, open_ctx: OpenContext,
) -> None:
    sysadmin = token_for("root@bangkok.go.th", role="sysadmin")
    admin_b = token_for("admin.b@bangkok.go.th", role="admin", org=ORG_B)
    member = token_for("member.a@bangkok.go.th", role="wg_member", org=ORG_A)
    body = {"name": "evil", "url": "http://169.254.169.254", "api_key": KEY}
    assert client.post("/api/portals", json=body, headers=admin_b).status_code == 403
    assert client.post("/api/portals", json={**body, "url": "file:///etc/passwd"},
                       headers=sysadmin).status_code == 422
    assert client.post("/api/portals", json={**body, "name": "data-bangkok", "url": "https://data.bangkok.go.th"},
                       headers=sysadmin).status_code == 201
    for who in (sysadmin, admin_b):
        listed = client.get("/api/portals", headers=who)
        assert listed.status_code == 200 and KEY not in listed.text
        assert listed.json()[0]["has_api_key"] is True
    assert client.get("/api/portals", headers=member).status_code == 403
    assert client.get("/api/portals").status_code in (401, 403)
    with open_ctx() as ctx:
        [stored] = ctx.session.exec(select(Portal)).all()
        audit = [e.model_dump_json() for e in ctx.session.exec(select(AuditEntry).where(
            AuditEntry.entity_type == "portal"))]
    assert stored.api_key_encrypted and KEY not in stored.api_key_encrypted  # encrypted at rest
    assert audit and not any(KEY in entry or stored.api_key_encrypted in entry for entry in audit)


def test_an_organization_admin_cannot_publish_another_organizations_datasets_through_a_portal(
    client: TestClient, token_for: TokenFor,
) -> None:
    sysadmin = token_for("root@bangkok.go.th", role="sysadmin")
    admin_b = token_for("admin.b@bangkok.go.th", role="admin", org=ORG_B)
    client.post("/api/portals", json={"name": "data-bangkok", "url": "https://data.bangkok.go.th"},
                headers=sysadmin)
    assert client.post(PLAN, json={"portal": "data-bangkok"}, headers=admin_b).status_code in (403, 404)


# -- the outbound rules themselves -----------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "::1",
                                     "fd00::1", "::ffff:127.0.0.1"])
def test_private_addresses_are_refused_unless_allowed(address: str) -> None:
    import ipaddress

    ip = ipaddress.ip_address(address)
    assert outbound.refusal("h", ip, False) is not None
    assert outbound.refusal("h", ip, True) is None


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "240.0.0.1"])
def test_link_local_multicast_and_reserved_are_always_refused(address: str) -> None:
    import ipaddress

    assert outbound.refusal("h", ipaddress.ip_address(address), True) is not None


@pytest.fixture
def only_127_0_0_1_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand-in for a public address (tests reach no other machine): 127.0.0.1 passes as allowed."""
    real = outbound.refusal

    def refusal(host: str, address: Any, allow_private_network: bool) -> Any:
        return None if str(address) == "127.0.0.1" else real(host, address, allow_private_network)

    monkeypatch.setattr(outbound, "refusal", refusal)


@pytest.mark.usefixtures("only_127_0_0_1_is_public")
def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch, listener: Listener) -> None:
    port = int(listener.url.rsplit(":", 1)[1])
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]
    monkeypatch.setattr(outbound.socket, "getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(OutboundRefused) as refused:
        CheckedSession().get(f"http://portal.example:{port}/api/3/action/status_show", timeout=5)
    assert "10.1.2.3" in refused.value.problem.en
    assert listener.requests == []


@pytest.mark.usefixtures("only_127_0_0_1_is_public")
def test_a_redirect_is_checked_and_does_not_carry_the_key() -> None:
    inner = Listener("127.0.0.2")
    outer = Listener(reply=(307, {"Location": inner.url + "/stolen"}))
    try:
        with pytest.raises(OutboundRefused):
            CheckedSession().post(outer.url + "/api/3/action/package_show", headers={"X-CKAN-API-Key": KEY},
                                  timeout=5)
        assert len(outer.requests) == 1 and inner.requests == []
        CheckedSession(allow_private_network=True).post(
            outer.url + "/api/3/action/package_show", headers={"X-CKAN-API-Key": KEY, "Authorization": KEY},
            timeout=5)
        [(path, headers)] = inner.requests
        assert path == "/stolen" and "X-CKAN-API-Key" not in headers and "Authorization" not in headers
    finally:
        inner.close()
        outer.close()
