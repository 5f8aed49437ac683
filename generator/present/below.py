"""The units below a unit that has no KPIs of its own: what its pages show instead of an empty scorecard.

A root that only groups units (a regulator over its utilities, a holding over its companies) has
no objectives; its home page, unit page and pack show the units below it, their statuses and,
KPI by KPI, how they compare where they share KPI ids (a shared template).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.formatting import format_value
from generator.present.kpis import unit_status
from generator.present.periods import label_of, late_mark
from generator.present.status import Count, StatusView, kpi_status, status_counts
from generator.results import Report, Status

COMPARED_UNITS = 12  # columns of the KPI comparison; beyond, the units' own pages compare


@dataclass(frozen=True, slots=True)
class UnitBelow:
    """A unit below, with its status and its KPIs counted by status."""

    id: str
    name: str
    status: StatusView
    counts: tuple[Count, ...]
    late: str = ""  # a late filer: "from FY2025", shown beside its name wherever it is compared


@dataclass(frozen=True, slots=True)
class ComparedValue:
    """One unit's value of a compared KPI: formatted, with its status."""

    value: str
    status: StatusView
    late: str = ""  # a late filer's value: "from FY2025", the period it was reported in


@dataclass(frozen=True, slots=True)
class ComparedKpi:
    """A KPI id shared by units below, and each unit's value (None where a unit has no such KPI)."""

    id: str
    name: str
    values: tuple[ComparedValue | None, ...]


@dataclass(frozen=True, slots=True)
class UnitsBelow:
    """The units below a unit without KPIs of its own, and their shared KPIs side by side."""

    units: tuple[UnitBelow, ...]
    compared: tuple[UnitBelow, ...]  # the first COMPARED_UNITS units: the comparison's columns
    kpis: tuple[ComparedKpi, ...]  # KPI ids shared by two or more of them (all of one alone), in order
    counts: tuple[Count, ...]  # the KPIs of the units below, by status

    @property
    def caption(self) -> str:
        """Return the comparison's caption."""
        more = len(self.units) - len(self.compared)
        rest = f" (the first {len(self.compared)} units; {more} more on their own pages)" if more else ""
        return f"KPIs the units below share, side by side: each cell shows the value and its status{rest}."


def has_own_kpis(report: Report, unit_id: str) -> bool:
    """Return whether a unit measures anything itself."""
    return any(o.kpis for o in report.scorecard.units[unit_id].objectives)


def units_below(report: Report, unit_id: str) -> UnitsBelow | None:
    """Return the units below a unit without KPIs of its own; None when it has KPIs or no units below."""
    sc = report.scorecard
    if has_own_kpis(report, unit_id):  # most units: checked first, as finding children walks every unit
        return None
    children = sc.children(unit_id)
    if not children:
        return None
    units = tuple(_unit_below(report, c.id, c.name) for c in children)
    compared = units[:COMPARED_UNITS]
    totals: dict[Status, int] = {}
    for child in children:
        for status, n in report.current.units[child.id].counts.items():
            totals[status] = totals.get(status, 0) + n
    return UnitsBelow(units, compared, _shared_kpis(report, [u.id for u in compared]), status_counts(totals))


def _unit_below(report: Report, unit_id: str, name: str) -> UnitBelow:
    counts = status_counts(report.current.units[unit_id].counts)
    return UnitBelow(unit_id, name, unit_status(report, unit_id), counts, late_mark(report, unit_id))


def _shared_kpis(report: Report, unit_ids: list[str]) -> tuple[ComparedKpi, ...]:
    sc = report.scorecard
    index = sc.kpi_index()
    order: dict[str, str] = {}  # KPI id -> the name of its first appearance
    for uid in unit_ids:
        for kpi in (k for o in sc.units[uid].objectives for k in o.kpis):
            order.setdefault(kpi.id, kpi.name)
    needed = 2 if len(unit_ids) > 1 else 1
    shared = [kid for kid in order if sum((uid, kid) in index for uid in unit_ids) >= needed]
    return tuple(ComparedKpi(kid, order[kid], tuple(_value(report, uid, kid) for uid in unit_ids)) for kid in shared)


def _value(report: Report, unit_id: str, kpi_id: str) -> ComparedValue | None:
    kpi = report.scorecard.kpi_index().get((unit_id, kpi_id))
    if kpi is None:
        return None
    result = report.current.kpis[(unit_id, kpi_id)]
    late = f"from {label_of(report, result.carried_from)}" if result.carried_from else ""
    status = kpi_status(result, kpi, report.scorecard.scores(unit_id))
    return ComparedValue(format_value(kpi, result.actual), status, late)
