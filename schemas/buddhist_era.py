"""Buddhist Era dates: what people read (Excel, reports, pages) is พ.ศ.; storage and APIs stay ISO (ค.ศ.)."""

from __future__ import annotations

import datetime as dt
import re

BE_OFFSET = 543

THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
               "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")

_NUMERIC_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$|^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def to_be_year(year: int) -> int:
    return year + BE_OFFSET


def from_be_year(be_year: int) -> int:
    return be_year - BE_OFFSET


def parse_be_date(text: str) -> dt.date:
    """A Buddhist Era date as people write it: ``2564-03-31`` or ``31/03/2564``. ValueError otherwise."""
    match = _NUMERIC_DATE.match(text)
    if not match:
        raise ValueError(f"not a Buddhist Era date: {text!r}")
    if match.group(1):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    else:
        day, month, year = int(match.group(4)), int(match.group(5)), int(match.group(6))
    if year < 2400:
        raise ValueError(f"year {year} is not a Buddhist Era year: {text!r}")
    return dt.date(from_be_year(year), month, day)


def format_be_date(value: dt.date, *, long: bool = True) -> str:
    """``31 มีนาคม 2564`` (or ``31 มี.ค. 2564`` with ``long=False``)."""
    months = THAI_MONTHS if long else THAI_MONTHS_SHORT
    return f"{value.day} {months[value.month - 1]} {to_be_year(value.year)}"


def iso_be(value: dt.date) -> str:
    """``2564-03-31``: the ISO layout with the Buddhist Era year, as the GD Catalog Excel template has it."""
    return f"{to_be_year(value.year):04d}-{value.month:02d}-{value.day:02d}"
