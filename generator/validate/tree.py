"""Apply shared templates and order units into a tree, reporting unknown parents and cycles."""

from __future__ import annotations

from typing import Any

from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.model import (
    Kpi,
    Location,
    Objective,
    Template,
    Unit,
)

# --- Templates and tree --------------------------------------------------------------------


def apply_template(
    unit: Unit, templates: dict[str, Any], where: Location, problems: list[Problem], broken: set[str]
) -> Unit:
    if unit.template is None:
        if unit.overrides:
            problems.append(Problem(where, f"unit '{unit.id}': `overrides` needs a `template`"))
        return unit
    if unit.template not in templates:
        if unit.template in broken:
            return unit
        problems.append(
            Problem(where, f"unit '{unit.id}': unknown template '{unit.template}'{_hint(unit.template, templates)}")
        )
        return unit
    template: Template = templates[unit.template][0]
    template_kpis = {k.id for o in template.objectives for k in o.kpis}
    for kpi_id in unit.overrides:
        if kpi_id not in template_kpis:
            problems.append(
                Problem(
                    where,
                    f"unit '{unit.id}': override for unknown KPI '{kpi_id}' of template '{template.id}'{_hint(kpi_id, template_kpis)}",
                )
            )
    objectives = tuple(_override_objective(o, unit) for o in template.objectives) + unit.objectives
    return unit.model_copy(update={"objectives": objectives})


def _override_objective(objective: Objective, unit: Unit) -> Objective:
    kpis = []
    for kpi in objective.kpis:
        override = unit.overrides.get(kpi.id)
        changes = override.model_dump(exclude_none=True) if override else {}
        kpis.append(Kpi.model_validate({**kpi.model_dump(), **changes}) if changes else kpi)
    return objective.model_copy(update={"kpis": tuple(kpis)})


def order_tree(located: dict[str, tuple[Unit, Location]], problems: list[Problem], broken: set[str]) -> dict[str, Unit]:
    """Return units parents first; report unknown parents, cycles and extra roots."""
    units = {uid: unit for uid, (unit, _) in located.items()}

    def _unit_where(unit: Unit) -> Location:
        return located[unit.id][1]

    roots = [u for u in units.values() if u.parent is None]
    for unit in units.values():
        if unit.parent is not None and unit.parent not in units and unit.parent not in broken:
            problems.append(
                Problem(
                    _unit_where(unit),
                    f"unit '{unit.id}': unknown parent '{unit.parent}'{_hint(unit.parent, units.keys() | broken)}",
                )
            )
    if len(roots) > 1:
        names = ", ".join(f"'{u.id}'" for u in roots)
        problems.append(
            Problem(_unit_where(roots[1]), f"more than one root unit ({names}); every unit but one needs a `parent`")
        )
    if not roots and units and not broken:
        problems.append(
            Problem(_unit_where(next(iter(units.values()))), "no root unit (one unit must have no `parent`)")
        )
    ordered: dict[str, Unit] = {}
    frontier = sorted(roots, key=lambda u: u.id)
    while frontier:
        unit = frontier.pop(0)
        ordered[unit.id] = unit
        frontier = [u for u in units.values() if u.parent == unit.id] + frontier
    for unit in units.values():
        if unit.id not in ordered and unit.parent in units:
            problems.append(
                Problem(_unit_where(unit), f"unit '{unit.id}': cycle in `parent` ({_cycle(unit.id, units)})")
            )
    return ordered


def _cycle(start: str, units: dict[str, Unit]) -> str:
    chain, current = [start], units[start].parent
    while current is not None and current in units and current not in chain:
        chain.append(current)
        current = units[current].parent
    return " -> ".join([*chain, current or ""])
