"""The typed template context: what templates receive, already formatted for display."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.formatting import STATUS_ICONS, format_score
from generator.results import Status


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status as shown: CSS class, icon, word and score."""

    css: str
    icon: str
    word: str
    score: str
    manual: str = ""  # why the status was set by hand; "" when computed

    @property
    def text(self) -> str:
        """Return icon and word, e.g. '▲ At risk'."""
        return f"{self.icon} {self.word}"


def status_view(status: Status, score: float | None = None, manual: str = "") -> StatusView:
    """Return how a status and score are shown; `manual` is the reason a status was set by hand."""
    return StatusView(status.value, STATUS_ICONS[status], status.label, format_score(score), manual)


@dataclass(frozen=True, slots=True)
class Link:
    """A link to a unit, objective or KPI with its status."""

    name: str
    href: str
    status: StatusView
    note: str = ""


@dataclass(frozen=True, slots=True)
class KpiRow:
    """One KPI line of a scorecard table."""

    name: str
    href: str
    status: StatusView
    actual: str
    target: str
    trend_arrow: str
    trend_word: str
    spark: str  # SVG polyline points, "" when too few values
    spark_label: str
    stale: str  # "" or "latest value 2026-Q1"


@dataclass(frozen=True, slots=True)
class ObjectiveRow:
    """An objective with its KPIs in a scorecard table."""

    name: str
    href: str
    status: StatusView
    owner: str
    kpis: tuple[KpiRow, ...]


@dataclass(frozen=True, slots=True)
class PerspectiveBlock:
    """A perspective of a unit's scorecard."""

    name: str
    description: str
    status: StatusView
    objectives: tuple[ObjectiveRow, ...]


@dataclass(frozen=True, slots=True)
class HeatRow:
    """A row of the children heatmap's text alternative."""

    name: str
    href: str
    status: StatusView
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Children compared side by side, ranked by score."""

    caption: str
    figure: Markup
    columns: tuple[str, ...]
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """A milestone placed on the timeline, with its state at the end of the period."""

    name: str
    due: str
    state: str  # done | late | due
    left: float  # percent of the timeline


@dataclass(frozen=True, slots=True)
class InitiativeView:
    """An initiative: its bar on the timeline, milestones and money."""

    name: str
    owner: str
    description: str
    dates: str
    left: float
    width: float
    milestones: tuple[MilestoneView, ...]
    objectives: tuple[Link, ...]
    budget: str
    spent: str
    spent_percent: float | None
    over_budget: bool
    counts: str  # "2 done, 1 late, 1 due"


@dataclass(frozen=True, slots=True)
class Timeline:
    """Initiatives of a unit on one time axis, with the end of the reporting period marked."""

    start: str
    end: str
    period_end: str
    period_left: float
    initiatives: tuple[InitiativeView, ...]


@dataclass(frozen=True, slots=True)
class CommentView:
    """A commentary section: analysis and actions are what boards read."""

    title: str
    analysis: Markup
    actions: Markup
    body: Markup
    author: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A status change, as one table row."""

    level: str
    name: str
    href: str
    unit: str
    before: StatusView
    after: StatusView
    delta: str


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What changed since the previous quarter."""

    previous: str
    new_reds: tuple[ChangeRow, ...]
    recoveries: tuple[ChangeRow, ...]
    moves: tuple[ChangeRow, ...]
    changes: tuple[ChangeRow, ...]
    hidden: int  # status changes left out of `changes` to keep the page light


@dataclass(frozen=True, slots=True)
class Site:
    """What every page shows: organisation and period."""

    name: str
    period: str
    period_label: str
    period_end: str


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered page: its path in the docs folder and its Markdown."""

    path: str
    title: str
    text: str
