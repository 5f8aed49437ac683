"""Check references inside and between units: perspectives, cascade, drives, formulas, levels.

Also the data-quality warnings that `scorecard check` prints after the errors."""

from __future__ import annotations

import functools
import re
from typing import Any

from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.formula import FormulaError, parse_formula
from generator.model import (
    Kpi,
    Location,
    Scorecard,
    Unit,
)
from generator.periods import parse_quarter
from generator.results import GREEN_SCORE, RED_SCORE

# --- Cross references inside units ---------------------------------------------------------


def check_units(sc: Scorecard, problems: list[Problem], broken: set[str]) -> None:
    for unit in sc.units.values():
        where = functools.partial(sc.where, unit.id)
        _check_objectives(sc, unit, where, problems, broken)
        _check_kpis(sc, unit, where, problems)
        _check_initiatives(sc, unit, where, problems)


def _check_objectives(sc: Scorecard, unit: Unit, where: Any, problems: list[Problem], broken: set[str]) -> None:
    perspectives = {p.id for p in sc.perspectives(unit.id)}
    ids: set[str] = set()
    for obj in unit.objectives:
        if obj.id in ids:
            problems.append(Problem(where(obj.id), f"objective '{obj.id}': duplicate objective id in unit '{unit.id}'"))
        ids.add(obj.id)
        if obj.perspective not in perspectives:
            problems.append(
                Problem(
                    where(obj.id),
                    f"objective '{obj.id}': unknown perspective '{obj.perspective}' (expected one of {', '.join(sorted(perspectives))})",
                )
            )
        for ref in obj.supports:
            if unit.id in broken or ref.partition("/")[0] in broken:
                continue
            if message := _support_problem(sc, unit, ref):
                problems.append(Problem(where(obj.id), f"objective '{obj.id}': supports '{ref}': {message}"))
    for obj in unit.objectives:
        for target in obj.drives:
            if target not in ids:
                problems.append(
                    Problem(
                        where(obj.id), f"objective '{obj.id}': drives unknown objective '{target}'{_hint(target, ids)}"
                    )
                )
    if cycle := _find_cycle({o.id: [d for d in o.drives if d in ids] for o in unit.objectives}):
        problems.append(Problem(where(cycle[0]), f"objective '{cycle[0]}': cycle in `drives` ({' -> '.join(cycle)})"))


def _support_problem(sc: Scorecard, unit: Unit, ref: str) -> str:
    unit_id, _, obj_id = ref.partition("/")
    if not obj_id:
        return "expected `unit-id/objective-id`"
    ancestors = {a.id: a for a in sc.ancestors(unit.id)}
    if unit_id not in ancestors:
        known = "unknown unit" if unit_id not in sc.units else "not an ancestor"
        return f"{known} '{unit_id}' (a unit supports objectives of its parent or higher){_hint(unit_id, ancestors)}"
    objectives = [o.id for o in ancestors[unit_id].objectives]
    if obj_id not in objectives:
        return f"unit '{unit_id}' has no objective '{obj_id}'{_hint(obj_id, objectives)}"
    return ""


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """Return one cycle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], node, nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, node])):
                return found
        state[node] = 2
        return None

    for start in graph:
        if start not in state and (found := visit(start, [])):
            return found
    return None


def _check_kpis(sc: Scorecard, unit: Unit, where: Any, problems: list[Problem]) -> None:
    kpis: dict[str, Kpi] = {}
    for obj in unit.objectives:
        for kpi in obj.kpis:
            if kpi.id in kpis:
                problems.append(
                    Problem(
                        where(obj.id, kpi.id),
                        f"kpi '{kpi.id}': duplicate KPI id in unit '{unit.id}' (ids are unique per unit: measures name unit and KPI)",
                    )
                )
            kpis[kpi.id] = kpi
            _check_kpi(sc, unit, kpi, where(obj.id, kpi.id), problems)
    graph: dict[str, list[str]] = {}
    for kpi in kpis.values():
        if kpi.formula is None:
            continue
        try:
            names = parse_formula(kpi.formula).names
        except FormulaError as exc:
            problems.append(Problem(where("kpi", kpi.id), f"kpi '{kpi.id}': formula '{kpi.formula}': {exc}"))
            continue
        for name in sorted(names - kpis.keys()):
            problems.append(
                Problem(
                    where("kpi", kpi.id),
                    f"kpi '{kpi.id}': formula refers to unknown KPI '{name}'{_hint(name, kpis)}",
                )
            )
        graph[kpi.id] = sorted(names & kpis.keys())
    if cycle := _find_cycle(graph):
        problems.append(Problem(where("kpi", cycle[0]), f"kpi '{cycle[0]}': circular formula ({' -> '.join(cycle)})"))


def _check_kpi(sc: Scorecard, unit: Unit, kpi: Kpi, where: Location, problems: list[Problem]) -> None:
    if kpi.rollup is not None:
        children = sc.children(unit.id)
        if not any((c.id, kpi.id) in sc.kpi_index() for c in children):
            problems.append(
                Problem(
                    where,
                    f"kpi '{kpi.id}': rollup '{kpi.rollup}' but no child unit of '{unit.id}' has a KPI '{kpi.id}'",
                )
            )
        weight = kpi.rollup_weight
        if weight and not any((c.id, weight) in sc.kpi_index() for c in children):
            message = f"kpi '{kpi.id}': rollup_weight '{weight}' is not a KPI of any child unit of '{unit.id}'"
            problems.append(Problem(where, message))
    targets = list(kpi.target.values()) if isinstance(kpi.target, dict) else [kpi.target]
    if isinstance(kpi.target, dict):
        for key in kpi.target:
            if parse_quarter(key) is None and not re.fullmatch(r"\d{4}", key):
                problems.append(
                    Problem(where, f"kpi '{kpi.id}': target period '{key}' (expected YYYY-Qn or a fiscal year YYYY)")
                )
    for target in targets:
        if message := _red_flag_problem(kpi.polarity, target, kpi.red_flag):
            problems.append(Problem(where, f"kpi '{kpi.id}': {message}"))
    if kpi.levels:
        _check_levels(kpi, where, problems)


def _red_flag_problem(polarity: str, target: Any, red_flag: Any) -> str:
    if target is None or red_flag is None:
        return ""
    if polarity == "higher" and red_flag > target:
        return f"red_flag {red_flag} is above target {target} (for polarity 'higher' it must be at or below)"
    if polarity == "lower" and red_flag < target:
        return f"red_flag {red_flag} is below target {target} (for polarity 'lower' it must be at or above)"
    if polarity == "range" and not (red_flag[0] <= target[0] <= target[1] <= red_flag[1]):
        return f"red_flag band {list(red_flag)} must contain the target band {list(target)}"
    return ""


_BANDS = {"green": (GREEN_SCORE, 10.0), "amber": (RED_SCORE, GREEN_SCORE - 1e-9), "red": (0.0, RED_SCORE - 1e-9)}


def _check_levels(kpi: Kpi, where: Location, problems: list[Problem]) -> None:
    names = [level.name for level in kpi.levels or ()]
    if len(set(names)) != len(names):
        problems.append(Problem(where, f"kpi '{kpi.id}': duplicate level names in {names}"))
    for level in kpi.levels or ():
        low, high = _BANDS[level.status]
        if level.score is not None and not low <= level.score <= high:
            problems.append(
                Problem(
                    where,
                    f"kpi '{kpi.id}': level '{level.name}' score {level.score} is outside the {level.status} band ({low:.2f}-{high:.2f})",
                )
            )


def _check_initiatives(sc: Scorecard, unit: Unit, where: Any, problems: list[Problem]) -> None:
    objectives = {o.id for o in unit.objectives}
    seen: set[str] = set()
    for ini in unit.initiatives:
        loc = where("initiative", ini.id)
        if ini.id in seen:
            problems.append(Problem(loc, f"initiative '{ini.id}': duplicate initiative id in unit '{unit.id}'"))
        seen.add(ini.id)
        for obj in ini.objectives:
            if obj not in objectives:
                problems.append(
                    Problem(
                        loc,
                        f"initiative '{ini.id}': unknown objective '{obj}'{_hint(obj, objectives)} of unit '{unit.id}'",
                    )
                )
        if ini.start and ini.end and ini.end < ini.start:
            problems.append(Problem(loc, f"initiative '{ini.id}': end {ini.end} is before start {ini.start}"))


# --- Data quality --------------------------------------------------------------------------


def data_quality_warnings(sc: Scorecard) -> list[Problem]:
    """Return warnings: KPIs without owner or data, objectives without KPIs, units without objectives."""
    measured = {(m.unit, m.kpi) for m in sc.measures if m.value is not None}
    warnings: list[Problem] = []
    for unit in sc.units.values():
        where = functools.partial(sc.where, unit.id)
        if not unit.objectives:
            warnings.append(Problem(where(), f"unit '{unit.id}' has no objectives", "warning"))
        for obj in unit.objectives:
            if not obj.kpis and not obj.include_supporting:
                warnings.append(
                    Problem(where(obj.id), f"objective '{obj.id}' of unit '{unit.id}' has no KPIs", "warning")
                )
            elif not obj.kpis:
                warnings.append(
                    Problem(
                        where(obj.id), f"objective '{obj.id}' of unit '{unit.id}' has no KPIs of its own", "warning"
                    )
                )
            for kpi in obj.kpis:
                if not kpi.owner:
                    warnings.append(
                        Problem(where(obj.id, kpi.id), f"kpi '{kpi.id}' of unit '{unit.id}' has no owner", "warning")
                    )
                if not (kpi.formula or kpi.rollup) and (unit.id, kpi.id) not in measured:
                    warnings.append(
                        Problem(where(obj.id, kpi.id), f"kpi '{kpi.id}' of unit '{unit.id}' has no data", "warning")
                    )
    return warnings
