"""Check raw input against the schema and across files; build the one `Scorecard`.

Every problem is collected with its file and line; the caller fails once with all of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from generator.errors import DataError, Problem
from generator.load import RawDocument, RawInput
from generator.model import Location, Scorecard, Template, Unit
from generator.validate.audiences import check_audiences
from generator.validate.commentary import check_commentary, parse_commentary
from generator.validate.markup import markup_warnings
from generator.validate.measures import check_measures
from generator.validate.references import check_units, data_quality_warnings
from generator.validate.schema import check_models, check_organization, locations, unique
from generator.validate.tree import apply_template, order_tree

__all__ = ["data_quality_warnings", "parse_commentary", "validate_input"]


def validate_input(raw: RawInput) -> tuple[Scorecard, list[Problem]]:
    """Return the scorecard and its warnings; raise DataError listing every error."""
    problems = list(raw.problems)
    organization = check_organization(raw.organization, problems)
    templates = unique(check_models(raw.templates, Template, problems), "template", problems)
    units = unique(check_models(raw.units, Unit, problems), "unit", problems)
    # Ids of files that failed the schema: references to them are not reported again.
    broken = _ids(raw.units + raw.templates) - units.keys() - templates.keys() | _duplicated(raw.units)
    valid = {where.path for _, where in units.values()}
    failed = [*raw.unreadable, *(d.path for d in raw.units if d.path not in valid)]
    broken |= {Path(path).stem for path in failed}  # units/<id>.yaml, by convention
    index = locations(raw)
    units = {
        uid: (apply_template(u, templates, _locator(index, uid, where), problems, broken), where)
        for uid, (u, where) in units.items()
    }
    units = {uid: (_default_frequency(u, organization.cadence), where) for uid, (u, where) in units.items()}
    # A unit whose template is broken lacks its KPIs: its measures and roll-ups are not re-reported.
    broken |= {uid for uid, (u, _) in units.items() if u.template in broken and u.template not in templates}
    ordered = order_tree(units, problems, broken)
    if not raw.units and not raw.unreadable and raw.organization is not None:
        folder = Path(raw.organization.path).parent / "units"
        problems.append(
            Problem(Location(str(folder)), "no units (expected one YAML file per unit, the root without a `parent`)")
        )
    # Units cut off the tree (below a broken file or in a cycle) are still checked inside.
    outside = {uid: unit for uid, (unit, _) in units.items() if uid not in ordered}
    every = Scorecard(organization, {**ordered, **outside}, {k: t for k, (t, _) in templates.items()}, (), {}, index)
    check_units(every, problems, broken | outside.keys())
    check_audiences(every, problems)
    measures = check_measures(raw.rows, every, problems, broken)
    commentary = check_commentary(raw.commentary, every, problems, broken)
    problems.extend(markup_warnings(raw, commentary))
    scorecard = Scorecard(organization, ordered, every.templates, measures, commentary, every.locations)
    problems.extend(data_quality_warnings(scorecard))
    if errors := [p for p in problems if p.severity == "error"]:
        raise DataError(errors)
    return scorecard, [p for p in problems if p.severity == "warning"]


def _default_frequency(unit: Unit, cadence: str) -> Unit:
    """Return the unit with its KPIs that set no `frequency` reported on the organisation's cadence."""
    if all("frequency" in k.model_fields_set for o in unit.objectives for k in o.kpis):
        return unit
    objectives = tuple(
        o.model_copy(
            update={
                "kpis": tuple(
                    k if "frequency" in k.model_fields_set else k.model_copy(update={"frequency": cadence})
                    for k in o.kpis
                )
            }
        )
        for o in unit.objectives
    )
    return unit.model_copy(update={"objectives": objectives})


def _locator(index: dict[tuple[str, ...], Location], unit_id: str, default: Location) -> Callable[..., Location]:
    """Return a function locating a unit's element (`"override", kpi_id`) in its own file."""
    return lambda *key: index.get(("unit", unit_id, *key), default)


def _duplicated(docs: list[RawDocument]) -> set[str]:
    counts = Counter(str(d.data["id"]) for d in docs if isinstance(d.data, dict) and "id" in d.data)
    return {i for i, n in counts.items() if n > 1}


def _ids(docs: list[RawDocument]) -> set[str]:
    return {str(d.data["id"]) for d in docs if isinstance(d.data, dict) and "id" in d.data}
