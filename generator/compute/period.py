"""One period's results: rate every KPI, then roll scores up objectives, perspectives and units.

Pure: no I/O, no clock."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from generator.compute.forecast import Limits, forecast_kpi
from generator.compute.series import Series, Value
from generator.model import NOT_APPLICABLE, Kpi, Scorecard, StatusBands, Unit
from generator.periods import PER_YEAR, Period, end_quarter, frequency_step, reading_period
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
    late: dict[str, Period] | None = None,
    less_often: Iterable[tuple[str, str]] | None = None,
    forecasts: bool = True,
) -> PeriodResult:
    """Rate every KPI in `period`, then roll scores up objectives, perspectives and units.

    A late unit (`late` maps it to its latest period with data) shows its KPIs as they were then,
    marked as carried: readers see its latest values, never an empty scorecard. `less_often` names
    the KPIs reported less often than the cadence (their values are carried between reports).
    Year-end forecasts are made when `forecasts` is set.
    """
    late = late or {}
    kpis = {
        (u.id, k.id): _rate_late_or_current(sc, u, o.id, k, series[(u.id, k.id)], period, late.get(u.id), forecasts)
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
    parents = {u.parent for u in sc.units.values()}
    units = {u.id: _unit_result(sc, u, perspectives, kpis, period, u.id in parents) for u in sc.units.values()}
    measured = {
        key: rate_kpi(sc, sc.units[key[0]], r.objective, sc.kpi(*key), series[key], period)
        for key, r in kpis.items()
        if r.carried
    }
    fys = sc.organization.fiscal_year_start
    index = sc.kpi_index()
    between = frozenset(
        key
        for key in less_often or ()
        if (r := kpis[key]).actual is not None
        and not r.carried
        and reading_period(period, index[key].frequency, fys) != period
    )
    return PeriodResult(period, units, perspectives, objectives, kpis, measured, between)


def rate_kpi(
    sc: Scorecard, unit: Unit, objective: str, kpi: Kpi, series: Series, period: Period, forecast: bool = True
) -> KpiResult:
    """Return the KPI's value, target, status, score, trend and freshness in `period`, and its year-end forecast."""
    fys = sc.organization.fiscal_year_start
    reading = reading_period(period, kpi.frequency, fys)
    actual, label = _value_in(series, reading)
    target = series.targets.get(period, target_for(kpi, period, fys))
    bands = sc.status_bands(unit.id, kpi) if kpi.type == "numeric" else None
    green_limit, red_flag = _limits(kpi, target, bands, sc.organization.default_tolerance)
    manual = series.statuses.get(reading, "")
    status, score = rate_manual(kpi, manual) if manual else _rate(kpi, actual, green_limit, red_flag)
    stretch = in_force(kpi.stretch, period, fys)
    if green_limit is None or not stretch_usable(kpi.polarity, green_limit, stretch):
        stretch = None
    exceeds = False
    if stretch is not None and green_limit is not None and status is Status.GREEN and not manual:
        score = score_stretch(kpi.polarity, float(actual), green_limit, stretch)  # type: ignore[arg-type]
        exceeds = exceeds_stretch(kpi.polarity, float(actual), stretch)  # type: ignore[arg-type]
    if not sc.scores(unit.id):
        score = None  # the status stands (met or not), but no 0-10 score is kept for any output to show
    previous, _ = _value_in(series, reading.shift(-frequency_step(kpi.frequency, period.per_year)))
    latest = series.latest(period)
    stale = latest is not None and latest[0] < reading
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
        # a KPI reported less often carries its latest year to date, while that is of this fiscal year
        ytd=series.ytd.get(reading) if actual is not None and _same_year(reading, period, fys) else None,
        previous=previous,
        trend=kpi_trend(kpi, target, previous, actual, stretch),
        latest_period=label or (series.labels[latest[0]] if latest else None),
        latest_value=actual if actual is not None else (latest[1] if latest else None),
        stale=stale,
        months_reported=series.months.get(period),
        # A status set by hand shows why: its own row's note, not the notes of months it replaced
        note=series.reasons[reading] if manual else series.notes.get(reading, ""),
        undefined=series.undefined.get(reading, ""),
        green_limit=green_limit,
        bands=bands,
        manual=bool(manual),
        stretch=stretch,
        exceeds=exceeds,
        forecast=_forecast(sc, unit, kpi, series, period, bands) if forecast else None,
    )


def _rate_late_or_current(
    sc: Scorecard,
    unit: Unit,
    objective: str,
    kpi: Kpi,
    series: Series,
    period: Period,
    latest: Period | None,
    forecast: bool = True,
) -> KpiResult:
    """Rate a KPI in `period`, or, for a late unit, as it stood in the unit's latest period, marked as carried."""
    if latest is not None:
        then = rate_kpi(sc, unit, objective, kpi, series, latest, forecast=False)
        if then.actual is not None:
            return replace(then, period=period, stale=True, carried_from=latest, latest_period=then.latest_period)
    return rate_kpi(sc, unit, objective, kpi, series, period, forecast)


def less_often_kpis(sc: Scorecard, per_year: int) -> list[tuple[str, str]]:
    """Return the KPIs reported less often than a cadence of `per_year` periods (annual ones in quarters)."""
    return [key for key, kpi in sc.kpi_index().items() if PER_YEAR[kpi.frequency] < per_year]


Measured = dict[str, dict[str, list[Period]]]  # unit -> KPI frequency -> periods with a value, sorted


def measured_periods(sc: Scorecard) -> Measured:
    """Return each unit's periods with a measured value by KPI frequency (to find late units by bisection)."""
    index = sc.kpi_index()
    found: dict[str, dict[str, set[Period]]] = defaultdict(lambda: defaultdict(set))
    for m in sc.measures:
        if m.value is not None and (kpi := index.get((m.unit, m.kpi))) is not None:
            found[m.unit][kpi.frequency].add(m.period)
    return {unit: {f: sorted(ps) for f, ps in by_frequency.items()} for unit, by_frequency in found.items()}


def late_units(measured: Measured, period: Period, fiscal_year_start: int = 1) -> dict[str, Period]:
    """Return each unit with no value due in `period` but older ones, with the period of its latest value.

    A value is current until its KPI reports again: a quarterly survey in a monthly scorecard keeps
    its unit on time in the two months after it.
    """
    late = {}
    for unit, by_frequency in measured.items():
        latest: list[Period] = []
        for frequency, periods in by_frequency.items():
            at = bisect.bisect_right(periods, period)
            if at and periods[at - 1] >= reading_period(period, frequency, fiscal_year_start):
                break  # a value for this period: the unit is on time
            latest += periods[at - 1 : at]
        else:
            if latest:
                late[unit] = max(latest)
    return late


def _value_in(series: Series, reading: Period) -> tuple[Value | None, str | None]:
    if reading in series.values:
        return series.values[reading], series.labels.get(reading)
    return None, None


def _forecast(
    sc: Scorecard, unit: Unit, kpi: Kpi, series: Series, period: Period, bands: StatusBands | None
) -> Forecast | None:
    """Return the KPI's year-end forecast, made with the targets in force in each period of the year."""
    fys = sc.organization.fiscal_year_start

    def limits(p: Period) -> Limits:
        target = series.targets.get(p, target_for(kpi, p, fys))
        green_limit, red_flag = _limits(kpi, target, bands, sc.organization.default_tolerance)
        if target is None or green_limit is None or red_flag is None:
            return None
        return target, green_limit, red_flag, in_force(kpi.stretch, p, fys)

    def value(p: Period) -> float | None:
        found = series.values.get(p)
        return float(found) if isinstance(found, int | float) else None

    return forecast_kpi(kpi, period, value, series.ytd.get(period), series.forecasts.get(period), limits, fys)


def target_for(kpi: Kpi, period: Period, fiscal_year_start: int = 1) -> float | tuple[float, float] | None:
    """Return the YAML target in force at the end of the period: a mapping's latest key on or before it."""
    return in_force(kpi.target, period, fiscal_year_start)


def in_force(
    spec: float | tuple[float, float] | dict[str, float | tuple[float, float]] | None,
    period: Period,
    fiscal_year_start: int = 1,
) -> float | tuple[float, float] | None:
    """Return a target or stretch in force at the end of the period: the value, or a mapping's latest key on or before it."""
    if not isinstance(spec, dict):
        return spec
    end = end_quarter(period, fiscal_year_start)
    best: tuple[Period, float | tuple[float, float]] | None = None
    for key, value in spec.items():
        start = key_start(key)
        if start <= end and (best is None or start > best[0]):
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
    if actual == NOT_APPLICABLE or kpi.polarity == "none":
        return Status.NOT_RATED, None
    if kpi.type == "categorical":
        level = level_of(kpi, str(actual))
        return rate_level(level) if level else (Status.NOT_RATED, None)
    if target is None or red_flag is None:
        return Status.NOT_RATED, None
    return kpi_status(kpi.polarity, float(actual), target, red_flag), score_kpi(
        kpi.polarity, float(actual), target, red_flag
    )


def kpi_trend(kpi: Kpi, target: object, previous: Value | None, actual: Value | None, stretch: object = None) -> Trend:
    """Return improving, declining or steady versus the previous value, polarity considered.

    A range KPI is better the nearer it is to where it scores best: inside its stretch band when
    one is in force (every point of it is "Exceeds"), else the middle of its target band.
    """
    if previous is None or actual is None or NOT_APPLICABLE in (previous, actual):
        return Trend.NONE
    if kpi.type == "categorical" and not any(level.status != "none" for level in kpi.levels or ()):
        return Trend.NONE  # information-only levels have no better or worse
    if kpi.polarity == "none" and kpi.type == "numeric":
        if round(float(actual), kpi.decimals) == round(float(previous), kpi.decimals):
            return Trend.STEADY
        return Trend.UP if float(actual) > float(previous) else Trend.DOWN
    if kpi.type == "categorical":
        names = [level.name for level in kpi.levels or ()]
        change = names.index(str(previous)) - names.index(str(actual)) if {previous, actual} <= set(names) else 0
    elif round(float(actual), kpi.decimals) == round(float(previous), kpi.decimals):
        change = 0
    elif kpi.polarity == "range" and isinstance(target, tuple):
        best = stretch if isinstance(stretch, tuple) else ((target[0] + target[1]) / 2,) * 2
        before, now = _distance(float(previous), best), _distance(float(actual), best)
        change = 0 if now == before else 1 if now < before else -1
    else:
        change = 1 if (float(actual) > float(previous)) == (kpi.polarity != "lower") else -1
    return Trend.IMPROVING if change > 0 else Trend.DECLINING if change < 0 else Trend.STEADY


def _distance(value: float, band: tuple[float, float]) -> float:
    """Return how far a value lies outside a band (0 inside it)."""
    return max(band[0] - value, 0.0, value - band[1])


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
            status = status_from_score(score) if score is not None else _unscored(sc, obj.kpis, unit_id, kpis)
            results[(unit_id, obj.id)] = ObjectiveResult(
                unit_id, obj.id, obj.perspective, period, score, status, scored
            )
    return results


def _unscored(sc: Scorecard, kpis: Iterable[Kpi], unit_id: str, results: dict[tuple[str, str], KpiResult]) -> Status:
    """Return an objective's status without a score: not rated when its KPIs have data but carry no score
    (no target, weight 0, reference measures, `scores: false`), no data otherwise."""
    statuses = [results[(unit_id, k.id)].status for k in kpis]
    has_data = [s is not Status.NO_DATA for s in statuses]
    # without scores the KPIs still say something; with them, one missing value keeps the objective open
    enough = any(has_data) if not sc.scores(unit_id) else bool(has_data) and all(has_data)
    return Status.NOT_RATED if enough else Status.NO_DATA


def _unscored_rollup(score: float | None, statuses: Iterable[Status]) -> Status:
    """Return a perspective's or unit's status: from its score, else not rated when any part is."""
    if score is not None:
        return status_from_score(score)
    return Status.NOT_RATED if any(s is Status.NOT_RATED for s in statuses) else Status.NO_DATA


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
    mine = [(objectives[(unit.id, o.id)], o.weight) for o in unit.objectives if o.perspective == perspective]
    score = weighted_mean((result.score, weight) for result, weight in mine)
    status = _unscored_rollup(score, (result.status for result, _ in mine))
    return PerspectiveResult(unit.id, perspective, period, score, status)


def _unit_result(
    sc: Scorecard,
    unit: Unit,
    perspectives: dict[tuple[str, str], PerspectiveResult],
    kpis: dict[tuple[str, str], KpiResult],
    period: Period,
    grouping: bool,
) -> UnitResult:
    """Return the unit's score and counts; a unit that only groups units (no KPIs, `grouping`) is not rated."""
    mine = [(perspectives[(unit.id, p.id)], p.weight) for p in sc.perspectives(unit.id)]
    score = weighted_mean((result.score, weight) for result, weight in mine)
    counts = {status: 0 for status in Status}
    for obj in unit.objectives:
        for kpi in obj.kpis:
            counts[kpis[(unit.id, kpi.id)].status] += 1
    statuses = [r.status for r, _ in mine]
    if grouping and not any(o.kpis for o in unit.objectives):
        statuses.append(Status.NOT_RATED)
    return UnitResult(unit.id, period, score, _unscored_rollup(score, statuses), counts)


# --- Changes -------------------------------------------------------------------------------


def _same_year(a: Period, b: Period, fiscal_year_start: int) -> bool:
    return a.fiscal_year(fiscal_year_start) == b.fiscal_year(fiscal_year_start)
