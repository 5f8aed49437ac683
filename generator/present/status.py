"""Statuses as readers see them: icon, word and score, the same on every output."""

from __future__ import annotations

from dataclasses import dataclass

from generator.formatting import STATUS_ICONS, format_score
from generator.results import Status

# The statuses counted in summaries, in reading order; not-rated only appears when some KPI is.
COUNTED = (Status.GREEN, Status.AMBER, Status.RED, Status.NO_DATA, Status.NOT_RATED)


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status as shown: icon and word (greyscale print keeps them apart), and a score."""

    status: Status
    icon: str
    word: str
    score: str  # "7.5", or a dash without a score

    @property
    def css(self) -> str:
        """Return the CSS class suffix: green, amber, red, no-data, not-rated."""
        return self.status.value

    @property
    def text(self) -> str:
        """Return icon and word, e.g. '▲ At risk'."""
        return f"{self.icon} {self.word}"


def status_view(status: Status, score: float | None = None) -> StatusView:
    """Return how a status and score are shown."""
    return StatusView(status, STATUS_ICONS[status], status.label, format_score(score))


@dataclass(frozen=True, slots=True)
class Count:
    """How many KPIs have one status."""

    status: StatusView
    count: int


def status_counts(by_status: dict[Status, int]) -> tuple[Count, ...]:
    """Return each counted status with its number of KPIs, zeros included; not-rated only when any."""
    shown = [s for s in COUNTED if s is not Status.NOT_RATED or by_status.get(s)]
    return tuple(Count(status_view(s), by_status.get(s, 0)) for s in shown)
