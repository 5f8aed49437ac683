"""Check raw input against the schema and across files; build the one `Scorecard`.

Every problem is collected with its file and line; the caller fails once with all of them.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import DataError, Problem
from generator.formula import FormulaError, parse_formula
from generator.load import RawDocument, RawInput, RawRow, RawText, split_front_matter
from generator.model import (
    Commentary,
    CommentSection,
    Kpi,
    Location,
    Measure,
    Objective,
    Organization,
    Scorecard,
    Template,
    Unit,
)
from generator.periods import PERIOD_FORMATS, parse_quarter, parse_raw_period


def validate_input(raw: RawInput) -> tuple[Scorecard, list[Problem]]:
    """Return the scorecard and its warnings; raise DataError listing every error."""
    problems = list(raw.problems)
    organization = _organization(raw.organization, problems)
    templates = _unique(_models(raw.templates, Template, problems), "template", problems)
    units = _unique(_models(raw.units, Unit, problems), "unit", problems)
    # Ids of files that failed the schema: references to them are not reported again.
    broken = _ids(raw.units + raw.templates) - units.keys() - templates.keys() | _duplicated(raw.units)
    broken |= {Path(path).stem for path in raw.unreadable}  # units/<id>.yaml, by convention
    units = {uid: (_apply_template(u, templates, where, problems, broken), where) for uid, (u, where) in units.items()}
    ordered = _order_tree(units, problems, broken)
    # Units cut off the tree (below a broken file or in a cycle) are still checked inside.
    outside = {uid: unit for uid, (unit, _) in units.items() if uid not in ordered}
    every = Scorecard(
        organization, {**ordered, **outside}, {k: t for k, (t, _) in templates.items()}, (), {}, _locations(raw)
    )
    _check_units(every, problems, broken | outside.keys())
    measures = tuple(_measures(raw.rows, every, problems, broken))
    commentary = _commentary(raw.commentary, every, problems, broken)
    scorecard = Scorecard(organization, ordered, every.templates, measures, commentary, every.locations)
    problems.extend(data_quality_warnings(scorecard))
    if errors := [p for p in problems if p.severity == "error"]:
        raise DataError(errors)
    return scorecard, [p for p in problems if p.severity == "warning"]


def _duplicated(docs: list[RawDocument]) -> set[str]:
    ids = [str(d.data["id"]) for d in docs if isinstance(d.data, dict) and "id" in d.data]
    return {i for i in ids if ids.count(i) > 1}


def _ids(docs: list[RawDocument]) -> set[str]:
    return {str(d.data["id"]) for d in docs if isinstance(d.data, dict) and "id" in d.data}


# --- Schema --------------------------------------------------------------------------------


def _organization(doc: RawDocument | None, problems: list[Problem]) -> Organization:
    if doc is not None and (org := _model(doc, Organization, problems)):
        return org
    return Organization(name="(organisation.yaml missing or invalid)")


def _models(docs: list[RawDocument], cls: type[BaseModel], problems: list[Problem]) -> list[tuple[Any, Location]]:
    return [(m, doc.where()) for doc in docs if (m := _model(doc, cls, problems)) is not None]


def _model(doc: RawDocument, cls: type[BaseModel], problems: list[Problem]) -> Any:
    try:
        return cls.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(_schema_problems(doc, cls, exc))
        return None


def _schema_problems(doc: RawDocument, cls: type[BaseModel], exc: ValidationError) -> list[Problem]:
    seen: dict[tuple[Any, ...], Problem] = {}
    for err in exc.errors():
        loc = _data_loc(doc.data, err["loc"], err["type"])
        if loc in seen and err["type"] != "extra_forbidden":
            continue  # a union reports once per member; the first message is enough
        message = f"{_describe(doc.data, loc)}{_schema_message(err, cls, loc)}"
        seen[loc] = Problem(doc.where(loc), message)
    return list(seen.values())


def _data_loc(data: Any, loc: tuple[Any, ...], kind: str) -> tuple[Any, ...]:
    """Keep the part of a pydantic location that exists in the YAML (drop union member names)."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif kind == "missing" and isinstance(node, dict) and isinstance(part, str):
            path.append(part)
            break
        else:
            break
        path.append(part)
    return tuple(path)


def _describe(data: Any, loc: tuple[Any, ...]) -> str:
    """Name the object holding the error: "objective 'x' kpi 'y': "."""
    names, node = [], data
    for i, part in enumerate(loc[:-1]):
        node = node[part] if isinstance(node, dict | list) else None
        if isinstance(part, int) and isinstance(node, dict) and i > 0:
            kind = {
                "objectives": "objective",
                "kpis": "kpi",
                "initiatives": "initiative",
                "milestones": "milestone",
                "perspectives": "perspective",
                "levels": "level",
            }.get(str(loc[i - 1]), "item")
            label = node.get("id") or node.get("name") or f"#{part + 1}"
            names.append(f"{kind} '{label}'")
    return " ".join(names) + (": " if names else "")


def _schema_message(err: Any, cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind, field = err["type"], str(loc[-1]) if loc else "document"
    if kind == "extra_forbidden":
        allowed = _fields_at(cls, loc[:-1])
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return f"unknown field '{field}' ({hint})"
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "literal_error":
        return f"unknown {field} {err['input']!r} (expected {err['ctx']['expected']})"
    if kind == "value_error":
        return re.sub(r"^Value error, ", "", err["msg"])
    if kind == "string_pattern_mismatch":
        return f"{field}: {err['input']!r} is not a valid id (expected lower-case letters, digits, '-' and '_')"
    return f"{field}: {err['msg'][0].lower()}{err['msg'][1:]} (got {err.get('input')!r})"


def _fields_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the field names of the model found at `loc` under `cls`."""
    current: Any = cls
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        current = _inner_model(field.annotation) if field else None
        if current is None:
            return []
    return list(current.model_fields) if current else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := _inner_model(arg)) is not None:
            return found
    return None


def _unique(items: list[tuple[Any, Location]], kind: str, problems: list[Problem]) -> dict[str, tuple[Any, Location]]:
    result: dict[str, tuple[Any, Location]] = {}
    for item, where in items:
        if item.id in result:
            problems.append(Problem(where, f"duplicate {kind} id '{item.id}' (also in {result[item.id][1]})"))
        else:
            result[item.id] = (item, where)
    return result


def _locations(raw: RawInput) -> dict[tuple[str, ...], Location]:
    """Index where each unit, objective and KPI is defined, for later messages."""
    index: dict[tuple[str, ...], Location] = {}
    for doc in raw.units + raw.templates:
        if not isinstance(doc.data, dict):
            continue
        owner = ("template" if doc in raw.templates else "unit", str(doc.data.get("id")))
        index[owner] = doc.where()
        for i, obj in enumerate(_dicts(doc.data.get("objectives"))):
            index[(*owner, str(obj.get("id")))] = doc.where(("objectives", i))
            for j, kpi in enumerate(_dicts(obj.get("kpis"))):
                index[(*owner, str(obj.get("id")), str(kpi.get("id")))] = doc.where(("objectives", i, "kpis", j))
                index[(*owner, "kpi", str(kpi.get("id")))] = doc.where(("objectives", i, "kpis", j))
        for i, ini in enumerate(_dicts(doc.data.get("initiatives"))):
            index[(*owner, "initiative", str(ini.get("id")))] = doc.where(("initiatives", i))
        for key in doc.data.get("overrides") or {}:
            index[(*owner, "override", str(key))] = doc.where(("overrides", key))
    return index


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --- Templates and tree --------------------------------------------------------------------


def _apply_template(
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


def _order_tree(
    located: dict[str, tuple[Unit, Location]], problems: list[Problem], broken: set[str]
) -> dict[str, Unit]:
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


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --- Cross references inside units ---------------------------------------------------------


def _check_units(sc: Scorecard, problems: list[Problem], broken: set[str]) -> None:
    for unit in sc.units.values():
        where = _where_in(sc, unit)
        _check_objectives(sc, unit, where, problems, broken)
        _check_kpis(sc, unit, where, problems)
        _check_initiatives(sc, unit, where, problems)


def _where_in(sc: Scorecard, unit: Unit) -> Any:
    def where(*key: str) -> Location:
        for owner in (("unit", unit.id), ("template", unit.template or "")):
            if (loc := sc.locations.get((*owner, *key))) is not None:
                return loc
        return sc.locations.get(("unit", unit.id), Location(f"units/{unit.id}.yaml"))

    return where


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
        if not any(k.id == kpi.id for c in children for o in c.objectives for k in o.kpis):
            problems.append(
                Problem(
                    where,
                    f"kpi '{kpi.id}': rollup '{kpi.rollup}' but no child unit of '{unit.id}' has a KPI '{kpi.id}'",
                )
            )
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


_BANDS = {"green": (20 / 3, 10.0), "amber": (10 / 3, 20 / 3 - 1e-9), "red": (0.0, 10 / 3 - 1e-9)}


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


# --- Measures ------------------------------------------------------------------------------

_KIND_FOR = {"monthly": "month", "quarterly": "quarter", "annual": "year"}
_FORMAT_FOR = {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}


def _measures(rows: list[RawRow], sc: Scorecard, problems: list[Problem], broken: set[str]) -> Iterable[Measure]:
    kpis = {(u.id, k.id): k for u in sc.units.values() for o in u.objectives for k in o.kpis}
    seen: dict[tuple[str, str, str], Location] = {}
    for row in rows:
        if row.cells["unit"] in broken:
            continue
        where = Location(row.path, row.line)
        before = len(problems)
        measure = _measure(row, where, kpis, sc, problems)
        if measure is None or len(problems) > before:
            continue
        key = (measure.unit, measure.kpi, str(measure.raw_period))
        if key in seen:
            problems.append(
                Problem(
                    where,
                    f"duplicate value for unit '{key[0]}' kpi '{key[1]}' period {key[2]} (first given at {seen[key]})",
                )
            )
            continue
        seen[key] = where
        yield measure


def _measure(
    row: RawRow, where: Location, kpis: dict[tuple[str, str], Kpi], sc: Scorecard, problems: list[Problem]
) -> Measure | None:
    cells = row.cells
    unit_id, kpi_id = cells["unit"], cells["kpi"]
    if unit_id not in sc.units:
        problems.append(Problem(where, f"unit: unknown unit '{unit_id}'{_hint(unit_id, sc.units)}"))
        return None
    kpi = kpis.get((unit_id, kpi_id))
    if kpi is None:
        known = [k for (u, k) in kpis if u == unit_id]
        problems.append(Problem(where, f"kpi: unit '{unit_id}' has no KPI '{kpi_id}'{_hint(kpi_id, known)}"))
        return None
    if kpi.formula or kpi.rollup:
        how = "a formula" if kpi.formula else "a rollup"
        problems.append(Problem(where, f"kpi '{kpi_id}' of unit '{unit_id}' is computed by {how}; remove its measures"))
        return None
    period = parse_raw_period(cells["period"])
    if period is None:
        problems.append(Problem(where, f"period: '{cells['period']}' is not a period (expected {PERIOD_FORMATS})"))
        return None
    if period.kind != _KIND_FOR[kpi.frequency]:
        problems.append(
            Problem(
                where,
                f"period: '{cells['period']}' does not fit {kpi.frequency} KPI '{kpi_id}' (expected {_FORMAT_FOR[_KIND_FOR[kpi.frequency]]})",
            )
        )
        return None
    value = _value(cells["value"], kpi, where, problems)
    target = _number_cell(cells.get("target", ""), "target", where, problems)
    if target is not None and kpi.polarity == "range":
        problems.append(
            Problem(where, f"target: a range KPI takes its [low, high] target from the YAML, not the CSV ('{kpi_id}')")
        )
    return Measure(unit_id, kpi_id, period, value, target, cells.get("note", ""), where)


def _value(text: str, kpi: Kpi, where: Location, problems: list[Problem]) -> float | str | None:
    if text == "":
        return None
    if kpi.type == "categorical":
        levels = [level.name for level in kpi.levels or ()]
        if text not in levels:
            problems.append(
                Problem(where, f"value: '{text}' is not a level of '{kpi.id}' (expected one of {', '.join(levels)})")
            )
        return text
    return _number_cell(text, "value", where, problems)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def _number_cell(text: str, column: str, where: Location, problems: list[Problem]) -> float | None:
    if text == "":
        return None
    cleaned = text.replace(",", "").replace("_", "")
    if not _NUMBER.match(cleaned):
        problems.append(
            Problem(where, f"{column}: '{text}' is not a number (expected e.g. 42 or 97.5; blank for missing)")
        )
        return None
    return float(cleaned.rstrip("%"))


# --- Commentary ----------------------------------------------------------------------------

_SECTION = re.compile(r"^##\s+(?:(summary|unit)|(objective|kpi)\s*:\s*(\S+))\s*$", re.I)
_PART = re.compile(r"^###\s+(analysis|actions)\s*$", re.I)


def _commentary(
    texts: list[RawText], sc: Scorecard, problems: list[Problem], broken: set[str]
) -> dict[tuple[str, Any], Commentary]:
    result: dict[tuple[str, Any], Commentary] = {}
    for raw in texts:
        path = Path(raw.path)
        period = parse_quarter(path.parent.name)
        if period is None:
            problems.append(
                Problem(
                    Location(raw.path),
                    f"commentary folder '{path.parent.name}' is not a quarter (expected commentary/YYYY-Qn/<unit-id>.md)",
                )
            )
            continue
        if path.stem in broken:
            continue
        if path.stem not in sc.units:
            problems.append(
                Problem(Location(raw.path), f"commentary for unknown unit '{path.stem}'{_hint(path.stem, sc.units)}")
            )
            continue
        result[(path.stem, period)] = parse_commentary(raw, sc.units[path.stem], period, problems)
    return result


def parse_commentary(raw: RawText, unit: Unit, period: Any, problems: list[Problem]) -> Commentary:
    """Split commentary Markdown into sections by `## Summary`, `## Objective: id`, `## KPI: id`."""
    meta, body, offset = split_front_matter(raw.text)
    sections: list[tuple[str, str, str, int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] = {"body": []}
    part = "body"
    for number, line in enumerate(body.splitlines(), start=offset + 1):
        if match := _SECTION.match(line):
            kind = "unit" if match[1] else match[2].lower()
            current, part = {"body": []}, "body"
            sections.append((kind, match[3] or "", line.lstrip("# ").strip(), number, current))
        elif (match := _PART.match(line)) and sections:
            part = match[1].lower()
            current.setdefault(part, [])
        elif not sections:
            if line.strip() and not line.startswith("# "):
                current, part = {"body": [line]}, "body"
                sections.append(("unit", "", "Summary", number, current))
        else:
            current.setdefault(part, []).append(line)
    objectives = {o.id for o in unit.objectives}
    kpis = {k.id for o in unit.objectives for k in o.kpis}
    parsed = []
    for kind, target, title, number, parts in sections:
        known = objectives if kind == "objective" else kpis
        if kind != "unit" and target not in known:
            problems.append(
                Problem(
                    Location(raw.path, number),
                    f"section '{title}': unit '{unit.id}' has no {kind} '{target}'{_hint(target, known)}",
                )
            )
            continue
        text = {k: "\n".join(v).strip() for k, v in parts.items()}
        section = CommentSection(
            kind,  # type: ignore[arg-type]
            target,
            title,
            text.get("analysis", ""),
            text.get("actions", ""),
            text.get("body", ""),
        )
        parsed.append(section)
    return Commentary(unit.id, period, str(meta.get("author", "")), tuple(parsed), Location(raw.path))


# --- Data quality --------------------------------------------------------------------------


def data_quality_warnings(sc: Scorecard) -> list[Problem]:
    """Return warnings: KPIs without owner or data, objectives without KPIs, units without objectives."""
    measured = {(m.unit, m.kpi) for m in sc.measures if m.value is not None}
    warnings: list[Problem] = []
    for unit in sc.units.values():
        where = _where_in(sc, unit)
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
