"""Validate CSV and XLSX files against a dictionary; same findings as frictionless 5.x, much faster."""

from dictionaries.validate.engine import Reference, validate
from dictionaries.validate.report import Report, ReportError

__all__ = ["Reference", "Report", "ReportError", "validate"]
