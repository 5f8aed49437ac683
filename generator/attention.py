"""What readers are owed an explanation for: statuses that `commentary_required` asks an analysis of.

Read by `check` (warnings), the data-quality page and the packs, so all three name the same items.
Pure: the report comes in, the list goes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.model import Commentary, Objective, Unit
from generator.results import Report, Status

NO_OWNER = "(no owner)"


@dataclass(frozen=True, slots=True)
class Unexplained:
    """A KPI or objective whose status needs an analysis that its commentary does not give."""

    kind: Literal["kpi", "objective"]
    unit: str  # unit id
    id: str  # KPI or objective id
    name: str
    owner: str  # the KPI's owner, else its objective's, else its unit's; "(no owner)" when none
    status: Status


def unexplained_statuses(report: Report) -> tuple[Unexplained, ...]:
    """Return, in tree order, every KPI and objective with a status in `commentary_required` and no analysis.

    An objective's analysis covers its KPIs too: one explanation of a red objective is enough.
    """
    sc = report.scorecard
    required = {Status(name) for name in sc.organization.commentary_required}
    if not required:
        return ()
    found: list[Unexplained] = []
    for unit in sc.units.values():
        commentary = sc.commentary.get((unit.id, report.period))
        for obj in unit.objectives:
            found.extend(_in_objective(report, unit, obj, commentary, required))
    return tuple(found)


def _in_objective(
    report: Report, unit: Unit, obj: Objective, commentary: Commentary | None, required: set[Status]
) -> list[Unexplained]:
    if _analysed(commentary, "objective", obj.id):
        return []
    found = []
    status = report.current.objectives[(unit.id, obj.id)].status
    if status in required:
        found.append(Unexplained("objective", unit.id, obj.id, obj.name, obj.owner or unit.owner or NO_OWNER, status))
    for kpi in obj.kpis:
        result = report.current.kpis[(unit.id, kpi.id)]
        if result.status in required and not _analysed(commentary, "kpi", kpi.id):
            owner = kpi.owner or obj.owner or unit.owner or NO_OWNER
            found.append(Unexplained("kpi", unit.id, kpi.id, kpi.name, owner, result.status))
    return found


def _analysed(commentary: Commentary | None, kind: str, target: str) -> bool:
    section = commentary.about(kind, target) if commentary is not None else None
    return section is not None and bool(section.analysis.strip())


def by_owner(items: tuple[Unexplained, ...]) -> dict[str, list[Unexplained]]:
    """Group items by owner, owners in order of first appearance (tree order)."""
    grouped: dict[str, list[Unexplained]] = {}
    for item in items:
        grouped.setdefault(item.owner, []).append(item)
    return grouped
