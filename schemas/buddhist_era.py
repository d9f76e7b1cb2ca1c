"""Buddhist Era dates: what people read (Excel, reports, pages) is พ.ศ.; storage and APIs stay ISO (ค.ศ.)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

BE_OFFSET = 543
BANGKOK = ZoneInfo("Asia/Bangkok")
# The years an entered date may have. Both ranges cover any date a catalog records (CE 1700 is BE 2243), and
# the gap between them means a year is never guessed: 2400 and above is Buddhist Era, 2200 and below is
# Christian Era, anything else (a typo such as 0564 or 2300) is refused rather than stored centuries off.
BE_YEARS = range(2400, 2801)
CE_YEARS = range(1700, 2201)

THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
               "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")

_NUMERIC_DATE = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s*$|^\s*(\d{1,2})[/-](\d{1,2})[/-](\d{4})\s*$")
# an ISO moment (a date cell read as text, a JSON timestamp): its day is the date
_ISO_MOMENT = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\s*$")


def to_be_year(year: int) -> int:
    return year + BE_OFFSET


def from_be_year(be_year: int) -> int:
    return be_year - BE_OFFSET


class EnteredDateError(ValueError):
    """A date a person entered that cannot be read: ``code`` is ``invalid_date`` (not a date in an accepted
    layout, or no such day) or ``invalid_date_year`` (a year neither Buddhist nor Christian Era)."""

    def __init__(self, code: str, value: str, year: int | None = None) -> None:
        super().__init__(f"{code}: {value!r}")
        self.code, self.value, self.year = code, value, year


def read_entered_date(value: Any) -> dt.date:
    """The one reader of a date a person entered (web form, command line, API, workbook) → a CE date.

    Text as ``2564-03-31``, ``31/03/2564`` (or with the other separator), or ISO ``2021-03-31``; a date or
    date cell. A year in ``BE_YEARS`` is Buddhist Era (543 years are taken off before the day is checked, so
    ``2567-02-29`` is 29 February 2024); a year in ``CE_YEARS`` is Christian Era; any other year is refused.
    """
    if isinstance(value, dt.datetime):
        return read_entered_date(value.date())
    if isinstance(value, dt.date):
        return _checked_day(value.year, value.month, value.day, value.isoformat())
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is None:
        raise EnteredDateError("invalid_date", repr(value))
    moment = _ISO_MOMENT.match(text)
    match = _NUMERIC_DATE.match(moment.group(1) if moment else text)
    if not match:
        raise EnteredDateError("invalid_date", text.strip())
    if match.group(1):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    else:
        day, month, year = int(match.group(4)), int(match.group(5)), int(match.group(6))
    return _checked_day(year, month, day, text.strip())


def _checked_day(year: int, month: int, day: int, shown: str) -> dt.date:
    if year in BE_YEARS:
        year = from_be_year(year)
    elif year not in CE_YEARS:
        raise EnteredDateError("invalid_date_year", shown, year)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise EnteredDateError("invalid_date", shown) from None


def _entered_date_for_model(value: Any) -> Any:
    """Pydantic's side of :func:`read_entered_date`: the error carries the code the problem catalog words."""
    try:
        return read_entered_date(value)
    except EnteredDateError as exc:
        raise PydanticCustomError(exc.code, exc.code, {"value": exc.value, "year": exc.year or ""}) from None


# a date field of an input model: read as people enter it, kept as a CE ``date``
EnteredDate = Annotated[dt.date, BeforeValidator(_entered_date_for_model)]


def bangkok_time(moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC; a naive one is UTC, as SQLite hands it back) as the clock read in Bangkok."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(BANGKOK)


def local_day(value: dt.date | dt.datetime) -> dt.date:
    """The day people in Thailand saw: a moment is converted to Asia/Bangkok first; a date is already a day."""
    return bangkok_time(value).date() if isinstance(value, dt.datetime) else value


def format_be_date(value: dt.date | dt.datetime, *, long: bool = True) -> str:
    """``31 มีนาคม 2564`` (or ``31 มี.ค. 2564`` with ``long=False``); a moment is shown as its Bangkok day."""
    value = local_day(value)
    months = THAI_MONTHS if long else THAI_MONTHS_SHORT
    return f"{value.day} {months[value.month - 1]} {to_be_year(value.year)}"


def format_be_moment(value: dt.datetime | None) -> str:
    """``5 ธ.ค. 2569 01:30:00``: a stored moment (UTC; naive is UTC) as people in Thailand read it."""
    if value is None:
        return "-"
    local = bangkok_time(value)
    return f"{format_be_date(local.date(), long=False)} {local:%H:%M:%S}"


def slash_be(value: dt.date) -> str:
    """``31/03/2564``: how a date input shows a stored date (and reads it back with :func:`read_entered_date`)."""
    return f"{value.day:02d}/{value.month:02d}/{to_be_year(value.year):04d}"


def date_input_text(value: Any) -> str:
    """What a date input shows: a stored (ISO) date as ``31/03/2564``; text that is not one (what a person typed,
    shown again beside its error) as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return slash_be(value)
    try:
        return slash_be(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def iso_be(value: dt.date) -> str:
    """``2564-03-31``: the ISO layout with the Buddhist Era year, as the GD Catalog Excel template has it."""
    return f"{to_be_year(value.year):04d}-{value.month:02d}-{value.day:02d}"
