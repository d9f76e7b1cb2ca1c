from __future__ import annotations

import datetime as dt

import pytest

from schemas.buddhist_era import format_be_date, iso_be, parse_be_date, to_be_year


def test_round_trip() -> None:
    day = dt.date(2021, 3, 31)
    assert to_be_year(2021) == 2564
    assert iso_be(day) == "2564-03-31"
    assert parse_be_date("2564-03-31") == day == parse_be_date("31/03/2564")
    assert format_be_date(day) == "31 มีนาคม 2564" and format_be_date(day, long=False) == "31 มี.ค. 2564"


@pytest.mark.parametrize("text", ["2021-03-31", "31/3/21", "2564-02-30", "เมื่อวาน"])
def test_not_a_be_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_be_date(text)
