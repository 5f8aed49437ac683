"""Statuses that `commentary_required` asks an analysis of and that have none, by owner, as readers see them."""

from __future__ import annotations

from dataclasses import dataclass

from generator.attention import by_owner, unexplained_statuses
from generator.present.status import StatusView, status_view
from generator.results import Report

_KIND_WORDS = {"kpi": "KPI", "objective": "Objective"}


@dataclass(frozen=True, slots=True)
class UnexplainedItem:
    """A KPI or objective with a status that needs an analysis and has none."""

    kind: str  # "KPI" or "Objective"
    unit: str  # unit id
    id: str  # KPI or objective id
    name: str
    unit_name: str
    status: StatusView


@dataclass(frozen=True, slots=True)
class OwnerUnexplained:
    """What one owner has still to explain."""

    owner: str
    items: tuple[UnexplainedItem, ...]


def unexplained_by_owner(report: Report, unit_ids: set[str] | None = None) -> tuple[OwnerUnexplained, ...]:
    """Return, per owner, the statuses needing an analysis without one (the given units only, if any)."""
    sc = report.scorecard
    items = tuple(i for i in unexplained_statuses(report) if unit_ids is None or i.unit in unit_ids)
    return tuple(
        OwnerUnexplained(
            owner,
            tuple(
                UnexplainedItem(
                    _KIND_WORDS[i.kind],
                    i.unit,
                    i.id,
                    i.name,
                    sc.units[i.unit].name,
                    status_view(i.status),
                )
                for i in owned
            ),
        )
        for owner, owned in by_owner(items).items()
    )


def commentary_required_words(report: Report) -> str:
    """Return the statuses that need an analysis, e.g. 'red' or 'red or amber'; "" when none do."""
    return " or ".join(report.scorecard.organization.commentary_required)
