"""The typed template context of a board pack: records of `generator.present`, arranged for print."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.charts import TrendChart
from generator.present import (
    ChangeDisplay,
    Count,
    InitiativeDisplay,
    KpiDisplay,
    OwnerUnexplained,
    PeriodWords,
    RestatementDisplay,
    Rules,
    StatusView,
    StrategyMap,
    UnitsBelow,
)


@dataclass(frozen=True, slots=True)
class Note:
    """Commentary written for the quarter: analysis and actions as HTML."""

    analysis: Markup
    actions: Markup
    author: str = ""


@dataclass(frozen=True, slots=True)
class ObjectiveView:
    """An objective with its KPIs and the period's commentary about it."""

    id: str
    name: str
    owner: str
    perspective: str  # the perspective's name
    status: StatusView
    kpis: tuple[KpiDisplay, ...]
    note: Note | None = None

    @property
    def flagged(self) -> bool:
        """Return whether it is red or amber, so it belongs in the exceptions."""
        return self.status.css in ("red", "amber")


@dataclass(frozen=True, slots=True)
class PerspectiveView:
    """A perspective with its objectives."""

    id: str
    name: str
    description: str
    status: StatusView
    objectives: tuple[ObjectiveView, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """The executive summary page."""

    overall: StatusView
    perspectives: tuple[tuple[str, StatusView], ...]
    counts: tuple[Count, ...]
    total_kpis: int
    previous_period: str
    previous_overall: StatusView | None
    new_reds: tuple[ChangeDisplay, ...]
    recoveries: tuple[ChangeDisplay, ...]
    other_changes: tuple[ChangeDisplay, ...]
    note: Note | None


@dataclass(frozen=True, slots=True)
class ChildView:
    """A child unit's summary in a board pack."""

    anchor: str
    name: str
    path: str  # "IT Services › Service Desk"
    level: int  # 1 for direct children
    owner: str
    overall: StatusView
    perspectives: tuple[tuple[str, StatusView], ...]
    counts: tuple[Count, ...]
    exceptions: tuple[KpiDisplay, ...]
    note: Note | None
    rule: str = ""  # the unit's status rule in words, where it differs from the organisation's
    late: str = ""  # a late filer: "Latest values from FY2025: none reported for FY2026."


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
    exceptions: tuple[KpiDisplay, ...]
    objective_exceptions: tuple[ObjectiveView, ...]  # red, then amber objectives
    no_data: tuple[KpiDisplay, ...]
    perspectives: tuple[PerspectiveView, ...]
    map_links: tuple[MapLink, ...]
    strategy_map: StrategyMap
    charted: tuple[KpiDisplay, ...]
    initiatives: tuple[InitiativeDisplay, ...]
    children: tuple[ChildView, ...]
    periods: tuple[str, ...]  # short labels of the recent periods in the data tables, oldest first
    words: PeriodWords  # the cadence's words: "year", "since last year", "Annual report"
    tables: tuple[DataTable, ...]
    charts: dict[str, TrendChart]  # KPI key -> its trend chart's data
    notes: dict[str, Note]  # KPI key -> the period's commentary about it
    objectives: dict[str, ObjectiveView]  # KPI key -> its objective
    trend_legend: str = ""
    edition: str = ""  # the audience's name, e.g. "Board"; "" when there is one edition
    rule: str = ""  # the unit's status rule in words
    rule_differs: bool = False  # from the organisation's
    own_rules: Rules = ()  # (rule, KPI names) of KPIs rated otherwise
    late: str = ""  # a late unit: "Latest values from FY2021: none reported for FY2022."
    less_often: str = ""  # why the data tables have dashes for KPIs reported less often than the cadence
    below: UnitsBelow | None = None  # a unit without KPIs of its own: the units below it, compared
    scores: bool = True  # 0-10 scores shown (`scores: false` rates KPIs only)
    not_applicable: str = ""  # the legend line for n/a values, when any KPI of the period is n/a
    stretched: bool = False  # some KPI has a stretch target: the legend explains ★ Exceeds
    projected_misses: tuple[KpiDisplay, ...] = ()  # KPIs projected to miss the year-end target, green or not
    unexplained: tuple[OwnerUnexplained, ...] = ()  # statuses `commentary_required` asks an analysis of, by owner

    def shown_note(self, kpi: KpiDisplay) -> bool:
        """Return whether the KPI's commentary is printed with it in the exceptions."""
        return kpi.key in self.notes and kpi in self.exceptions

    restatements: tuple[RestatementDisplay, ...] = ()  # published earlier periods that today's numbers change

    @property
    def title(self) -> str:
        """Return the document title."""
        return f"{self.unit_name}: {self.words.pack_noun} {self.period_label}"
