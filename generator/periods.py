"""Reporting periods: fiscal quarters, months and fiscal years.

A fiscal year is named by the calendar year in which it ends (FY2026 with a July start runs
from July 2025 to June 2026); with the default January start it is the calendar year.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")

PERIOD_FORMATS = "YYYY-Qn (fiscal quarter), YYYY-MM (month) or YYYY (fiscal year)"
# Years a scorecard can plausibly mention. Every quarter between the first and the last measure is
# computed, so one mistyped year (9999-Q4) would otherwise cost thousands of empty quarters.
MIN_YEAR, MAX_YEAR = 1900, 2200
# Measures further than this from the median measured year are taken for typos (2206 for 2026):
# even inside MIN_YEAR-MAX_YEAR, one stray year adds centuries of empty quarters to every build.
MAX_YEARS_FROM_MEDIAN = 30


def year_problem(year: int) -> str:
    """Return why a year is implausible, or an empty string."""
    if MIN_YEAR <= year <= MAX_YEAR:
        return ""
    return f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}"


class Period(NamedTuple):
    """A fiscal quarter such as 2026-Q2 (the second quarter of fiscal year 2026).

    A named tuple, so comparing and hashing run in C: a large build does millions of both.
    """

    year: int
    quarter: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def ordinal(self) -> int:
        """Return a running number: consecutive quarters differ by one."""
        return self.year * 4 + self.quarter - 1

    def shift(self, quarters: int) -> Period:
        """Return the quarter `quarters` later (or earlier when negative)."""
        year, q = divmod(self.ordinal + quarters, 4)
        return Period(year, q + 1)

    def previous(self) -> Period:
        """Return the quarter before this one."""
        return self.shift(-1)

    def label(self, fiscal_year_start: int = 1) -> str:
        """Return a reader's label, e.g. 'Q2 FY2026 (Oct-Dec 2025)'."""
        first, last = quarter_months(self, fiscal_year_start)
        span = f"{_MONTH_NAMES[first[1] - 1]}-{_MONTH_NAMES[last[1] - 1]} {last[0]}"
        return f"Q{self.quarter} FY{self.year} ({span})"


_MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True, slots=True)
class RawPeriod:
    """A period as written in a measures file, before mapping to a fiscal quarter."""

    kind: str  # "quarter" | "month" | "year"
    year: int
    number: int  # quarter 1-4, month 1-12, or 0 for a year

    def __str__(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)


@functools.lru_cache(maxsize=4096)  # a large org has 240,000 rows but only a few dozen distinct periods
def parse_raw_period(text: str) -> RawPeriod | None:
    """Parse YYYY-Qn, YYYY-MM or YYYY; return None when the text is none of them."""
    text = text.strip()
    if len(text) == 7 and text[4:6] == "-Q" and text[:4].isdigit() and text[6] in "1234":
        return RawPeriod("quarter", int(text[:4]), int(text[6]))  # the common case, without a regex
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
        return RawPeriod("month", int(text[:4]), int(text[5:]))
    if m := _QUARTER.match(text):
        return RawPeriod("quarter", int(m[1]), int(m[2]))
    if m := _MONTH.match(text):
        return RawPeriod("month", int(m[1]), int(m[2]))
    if m := _YEAR.match(text):
        return RawPeriod("year", int(m[1]), 0)
    return None


def parse_quarter(text: str) -> Period | None:
    """Parse a fiscal quarter written YYYY-Qn; return None otherwise."""
    m = _QUARTER.match(text.strip())
    return Period(int(m[1]), int(m[2])) if m else None


def month_to_quarter(year: int, month: int, fiscal_year_start: int = 1) -> Period:
    """Return the fiscal quarter a calendar month falls in."""
    offset = (month - fiscal_year_start) % 12
    fiscal_year = year if fiscal_year_start == 1 or month < fiscal_year_start else year + 1
    return Period(fiscal_year, offset // 3 + 1)


@functools.lru_cache(maxsize=4096)
def fiscal_quarter(raw: RawPeriod, fiscal_year_start: int = 1) -> Period:
    """Return the quarter a measure counts in: its own, its month's, or the fourth of its year."""
    if raw.kind == "month":
        return month_to_quarter(raw.year, raw.number, fiscal_year_start)
    return Period(raw.year, raw.number or 4)


def month_index(month: int, fiscal_year_start: int = 1) -> int:
    """Return the month's position (0-11) within its fiscal year."""
    return (month - fiscal_year_start) % 12


def quarter_months(period: Period, fiscal_year_start: int = 1) -> tuple[tuple[int, int], ...]:
    """Return the (year, month) of the first and last calendar month of a fiscal quarter."""
    months = []
    for k in (0, 2):
        offset = (period.quarter - 1) * 3 + k
        month0 = fiscal_year_start - 1 + offset
        year = period.year - (1 if fiscal_year_start != 1 else 0) + month0 // 12
        months.append((year, month0 % 12 + 1))
    return tuple(months)


def quarter_range(first: Period, last: Period) -> list[Period]:
    """Return every quarter from first to last inclusive."""
    return [first.shift(k) for k in range(last.ordinal - first.ordinal + 1)]


def periods_due(quarter: Period, frequency: str, fiscal_year_start: int = 1) -> tuple[RawPeriod, ...]:
    """Return the periods a KPI of `frequency` reports in a fiscal quarter, as measures write them.

    The one place that walks a reporting cycle (collect, missing values): a monthly KPI reports the
    quarter's three months, a quarterly one the quarter, an annual one its fiscal year in the fourth.
    """
    if frequency == "monthly":
        (year, month), _ = quarter_months(quarter, fiscal_year_start)
        return tuple(RawPeriod("month", year + (month - 1 + k) // 12, (month - 1 + k) % 12 + 1) for k in range(3))
    if frequency == "annual":
        return (RawPeriod("year", quarter.year, 0),) if quarter.quarter == 4 else ()
    return (RawPeriod("quarter", quarter.year, quarter.quarter),)
