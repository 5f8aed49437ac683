"""Likely slips in measures that are still plausible values: warnings, never errors.

A ratio filed on a percentage KPI (0.9999 for 99.99%) passes `min: 0, max: 100`; it stands out
only against the KPI's other values, whose median lies nearer 100 times it than it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from statistics import median

from generator.errors import Problem
from generator.model import Kpi, Location, Measure

MeasureKey = tuple[str, str, str]  # unit, KPI, period as filed


def measure_key(measure: Measure) -> MeasureKey:
    """Return what identifies a measure: its unit, KPI and period as filed."""
    return (measure.unit, measure.kpi, str(measure.raw_period))


def fraction_warnings(
    measures: Iterable[Measure], kpis: Mapping[tuple[str, str], Kpi], value_cells: Mapping[MeasureKey, Location]
) -> list[Problem]:
    """Warn at each value of a percentage KPI that is at most 1 while the KPI's other values are far above it."""
    numbers: dict[tuple[str, str], list[tuple[Measure, float]]] = {}
    for m in measures:
        if isinstance(m.value, float) and _is_percentage(kpis[(m.unit, m.kpi)]):
            numbers.setdefault((m.unit, m.kpi), []).append((m, m.value))
    problems = []
    for group in numbers.values():
        for m, value in group:
            others = [v for o, v in group if o is not m]
            # the others' median nearer 100x than x (beyond 10x): a variance of 0.8% among 2-3% is no slip
            if 0 < value <= 1 and others and (typical := median(others)) > max(1.0, 10 * value):
                problems.append(_warning(m.kpi, value, typical, value_cells.get(measure_key(m), m.where)))
    return problems


def _is_percentage(kpi: Kpi) -> bool:
    return kpi.type != "categorical" and (kpi.unit.strip() == "%" or kpi.max == 100)


def _warning(kpi_id: str, value: float, typical: float, where: Location) -> Problem:
    message = (
        f"value: {value:g} for kpi '{kpi_id}' is at most 1 while its other values are percentages "
        f"(median {typical:g}); a fraction? {value:g} is {value * 100:g}%: write {value * 100:g}"
    )
    return Problem(where, message, "warning")
