"""The output formats a command offers (apart from :mod:`services.cli.output`, which loads Rich: a command
that writes JSON need not)."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
