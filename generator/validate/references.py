"""Check references inside and between units: perspectives, cascade, drives, formulas, levels.

Also the data-quality warnings that `scorecard check` prints after the errors."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter, defaultdict
from typing import Any

from generator.compute.period import in_force, key_start
from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.formatting import format_fraction
from generator.formula import FormulaError, parse_formula
from generator.model import (
    Kpi,
    Location,
    Scorecard,
    StatusBands,
    Unit,
)
from generator.periods import parse_quarter, year_problem
from generator.results import GREEN_SCORE, RED_SCORE
from generator.validate.measures import bounds_problem

# --- Cross references inside units ---------------------------------------------------------


def check_units(sc: Scorecard, problems: list[Problem], broken: set[str]) -> None:
    shared = _SharedProblems(sc)
    for unit in sc.units.values():
        where = functools.partial(sc.where, unit.id)
        found: list[Problem] = []
        _check_objectives(sc, unit, where, found, broken)
        _check_kpis(sc, unit, where, found, broken)
        _check_initiatives(sc, unit, where, found)
        problems.extend(shared.add(unit, found))
        problems.extend(_cadence_problems(sc, unit))
    problems.extend(shared.problems())


def _cadence_problems(sc: Scorecard, unit: Unit) -> list[Problem]:
    """Return an error when a unit names a cadence other than the organisation's."""
    cadence = sc.organization.cadence
    if unit.cadence is None or unit.cadence == cadence:
        return []
    message = (
        f"cadence: unit '{unit.id}' reports {unit.cadence}, but the organisation's scorecard is {cadence} "
        f"(one scorecard reports on one cadence: remove the unit's `cadence` or change it in organization.yaml)"
    )
    return [Problem(sc.where(unit.id, "cadence"), message)]


class _SharedProblems:
    """Problems at a template's lines, found once per unit using it: reported once.

    When only some of the template's units have the problem (a roll-up on units without children),
    the message names them.
    """

    def __init__(self, sc: Scorecard) -> None:
        self._sc = sc
        self._found: dict[tuple[Problem, str], list[str]] = defaultdict(list)
        self._users = Counter(u.template for u in sc.units.values())

    def add(self, unit: Unit, problems: list[Problem]) -> list[Problem]:
        """Keep the problems located in the unit's template; return the others."""
        template = self._sc.locations.get(("template", unit.template or ""))
        own = []
        for problem in problems:
            if template is not None and problem.where.path == template.path:
                self._found[(problem, unit.template or "")].append(unit.id)
            else:
                own.append(problem)
        return own

    def problems(self) -> list[Problem]:
        """Return each kept problem once, naming its units when not all of the template's units have it."""
        result = []
        for (problem, template), units in self._found.items():
            some = f" (in {_names('unit', units)})" if len(units) < self._users[template] else ""
            result.append(dataclasses.replace(problem, message=problem.message + some))
        return result


def _names(kind: str, ids: list[str], shown: int = 3) -> str:
    """Return "unit 'a'", "units 'a' and 'b'" or "units 'a', 'b', 'c' and 4 more"."""
    quoted = [f"'{i}'" for i in ids[:shown]]
    if len(ids) == 1:
        return f"{kind} {quoted[0]}"
    rest = f"{len(ids) - shown} more" if len(ids) > shown else quoted.pop()
    return f"{kind}s {', '.join(quoted)} and {rest}"


def _check_objectives(sc: Scorecard, unit: Unit, where: Any, problems: list[Problem], broken: set[str]) -> None:
    perspectives = {p.id for p in sc.perspectives(unit.id)}
    ids: set[str] = set()
    for obj in unit.objectives:
        if obj.id in ids:
            problems.append(
                Problem(where(obj.id), f"objective '{obj.id}': duplicate objective id (ids are unique per unit)")
            )
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
        problems.append(Problem(where(cycle[0]), f"objective '{cycle[0]}': cycle in `drives` ({_path(cycle)})"))


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


def _path(cycle: list[str], shown: int = 8) -> str:
    """Return "a -> b -> a", or for a long cycle its start and end around "..." and its length."""
    if len(cycle) <= shown + 1:
        return " -> ".join(cycle)
    return " -> ".join([*cycle[: shown - 1], "...", *cycle[-2:]]) + f" ({len(cycle) - 1} in all)"


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """Return one cycle as a path (first node repeated at the end), or None.

    Iterative, so a chain of thousands of formulas or `drives` cannot exhaust the call stack.
    """
    done: set[str] = set()
    for start in graph:
        if start in done:
            continue
        path, on_path = [start], {start}
        pending = [iter(graph.get(start, []))]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                done.add(path[-1])
                on_path.discard(path.pop())
                pending.pop()
            elif nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                pending.append(iter(graph.get(nxt, [])))
    return None


def _check_kpis(sc: Scorecard, unit: Unit, where: Any, problems: list[Problem], broken: set[str]) -> None:
    kpis: dict[str, Kpi] = {}
    for obj in unit.objectives:
        for kpi in obj.kpis:
            if kpi.id in kpis:
                problems.append(
                    Problem(
                        where(obj.id, kpi.id),
                        f"kpi '{kpi.id}': duplicate KPI id (ids are unique per unit: measures name unit and KPI)",
                    )
                )
            kpis[kpi.id] = kpi
            _check_rollup(sc, unit, kpi, where(obj.id, kpi.id), problems, broken)
            located = _kpi_where(unit, kpi, where, obj.id)
            _check_kpi(kpi, located, problems, sc.status_bands(unit.id, kpi))
            _check_bounds(kpi, _target_where(unit, kpi, where), problems)
            _check_stretch(kpi, _stretch_where(unit, kpi, where, located), problems)
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
        for name in sorted(n for n in names & kpis.keys() if kpis[n].type == "categorical"):
            problems.append(
                Problem(where("kpi", kpi.id), f"kpi '{kpi.id}': formula needs numbers, but '{name}' is categorical")
            )
        graph[kpi.id] = sorted(names & kpis.keys())
    if cycle := _find_cycle(graph):
        problems.append(Problem(where("kpi", cycle[0]), f"kpi '{cycle[0]}': circular formula ({_path(cycle)})"))


def _kpi_where(unit: Unit, kpi: Kpi, where: Any, objective: str) -> tuple[Location, str]:
    """Return where the KPI's targets come from, and how to name it: the unit's override or the KPI."""
    override = unit.overrides.get(kpi.id)
    if override is not None and (override.target, override.red_flag, override.status_bands, override.stretch) != (
        None,
        None,
        None,
        None,
    ):
        return where("override", kpi.id), f"override '{kpi.id}'"
    return where(objective, kpi.id), f"kpi '{kpi.id}'"


def _target_where(unit: Unit, kpi: Kpi, where: Any) -> tuple[Location, str]:
    """Return the line of the KPI's target: the unit's override when it sets one, else the KPI's own."""
    override = unit.overrides.get(kpi.id)
    if override is not None and override.target is not None:
        return where("override", kpi.id, "target"), f"override '{kpi.id}'"
    return where("kpi", kpi.id, "target"), f"kpi '{kpi.id}'"


def _check_bounds(kpi: Kpi, located: tuple[Location, str], problems: list[Problem]) -> None:
    """Report targets outside the KPI's plausible `min`/`max`, at the line of the target."""
    where, name = located
    targets = list(kpi.target.values()) if isinstance(kpi.target, dict) else [kpi.target]
    for target in targets:
        for number in target if isinstance(target, tuple) else (target,):
            if number is not None and (problem := bounds_problem(kpi, number)):
                problems.append(Problem(where, f"{name}: target {number:g} {problem}"))


def _check_rollup(
    sc: Scorecard, unit: Unit, kpi: Kpi, where: Location, problems: list[Problem], broken: set[str]
) -> None:
    children = sc.children(unit.id)
    if kpi.rollup is None or any(c.id in broken for c in children):
        return  # a broken child's KPIs are unknown: the broken file is reported instead
    index = sc.kpi_index()
    if not any((c.id, kpi.id) in index for c in children):
        problems.append(Problem(where, f"kpi '{kpi.id}': rollup '{kpi.rollup}' but no child unit has a KPI '{kpi.id}'"))
    weight = kpi.rollup_weight
    if weight and not any((c.id, weight) in index for c in children):
        problems.append(Problem(where, f"kpi '{kpi.id}': rollup_weight '{weight}' is not a KPI of any child unit"))
    for field, kpi_id in (("rollup", kpi.id), ("rollup_weight", weight)):
        texts = [c.id for c in children if (k := index.get((c.id, kpi_id or ""))) and k.type == "categorical"]
        if texts:
            message = f"kpi '{kpi.id}': {field} needs numbers, but '{kpi_id}' is categorical in {_names('unit', texts)}"
            problems.append(Problem(where, message))


def _check_kpi(kpi: Kpi, located: tuple[Location, str], problems: list[Problem], bands: StatusBands | None) -> None:
    where, name = located
    targets = list(kpi.target.values()) if isinstance(kpi.target, dict) else [kpi.target]
    for key in kpi.target if isinstance(kpi.target, dict) else ():
        if message := _target_key_problem(key):
            problems.append(Problem(where, f"{name}: target period '{key}' {message}"))
    for target in targets:
        if message := _red_flag_problem(kpi.polarity, target, kpi.red_flag):
            problems.append(Problem(where, f"{name}: {message}"))
    if bands is not None and kpi.red_flag is None and kpi.type == "numeric" and any(map(_has_zero, targets)):
        edge = " (an edge of its band)" if kpi.polarity == "range" else ""
        problems.append(Problem(where, f"{name}: {_zero_target(bands, edge)}"))
    if kpi.levels:
        _check_levels(kpi, where, problems)


def _stretch_where(unit: Unit, kpi: Kpi, where: Any, located: tuple[Location, str]) -> tuple[Location, str]:
    """Return the line of the KPI's `stretch`, unless a unit's override sets its targets."""
    if located[1].startswith("override"):
        return located
    return where("stretch", kpi.id), located[1]


def _check_stretch(kpi: Kpi, located: tuple[Location, str], problems: list[Problem]) -> None:
    """Report a stretch target that is not beyond the target in force with it, in the polarity's direction."""
    if kpi.stretch is None or kpi.target is None:
        return
    where, name = located
    keys = [
        k for spec in (kpi.target, kpi.stretch) if isinstance(spec, dict) for k in spec if not _target_key_problem(k)
    ]
    pairs = [(f" (from {k})", in_force(kpi.target, key_start(k)), in_force(kpi.stretch, key_start(k))) for k in keys]
    if not keys and not isinstance(kpi.target, dict) and not isinstance(kpi.stretch, dict):
        pairs = [("", kpi.target, kpi.stretch)]  # both single values
    for since, target, stretch in pairs:
        if message := _stretch_problem(kpi.polarity, target, stretch):
            problems.append(Problem(where, f"{name}: {message}{since}"))
            return


def _stretch_problem(polarity: str, target: Any, stretch: Any) -> str:
    if target is None or stretch is None:
        return ""
    if polarity == "higher" and stretch <= target:
        return f"stretch {stretch:g} is not above target {target:g} (for polarity 'higher' it must be above)"
    if polarity == "lower" and stretch >= target:
        return f"stretch {stretch:g} is not below target {target:g} (for polarity 'lower' it must be below)"
    if polarity == "range" and (not (target[0] <= stretch[0] <= stretch[1] <= target[1]) or stretch == target):
        return f"stretch band {_band(stretch)} must lie inside the target band {_band(target)} and be narrower"
    return ""


def _band(values: Any) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def _has_zero(target: Any) -> bool:
    return target == 0 or (isinstance(target, tuple) and 0 in target)


def _zero_target(bands: StatusBands, edge: str) -> str:
    return (
        f"a target of 0{edge} with status bands (green {format_fraction(bands.green)}, red {format_fraction(bands.red)}): "
        "the bands are percentages of the target, and a percentage of 0 is 0; give an explicit `red_flag`"
    )


def _target_key_problem(key: str) -> str:
    quarter = parse_quarter(key)
    if quarter is None and not re.fullmatch(r"\d{4}", key):
        return "(expected YYYY-Qn or a fiscal year YYYY)"
    if problem := year_problem(quarter.year if quarter else int(key)):
        return f"is implausible: {problem}"
    return ""


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
        if level.status == "none":
            continue
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
    shared = _SharedProblems(sc)
    warnings: list[Problem] = []
    parents = {u.parent for u in sc.units.values()}
    for unit in sc.units.values():
        warnings.extend(shared.add(unit, _unit_warnings(sc, unit, measured, unit.id in parents)))
    return warnings + shared.problems()


def _unit_warnings(sc: Scorecard, unit: Unit, measured: set[tuple[str, str]], grouping: bool) -> list[Problem]:
    where = functools.partial(sc.where, unit.id)
    # a unit that only groups units (a regulator over its utilities, `grouping`) shows them instead
    found = [] if unit.objectives or grouping else [Problem(where(), f"unit '{unit.id}' has no objectives", "warning")]
    for obj in unit.objectives:
        if not obj.kpis:
            own = " of its own" if obj.include_supporting else ""
            found.append(Problem(where(obj.id), f"objective '{obj.id}' has no KPIs{own}", "warning"))
        for kpi in obj.kpis:
            if not kpi.owner:
                found.append(Problem(where(obj.id, kpi.id), f"kpi '{kpi.id}' has no owner", "warning"))
            if not (kpi.formula or kpi.rollup) and (unit.id, kpi.id) not in measured:
                found.append(Problem(where(obj.id, kpi.id), f"kpi '{kpi.id}' has no data", "warning"))
    return found
