from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ValidationError

from schemas.buddhist_era import (
    EnteredDate,
    EnteredDateError,
    format_be_date,
    iso_be,
    local_day,
    read_entered_date,
    slash_be,
    to_be_year,
)


def test_round_trip() -> None:
    day = dt.date(2021, 3, 31)
    assert to_be_year(2021) == 2564
    assert iso_be(day) == "2564-03-31" and slash_be(day) == "31/03/2564"
    assert read_entered_date("2564-03-31") == day == read_entered_date("31/03/2564")
    assert read_entered_date(slash_be(day)) == day == read_entered_date(iso_be(day))
    assert format_be_date(day) == "31 มีนาคม 2564" and format_be_date(day, long=False) == "31 มี.ค. 2564"


@pytest.mark.parametrize(("entered", "expected"), [
    ("2564-03-31", dt.date(2021, 3, 31)),
    ("31/03/2564", dt.date(2021, 3, 31)),
    ("31/3/2564", dt.date(2021, 3, 31)),
    ("2021-03-31", dt.date(2021, 3, 31)),  # a Christian Era year is read as one
    ("31/03/2021", dt.date(2021, 3, 31)),
    ("2567-02-29", dt.date(2024, 2, 29)),  # BE 2567 is not a leap number; CE 2024 is: the year converts first
    ("29/02/2567", dt.date(2024, 2, 29)),
    ("2564-03-31T00:00:00", dt.date(2021, 3, 31)),
    (dt.date(2564, 3, 31), dt.date(2021, 3, 31)),  # a workbook's date cell with the Buddhist Era year
    (dt.datetime(2021, 3, 31, 0, 0), dt.date(2021, 3, 31)),
])
def test_read_entered_date(entered: object, expected: dt.date) -> None:
    assert read_entered_date(entered) == expected


@pytest.mark.parametrize(("entered", "code"), [
    ("0564-03-31", "invalid_date_year"),
    ("2300-01-01", "invalid_date_year"),  # neither era: never guessed
    ("31/03/64", "invalid_date"),
    ("2564-02-30", "invalid_date"),
    ("2566-02-29", "invalid_date"),  # CE 2023 has no 29 February
    ("เมื่อวาน", "invalid_date"),
])
def test_refused(entered: str, code: str) -> None:
    with pytest.raises(EnteredDateError) as caught:
        read_entered_date(entered)
    assert caught.value.code == code


def test_model_field_reads_be_and_names_the_code() -> None:
    class Entry(BaseModel):
        day: EnteredDate | None = None

    assert Entry(day="2564-03-31").day == dt.date(2021, 3, 31)
    assert Entry(day=None).day is None
    with pytest.raises(ValidationError) as caught:
        Entry(day="3564-03-31")
    assert caught.value.errors()[0]["type"] == "invalid_date_year"


def test_display_is_the_bangkok_day() -> None:
    # 18:30 UTC on 4 December is 01:30 on 5 December in Bangkok
    moment = dt.datetime(2026, 12, 4, 18, 30, tzinfo=dt.UTC)
    assert local_day(moment) == dt.date(2026, 12, 5)
    assert format_be_date(moment) == "5 ธันวาคม 2569"
    assert format_be_date(moment.replace(tzinfo=None)) == "5 ธันวาคม 2569"  # stored naive moments are UTC
