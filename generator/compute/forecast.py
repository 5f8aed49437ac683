"""Year-end forecasts: where a KPI will end its fiscal year, and the status it would have then.

Pure: no I/O, no clock. Written in periods of the fiscal year (`shift`, `previous`, a period's
fiscal `year`), so it holds for any reporting cadence.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

from generator.model import Kpi
from generator.periods import Period
from generator.results import Forecast, ForecastMethod, Status
from generator.scoring import Target, exceeds_stretch, kpi_status, stretch_usable

WINDOW = 4  # the last (up to) four period values make the run rate and the trend line
MIN_VALUES = 3  # fewer values say too little about where a year is heading
_FORECAST_POLARITIES = ("higher", "lower", "range")  # others (none) have no target to miss
# (target, green limit, red flag, stretch or None) in force in a period; None without a target
Limits = tuple[Target, Target, Target, Target | None] | None
Step = tuple[Period, float, Target | None]  # a period left in the year, its projected value, its target


@functools.lru_cache(maxsize=1024)
def fiscal_year_periods(period: Period, fiscal_year_start: int = 1) -> tuple[Period, ...]:
    """Return every period of the fiscal year `period` belongs to, in order: the one place that knows a year's length."""
    year = period.fiscal_year(fiscal_year_start)
    first = period
    while first.previous().fiscal_year(fiscal_year_start) == year:
        first = first.previous()
    periods = [first]
    while periods[-1].shift(1).fiscal_year(fiscal_year_start) == year:
        periods.append(periods[-1].shift(1))
    return tuple(periods)


def run_rate_total(year_to_date: float, recent: Sequence[float], periods_left: int) -> float:
    """Return the projected full-year total: year-to-date plus the mean recent value for each period left."""
    return year_to_date + math.fsum(recent) / len(recent) * periods_left


def linear_trend(points: Sequence[tuple[int, float]], at: int) -> float:
    """Return the value at `at` of the least-squares straight line through (offset, value) points."""
    n = len(points)
    mean_x = math.fsum(x for x, _ in points) / n
    mean_y = math.fsum(y for _, y in points) / n
    spread = math.fsum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:  # one offset only: no slope to follow
        return mean_y
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y + slope * (at - mean_x)


def forecast_kpi(
    kpi: Kpi,
    period: Period,
    values: Callable[[Period], float | None],
    year_to_date: float | None,
    owner_forecast: float | None,
    limits: Callable[[Period], Limits],
    fiscal_year_start: int = 1,
) -> Forecast | None:
    """Return the KPI's year-end forecast made in `period`, or None where there is none.

    None for `forecast: none`, categorical, annual, untargeted or `polarity: none` KPIs, and in the
    fiscal year's last period (the year is done).
    """
    year = fiscal_year_periods(period, fiscal_year_start)
    if not _forecastable(kpi) or period == year[-1]:
        return None
    year_end = _year_end_limits(kpi, year, limits)
    if year_end is None:
        return None
    rest = year[year.index(period) + 1 :]
    targets = [item[0] if (item := limits(p)) is not None else None for p in rest]
    if owner_forecast is not None:
        steps = _owner_path(kpi, owner_forecast, values(period), year_to_date, len(rest))
        return _rated(kpi, owner_forecast, "owner", year_end, tuple(zip(rest, steps, targets, strict=True)))
    points = _recent_points(period, values, 2 * len(year))
    if len(points) < MIN_VALUES or points[-1][0] != 0:
        return None
    if kpi.aggregation == "sum":
        if year_to_date is None:
            return None
        recent = [v for _, v in points]
        rate = math.fsum(recent) / len(recent)
        path = tuple((p, rate, t) for p, t in zip(rest, targets, strict=True))
        return _rated(kpi, run_rate_total(year_to_date, recent, len(rest)), "run-rate", year_end, path)
    line = [linear_trend(points, k) for k in range(1, len(rest) + 1)]
    return _rated(kpi, line[-1], "trend", year_end, tuple(zip(rest, line, targets, strict=True)))


def _owner_path(kpi: Kpi, forecast: float, now: float | None, year_to_date: float | None, left: int) -> list[float]:
    """Return a path to the owner's forecast: for sums, the rest of the total spread evenly; else a straight line."""
    if kpi.aggregation == "sum":
        return [(forecast - (year_to_date or 0.0)) / left] * left
    start = forecast if now is None else now
    return [start + (forecast - start) * k / left for k in range(1, left + 1)]


def _forecastable(kpi: Kpi) -> bool:
    return (
        kpi.forecast != "none"
        and kpi.type == "numeric"
        and kpi.polarity in _FORECAST_POLARITIES
        and kpi.frequency != "annual"  # an annual value is the year itself
    )


def _recent_points(period: Period, values: Callable[[Period], float | None], lookback: int) -> list[tuple[int, float]]:
    """Return the last (up to) WINDOW values as (offset from `period`, value), oldest first."""
    points: list[tuple[int, float]] = []
    current = period
    for offset in range(0, -lookback, -1):
        if (value := values(current)) is not None:
            points.append((offset, value))
            if len(points) == WINDOW:
                break
        current = current.previous()
    return points[::-1]


def _year_end_limits(kpi: Kpi, year: Sequence[Period], limits: Callable[[Period], Limits]) -> Limits:
    """Return what the year's end is measured against: the last period's limits, or for sums the year's totals."""
    if kpi.aggregation != "sum":
        return limits(year[-1])
    each = [item for p in year if (item := limits(p)) is not None]
    if len(each) < len(year):
        return None
    stretches = [item[3] for item in each if item[3] is not None]
    stretch = _total(stretches) if len(stretches) == len(each) else None  # a total only from every period's
    return _total([i[0] for i in each]), _total([i[1] for i in each]), _total([i[2] for i in each]), stretch


def _total(targets: list[Target]) -> Target:
    if isinstance(targets[0], tuple):
        return (
            math.fsum(t[0] for t in targets if isinstance(t, tuple)),
            math.fsum(t[1] for t in targets if isinstance(t, tuple)),
        )
    return math.fsum(t for t in targets if not isinstance(t, tuple))


def _rated(kpi: Kpi, value: float, method: ForecastMethod, limits: Limits, path: tuple[Step, ...]) -> Forecast:
    assert limits is not None and path
    target, green_limit, red_flag, stretch = limits
    status = kpi_status(kpi.polarity, value, green_limit, red_flag)
    exceeds = (
        status is Status.GREEN
        and stretch_usable(kpi.polarity, green_limit, stretch)
        and exceeds_stretch(kpi.polarity, value, stretch)  # type: ignore[arg-type]
    )
    return Forecast(value, method, path[-1][0], target, green_limit, red_flag, status, path, exceeds)
