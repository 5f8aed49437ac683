"""Reporting periods: fiscal quarters, months and fiscal years.

A fiscal year is named by the calendar year in which it ends (FY2026 with a July start runs
from July 2025 to June 2026); with the default January start it is the calendar year.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

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


Cadence = Literal["annual", "quarterly", "monthly"]
CADENCES: tuple[Cadence, ...] = ("annual", "quarterly", "monthly")
PER_YEAR: dict[str, int] = {"annual": 1, "quarterly": 4, "monthly": 12}
_CADENCE_OF = {1: "annual", 4: "quarterly", 12: "monthly"}
ID_FORMS = {"annual": "YYYY", "quarterly": "YYYY-Qn", "monthly": "YYYY-MM"}
PERIOD_NOUNS = {"annual": "year", "quarterly": "quarter", "monthly": "month"}


class Period(NamedTuple):
    """One reporting period of a cadence: a fiscal year (2026), quarter (2026-Q2) or month (2026-09).

    `per_year` is the cadence (1, 4 or 12 periods a year). A year or quarter is numbered in fiscal
    terms (2026-Q2 is the second quarter of fiscal year 2026); a month by the calendar, as measures
    name it (2026-09 is September 2026, whichever fiscal year it falls in).
    A named tuple, so comparing and hashing run in C: a large build does millions of both.
    """

    year: int
    number: int  # quarter 1-4, calendar month 1-12, or 1 for a year
    per_year: int = 4

    def __str__(self) -> str:
        if self.per_year == 4:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}" if self.per_year == 12 else str(self.year)

    @property
    def cadence(self) -> Cadence:
        """Return the cadence the period belongs to: annual, quarterly or monthly."""
        return _CADENCE_OF[self.per_year]  # type: ignore[return-value]

    @property
    def quarter(self) -> int:
        """Return the quarter number of a quarterly period (kept for readability where quarters are meant)."""
        return self.number

    @property
    def ordinal(self) -> int:
        """Return a running number: consecutive periods differ by one."""
        return self.year * self.per_year + self.number - 1

    def shift(self, steps: int) -> Period:
        """Return the period `steps` later (or earlier when negative), in the same cadence."""
        year, n = divmod(self.ordinal + steps, self.per_year)
        return Period(year, n + 1, self.per_year)

    def previous(self) -> Period:
        """Return the period before this one."""
        return self.shift(-1)

    def fiscal_year(self, fiscal_year_start: int = 1) -> int:
        """Return the fiscal year the period falls in."""
        if self.per_year != 12 or fiscal_year_start == 1 or self.number < fiscal_year_start:
            return self.year
        return self.year + 1

    def label(self, fiscal_year_start: int = 1) -> str:
        """Return a reader's label: 'FY2022', 'Q2 FY2026 (Oct-Dec 2025)' or 'Sep 2026'."""
        if self.per_year == 1:
            return f"FY{self.year}"
        if self.per_year == 12:
            return f"{_MONTH_NAMES[self.number - 1]} {self.year}"
        first, last = quarter_months(self, fiscal_year_start)
        span = f"{_MONTH_NAMES[first[1] - 1]}-{_MONTH_NAMES[last[1] - 1]} {last[0]}"
        return f"Q{self.number} FY{self.year} ({span})"

    def short_label(self, fiscal_year_start: int = 1) -> str:
        """Return a compact reader's label for chart axes and table columns: 'FY2022', 'Q3 FY2026', 'Sep 2026'."""
        return f"Q{self.number} FY{self.year}" if self.per_year == 4 else self.label(fiscal_year_start)


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


def parse_period(text: str, cadence: str = "quarterly") -> Period | None:
    """Parse a period id in the cadence's form (YYYY, YYYY-Qn or YYYY-MM); return None otherwise."""
    raw = parse_raw_period(text)
    if raw is None or raw.kind != _RAW_KIND[cadence]:
        return None
    return Period(raw.year, raw.number or 1, PER_YEAR[cadence])


_RAW_KIND = {"annual": "year", "quarterly": "quarter", "monthly": "month"}


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


@functools.lru_cache(maxsize=4096)
def fiscal_period(raw: RawPeriod, fiscal_year_start: int = 1, cadence: str = "quarterly") -> Period:
    """Return the period of the cadence a measure counts in.

    A value of a longer period counts in its last month or quarter (an annual value in the fourth
    quarter, a quarterly one in the quarter's last month); values of shorter periods are collected
    into the period that holds them and aggregated there.
    """
    if cadence == "quarterly":
        return fiscal_quarter(raw, fiscal_year_start)
    if cadence == "annual":
        year = month_to_quarter(raw.year, raw.number, fiscal_year_start).year if raw.kind == "month" else raw.year
        return Period(year, 1, 1)
    if raw.kind == "month":
        return Period(raw.year, raw.number, 12)
    quarter = Period(raw.year, raw.number or 4)
    year, month = quarter_months(quarter, fiscal_year_start)[1]
    return Period(year, month, 12)


def month_index(month: int, fiscal_year_start: int = 1) -> int:
    """Return the month's position (0-11) within its fiscal year."""
    return (month - fiscal_year_start) % 12


def quarter_months(period: Period, fiscal_year_start: int = 1) -> tuple[tuple[int, int], ...]:
    """Return the (year, month) of the first and last calendar month of a fiscal quarter."""
    months = []
    for k in (0, 2):
        offset = (period.number - 1) * 3 + k
        month0 = fiscal_year_start - 1 + offset
        year = period.year - (1 if fiscal_year_start != 1 else 0) + month0 // 12
        months.append((year, month0 % 12 + 1))
    return tuple(months)


def period_months(period: Period, fiscal_year_start: int = 1) -> tuple[tuple[int, int], tuple[int, int]]:
    """Return the (year, month) of the first and last calendar month of a period of any cadence."""
    if period.per_year == 12:
        return (period.year, period.number), (period.year, period.number)
    if period.per_year == 1:
        first = quarter_months(Period(period.year, 1), fiscal_year_start)[0]
        return first, quarter_months(Period(period.year, 4), fiscal_year_start)[1]
    first, last = quarter_months(period, fiscal_year_start)
    return first, last


def end_quarter(period: Period, fiscal_year_start: int = 1) -> Period:
    """Return the fiscal quarter a period of any cadence ends in (targets in force are read there)."""
    if period.per_year == 4:
        return period
    if period.per_year == 1:
        return Period(period.year, 4)
    return month_to_quarter(period.year, period.number, fiscal_year_start)


def quarter_range(first: Period, last: Period) -> list[Period]:
    """Return every period from first to last inclusive (both of one cadence)."""
    return [first.shift(k) for k in range(last.ordinal - first.ordinal + 1)]


period_range = quarter_range


def reading_period(period: Period, frequency: str, fiscal_year_start: int = 1) -> Period:
    """Return the period whose value a KPI of `frequency` reports in `period`.

    A value is known at the end of its own period, so a KPI reported less often than the cadence
    carries its latest completed value: an annual KPI shows last year's until the year's last
    quarter or month, a quarterly one in a monthly scorecard last quarter's until the quarter ends.
    """
    if PER_YEAR[frequency] >= period.per_year:
        return period
    if period.per_year == 4:  # an annual KPI
        return Period(period.year if period.number == 4 else period.year - 1, 4)
    behind = month_index(period.number, fiscal_year_start) + 1
    behind = behind % 3 if frequency == "quarterly" else behind % 12
    return period.shift(-behind)


def frequency_step(frequency: str, cadence_per_year: int) -> int:
    """Return how many periods of the cadence lie between two values of a KPI of `frequency`."""
    return max(1, cadence_per_year // PER_YEAR[frequency])


def periods_due(period: Period, frequency: str, fiscal_year_start: int = 1) -> tuple[RawPeriod, ...]:
    """Return the periods a KPI of `frequency` reports in a reporting period, as measures write them.

    The one place that walks a reporting cycle (collect, missing values): in a quarter a monthly KPI
    reports the quarter's three months, a quarterly one the quarter, an annual one its fiscal year in
    the fourth; in a year every month or quarter of it; in a month a quarterly or annual KPI reports
    only in the quarter's or year's last month.
    """
    if period.per_year == 12:
        if reading_period(period, frequency, fiscal_year_start) != period:
            return ()
        kind = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[frequency]
        if kind == "month":
            return (RawPeriod("month", period.year, period.number),)
        quarter = month_to_quarter(period.year, period.number, fiscal_year_start)
        return (RawPeriod(kind, quarter.year, quarter.number if kind == "quarter" else 0),)
    if period.per_year == 1:
        if frequency == "annual":
            return (RawPeriod("year", period.year, 0),)
        quarters = [Period(period.year, q) for q in range(1, 5)]
        return tuple(r for q in quarters for r in periods_due(q, frequency, fiscal_year_start))
    if frequency == "monthly":
        (year, month), _ = quarter_months(period, fiscal_year_start)
        return tuple(RawPeriod("month", year + (month - 1 + k) // 12, (month - 1 + k) % 12 + 1) for k in range(3))
    if frequency == "annual":
        return (RawPeriod("year", period.year, 0),) if period.number == 4 else ()
    return (RawPeriod("quarter", period.year, period.number),)


def id_label(text: str, fiscal_year_start: int = 1) -> str:
    """Return the reader's label of a period id ('2021' -> 'FY2021', '2026-09' -> 'Sep 2026'); other text as is."""
    raw = parse_raw_period(text)
    if raw is None:
        return text
    if raw.kind == "month":
        return Period(raw.year, raw.number, 12).label(fiscal_year_start)
    if raw.kind == "quarter":
        return Period(raw.year, raw.number).label(fiscal_year_start)
    return f"FY{raw.year}"
