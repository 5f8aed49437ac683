"""Check raw input against the schema and across files; build the one `Scorecard`.

Every problem is collected with its file and line; the caller fails once with all of them.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import DataError, Problem
from generator.load import RawDocument, RawInput
from generator.model import Scorecard, Template, Unit
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
    broken |= {Path(path).stem for path in raw.unreadable}  # units/<id>.yaml, by convention
    units = {uid: (apply_template(u, templates, where, problems, broken), where) for uid, (u, where) in units.items()}
    ordered = order_tree(units, problems, broken)
    # Units cut off the tree (below a broken file or in a cycle) are still checked inside.
    outside = {uid: unit for uid, (unit, _) in units.items() if uid not in ordered}
    every = Scorecard(
        organization, {**ordered, **outside}, {k: t for k, (t, _) in templates.items()}, (), {}, locations(raw)
    )
    check_units(every, problems, broken | outside.keys())
    measures = tuple(check_measures(raw.rows, every, problems, broken))
    commentary = check_commentary(raw.commentary, every, problems, broken)
    problems.extend(markup_warnings(raw, commentary))
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
