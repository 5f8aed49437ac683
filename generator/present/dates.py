"""Dates and periods as readers see them."""

from __future__ import annotations

import calendar
import datetime as dt

from generator.formatting import DASH
from generator.periods import period_months
from generator.results import Report


def period_end(report: Report) -> dt.date:
    """Return the last day of the reporting period (milestones are judged against it, not today)."""
    year, month = period_months(report.period, report.scorecard.organization.fiscal_year_start)[1]
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(report: Report) -> str:
    """Return the reporting period for readers, e.g. 'Q2 FY2026 (Oct-Dec 2025)', 'FY2022' or 'Sep 2026'."""
    return report.period.label(report.scorecard.organization.fiscal_year_start)


def format_date(day: dt.date | None) -> str:
    """Return a date as shown everywhere, e.g. '30 Sep 2026', or a dash."""
    return DASH if day is None else f"{day:%d %b %Y}"


def format_span(start: dt.date | None, end: dt.date | None) -> str:
    """Return a date range, e.g. '01 Jan 2026 – 30 Jun 2026'."""
    return f"{format_date(start)} – {format_date(end)}"


def edition_name(report: Report) -> str:
    """Return the name of the audience whose edition the report is, or '' for the only edition."""
    names = {a.id: a.name for a in report.scorecard.organization.audiences}
    return names.get(report.audience or "", "")
