"""Statuses as readers see them: icon, word and score, the same on every output."""

from __future__ import annotations

from dataclasses import dataclass

from generator.formatting import DASH, MANUAL_MARK, STATUS_ICONS, format_score, manual_reason
from generator.results import KpiResult, Status

# The statuses counted in summaries, in reading order; not-rated only appears when some KPI is.
COUNTED = (Status.GREEN, Status.AMBER, Status.RED, Status.NO_DATA, Status.NOT_RATED)
# Worst first, for tables sorted by status
SEVERITY = (Status.RED, Status.AMBER, Status.NO_DATA, Status.GREEN, Status.NOT_RATED)


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status as shown: icon and word (greyscale print keeps them apart), and a score."""

    status: Status
    icon: str
    word: str
    score: str  # "7.5", or a dash without a score
    manual: str = ""  # why the status was set by hand (its note); "" when computed

    @property
    def css(self) -> str:
        """Return the CSS class suffix: green, amber, red, no-data, not-rated."""
        return self.status.value

    @property
    def rank(self) -> int:
        """Return how bad the status is, worst first: red 0, amber 1, no data 2, green 3, not rated 4."""
        return SEVERITY.index(self.status)

    @property
    def sort_score(self) -> str:
        """Return the score as a sort key ("" without a score: sorts last)."""
        return "" if self.score == DASH else self.score

    @property
    def text(self) -> str:
        """Return icon and word, e.g. '▲ At risk'."""
        return f"{self.icon} {self.word}"

    @property
    def manual_mark(self) -> str:
        """Return the marker beside a status set by hand ('✎ set by hand'), or ""."""
        return MANUAL_LABEL if self.manual else ""

    @property
    def manual_text(self) -> str:
        """Return the sentence giving why a status was set by hand ('✎ Status set by hand: <reason>'), or ""."""
        return f"{MANUAL_MARK} Status set by hand: {self.manual}" if self.manual else ""


MANUAL_LABEL = f"{MANUAL_MARK} set by hand"


def status_view(status: Status, score: float | None = None, manual: str = "") -> StatusView:
    """Return how a status and score are shown; `manual`: why the status was set by hand."""
    return StatusView(status, STATUS_ICONS[status], status.label, format_score(score), manual)


def kpi_status(result: KpiResult) -> StatusView:
    """Return a KPI result's status as shown, with the reason when it was set by hand."""
    return status_view(result.status, result.score, manual_reason(result))


@dataclass(frozen=True, slots=True)
class Count:
    """How many KPIs have one status."""

    status: StatusView
    count: int


def status_counts(by_status: dict[Status, int]) -> tuple[Count, ...]:
    """Return each counted status with its number of KPIs, zeros included; not-rated only when any."""
    shown = [s for s in COUNTED if s is not Status.NOT_RATED or by_status.get(s)]
    return tuple(Count(status_view(s), by_status.get(s, 0)) for s in shown)
