"""One period's results: rate every KPI, then roll scores up objectives, perspectives and units.

Pure: no I/O, no clock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from generator.compute.forecast import Limits, forecast_kpi
from generator.compute.series import Series, Value
from generator.model import Kpi, Scorecard, StatusBands, Unit
from generator.periods import Period
from generator.results import (
    Forecast,
    KpiResult,
    ObjectiveResult,
    PeriodResult,
    PerspectiveResult,
    Status,
    Trend,
    UnitResult,
)
from generator.scoring import (
    Target,
    exceeds_stretch,
    kpi_status,
    level_of,
    rate_level,
    rate_manual,
    score_kpi,
    score_stretch,
    status_from_score,
    status_limits,
    stretch_usable,
    weighted_mean,
)


def compute_period(
    sc: Scorecard,
    series: dict[tuple[str, str], Series],
    period: Period,
    supporters: dict[tuple[str, str], list[tuple[str, str]]] | None = None,
    forecasts: bool = True,
) -> PeriodResult:
    """Rate every KPI in `period` (with year-end forecasts if asked), then roll scores up."""
    kpis = {
        (u.id, k.id): rate_kpi(sc, u, o.id, k, series[(u.id, k.id)], period, forecasts)
        for u in sc.units.values()
        for o in u.objectives
        for k in o.kpis
    }
    objectives = _objective_results(sc, kpis, period, supporters or supporting_objectives(sc))
    perspectives = {
        (u.id, p.id): _perspective_result(u, p.id, objectives, period)
        for u in sc.units.values()
        for p in sc.perspectives(u.id)
    }
    units = {u.id: _unit_result(sc, u, perspectives, kpis, period) for u in sc.units.values()}
    return PeriodResult(period, units, perspectives, objectives, kpis)


def rate_kpi(
    sc: Scorecard, unit: Unit, objective: str, kpi: Kpi, series: Series, period: Period, forecast: bool = True
) -> KpiResult:
    """Return the KPI's value, target, status, score, trend and freshness in `period`, and its year-end forecast."""
    actual, label = _value_in(kpi, series, period)
    target = series.targets.get(period, target_for(kpi, period))
    bands = sc.status_bands(unit.id, kpi) if kpi.type == "numeric" else None
    green_limit, red_flag = _limits(kpi, target, bands, sc.organization.default_tolerance)
    reading = _reading_quarter(kpi, period)
    manual = series.statuses.get(reading, "")
    status, score = rate_manual(kpi, manual) if manual else _rate(kpi, actual, green_limit, red_flag)
    stretch = in_force(kpi.stretch, period)
    if green_limit is None or not stretch_usable(kpi.polarity, green_limit, stretch):
        stretch = None
    exceeds = False
    if stretch is not None and green_limit is not None and status is Status.GREEN and not manual:
        score = score_stretch(kpi.polarity, float(actual), green_limit, stretch)  # type: ignore[arg-type]
        exceeds = exceeds_stretch(kpi.polarity, float(actual), stretch)  # type: ignore[arg-type]
    previous, _ = _value_in(kpi, series, period.previous() if kpi.frequency != "annual" else period.shift(-4))
    latest = series.latest(period)
    stale = latest is not None and latest[0] < _reading_quarter(kpi, period)
    return KpiResult(
        unit=unit.id,
        objective=objective,
        kpi=kpi.id,
        period=period,
        actual=actual,
        target=target,
        red_flag=red_flag,
        score=score,
        status=status,
        ytd=series.ytd.get(period) if actual is not None else None,
        previous=previous,
        trend=kpi_trend(kpi, target, previous, actual),
        latest_period=label or (series.labels[latest[0]] if latest else None),
        latest_value=actual if actual is not None else (latest[1] if latest else None),
        stale=stale,
        months_reported=series.months.get(period),
        # A status set by hand shows why: its own row's note, not the notes of months it replaced
        note=series.reasons[reading] if manual else series.notes.get(reading, ""),
        undefined=series.undefined.get(_reading_quarter(kpi, period), ""),
        green_limit=green_limit,
        bands=bands,
        manual=bool(manual),
        stretch=stretch,
        exceeds=exceeds,
        forecast=_forecast(sc, unit, kpi, series, period, bands) if forecast else None,
    )


def _forecast(
    sc: Scorecard, unit: Unit, kpi: Kpi, series: Series, period: Period, bands: StatusBands | None
) -> Forecast | None:
    """Return the KPI's year-end forecast, made with the targets in force in each period of the year."""

    def limits(p: Period) -> Limits:
        target = series.targets.get(p, target_for(kpi, p))
        green_limit, red_flag = _limits(kpi, target, bands, sc.organization.default_tolerance)
        if target is None or green_limit is None or red_flag is None:
            return None
        return target, green_limit, red_flag, in_force(kpi.stretch, p)

    def value(p: Period) -> float | None:
        found = series.values.get(p)
        return float(found) if isinstance(found, int | float) else None

    return forecast_kpi(kpi, period, value, series.ytd.get(period), series.forecasts.get(period), limits)


def _value_in(kpi: Kpi, series: Series, period: Period) -> tuple[Value | None, str | None]:
    quarter = _reading_quarter(kpi, period)
    if quarter in series.values:
        return series.values[quarter], series.labels.get(quarter)
    return None, None


def _reading_quarter(kpi: Kpi, period: Period) -> Period:
    """Return the quarter whose value a KPI reports in `period`.

    An annual value is known at the end of its fiscal year, so quarters 1-3 report last year's.
    """
    if kpi.frequency != "annual":
        return period
    return Period(period.year if period.quarter == 4 else period.year - 1, 4)


def target_for(kpi: Kpi, period: Period) -> float | tuple[float, float] | None:
    """Return the YAML target in force: a mapping's latest key on or before the period."""
    return in_force(kpi.target, period)


def in_force(
    spec: float | tuple[float, float] | dict[str, float | tuple[float, float]] | None, period: Period
) -> float | tuple[float, float] | None:
    """Return a target or stretch in force: the value, or a mapping's latest key on or before the period."""
    if not isinstance(spec, dict):
        return spec
    best: tuple[Period, float | tuple[float, float]] | None = None
    for key, value in spec.items():
        start = key_start(key)
        if start <= period and (best is None or start > best[0]):
            best = (start, value)
    return best[1] if best else None


def key_start(key: str) -> Period:
    """Return the first period a target mapping's key applies from: its period, or its fiscal year's first."""
    return Period(int(key[:4]), int(key[-1]) if "-Q" in key else 1)


def _limits(
    kpi: Kpi, target: float | tuple[float, float] | None, bands: StatusBands | None, tolerance: float
) -> tuple[Target | None, Target | None]:
    """Return (green limit, red flag): without bands green starts at the target, red at `default_tolerance`."""
    if target is None:
        return None, None
    green, red = (bands.green, bands.red) if bands else (0.0, tolerance)
    return status_limits(kpi.polarity, target, green, red, kpi.red_flag)


def _rate(
    kpi: Kpi,
    actual: Value | None,
    target: float | tuple[float, float] | None,
    red_flag: float | tuple[float, float] | None,
) -> tuple[Status, float | None]:
    if actual is None:
        return Status.NO_DATA, None
    if kpi.type == "categorical":
        level = level_of(kpi, str(actual))
        return rate_level(level) if level else (Status.NOT_RATED, None)
    if target is None or red_flag is None:
        return Status.NOT_RATED, None
    return kpi_status(kpi.polarity, float(actual), target, red_flag), score_kpi(
        kpi.polarity, float(actual), target, red_flag
    )


def kpi_trend(kpi: Kpi, target: object, previous: Value | None, actual: Value | None) -> Trend:
    """Return improving, declining or steady versus the previous value, polarity considered."""
    if previous is None or actual is None:
        return Trend.NONE
    if kpi.type == "categorical":
        names = [level.name for level in kpi.levels or ()]
        change = names.index(str(previous)) - names.index(str(actual)) if {previous, actual} <= set(names) else 0
    elif round(float(actual), kpi.decimals) == round(float(previous), kpi.decimals):
        change = 0
    elif kpi.polarity == "range" and isinstance(target, tuple):
        middle = (target[0] + target[1]) / 2
        change = 1 if abs(float(actual) - middle) < abs(float(previous) - middle) else -1
    else:
        change = 1 if (float(actual) > float(previous)) == (kpi.polarity != "lower") else -1
    return Trend.IMPROVING if change > 0 else Trend.DECLINING if change < 0 else Trend.STEADY


def _objective_results(
    sc: Scorecard,
    kpis: dict[tuple[str, str], KpiResult],
    period: Period,
    supporters: dict[tuple[str, str], list[tuple[str, str]]],
) -> dict[tuple[str, str], ObjectiveResult]:
    weights = {(u.id, o.id): o.weight for u in sc.units.values() for o in u.objectives}
    results: dict[tuple[str, str], ObjectiveResult] = {}
    for unit_id in reversed(sc.units):  # descendants first: supporting objectives are ready
        unit = sc.units[unit_id]
        for obj in unit.objectives:
            pairs = [(kpis[(unit_id, k.id)].score, k.weight) for k in obj.kpis]
            if obj.include_supporting:
                pairs += [(results[s].score, weights[s]) for s in supporters.get((unit_id, obj.id), [])]
            score = weighted_mean(pairs)
            scored = sum(1 for s, w in pairs if s is not None and w > 0)
            status = status_from_score(score) if score is not None else _unscored(obj.kpis, unit_id, kpis)
            results[(unit_id, obj.id)] = ObjectiveResult(
                unit_id, obj.id, obj.perspective, period, score, status, scored
            )
    return results


def _unscored(kpis: Iterable[Kpi], unit_id: str, results: dict[tuple[str, str], KpiResult]) -> Status:
    rated = [results[(unit_id, k.id)].status for k in kpis]
    return Status.NOT_RATED if rated and all(s is Status.NOT_RATED for s in rated) else Status.NO_DATA


def supporting_objectives(sc: Scorecard) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Map each objective to the descendant objectives that support it (the cascade)."""
    result: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for unit in sc.units.values():
        for obj in unit.objectives:
            for ref in obj.supports:
                parent_unit, _, parent_obj = ref.partition("/")
                result[(parent_unit, parent_obj)].append((unit.id, obj.id))
    return result


def _perspective_result(
    unit: Unit, perspective: str, objectives: dict[tuple[str, str], ObjectiveResult], period: Period
) -> PerspectiveResult:
    score = weighted_mean(
        (objectives[(unit.id, o.id)].score, o.weight) for o in unit.objectives if o.perspective == perspective
    )
    return PerspectiveResult(unit.id, perspective, period, score, status_from_score(score))


def _unit_result(
    sc: Scorecard,
    unit: Unit,
    perspectives: dict[tuple[str, str], PerspectiveResult],
    kpis: dict[tuple[str, str], KpiResult],
    period: Period,
) -> UnitResult:
    score = weighted_mean((perspectives[(unit.id, p.id)].score, p.weight) for p in sc.perspectives(unit.id))
    counts = {status: 0 for status in Status}
    for obj in unit.objectives:
        for kpi in obj.kpis:
            counts[kpis[(unit.id, kpi.id)].status] += 1
    return UnitResult(unit.id, period, score, status_from_score(score), counts)


# --- Changes -------------------------------------------------------------------------------
