"""Validate CSV and XLSX files against a dictionary; same findings as frictionless 5.x, much faster."""

from dictionaries.validate.engine import validate
from dictionaries.validate.report import Report, ReportError

__all__ = ["Report", "ReportError", "validate"]
