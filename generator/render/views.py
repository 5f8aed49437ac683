"""The typed template context: what templates receive, already formatted for display."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.present import (
    ChangeDisplay,
    InitiativeDisplay,
    KpiDisplay,
    MilestoneDisplay,
    PeriodWords,
    ScoreMove,
    StatusView,
)


@dataclass(frozen=True, slots=True)
class Link:
    """A link to a unit, objective or KPI with its status."""

    name: str
    href: str
    status: StatusView
    note: str = ""


@dataclass(frozen=True, slots=True)
class Tile:
    """A summary card (a unit overall, or one of its perspectives) linked to what it summarises."""

    name: str
    href: str
    status: StatusView
    move: ScoreMove | None  # against the previous period; None in the first


@dataclass(frozen=True, slots=True)
class KpiRow:
    """One KPI line of a scorecard table: the KPI as shown everywhere, its link and sparkline."""

    kpi: KpiDisplay
    href: str
    spark: str  # SVG polyline points, "" when too few values
    spark_label: str
    restated: str = ""  # e.g. "Published 71.2 (14 Oct 2026)" where today's value corrects this period's edition


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

    anchor: str  # the heading's id, which the perspective's tile links to
    name: str
    description: str
    status: StatusView
    objectives: tuple[ObjectiveRow, ...]


@dataclass(frozen=True, slots=True)
class HeatCell:
    """A cell of the children heatmap: a KPI's value or a perspective's score, linked to it."""

    text: str  # the value, or the score
    status: StatusView
    score: float | None
    href: str


@dataclass(frozen=True, slots=True)
class HeatRow:
    """A unit of the children heatmap (a row of its table, an item of its list on phones)."""

    name: str
    href: str
    status: StatusView
    cells: tuple[HeatCell | None, ...]  # None: the unit has no such KPI or perspective
    late: str = ""  # a late filer: "from FY2025", beside its name


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Children compared side by side, ranked by score."""

    caption: str
    figure: Markup
    columns: tuple[str, ...]
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """A milestone placed on the timeline."""

    milestone: MilestoneDisplay
    left: float  # percent of the timeline


@dataclass(frozen=True, slots=True)
class InitiativeView:
    """An initiative: its bar on the timeline, milestones and the objectives it advances."""

    item: InitiativeDisplay
    left: float
    width: float
    milestones: tuple[MilestoneView, ...]
    objectives: tuple[Link, ...]
    anchor: str  # its heading's id on the unit page: search leads there
    unit: Link
    months: str  # "Jan 2026 – Dec 2026": short enough for one line of a table


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
    """A status change, as one table row with a link to what changed."""

    change: ChangeDisplay
    href: str


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What changed since the previous quarter."""

    previous: str
    new_reds: tuple[ChangeRow, ...]
    recoveries: tuple[ChangeRow, ...]
    moves: tuple[ChangeRow, ...]
    changes: tuple[ChangeRow, ...]
    hidden: int  # status changes left out of `changes` to keep the page light
    more_reds: int = 0  # new reds left out of `new_reds`
    more_recoveries: int = 0


@dataclass(frozen=True, slots=True)
class Site:
    """What every page shows: organisation and period."""

    name: str
    period: str
    period_label: str
    period_end: str
    edition: str = ""  # the audience's name, e.g. "Board"; "" when there is one edition
    words: PeriodWords | None = None  # the cadence's words: "year", "since last year", "Annual report"
    built: str = ""  # when the site was built, e.g. "23 Nov 2026 18:30 UTC"; "" in tests and goldens
    published: str = ""  # when the period was published (scorecard publish), e.g. "14 Oct 2026"


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered page: its path in the docs folder and its Markdown."""

    path: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class PeriodLink:
    """A published edition in the period menu."""

    label: str
    href: str
    published_on: str
    current: bool = False  # the edition this page belongs to


@dataclass(frozen=True, slots=True)
class PeriodMenu:
    """The period menu at the top of every page: this page's edition, the others, the latest."""

    label: str  # this page's period label
    published_on: str  # when this page's period was published; "" if never
    archive: bool  # the page is part of an archived edition
    latest_href: str  # the latest site's home ("" on the latest site)
    latest_label: str
    editions_href: str  # the page listing every edition
    periods: tuple[PeriodLink, ...]  # newest first
    notice: str = ""  # an archive's: what it could not keep as published
    home_href: str = ""  # an archive's: its own home page
