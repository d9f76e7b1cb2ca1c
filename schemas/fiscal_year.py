"""The Thai government fiscal year (ปีงบประมาณ): 1 October to 30 September, labelled in Buddhist Era.

FY 2564 runs from 1 October 2020 to 30 September 2021; its quarters end on 31 December, 31 March,
30 June and 30 September. Dates here are Thai calendar days (Asia/Bangkok, UTC+7 all year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schemas.buddhist_era import format_be_date, from_be_year, local_day, to_be_year
from schemas.messages import Problem, ProblemsError

FIRST_YEAR, LAST_YEAR = 2400, 2800  # the Buddhist Era years a fiscal year may have (1857–2257 CE)
THAI_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")  # Thailand keeps no daylight saving time
QUARTERS = 4
_QUARTER_START_MONTHS = (10, 1, 4, 7)


@dataclass(frozen=True)
class Quarter:
    fiscal_year: int  # Buddhist Era
    number: int  # 1..4
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label_th(self) -> str:
        return f"ไตรมาสที่ {self.number}"

    @property
    def label_en(self) -> str:
        return f"Quarter {self.number}"

    @property
    def period_th(self) -> str:
        return f"{format_be_date(self.start, long=False)} – {format_be_date(self.end, long=False)}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class FiscalYear:
    year: int  # Buddhist Era, e.g. 2564

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:  # e.g. a day typed as 0303-06-21 or a CE year taken for BE
            raise ProblemsError([Problem(
                field="fiscal_year", code="fiscal_year_out_of_range", value=self.year,
                th=f"ปีงบประมาณ {self.year} อยู่นอกช่วงที่รองรับ (พ.ศ. {FIRST_YEAR}–{LAST_YEAR}) ตรวจสอบปีหรือวันที่ที่ระบุ",
                en=f"Fiscal year {self.year} is outside the supported range (BE {FIRST_YEAR}–{LAST_YEAR}); "
                   "check the year or date given"),
            ])

    @property
    def start(self) -> dt.date:
        return dt.date(from_be_year(self.year) - 1, 10, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(from_be_year(self.year), 9, 30)

    @property
    def label_th(self) -> str:
        return f"ปีงบประมาณ พ.ศ. {self.year}"

    @property
    def label_en(self) -> str:
        return f"Fiscal year {self.year} B.E. ({self.start.year}–{self.end.year})"

    @property
    def quarters(self) -> list[Quarter]:
        return [self.quarter(number) for number in range(1, QUARTERS + 1)]

    def quarter(self, number: int) -> Quarter:
        if not 1 <= number <= QUARTERS:
            raise ValueError(f"quarter {number} is not 1–4")
        month = _QUARTER_START_MONTHS[number - 1]
        year = self.start.year if month >= 10 else self.end.year
        start = dt.date(year, month, 1)
        next_start = dt.date(year + (month + 3 > 12), (month + 3 - 1) % 12 + 1, 1)
        return Quarter(self.year, number, start, next_start - dt.timedelta(days=1))

    def quarter_of(self, day: dt.date) -> Quarter:
        found = next((q for q in self.quarters if q.contains(day)), None)
        if found is None:
            raise ValueError(f"{day} is outside {self.label_en}")
        return found

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def fiscal_year_of(day: dt.date) -> FiscalYear:
    """The fiscal year a day belongs to: October onwards counts toward the next Buddhist Era year."""
    return FiscalYear(to_be_year(day.year + (1 if day.month >= 10 else 0)))


def thai_date(moment: dt.datetime) -> dt.date:
    """The Thai calendar day of a timestamp (a record's time in UTC becomes the day people saw)."""
    return local_day(moment)


def thai_today(now: dt.datetime) -> dt.date:
    return thai_date(now)


def end_of_thai_day(day: dt.date) -> dt.datetime:
    """The last instant of a Thai day, as an aware UTC timestamp: records up to it count as of that day."""
    return (dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), THAI_TZ) - dt.timedelta(microseconds=1)
            ).astimezone(dt.UTC)
