"""A clock tests move by hand, for backoffs and leases of publish jobs."""

from __future__ import annotations

import datetime as dt

import pytest


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock()
