"""Check `audiences:` and every `restricted_to`: known audience ids, and a root every edition can show."""

from __future__ import annotations

from collections.abc import Iterable

from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.model import Location, Scorecard


def check_audiences(sc: Scorecard, problems: list[Problem]) -> None:
    """Report each `restricted_to` naming an undeclared audience, and a restricted root unit."""
    known = [a.id for a in sc.organization.audiences]
    for where, what, audience in restrictions(sc):
        if audience not in known:
            problems.append(Problem(where, f"{what}: restricted_to: {unknown_audience(audience, known)}"))
    root = next((u for u in sc.units.values() if u.parent is None), None)
    if root is not None and root.restricted_to is not None:
        problems.append(
            Problem(
                sc.where(root.id, "restricted"),
                f"unit '{root.id}': the root unit opens every edition and cannot be restricted "
                "(restrict its objectives, KPIs or child units instead)",
            )
        )


def unknown_audience(audience: str, known: list[str]) -> str:
    """Return the message for an audience id organization.yaml does not declare."""
    if not known:
        return f"unknown audience '{audience}' (organization.yaml declares no `audiences:`)"
    hint = _hint(audience, known) or f" (declared: {', '.join(known)})"
    return f"unknown audience '{audience}'{hint}"


def restrictions(sc: Scorecard) -> Iterable[tuple[Location, str, str]]:
    """Yield (where, what, audience id) for every id in a `restricted_to` of units and what they hold."""
    for unit in sc.units.values():
        yield from _each(sc.where(unit.id, "restricted"), f"unit '{unit.id}'", unit.restricted_to)
        for obj in unit.objectives:
            where = sc.where(unit.id, "restricted", "objective", obj.id)
            yield from _each(where, f"objective '{obj.id}'", obj.restricted_to)
            for kpi in obj.kpis:
                where = sc.where(unit.id, "restricted", "kpi", kpi.id)
                yield from _each(where, f"kpi '{kpi.id}'", kpi.restricted_to)
        for item in unit.initiatives:
            where = sc.where(unit.id, "restricted", "initiative", item.id)
            yield from _each(where, f"initiative '{item.id}'", item.restricted_to)


def _each(where: Location, what: str, ids: tuple[str, ...] | None) -> Iterable[tuple[Location, str, str]]:
    for audience in ids or ():
        yield where, what, audience
