"""What changed since the previous quarter: status changes, new reds, recoveries, biggest moves."""

from __future__ import annotations

from collections.abc import Iterable

from generator.results import (
    Change,
    Changes,
    KpiResult,
    ObjectiveResult,
    Report,
    Status,
    UnitResult,
)

Rated = UnitResult | ObjectiveResult | KpiResult


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
