"""How often one client address may call the API and try to sign in, counted with ``limits`` (a moving
window per address). The numbers are settings; the interfaces ask here and answer 429 with Retry-After.
Failed sign-ins are slowed down separately, per account and address (``catalog.actions.accounts``).
"""

from __future__ import annotations

import math
import time
from enum import StrEnum

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from catalog.errors import TooManyRequests
from catalog.settings import Settings


class Limited(StrEnum):
    api = "api"  # any request to the API
    sign_in = "sign_in"  # a password sign-in (API or page), right or wrong


class RateLimits:
    """The counters of one running site (``memory://``) or of every worker sharing a storage."""

    def __init__(self, settings: Settings):
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))
        self._items: dict[Limited, list[RateLimitItem]] = {
            Limited.api: parse_many(settings.rate_limit_api),
            Limited.sign_in: parse_many(settings.rate_limit_sign_in),
        }

    def hit(self, kind: Limited, address: str) -> None:
        """Count one request of ``kind`` from ``address``; raise TooManyRequests when over a limit."""
        for item in self._items[kind]:
            if not self._limiter.hit(item, kind.value, address):
                reset = self._limiter.get_window_stats(item, kind.value, address).reset_time
                raise TooManyRequests(max(1, math.ceil(reset - time.time())))
