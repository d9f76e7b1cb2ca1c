"""A CKAN Action API client (ckanapi's RemoteCKAN) that sorts failures into "try again later" and
"the portal refused this", names refused fields with the profile's labels, and counts write calls.

Every call goes through ``services.outbound``: loopback and private addresses are refused unless the
portal was registered allowing them (``allow_private_network``), on redirects too.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import requests
from ckanapi import CKANAPIError, NotAuthorized, NotFound, RemoteCKAN, ValidationError

from catalog.publish_messages import publish_problem
from schemas.messages import Problem
from schemas.profile import Profile
from services.outbound import CheckedSession, OutboundRefused

if TYPE_CHECKING:
    from catalog.actions.portals import PortalConnection

READ_SUFFIXES = ("_show", "_list", "_search")
USER_AGENT = "banchi/0.1 (+https://github.com/banchi; CKAN publisher and harvester)"

__all__ = ["NotFound", "PortalClient", "PortalRejected", "PortalUnavailable", "is_write"]


class PortalUnavailable(Exception):
    """Down, slow, or answering 5xx/429: nothing is wrong with the content; try again later."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class PortalRejected(Exception):
    """The portal refused the request (validation, permission): retrying the same content will not help."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def is_write(action: str) -> bool:
    return not action.endswith(READ_SUFFIXES)


class _RemoteCKAN(RemoteCKAN):
    """Remembers the HTTP status of the last answer, which ckanapi only folds into an error message."""

    last_status: int | None = None

    def _request_fn(self, url: str, data: Any, headers: Any, files: Any, requests_kwargs: Any) -> tuple[int, str]:
        status, text = super()._request_fn(url, data, headers, files, requests_kwargs)
        self.last_status = status
        return status, text


class PortalClient:
    def __init__(self, url: str, api_key: str | None = None, *, profile: Profile | None = None,
                 timeout: float = 60.0, connect_timeout: float = 5.0, allow_private_network: bool = False):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.profile = profile
        self.timeout = (connect_timeout, timeout)
        self.calls: Counter[str] = Counter()
        self.session = CheckedSession(allow_private_network)
        self._ckan = _RemoteCKAN(self.url, apikey=api_key, user_agent=USER_AGENT, session=self.session)

    @classmethod
    def connect(cls, connection: PortalConnection, *, profile: Profile | None = None,
                timeout: float = 60.0) -> PortalClient:
        """The client of a registered portal, with its stored key and its network permission."""
        return cls(connection.url, connection.api_key, profile=profile, timeout=timeout,
                   allow_private_network=connection.allow_private_network)

    @property
    def write_calls(self) -> int:
        return sum(count for action, count in self.calls.items() if is_write(action))

    def call(self, action: str, data: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> Any:
        """Call an action; raise PortalUnavailable, PortalRejected, or ckanapi's NotFound."""
        self.calls[action] += 1
        self._ckan.last_status = None
        try:
            return self._ckan.call_action(action, data or {}, files=files,
                                          requests_kwargs={"timeout": self.timeout})
        except OutboundRefused as exc:
            raise PortalUnavailable(exc.problem) from None
        except requests.RequestException as exc:
            raise PortalUnavailable(self._unavailable(type(exc).__name__ + ": " + str(exc)[:300])) from None
        except ValidationError as exc:
            raise PortalRejected(self.validation_problems(exc.error_dict)) from None
        except NotAuthorized as exc:
            raise PortalRejected([publish_problem("portal_denied", None, action=action, detail=str(exc))]) from None
        except NotFound:
            raise
        except CKANAPIError as exc:
            status = self._ckan.last_status
            if status is None or status >= 500 or status == 429:
                raise PortalUnavailable(self._unavailable(f"HTTP {status}: {str(exc)[:300]}")) from None
            raise PortalRejected([publish_problem("portal_error", None, action=action,
                                                  detail=f"HTTP {status}: {str(exc)[:300]}")]) from None

    def download(self, url: str, out: Any, max_bytes: int) -> int:
        """Stream a file the portal serves into ``out``; the token goes along only to this portal."""
        headers = {"User-Agent": USER_AGENT}
        if self.api_key and url.startswith(self.url + "/"):
            headers["Authorization"] = self.api_key
        try:
            with self.session.get(url, headers=headers, stream=True, timeout=self.timeout) as answer:
                answer.raise_for_status()
                size = 0
                for chunk in answer.iter_content(1024 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ValueError(f"larger than {max_bytes:,} bytes")
                    out.write(chunk)
                return size
        except OutboundRefused as exc:
            raise PortalUnavailable(exc.problem) from None
        except requests.RequestException as exc:
            raise PortalUnavailable(self._unavailable(str(exc)[:300])) from None

    def validation_problems(self, errors: dict[str, Any], prefix: str = "") -> list[Problem]:
        """One problem per refused field, labelled from the profile (CKAN's own message as the detail)."""
        problems: list[Problem] = []
        for key, value in errors.items():
            if key in ("__type", "message"):
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for index, nested in enumerate(value):  # e.g. resources: [{}, {"url": [...]}]
                    problems += self.validation_problems(nested, f"{prefix}{key}[{index}].")
                continue
            detail = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            label_th, label_en = self._labels(key)
            problems.append(publish_problem("portal_rejected", prefix + key, label=label_th, label_en=label_en,
                                            detail=detail))
        return problems

    def _labels(self, key: str) -> tuple[str, str]:
        key = "tag_string" if key == "tags" else key
        if self.profile is None:
            return key, key
        return self.profile.label(key, "th"), self.profile.label(key, "en")

    def _unavailable(self, detail: str) -> Problem:
        return publish_problem("portal_unavailable", None, portal=self.url, detail=detail)
