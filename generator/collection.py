"""What owners must report for a quarter: the values due, grouped into one assignment per owner or unit.

Read from the computed `Report` of that quarter (targets as they apply then) and its measures;
`collect` writes each assignment as a workbook, `check --period` lists what is still missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from generator.formatting import format_target, format_value
from generator.model import Kpi, Measure, Unit
from generator.periods import RawPeriod, periods_due
from generator.results import Report

UNASSIGNED = "unassigned"
HISTORY = 4  # earlier values shown beside each row
_BARE_UNITS = {"count", "number", "#", "n"}
By = Literal["owner", "unit"]


@dataclass(frozen=True, slots=True)
class DueValue:
    """One value an owner must enter: a KPI in one period, with what helps to enter it."""

    unit: str
    kpi: str
    period: RawPeriod
    reported: bool  # a value for it is already in the measures
    name: str
    unit_of_measure: str
    target: str  # formatted, e.g. "85.0%"; "" when not rated
    red_flag: str
    polarity: str
    history: tuple[str, ...]  # the last values before the period, oldest first, e.g. "2026-Q2: 84.0%"
    description: str
    levels: tuple[str, ...]  # categorical KPIs: the values allowed, best first


@dataclass(frozen=True, slots=True)
class Assignment:
    """The values one owner (or one unit) reports for the quarter."""

    key: str  # the owner's name, or the unit id; `UNASSIGNED` when nobody is named
    label: str  # as shown to the owner: their name, or the unit's name
    values: tuple[DueValue, ...]

    @property
    def missing(self) -> tuple[DueValue, ...]:
        """Return the values not reported yet."""
        return tuple(v for v in self.values if not v.reported)


def plan_collection(report: Report, by: By = "owner", missing_only: bool = False) -> list[Assignment]:
    """Return one assignment per owner (or unit) for the report's quarter, owners in tree order.

    Calculated and rolled-up KPIs are not asked for; a KPI without an owner goes to its unit's owner,
    and to `unassigned` when the unit names none either.
    """
    sc = report.scorecard
    history = _history(sc.measures)
    groups: dict[str, list[DueValue]] = defaultdict(list)
    labels: dict[str, str] = {}
    for unit in sc.units.values():
        for kpi in (k for o in unit.objectives for k in o.kpis if not k.formula and not k.rollup):
            key, label = _assignee(unit, kpi, by)
            for due in _due_values(report, unit, kpi, history.get((unit.id, kpi.id), [])):
                if not (missing_only and due.reported):
                    groups[key].append(due)
                    labels.setdefault(key, label)
    return [Assignment(key, labels[key], tuple(values)) for key, values in groups.items()]


def _assignee(unit: Unit, kpi: Kpi, by: By) -> tuple[str, str]:
    if by == "unit":
        return unit.id, unit.name
    owner = kpi.owner.strip() or unit.owner.strip() or UNASSIGNED
    return owner, owner


def _due_values(report: Report, unit: Unit, kpi: Kpi, measures: list[Measure]) -> list[DueValue]:
    result = report.current.kpis[(unit.id, kpi.id)]
    fiscal_start = report.scorecard.organization.fiscal_year_start
    reported = {m.raw_period for m in measures if m.value is not None}
    # "12 count" reads oddly: the number alone, the unit of measure has its own column
    shown = kpi.model_copy(update={"unit": ""}) if kpi.unit.strip().lower() in _BARE_UNITS else kpi
    due = []
    for period in periods_due(report.period, kpi.frequency, fiscal_start):
        earlier = [m for m in measures if m.value is not None and _order(m.raw_period) < _order(period)]
        due.append(
            DueValue(
                unit=unit.id,
                kpi=kpi.id,
                period=period,
                reported=period in reported,
                name=kpi.name,
                unit_of_measure=kpi.unit,
                target=format_target(shown, result.target) if result.target is not None else "",
                red_flag=format_target(shown, result.red_flag) if result.red_flag is not None else "",
                polarity=kpi.polarity,
                history=tuple(f"{m.raw_period}: {format_value(shown, m.value)}" for m in earlier[-HISTORY:]),
                description=kpi.description,
                levels=tuple(level.name for level in kpi.levels or ()),
            )
        )
    return due


def _history(measures: tuple[Measure, ...]) -> dict[tuple[str, str], list[Measure]]:
    """Return each KPI's measures in period order."""
    found: dict[tuple[str, str], list[Measure]] = defaultdict(list)
    for m in measures:
        found[(m.unit, m.kpi)].append(m)
    for values in found.values():
        values.sort(key=lambda m: _order(m.raw_period))
    return found


def _order(period: RawPeriod) -> tuple[int, int]:
    return (period.year, period.number)
