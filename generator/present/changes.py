"""What changed since the previous quarter, as readers see it."""

from __future__ import annotations

from dataclasses import dataclass

from generator.formatting import DASH
from generator.present.status import StatusView, not_applicable_view, status_view
from generator.results import Change, Status

LEVEL_WORDS = {"unit": "Unit", "objective": "Objective", "kpi": "KPI"}


@dataclass(frozen=True, slots=True)
class ChangeDisplay:
    """A status change: what moved, from which status to which, and by how much."""

    change: Change
    level: str  # "Unit", "Objective" or "KPI"
    name: str
    unit: str  # the unit's name
    before: StatusView
    after: StatusView
    delta: str  # signed score move, e.g. "+1.2", or a dash


def change_display(change: Change, unit_name: str) -> ChangeDisplay:
    """Return a status change formatted for every output."""
    delta = change.score_delta
    return ChangeDisplay(
        change,
        LEVEL_WORDS[change.level],
        change.name,
        unit_name,
        _side(change.before, change.score_before, change.not_applicable[0]),
        _side(change.after, change.score_after, change.not_applicable[1]),
        DASH if delta is None else f"{delta:+.1f}",
    )


def _side(status: Status, score: float | None, not_applicable: bool) -> StatusView:
    return not_applicable_view() if not_applicable else status_view(status, score)


def by_move(changes: tuple[Change, ...]) -> list[Change]:
    """Return changes, largest score move first."""
    return sorted(changes, key=lambda c: -abs(c.score_delta or 0))
