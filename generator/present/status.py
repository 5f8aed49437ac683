"""Statuses as readers see them: icon, word and score, the same on every output."""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.formatting import (
    DASH,
    EXCEEDS_ICON,
    EXCEEDS_WORD,
    MANUAL_MARK,
    STATUS_ICONS,
    format_score,
    manual_reason,
)
from generator.model import NOT_APPLICABLE, Kpi
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
    score: str  # "7.5", or a dash without a score; "2 of 3 met" where scores are off (`scores: false`)
    manual: str = ""  # why the status was set by hand (its note); "" when computed
    hint: str = ""  # why it is not rated or what it means, shown on hover and in print ("" for none)
    scored: bool = True  # False where scores are off: `score` then counts the KPIs met

    @property
    def score_label(self) -> str:
        """Return the caption of the big number: 'Overall score', or 'KPIs met' where scores are off."""
        return "Overall score" if self.scored else "KPIs met"

    @property
    def score_out_of(self) -> str:
        """Return what the score is out of (' / 10'), or "" where scores are off."""
        return " / 10" if self.scored else ""

    @property
    def score_heading(self) -> str:
        """Return the heading of a column of such scores: 'Score', or 'KPIs met' where scores are off."""
        return "Score" if self.scored else "KPIs met"

    @property
    def score_text(self) -> str:
        """Return the score as a phrase beside a status: 'score 7.5', or '2 of 3 met' where scores are off
        ("" for a KPI there)."""
        return f"score {self.score}" if self.scored else self.score

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
NOT_APPLICABLE_WORD = "Not applicable"
NOT_APPLICABLE_HINT = "n/a: not applicable this period; not missing, not rated, left out of roll-ups"
REFERENCE_HINT = "Reference measure: shown for information, never rated"
NO_TARGET_HINT = "No target: shown for information, not rated"
GROUPING_HINT = "No KPIs of its own: it groups the units below it"
SCORES_OFF_HINT = "This scorecard rates KPIs only (met or not): no scores are combined"
NO_WEIGHT_HINT = "Its KPIs have values but carry no score (weight 0, no target or reference measures)"


def status_view(status: Status, score: float | None = None, manual: str = "") -> StatusView:
    """Return how a status and score are shown; `manual`: why the status was set by hand."""
    return StatusView(status, STATUS_ICONS[status], status.label, format_score(score), manual)


def kpi_status(result: KpiResult, kpi: Kpi | None = None, scored: bool = True) -> StatusView:
    """Return a KPI result's status as shown (★ Exceeds at or beyond its stretch), with why when set by hand or not rated.

    `scored`: False where scores are off (`scores: false`): the status then stands without a score.
    """
    if result.exceeds:
        view = StatusView(result.status, EXCEEDS_ICON, EXCEEDS_WORD, format_score(result.score))
    elif result.actual == NOT_APPLICABLE:
        view = not_applicable_view()
    else:
        view = _kpi_view(result, kpi)
    return view if scored else replace(view, score="", scored=False)


def _kpi_view(result: KpiResult, kpi: Kpi | None) -> StatusView:
    view = status_view(result.status, result.score, manual_reason(result))
    if result.status is not Status.NOT_RATED:
        return view
    return replace(view, hint=REFERENCE_HINT if kpi is not None and is_reference(kpi) else NO_TARGET_HINT)


def not_applicable_view() -> StatusView:
    """Return the status of a KPI whose value is n/a: not rated, worded 'Not applicable'."""
    icon = STATUS_ICONS[Status.NOT_RATED]
    return StatusView(Status.NOT_RATED, icon, NOT_APPLICABLE_WORD, DASH, hint=NOT_APPLICABLE_HINT)


def is_reference(kpi: Kpi) -> bool:
    """Return whether a KPI is never rated by its definition: polarity none, or levels without status."""
    if kpi.type == "categorical":
        return all(level.status == "none" for level in kpi.levels or ())
    return kpi.polarity == "none"


def met_count(results: list[KpiResult]) -> str:
    """Return how many of the rated KPIs are on target, e.g. '2 of 3 met' (where scores are off)."""
    rated = [r for r in results if r.status.rated]
    if not rated:
        return "none rated"
    return f"{sum(r.status is Status.GREEN for r in rated)} of {len(rated)} met"


@dataclass(frozen=True, slots=True)
class Count:
    """How many KPIs have one status."""

    status: StatusView
    count: int


def status_counts(by_status: dict[Status, int]) -> tuple[Count, ...]:
    """Return each counted status with its number of KPIs, zeros included; not-rated only when any."""
    shown = [s for s in COUNTED if s is not Status.NOT_RATED or by_status.get(s)]
    return tuple(Count(status_view(s), by_status.get(s, 0)) for s in shown)
