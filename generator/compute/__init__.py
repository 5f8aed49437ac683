"""Compute every period's results: KPI values, statuses, scores, trends and roll-ups.

Pure: the scorecard and the reporting period come in, a `Report` goes out. No I/O, no clock.
"""

from __future__ import annotations

from generator.compute.changes import compute_changes
from generator.compute.period import (
    compute_period,
    kpi_trend,
    late_units,
    less_often_kpis,
    measured_periods,
    rate_kpi,
    supporting_objectives,
    target_for,
)
from generator.compute.restatements import find_restatements, restate
from generator.compute.series import Series, build_series
from generator.model import Scorecard
from generator.periods import Period, period_range
from generator.results import Report

__all__ = [
    "Series",
    "available_periods",
    "build_series",
    "compute_changes",
    "compute_period",
    "compute_report",
    "find_restatements",
    "kpi_trend",
    "latest_period",
    "rate_kpi",
    "restate",
    "supporting_objectives",
    "target_for",
]


def latest_period(sc: Scorecard) -> Period | None:
    """Return the latest period with any measured value."""
    periods = [m.period for m in sc.measures if m.value is not None]
    return max(periods, default=None)


def available_periods(sc: Scorecard) -> list[Period]:
    """Return every period of the cadence from the first to the last with data."""
    periods = [m.period for m in sc.measures if m.value is not None]
    return period_range(min(periods), max(periods)) if periods else []


def compute_report(sc: Scorecard, period: Period, history: int | None = None) -> Report:
    """Compute every period from the first with data (or `history` periods back) to `period`."""
    known = available_periods(sc)
    first = min(known[0], period) if known else period
    if history is not None:
        first = max(first, period.shift(1 - history))
    periods = tuple(period_range(first, period))
    series = build_series(sc, periods)
    supporters = supporting_objectives(sc)
    measured, less_often = measured_periods(sc), less_often_kpis(sc, period.per_year)
    # Only the reporting period looks ahead: forecasts of earlier periods are never shown, and
    # making them doubled the compute time of a 9,000-KPI organisation.
    by_period = {
        p: compute_period(
            sc,
            series,
            p,
            supporters,
            late_units(measured, p, sc.organization.fiscal_year_start),
            less_often,
            forecasts=p == period,
        )
        for p in periods
    }
    changes = compute_changes(sc, by_period.get(period.previous()), by_period[period])
    return Report(sc, period, periods, by_period, changes, supporters)
