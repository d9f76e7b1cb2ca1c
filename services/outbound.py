"""Outbound HTTP that a request to Banchi can cause (portals today; link checks later): never into this
machine's or its network's private addresses unless the operator registered the target allowing it.

Every connection resolves its host once, checks every address it resolves to, and connects only to the
addresses it checked (so a DNS answer cannot change between the check and the connection), on the first
request and on every redirect alike. A redirect to another host does not carry the portal's API key.

Refused always: link-local (169.254.0.0/16 with cloud metadata services, fe80::/10), multicast,
unspecified and reserved addresses. Refused unless ``allow_private_network``: loopback, the private
ranges (10/8, 172.16/12, 192.168/16, fc00::/7), shared address space (100.64/10) and anything else that
is not globally routable.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection

from schemas.messages import Problem, render

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
KEY_HEADERS = ("Authorization", "X-CKAN-API-Key")

MESSAGES: dict[str, tuple[str, str]] = {
    "outbound_private": (
        "ไม่เชื่อมต่อไปยัง {value} ({address}) เพราะเป็นที่อยู่ในเครือข่ายภายใน ผู้ดูแลระบบต้องลงทะเบียนพอร์ทัลนี้โดยอนุญาต"
        "เครือข่ายภายใน (--allow-private-network)",
        "Not connecting to {value} ({address}): it is a loopback or private network address; a sysadmin must "
        "register the portal allowing private networks (--allow-private-network)",
    ),
    "outbound_forbidden": ("ไม่เชื่อมต่อไปยัง {value} ({address}) เพราะเป็นที่อยู่ที่ห้ามเชื่อมต่อ (link-local, multicast "
                           "หรือสงวนไว้)",
                           "Not connecting to {value} ({address}): link-local, multicast and reserved addresses are "
                           "never reached"),
    "outbound_scheme": ("ที่อยู่ “{value}” ต้องขึ้นต้นด้วย http:// หรือ https://",
                        "The address “{value}” must start with http:// or https://"),
}


class OutboundRefused(Exception):
    """The address is not one Banchi may connect to; nothing was sent."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def refusal(host: str, address: IPAddress, allow_private_network: bool) -> Problem | None:
    """Why ``address`` (of ``host``) may not be reached, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    forbidden = address.is_link_local or address.is_multicast or address.is_unspecified
    if forbidden or (address.is_reserved and not address.is_loopback):  # ::1 counts as reserved (::/8)
        return render(MESSAGES, "outbound_forbidden", "url", value=host, address=str(address))
    if not address.is_global and not allow_private_network:
        return render(MESSAGES, "outbound_private", "url", value=host, address=str(address))
    return None


def checked_addresses(host: str, port: int, allow_private_network: bool) -> list[tuple[Any, ...]]:
    """Every address ``host`` resolves to, each allowed (else OutboundRefused); socket.gaierror if none."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, sockaddr in infos:
        problem = refusal(host, ipaddress.ip_address(str(sockaddr[0]).split("%")[0]), allow_private_network)
        if problem is not None:
            raise OutboundRefused(problem)
    return infos


def check_url(url: str, allow_private_network: bool) -> None:
    """Refuse a URL Banchi may not fetch (scheme, then every address of its host); resolves the name."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundRefused(render(MESSAGES, "outbound_scheme", "url", value=url))
    try:
        checked_addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                          allow_private_network)
    except socket.gaierror as exc:
        raise requests.ConnectionError(f"{parts.hostname}: {exc}") from None


class _Checked:
    """A connection that resolves, checks and connects to exactly the addresses it checked."""

    allow_private_network = False
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        host = self._dns_host  # type: ignore[attr-defined]
        try:
            infos = checked_addresses(host, self.port, self.allow_private_network)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        last: OSError | None = None
        for *_, sockaddr in infos:
            try:
                return connection.create_connection((sockaddr[0], self.port), self.timeout,
                                                    source_address=self.source_address,
                                                    socket_options=self.socket_options)
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from exc
            except OSError as exc:
                last = exc
                continue
        raise NewConnectionError(self, f"Failed to establish a new connection: {last}")  # type: ignore[arg-type]


def _pools(allow: bool) -> dict[str, type[HTTPConnectionPool]]:
    http = type("CheckedHTTPConnection", (_Checked, HTTPConnection), {"allow_private_network": allow})
    https = type("CheckedHTTPSConnection", (_Checked, HTTPSConnection), {"allow_private_network": allow})
    return {
        "http": type("CheckedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
        "https": type("CheckedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https}),
    }


POOLS = {allow: _pools(allow) for allow in (False, True)}


class _CheckedAdapter(HTTPAdapter):
    def __init__(self, allow_private_network: bool):
        self.allow_private_network = allow_private_network
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOLS[self.allow_private_network]


class CheckedSession(requests.Session):
    """A requests session under the outbound rules; proxies from the environment are not used (they would
    be the address checked, not the target)."""

    def __init__(self, allow_private_network: bool = False):
        super().__init__()
        self.trust_env = False
        self.allow_private_network = allow_private_network
        for scheme in ("http://", "https://"):
            self.mount(scheme, _CheckedAdapter(allow_private_network))

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        """On a redirect to another host, drop every header that carries the key (requests drops only
        ``Authorization``; CKAN clients also send ``X-CKAN-API-Key``)."""
        if self.should_strip_auth(response.request.url, prepared_request.url):  # type: ignore[arg-type]
            for header in KEY_HEADERS:
                prepared_request.headers.pop(header, None)
        super().rebuild_auth(prepared_request, response)
