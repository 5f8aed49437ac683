"""What changed since the previous quarter: every unit, objective and KPI, before and after."""

from __future__ import annotations

from generator.model import NOT_APPLICABLE, Scorecard
from generator.results import Change, KpiResult, ObjectiveResult, PeriodResult, UnitResult

Rated = UnitResult | ObjectiveResult | KpiResult


def compute_changes(sc: Scorecard, previous: PeriodResult | None, current: PeriodResult) -> tuple[Change, ...]:
    """Return each unit, objective and KPI with its status and score in both quarters, in tree order."""
    if previous is None:
        return ()
    changes: list[Change] = []
    for uid, unit in sc.units.items():
        changes.append(_change("unit", uid, uid, unit.name, previous.units[uid], current.units[uid]))
        for obj in unit.objectives:
            key = (uid, obj.id)
            changes.append(
                _change("objective", uid, obj.id, obj.name, previous.objectives[key], current.objectives[key])
            )
            for kpi in obj.kpis:
                key = (uid, kpi.id)
                changes.append(_change("kpi", uid, kpi.id, kpi.name, previous.kpis[key], current.kpis[key]))
    return tuple(changes)


def _change(level: str, unit: str, item: str, name: str, before: Rated, after: Rated) -> Change:
    na = tuple(isinstance(r, KpiResult) and r.actual == NOT_APPLICABLE for r in (before, after))
    return Change(level, unit, item, name, before.status, after.status, before.score, after.score, (na[0], na[1]))
