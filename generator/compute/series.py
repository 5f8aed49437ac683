"""Series per KPI, one value per period of the cadence: measured, aggregated from months, rolled up from children, or calculated.

Pure: no I/O, no clock."""

from __future__ import annotations

import bisect
import contextlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.formula import UndefinedError, parse_formula
from generator.model import NOT_APPLICABLE, Kpi, Measure, Scorecard
from generator.periods import Period, RawPeriod, month_index
from generator.results import as_number
from generator.scoring import (
    aggregate,
)

Value = float | str


@dataclass
class Series:
    """A KPI's values by period of the cadence, with year-to-date and what the data says about them."""

    values: dict[Period, Value] = field(default_factory=dict)
    ytd: dict[Period, float] = field(default_factory=dict)
    months: dict[Period, int] = field(default_factory=dict)
    labels: dict[Period, str] = field(default_factory=dict)  # period the value was read for
    targets: dict[Period, float] = field(default_factory=dict)  # CSV overrides
    notes: dict[Period, str] = field(default_factory=dict)
    statuses: dict[Period, str] = field(default_factory=dict)  # set by hand: the latest month's wins
    reasons: dict[Period, str] = field(default_factory=dict)  # the note of the row that set `statuses`
    undefined: dict[Period, str] = field(default_factory=dict)  # why a calculated value has none
    forecasts: dict[Period, float] = field(default_factory=dict)  # the owner's year-end forecast: the latest row's
    _sorted: list[Period] | None = field(default=None, repr=False)

    def latest(self, period: Period) -> tuple[Period, Value] | None:
        """Return the latest period with a value on or before `period`, and the value."""
        if self._sorted is None or len(self._sorted) != len(self.values):
            self._sorted = sorted(self.values)
        at = bisect.bisect_right(self._sorted, period)
        return (self._sorted[at - 1], self.values[self._sorted[at - 1]]) if at else None


def build_series(sc: Scorecard, periods: Iterable[Period]) -> dict[tuple[str, str], Series]:
    """Turn measures into series by period of the cadence, then derive rolled-up and calculated KPIs."""
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
    if sc.organization.missing == "carry-forward":
        _carry_forward_rollups(sc, series, periods)
    return series


def _kpis_by_unit(sc: Scorecard) -> dict[str, list[Kpi]]:
    return {u.id: [k for o in u.objectives for k in o.kpis] for u in sc.units.values()}


def _in_formula_order(kpis: list[Kpi]) -> list[Kpi]:
    """Order KPIs so a formula's inputs come before it (validation ruled out cycles).

    Iterative, so a chain of thousands of formulas cannot exhaust the call stack.
    """
    by_id = {k.id: k for k in kpis}
    ordered: dict[str, Kpi] = {}
    for first in kpis:
        stack = [(first, False)]
        while stack:
            kpi, inputs_done = stack.pop()
            if kpi.id in ordered:
                continue
            if inputs_done:
                ordered[kpi.id] = kpi
                continue
            stack.append((kpi, True))
            names = sorted(parse_formula(kpi.formula).names, reverse=True) if kpi.formula else []
            stack.extend((by_id[n], False) for n in names if n in by_id and n not in ordered)
    return list(ordered.values())


def _measured_series(kpi: Kpi, measures: list[Measure], fiscal_start: int) -> Series:
    series = Series()
    buckets: dict[Period, list[tuple[int, Value]]] = defaultdict(list)
    manual: dict[Period, list[tuple[int, str, str]]] = defaultdict(list)
    forecasts: dict[Period, list[tuple[int, float]]] = defaultdict(list)
    for m in measures:
        raw, period = m.raw_period, m.period
        position = _position(raw, fiscal_start)
        if m.target is not None:
            series.targets[period] = m.target
        if m.note:
            series.notes[period] = "; ".join(filter(None, [series.notes.get(period, ""), m.note]))
        if m.status:
            manual[period].append((position, m.status, m.note))
        if m.value is not None:
            buckets[period].append((position, m.value))
        if m.forecast is not None:
            forecasts[period].append((position, m.forecast))
    series.forecasts = {period: max(items)[1] for period, items in forecasts.items()}
    latest = {period: max(items) for period, items in manual.items()}
    series.statuses = {period: status for period, (_, status, _) in latest.items()}
    series.reasons = {period: note for period, (_, _, note) in latest.items()}
    for period, items in sorted(buckets.items()):
        values = [v for _, v in sorted(items, key=lambda item: item[0])]
        series.values[period] = _combine(values, kpi)
        series.labels[period] = _label(kpi, period, fiscal_start)
        if kpi.frequency == "monthly" and period.per_year == 4:
            series.months[period] = len(values)
    _fill_ytd(series, kpi, buckets, fiscal_start)
    return series


def _position(raw: RawPeriod, fiscal_start: int) -> int:
    """Return where a value falls in its fiscal year, in months, so aggregation sees values in order."""
    if raw.kind == "month":
        return month_index(raw.number, fiscal_start)
    return raw.number * 3 - 1 if raw.kind == "quarter" else 11


def _label(kpi: Kpi, period: Period, fiscal_start: int) -> str:
    """Return the id of the period a value was reported for: an annual KPI's fiscal year, else the period."""
    if kpi.frequency == "annual" and period.per_year > 1:
        return str(period.fiscal_year(fiscal_start))  # as measures write a year: "2026"
    return str(period)


def _combine(values: list[Value], kpi: Kpi) -> Value:
    """Aggregate a period's values; months that are n/a are left out, and only n/a months make n/a."""
    applicable = [v for v in values if v != NOT_APPLICABLE]
    if not applicable:
        return NOT_APPLICABLE
    if kpi.type == "categorical":
        return applicable[-1]
    result = aggregate([float(v) for v in applicable], kpi.aggregation)
    assert result is not None
    return result


def _fill_ytd(series: Series, kpi: Kpi, buckets: dict[Period, list[tuple[int, Value]]], fiscal_start: int) -> None:
    if kpi.type == "categorical" or kpi.frequency == "annual" or next(iter(buckets), Period(0, 1)).per_year == 1:
        return  # a year's value is its own year to date
    running: list[float] = []
    year = None
    for period in sorted(buckets):  # periods without values add nothing to the year so far
        if (fiscal_year := period.fiscal_year(fiscal_start)) != year:
            running, year = [], fiscal_year
        running.extend(float(v) for _, v in sorted(buckets[period], key=lambda item: item[0]) if v != NOT_APPLICABLE)
        if (ytd := aggregate(running, kpi.aggregation)) is not None:
            series.ytd[period] = ytd


def _rollup_series(
    sc: Scorecard,
    unit_id: str,
    kpi: Kpi,
    series: dict[tuple[str, str], Series],
    periods: list[Period],
    carry: bool = False,
) -> Series:
    children = [c.id for c in sc.children(unit_id) if (c.id, kpi.id) in series]
    values = [series[(c, kpi.id)] for c in children]
    weights = [series.get((c, kpi.rollup_weight or ""), Series()) for c in children]
    result = Series()
    fiscal_start = sc.organization.fiscal_year_start
    # A child's year to date stands until its next value: a unit that has not filed the latest
    # month still counts the months it filed this year (else a sum's year to date would fall).
    ytds: list[float | None] = [None] * len(values)
    weight_ytds: list[float | None] = [None] * len(values)
    year = None
    for p in periods:
        if (fiscal_year := p.fiscal_year(fiscal_start)) != year:
            ytds, weight_ytds, year = [None] * len(values), [None] * len(values), fiscal_year
        ytds = [s.ytd.get(p, before) for s, before in zip(values, ytds, strict=True)]
        weight_ytds = [w.ytd.get(p, before) for w, before in zip(weights, weight_ytds, strict=True)]
        value: Value | None
        try:
            value = _roll(
                kpi,
                [(_child_value(s, p, carry), _child_value(w, p, carry)) for s, w in zip(values, weights, strict=True)],
            )
        except UndefinedError as exc:
            value, result.undefined[p] = None, f"its roll-up {exc}"
        if value is None and _all_not_applicable(s.values.get(p) for s in values):
            value = NOT_APPLICABLE
        if value is not None:
            result.values[p], result.labels[p] = value, str(p)
        with contextlib.suppress(UndefinedError):  # the warning about the value is enough
            ytd = _roll(kpi, list(zip(ytds, weight_ytds, strict=True)))
            if ytd is not None:
                result.ytd[p] = ytd
    return result


def _carry_forward_rollups(sc: Scorecard, series: dict[tuple[str, str], Series], periods: list[Period]) -> None:
    """Recompute roll-ups counting each late unit's latest value (`missing: carry-forward`).

    Measured series are final by now; a roll-up over roll-ups is rebuilt children first, so the
    carried values climb the tree.
    """
    for unit_id in reversed(sc.units):
        for kpi in (k for o in sc.units[unit_id].objectives for k in o.kpis if k.rollup):
            series[(unit_id, kpi.id)] = _rollup_series(sc, unit_id, kpi, series, periods, carry=True)


def _child_value(s: Series, p: Period, carry: bool) -> Value | None:
    if p in s.values or not carry:
        return s.values.get(p)
    latest = s.latest(p)
    return latest[1] if latest else None


def _all_not_applicable(values: Iterable[Value | None]) -> bool:
    """Return whether the children that have a value are all n/a (and there is at least one)."""
    given = [v for v in values if v is not None]
    return bool(given) and all(v == NOT_APPLICABLE for v in given)


def _roll(kpi: Kpi, pairs: list[tuple[Value | None, Value | None]]) -> float | None:
    """Combine children's values; an average weighted by `rollup_weight` skips children without a weight.

    Raise UndefinedError when a weight is negative (a calculated weight can be) or the weights add up to 0.
    """
    # a child whose value (or weight) is n/a is left out, as a child without one
    numbers = [(as_number(v), as_number(w)) for v, w in pairs]
    if kpi.rollup_weight is None:
        return aggregate([v for v, _ in numbers if v is not None], kpi.rollup or "sum")
    weighted = [(v, w) for v, w in numbers if v is not None and w is not None]
    if not weighted:
        return None
    if any(w < 0 for _, w in weighted):
        raise UndefinedError(f"weighs a child by a negative '{kpi.rollup_weight}'")
    total = math.fsum(w for _, w in weighted)
    if total == 0:
        raise UndefinedError(f"weighs the children by '{kpi.rollup_weight}', which adds up to 0")
    return math.fsum(v * w for v, w in weighted) / total


def _formula_series(unit_id: str, kpi: Kpi, series: dict[tuple[str, str], Series], periods: list[Period]) -> Series:
    # Inputs are aggregated first, then the formula applied: a ratio of sums, not a mean of ratios.
    formula = parse_formula(kpi.formula or "")
    inputs = {name: series.get((unit_id, name), Series()) for name in formula.names}
    result = Series()
    for p in periods:
        value: Value | None
        try:
            value = formula.evaluate({n: as_number(s.values.get(p)) for n, s in inputs.items()})
        except UndefinedError as exc:
            value, result.undefined[p] = None, f"its formula {exc}"
        if any(s.values.get(p) == NOT_APPLICABLE for s in inputs.values()):
            value = NOT_APPLICABLE  # an input not applicable makes the result not applicable, not missing
            result.undefined.pop(p, None)
        if value is not None:
            result.values[p], result.labels[p] = value, str(p)
        with contextlib.suppress(UndefinedError):  # the warning about the value is enough
            ytd = formula.evaluate({n: s.ytd.get(p) for n, s in inputs.items()})
            if ytd is not None:
                result.ytd[p] = ytd
    return result
