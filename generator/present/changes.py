"""What changed since the previous period, as readers see it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from generator.formatting import DASH
from generator.present.periods import late_since, short_label_of
from generator.present.status import StatusView, not_applicable_view, status_view
from generator.results import Change, PeriodResult, Report, Status

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
    scored: bool = True  # False where the unit's scores are off (`scores: false`): no score, no move


def change_display(change: Change, unit_name: str, scored: bool = True) -> ChangeDisplay:
    """Return a status change formatted for every output; `scored`: False where the unit's scores are off."""
    delta = change.score_delta
    return ChangeDisplay(
        change,
        LEVEL_WORDS[change.level],
        change.name,
        unit_name,
        _side(change.before, change.score_before, change.not_applicable[0], scored),
        _side(change.after, change.score_after, change.not_applicable[1], scored),
        DASH if delta is None or not scored else f"{delta:+.1f}",
        scored,
    )


def _side(status: Status, score: float | None, not_applicable: bool, scored: bool) -> StatusView:
    view = not_applicable_view() if not_applicable else status_view(status, score)
    return view if scored else replace(view, score="", scored=False)


def by_move(changes: tuple[Change, ...]) -> list[Change]:
    """Return changes, largest score move first."""
    return sorted(changes, key=lambda c: -abs(c.score_delta or 0))


@dataclass(frozen=True, slots=True)
class ScoreMove:
    """A score against the previous period's: for tiles, unit pages and editions."""

    previous: StatusView  # the previous period's status and score
    previous_period: str  # the previous period as named on every page
    delta: str  # signed, e.g. "+1.2"; a dash when either side has no score
    direction: str  # up | down | same | "" (no comparison)

    @property
    def text(self) -> str:
        """Return e.g. '+1.2 since 2026-Q2 (5.0)', or ''."""
        if not self.direction:
            return ""
        return f"{self.delta} since {self.previous_period} ({self.previous.score})"


def score_move(report: Report, level: str, key: str | tuple[str, str]) -> ScoreMove | None:
    """Return a unit's (key: id) or perspective's (key: (unit, perspective)) move, or None in the first period."""
    previous = report.previous
    if previous is None:
        return None
    if late_since(report, key if isinstance(key, str) else key[0]) is not None:
        return None  # a late unit's values are its own latest period's: nothing has moved since
    before, now = _result(previous, level, key), _result(report.current, level, key)
    if before is None or now is None or (before.score is None and now.score is None):
        return None  # nothing to compare (where scores are off, neither has one)
    delta = None if before.score is None or now.score is None else round(now.score, 1) - round(before.score, 1)
    direction = "" if delta is None else "up" if delta > 0 else "down" if delta < 0 else "same"
    return ScoreMove(
        status_view(before.status, before.score),
        short_label_of(report, previous.period),
        DASH if delta is None else f"{delta:+.1f}",
        direction,
    )


def _result(result: PeriodResult, level: str, key: str | tuple[str, str]) -> Any:
    table: dict[Any, Any] = result.units if level == "unit" else result.perspectives
    return table.get(key)
