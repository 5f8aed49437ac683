"""Apply shared templates and order units into a tree, reporting unknown parents and cycles."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.model import (
    MAX_DEPTH,
    Kpi,
    Location,
    Objective,
    Template,
    Unit,
)

# --- Templates and tree --------------------------------------------------------------------


def apply_template(
    unit: Unit,
    templates: dict[str, Any],
    where: Callable[..., Location],
    problems: list[Problem],
    broken: set[str],
) -> Unit:
    """Return the unit with its template's objectives (overrides applied) before its own.

    `where(key...)` locates the unit's elements, e.g. `where("override", kpi_id)`.
    """
    if unit.template is None:
        if unit.overrides:
            problems.append(Problem(where(), f"unit '{unit.id}': `overrides` needs a `template`"))
        return unit
    if unit.template not in templates:
        if unit.template in broken:
            return unit
        problems.append(
            Problem(where(), f"unit '{unit.id}': unknown template '{unit.template}'{_hint(unit.template, templates)}")
        )
        return unit
    template: Template = templates[unit.template][0]
    template_kpis = {k.id for o in template.objectives for k in o.kpis}
    for kpi_id in unit.overrides:
        if kpi_id not in template_kpis:
            problems.append(
                Problem(
                    where("override", kpi_id),
                    f"override '{kpi_id}': template '{template.id}' has no KPI '{kpi_id}'{_hint(kpi_id, template_kpis)}",
                )
            )
    inherited = tuple(_with_bands(o, template) for o in template.objectives)
    objectives = tuple(_override_objective(o, unit, where, problems) for o in inherited) + unit.objectives
    return unit.model_copy(update={"objectives": objectives})


def _with_bands(objective: Objective, template: Template) -> Objective:
    """Give the template's status bands to its numeric KPIs without their own: they win over the unit's."""
    if template.status_bands is None:
        return objective
    kpis = tuple(
        k.model_copy(update={"status_bands": template.status_bands})
        if k.status_bands is None and k.type == "numeric"
        else k
        for k in objective.kpis
    )
    return objective.model_copy(update={"kpis": kpis})


def _override_objective(
    objective: Objective, unit: Unit, where: Callable[..., Location], problems: list[Problem]
) -> Objective:
    kpis = []
    for kpi in objective.kpis:
        override = unit.overrides.get(kpi.id)
        changes = override.model_dump(exclude_none=True) if override else {}
        try:
            kpis.append(Kpi.model_validate({**kpi.model_dump(), **changes}) if changes else kpi)
        except ValidationError as exc:  # e.g. a [low, high] target for a 'higher' KPI
            for err in exc.errors():
                message = re.sub(r"^Value error, ", "", err["msg"])
                problems.append(Problem(where("override", kpi.id), f"override '{kpi.id}': {message}"))
            kpis.append(kpi)
    return objective.model_copy(update={"kpis": tuple(kpis)})


def order_tree(located: dict[str, tuple[Unit, Location]], problems: list[Problem], broken: set[str]) -> dict[str, Unit]:
    """Return units parents first; report unknown parents, cycles, extra roots and too deep a tree."""
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
    ordered = _depth_first(units, sorted(roots, key=lambda u: u.id))
    for unit_id, depth in ordered.items():
        if depth == MAX_DEPTH + 1:  # the first unit too deep on its branch; those below follow from it
            problems.append(Problem(_unit_where(units[unit_id]), _too_deep(units, unit_id)))
    for cycle in _cycles(units, ordered.keys()):
        problems.append(
            Problem(_unit_where(units[cycle[0]]), f"unit '{cycle[0]}': cycle in `parent` ({_chain(cycle)})")
        )
    return {uid: units[uid] for uid in ordered}


def _depth_first(units: dict[str, Unit], roots: list[Unit]) -> dict[str, int]:
    """Return each unit reachable from the roots with its depth, parents before children.

    Iterative: a hierarchy of any depth is ordered without recursion.
    """
    children: dict[str, list[Unit]] = defaultdict(list)
    for unit in units.values():
        if unit.parent is not None:
            children[unit.parent].append(unit)
    ordered: dict[str, int] = {}
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        unit, depth = stack.pop()
        ordered[unit.id] = depth
        stack.extend((child, depth + 1) for child in reversed(children[unit.id]))
    return ordered


def _too_deep(units: dict[str, Unit], unit_id: str) -> str:
    parent = units[unit_id].parent
    return (
        f"unit '{unit_id}': {MAX_DEPTH + 1} levels below the root (below '{parent}'); "
        f"at most {MAX_DEPTH} are allowed (pages, navigation and packs nest one level per unit)"
    )


def _cycles(units: dict[str, Unit], reached: Iterable[str]) -> list[list[str]]:
    """Return each cycle of `parent` links once, starting at its smallest id (units below one are not cycles)."""
    seen, cycles = set(reached), []
    for start in sorted(units):
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in units and current not in seen:
            seen.add(current)
            chain.append(current)
            current = units[current].parent
        if current in chain:  # the walk closed on itself: from there on, a cycle
            cycle = chain[chain.index(current) :]
            first = cycle.index(min(cycle))
            cycles.append(cycle[first:] + cycle[:first])
    return cycles


def _chain(cycle: list[str], shown: int = 8) -> str:
    """Return "a -> b -> a", or for a long cycle "a -> b -> ... -> z -> a (2000 units)"."""
    if len(cycle) <= shown:
        return " -> ".join([*cycle, cycle[0]])
    return " -> ".join([*cycle[: shown - 1], "...", cycle[-1], cycle[0]]) + f" ({len(cycle)} units)"
