"""The typed template context of a board pack: every string already formatted for the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.results import Status
from generator.strategymap import StrategyMap


@dataclass(frozen=True, slots=True)
class Rating:
    """A status with its icon and word, and a score: greyscale print keeps all three apart."""

    status: Status
    icon: str
    word: str
    score: str
    manual: str = ""  # why the status was set by hand; "" when computed


@dataclass(frozen=True, slots=True)
class Note:
    """Commentary written for the quarter: analysis and actions as HTML."""

    analysis: Markup
    actions: Markup
    author: str = ""


@dataclass(frozen=True, slots=True)
class KpiView:
    """One KPI of the period, formatted as on the site and in the exports."""

    key: str  # "unit/kpi": anchor and chart key
    name: str
    objective: str
    perspective: str
    owner: str
    rating: Rating
    actual: str
    target: str
    red_flag: str
    ytd: str
    trend: str  # arrow and word, e.g. "↑ improving"
    stale: str  # "" or "latest value 2026-Q1"
    latest: str  # latest value on or before the period, e.g. "82.0% in 2026-Q1", or "none"
    unit_of_measure: str
    has_chart: bool
    note: Note | None


@dataclass(frozen=True, slots=True)
class ObjectiveView:
    """An objective with its KPIs."""

    id: str
    name: str
    owner: str
    rating: Rating
    kpis: tuple[KpiView, ...]


@dataclass(frozen=True, slots=True)
class PerspectiveView:
    """A perspective with its objectives."""

    id: str
    name: str
    description: str
    rating: Rating
    objectives: tuple[ObjectiveView, ...]


@dataclass(frozen=True, slots=True)
class Count:
    """How many KPIs have one status."""

    rating: Rating
    count: int


@dataclass(frozen=True, slots=True)
class ChangeView:
    """A status change since last quarter."""

    level: str
    name: str
    before: Rating
    after: Rating
    delta: str  # signed score move, e.g. "+1.2"


@dataclass(frozen=True, slots=True)
class Summary:
    """The executive summary page."""

    overall: Rating
    perspectives: tuple[tuple[str, Rating], ...]
    counts: tuple[Count, ...]
    total_kpis: int
    previous_period: str
    previous_overall: Rating | None
    new_reds: tuple[ChangeView, ...]
    recoveries: tuple[ChangeView, ...]
    other_changes: tuple[ChangeView, ...]
    note: Note | None


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """A milestone with a status word: done, overdue or due."""

    name: str
    due: str
    state: str  # done | overdue | open
    word: str


@dataclass(frozen=True, slots=True)
class InitiativeView:
    """An initiative with budget use and milestones."""

    name: str
    owner: str
    description: str
    objectives: str
    dates: str
    budget: str
    spent: str
    spent_share: str  # "72%" or ""
    spent_width: float  # bar width in percent, capped at 100
    overspent: bool
    milestones: tuple[MilestoneView, ...]
    milestones_done: str  # "3 of 5 done"


@dataclass(frozen=True, slots=True)
class ChildView:
    """A child unit's summary in a board pack."""

    anchor: str
    name: str
    path: str  # "IT Services › Service Desk"
    level: int  # 1 for direct children
    owner: str
    overall: Rating
    perspectives: tuple[tuple[str, Rating], ...]
    counts: tuple[Count, ...]
    exceptions: tuple[KpiView, ...]
    note: Note | None


@dataclass(frozen=True, slots=True)
class DataRow:
    """One KPI's values across recent quarters."""

    name: str
    unit_of_measure: str
    target: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DataTable:
    """The appendix table of one perspective."""

    perspective: str
    rows: tuple[DataRow, ...]


@dataclass(frozen=True, slots=True)
class MapLink:
    """A cause-and-effect arrow of the strategy map, as text (used until a drawn map exists)."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class Pack:
    """Everything a board pack shows, in reading order."""

    organisation: str
    unit_id: str
    unit_name: str
    unit_owner: str
    mission: Markup
    period: str
    period_label: str
    data_date: str
    produced: str
    summary: Summary
    exceptions: tuple[KpiView, ...]
    no_data: tuple[KpiView, ...]
    perspectives: tuple[PerspectiveView, ...]
    map_links: tuple[MapLink, ...]
    strategy_map: StrategyMap
    charted: tuple[KpiView, ...]
    initiatives: tuple[InitiativeView, ...]
    children: tuple[ChildView, ...]
    quarters: tuple[str, ...]
    tables: tuple[DataTable, ...]
    charts: dict[str, dict[str, Any]]  # KPI key -> Plotly figure spec
    rule: str = ""  # the unit's status rule in words
    rule_differs: bool = False  # from the organisation's
    own_rules: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (rule, KPI names) of KPIs rated otherwise

    @property
    def title(self) -> str:
        """Return the document title."""
        return f"{self.unit_name}: board pack {self.period}"
