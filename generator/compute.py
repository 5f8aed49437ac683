"""Compute every period's results: KPI values, statuses, scores, trends and roll-ups.

Pure: the scorecard and the reporting period come in, a `Report` goes out. No I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.formula import parse_formula
from generator.model import Kpi, Measure, Scorecard, Unit
from generator.periods import Period, month_index, month_to_quarter, quarter_range
from generator.results import (
    Change,
    Changes,
    KpiResult,
    ObjectiveResult,
    PeriodResult,
    PerspectiveResult,
    Report,
    Status,
    Trend,
    UnitResult,
)
from generator.scoring import (
    aggregate,
    default_red_flag,
    kpi_status,
    level_of,
    rate_level,
    score_kpi,
    status_from_score,
    weighted_mean,
)

Value = float | str
Rated = UnitResult | ObjectiveResult | KpiResult


@dataclass
class Series:
    """A KPI's values by fiscal quarter, with year-to-date and what the data says about them."""

    values: dict[Period, Value] = field(default_factory=dict)
    ytd: dict[Period, float] = field(default_factory=dict)
    months: dict[Period, int] = field(default_factory=dict)
    labels: dict[Period, str] = field(default_factory=dict)  # period the value was read for
    targets: dict[Period, float] = field(default_factory=dict)  # CSV overrides
    notes: dict[Period, str] = field(default_factory=dict)


def latest_period(sc: Scorecard) -> Period | None:
    """Return the latest quarter with any measured value."""
    quarters = [_quarter_of(m, sc) for m in sc.measures if m.value is not None]
    return max(quarters, default=None)


def available_periods(sc: Scorecard) -> list[Period]:
    """Return every quarter from the first to the last with data."""
    quarters = [_quarter_of(m, sc) for m in sc.measures if m.value is not None]
    return quarter_range(min(quarters), max(quarters)) if quarters else []


def _quarter_of(measure: Measure, sc: Scorecard) -> Period:
    raw, start = measure.raw_period, sc.organization.fiscal_year_start
    if raw.kind == "month":
        return month_to_quarter(raw.year, raw.number, start)
    return Period(raw.year, raw.number or 4)


def compute_report(sc: Scorecard, period: Period, history: int | None = None) -> Report:
    """Compute every quarter from the first with data (or `history` quarters back) to `period`."""
    known = available_periods(sc)
    first = min(known[0], period) if known else period
    if history is not None:
        first = max(first, period.shift(1 - history))
    periods = tuple(quarter_range(first, period))
    series = build_series(sc, periods)
    by_period = {p: compute_period(sc, series, p) for p in periods}
    return Report(sc, period, periods, by_period)


# --- Series --------------------------------------------------------------------------------


def build_series(sc: Scorecard, periods: Iterable[Period]) -> dict[tuple[str, str], Series]:
    """Turn measures into quarterly series, then derive rolled-up and calculated KPIs."""
    periods = list(periods)
    raw: dict[tuple[str, str], list[Measure]] = defaultdict(list)
    for measure in sc.measures:
        raw[(measure.unit, measure.kpi)].append(measure)
    kpis = _kpis_by_unit(sc)
    series: dict[tuple[str, str], Series] = {}
    for unit_id in reversed(sc.units):  # children before parents, for roll-ups
        for kpi in _in_formula_order(kpis[unit_id]):
            key = (unit_id, kpi.id)
            if kpi.rollup:
                series[key] = _rollup_series(sc, unit_id, kpi, series, periods)
            elif kpi.formula:
                series[key] = _formula_series(unit_id, kpi, series, periods)
            else:
                series[key] = _measured_series(kpi, raw.get(key, []), sc.organization.fiscal_year_start)
    return series


def _kpis_by_unit(sc: Scorecard) -> dict[str, list[Kpi]]:
    return {u.id: [k for o in u.objectives for k in o.kpis] for u in sc.units.values()}


def _in_formula_order(kpis: list[Kpi]) -> list[Kpi]:
    """Order KPIs so a formula's inputs come before it (validation ruled out cycles)."""
    by_id = {k.id: k for k in kpis}
    ordered: dict[str, Kpi] = {}

    def visit(kpi: Kpi) -> None:
        if kpi.id in ordered:
            return
        for name in sorted(parse_formula(kpi.formula).names) if kpi.formula else []:
            if name in by_id:
                visit(by_id[name])
        ordered[kpi.id] = kpi

    for kpi in kpis:
        visit(kpi)
    return list(ordered.values())


def _measured_series(kpi: Kpi, measures: list[Measure], fiscal_start: int) -> Series:
    series = Series()
    buckets: dict[Period, list[tuple[int, Value]]] = defaultdict(list)
    for m in measures:
        raw = m.raw_period
        if raw.kind == "month":
            quarter = month_to_quarter(raw.year, raw.number, fiscal_start)
            position = month_index(raw.year, raw.number, fiscal_start)
        else:
            quarter, position = Period(raw.year, raw.number or 4), 0
        if m.target is not None:
            series.targets[quarter] = m.target
        if m.note:
            series.notes[quarter] = "; ".join(filter(None, [series.notes.get(quarter, ""), m.note]))
        if m.value is not None:
            buckets[quarter].append((position, m.value))
    for quarter, items in sorted(buckets.items()):
        values = [v for _, v in sorted(items, key=lambda item: item[0])]
        series.values[quarter] = _combine(values, kpi)
        series.labels[quarter] = str(quarter) if kpi.frequency != "annual" else f"FY{quarter.year}"
        if kpi.frequency == "monthly":
            series.months[quarter] = len(values)
    _fill_ytd(series, kpi, buckets)
    return series


def _combine(values: list[Value], kpi: Kpi) -> Value:
    if kpi.type == "categorical":
        return values[-1]
    result = aggregate([float(v) for v in values], kpi.aggregation)
    assert result is not None
    return result


def _fill_ytd(series: Series, kpi: Kpi, buckets: dict[Period, list[tuple[int, Value]]]) -> None:
    if kpi.type == "categorical" or kpi.frequency == "annual":
        return
    for quarter in series.values:
        items = [v for q in quarter_range(quarter.first_of_year(), quarter) for _, v in sorted(buckets.get(q, []))]
        ytd = aggregate([float(v) for v in items], kpi.aggregation)
        if ytd is not None:
            series.ytd[quarter] = ytd


def _rollup_series(
    sc: Scorecard, unit_id: str, kpi: Kpi, series: dict[tuple[str, str], Series], periods: list[Period]
) -> Series:
    children = [series[(c.id, kpi.id)] for c in sc.children(unit_id) if (c.id, kpi.id) in series]
    result = Series()
    how = kpi.rollup or "sum"
    for p in periods:
        values = [float(s.values[p]) for s in children if p in s.values]
        if (value := aggregate(values, how)) is not None:
            result.values[p], result.labels[p] = value, str(p)
        ytds = [s.ytd[p] for s in children if p in s.ytd]
        if (ytd := aggregate(ytds, how)) is not None:
            result.ytd[p] = ytd
    return result


def _formula_series(unit_id: str, kpi: Kpi, series: dict[tuple[str, str], Series], periods: list[Period]) -> Series:
    # Inputs are aggregated first, then the formula applied: a ratio of sums, not a mean of ratios.
    formula = parse_formula(kpi.formula or "")
    inputs = {name: series.get((unit_id, name), Series()) for name in formula.names}
    result = Series()
    for p in periods:
        value = formula.evaluate({n: _number(s.values.get(p)) for n, s in inputs.items()})
        if value is not None:
            result.values[p], result.labels[p] = value, str(p)
        ytd = formula.evaluate({n: s.ytd.get(p) for n, s in inputs.items()})
        if ytd is not None:
            result.ytd[p] = ytd
    return result


def _number(value: Value | None) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# --- One period ----------------------------------------------------------------------------


def compute_period(sc: Scorecard, series: dict[tuple[str, str], Series], period: Period) -> PeriodResult:
    """Rate every KPI in `period`, then roll scores up objectives, perspectives and units."""
    kpis = {
        (u.id, k.id): rate_kpi(sc, u, o.id, k, series[(u.id, k.id)], period)
        for u in sc.units.values()
        for o in u.objectives
        for k in o.kpis
    }
    objectives = _objective_results(sc, kpis, period)
    perspectives = {
        (u.id, p.id): _perspective_result(u, p.id, objectives, period)
        for u in sc.units.values()
        for p in sc.perspectives(u.id)
    }
    units = {u.id: _unit_result(sc, u, perspectives, kpis, period) for u in sc.units.values()}
    return PeriodResult(period, units, perspectives, objectives, kpis)


def rate_kpi(sc: Scorecard, unit: Unit, objective: str, kpi: Kpi, series: Series, period: Period) -> KpiResult:
    """Return the KPI's value, target, status, score, trend and freshness in `period`."""
    actual, label = _value_in(kpi, series, period)
    target = series.targets.get(period, target_for(kpi, period))
    red_flag = _red_flag(kpi, target, sc.organization.default_tolerance)
    status, score = _rate(kpi, actual, target, red_flag)
    previous, _ = _value_in(kpi, series, period.previous() if kpi.frequency != "annual" else period.shift(-4))
    latest = _latest(series, period)
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
        note=series.notes.get(period, ""),
    )


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


def _latest(series: Series, period: Period) -> tuple[Period, Value] | None:
    earlier = [q for q in series.values if q <= period]
    return (max(earlier), series.values[max(earlier)]) if earlier else None


def target_for(kpi: Kpi, period: Period) -> float | tuple[float, float] | None:
    """Return the YAML target in force: a mapping's latest key on or before the period."""
    if not isinstance(kpi.target, dict):
        return kpi.target
    best: tuple[Period, float | tuple[float, float]] | None = None
    for key, value in kpi.target.items():
        start = Period(int(key[:4]), int(key[-1]) if "-Q" in key else 1)
        if start <= period and (best is None or start > best[0]):
            best = (start, value)
    return best[1] if best else None


def _red_flag(
    kpi: Kpi, target: float | tuple[float, float] | None, tolerance: float
) -> float | tuple[float, float] | None:
    if target is None:
        return None
    red = kpi.red_flag if kpi.red_flag is not None else default_red_flag(kpi.polarity, target, tolerance)
    # A period target can pass a fixed red flag; then there is no amber band, as if they were equal.
    if isinstance(red, float | int) and isinstance(target, float | int):
        if (kpi.polarity == "higher" and red > target) or (kpi.polarity == "lower" and red < target):
            return target
    return red


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
    sc: Scorecard, kpis: dict[tuple[str, str], KpiResult], period: Period
) -> dict[tuple[str, str], ObjectiveResult]:
    supporters = supporting_objectives(sc)
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


def compute_changes(report: Report, unit_ids: Iterable[str] | None = None, top: int = 10) -> Changes:
    """Return what changed since the previous quarter in the given units (default all)."""
    previous = report.previous
    if previous is None:
        return Changes((), (), (), ())
    sc, current = report.scorecard, report.current
    wanted = set(unit_ids) if unit_ids is not None else set(sc.units)
    changes: list[Change] = []
    for uid in (u for u in sc.units if u in wanted):
        unit = sc.units[uid]
        changes.append(_change("unit", uid, uid, unit.name, previous.units[uid], current.units[uid]))
        for obj in unit.objectives:
            key = (uid, obj.id)
            changes.append(
                _change("objective", uid, obj.id, obj.name, previous.objectives[key], current.objectives[key])
            )
            for kpi in obj.kpis:
                key = (uid, kpi.id)
                changes.append(_change("kpi", uid, kpi.id, kpi.name, previous.kpis[key], current.kpis[key]))
    moved = [c for c in changes if c.before != c.after]
    moves = sorted((c for c in changes if c.score_delta), key=lambda c: -abs(c.score_delta or 0))
    return Changes(
        status_changes=tuple(moved),
        new_reds=tuple(c for c in moved if c.after is Status.RED),
        recoveries=tuple(c for c in moved if c.after is Status.GREEN and c.before in (Status.RED, Status.AMBER)),
        biggest_moves=tuple(moves[:top]),
    )


def _change(level: str, unit: str, item: str, name: str, before: Rated, after: Rated) -> Change:
    return Change(level, unit, item, name, before.status, after.status, before.score, after.score)
