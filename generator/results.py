"""What the computation produces: one result object that every rendering reads.

The site, the PDF packs and the exports all take their numbers from a `Report`, so they
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from generator.model import Scorecard, StatusBands
from generator.periods import Period

GREEN_SCORE = 20 / 3
RED_SCORE = 10 / 3


def as_number(value: float | str | None) -> float | None:
    """Return a KPI value as a float; None when missing or categorical (text)."""
    return float(value) if isinstance(value, int | float) else None


class Status(StrEnum):
    """Status of a KPI, objective, perspective or unit."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_DATA = "no-data"
    NOT_RATED = "not-rated"

    @property
    def label(self) -> str:
        """Return the word shown beside the icon."""
        return _LABELS[self]

    @property
    def rated(self) -> bool:
        """Return whether the status carries a score (green, amber or red)."""
        return self in (Status.GREEN, Status.AMBER, Status.RED)


_LABELS = {
    Status.GREEN: "On target",
    Status.AMBER: "At risk",
    Status.RED: "Off target",
    Status.NO_DATA: "No data",
    Status.NOT_RATED: "Not rated",
}


class Trend(StrEnum):
    """Direction of a KPI versus the previous period, polarity taken into account."""

    IMPROVING = "improving"
    DECLINING = "declining"
    STEADY = "steady"
    UP = "up"  # a reference measure (polarity none) rose: a direction, neither good nor bad
    DOWN = "down"
    NONE = "none"  # no value in one of the two periods


ForecastMethod = Literal["run-rate", "trend", "owner"]


@dataclass(frozen=True, slots=True)
class Forecast:
    """Where a KPI is projected to end its fiscal year, and the status that would have."""

    value: float  # sum KPIs: the full-year total; others: the value in the year's last period
    method: ForecastMethod  # run-rate (sum KPIs), trend (a straight line) or owner (the measures' column)
    year_end: Period  # the fiscal year's last period
    target: float | tuple[float, float]  # the year-end target (sum KPIs: the year's period targets added up)
    green_limit: float | tuple[float, float]
    red_flag: float | tuple[float, float]
    status: Status
    # the periods left in the year with the value projected for each and its target: the chart's dashed line
    path: tuple[tuple[Period, float, float | tuple[float, float] | None], ...] = ()
    exceeds: bool = False  # at or beyond the year-end stretch target (sum KPIs: the year's stretches added up)

    @property
    def misses(self) -> bool:
        """Return whether the year-end target is projected to be missed (amber or red)."""
        return self.status in (Status.AMBER, Status.RED)


@dataclass(frozen=True, slots=True)
class KpiResult:
    """A KPI in one period."""

    unit: str
    objective: str
    kpi: str
    period: Period
    actual: float | str | None  # str for categorical KPIs
    target: float | tuple[float, float] | None
    red_flag: float | tuple[float, float] | None
    score: float | None
    status: Status
    ytd: float | None = None
    previous: float | str | None = None
    trend: Trend = Trend.NONE
    latest_period: str | None = None  # period of the latest value on or before this one
    latest_value: float | str | None = None
    stale: bool = False  # latest value older than the period reported
    months_reported: int | None = None  # monthly KPIs: months behind the quarter (1-3)
    note: str = ""
    undefined: str = ""  # why a calculated or rolled-up KPI has no value although its inputs have
    green_limit: float | tuple[float, float] | None = None  # where green starts: the target, or within its band
    bands: StatusBands | None = None  # the percentage bands in force; None: green only on target
    manual: bool = False  # status set by hand in the measures (`status` column); `note` says why
    carried_from: Period | None = None  # a late unit's latest value: the (older) period it was reported in
    stretch: float | tuple[float, float] | None = None  # the stretch target in force, when it lies beyond green
    exceeds: bool = False  # at or beyond the stretch target: shown as "Exceeds", counted as green
    forecast: Forecast | None = None  # year-end projection; None where there is none

    @property
    def carried(self) -> bool:
        """Return whether the value is a late unit's latest, carried from an older period."""
        return self.carried_from is not None


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    """An objective in one period."""

    unit: str
    objective: str
    perspective: str
    period: Period
    score: float | None
    status: Status
    scored_children: int  # KPIs and supporting objectives that carried a score


@dataclass(frozen=True, slots=True)
class PerspectiveResult:
    """A perspective of one unit in one period."""

    unit: str
    perspective: str
    period: Period
    score: float | None
    status: Status


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A unit's overall score in one period, with counts of its KPIs by status."""

    unit: str
    period: Period
    score: float | None
    status: Status
    counts: dict[Status, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """Every result of one period, keyed by ids."""

    period: Period
    units: dict[str, UnitResult]
    perspectives: dict[tuple[str, str], PerspectiveResult]
    objectives: dict[tuple[str, str], ObjectiveResult]
    kpis: dict[tuple[str, str], KpiResult]
    # Late units' KPIs as measured in this period (no value), where `kpis` carries their latest:
    # histories, charts and tables show each value once, in its own period.
    measured: dict[tuple[str, str], KpiResult] = field(default_factory=dict)
    # KPIs reported less often than the cadence, whose value here is carried from their own period
    # (an annual KPI in a quarter before the fourth): histories leave the value in that period.
    between: frozenset[tuple[str, str]] = frozenset()

    def measured_kpi(self, key: tuple[str, str]) -> KpiResult:
        """Return a KPI's result as measured in this period (a late unit's without its carried value)."""
        return self.measured.get(key) or self.kpis[key]


@dataclass(frozen=True, slots=True)
class Change:
    """A status change of a unit, objective or KPI since the previous period."""

    level: str  # unit | objective | kpi
    unit: str
    id: str  # objective or KPI id; unit id for units
    name: str
    before: Status
    after: Status
    score_before: float | None
    score_after: float | None
    not_applicable: tuple[bool, bool] = (False, False)  # a KPI's value was n/a before, is n/a after

    @property
    def score_delta(self) -> float | None:
        """Return the score move, or None when a side has no score."""
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the previous period, for one unit's subtree or the whole organisation."""

    status_changes: tuple[Change, ...]
    new_reds: tuple[Change, ...]
    recoveries: tuple[Change, ...]  # red or amber to green
    biggest_moves: tuple[Change, ...]  # largest absolute score moves, any level


@dataclass(frozen=True, slots=True)
class Restatement:
    """A published period's KPI whose computation today differs from its edition, at the KPI's decimals."""

    unit: str
    kpi: str
    name: str
    period: str  # str(period) of the edition
    change: str  # "value" | "target" | "added" | "removed"
    published: float | int | str | list[float] | None  # as published (rounded), [low, high] for a band
    current: float | int | str | list[float] | None  # as computed today, rounded alike
    note: str  # the measures' note of today's value, if any
    published_at: str  # when the edition was published (UTC, ISO 8601)
    decimals: int = 1
    # A correction made by publishing the period again (`publish --force`): `published` is from
    # revision `revision` (editions/<period>.rN.json), `current` from the next one, published then
    corrected_at: str = ""
    revision: int = 0


@dataclass(frozen=True)
class PublishedEdition:
    """One published period as read back from `editions/<period>.json` (see `generator.editions`)."""

    path: str
    period: str  # str(period), e.g. 2026-Q2
    label: str
    published_at: str  # UTC, ISO 8601, e.g. 2026-10-14T09:30:00Z
    product_version: str
    inputs: str  # fingerprint of content and measures when it was published
    rows: dict[str, list[dict[str, Any]]]  # audience id ("" without audiences) -> export rows
    format: int = 2  # 1: before editions kept their pages (definitions, history): see `generator.editions`
    checksum: str = ""  # of the whole file: the archive's cache key, and proof a re-read finds the same file
    # audience id -> what its archived pages show, where already in memory (a period just frozen);
    # None: read from `path` when an archive is rendered (see `generator.snapshot`)
    pages: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    revision: int = 0  # N of editions/<period>.rN.json; 0 for the edition itself
    # the period's earlier publications (its rN files), oldest first; only on the edition itself
    revisions: tuple[PublishedEdition, ...] = field(default=(), compare=False, repr=False)

    def kpi_rows(self, audience: str | None) -> dict[tuple[str, str], dict[str, Any]]:
        """Return the published KPI rows of one audience's edition, or of every edition (first wins)."""
        chosen = [self.rows[audience]] if audience is not None and audience in self.rows else self.rows.values()
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for rows in chosen:
            for row in rows:
                if row["level"] == "kpi":
                    found.setdefault((row["unit"], row["kpi"]), row)
        return found


@dataclass(frozen=True)
class Report:
    """The computed scorecard: the reporting period and every quarter up to it."""

    scorecard: Scorecard
    period: Period
    periods: tuple[Period, ...]  # oldest first, ending with `period`
    by_period: dict[Period, PeriodResult]
    # every unit, objective and KPI against the quarter before (empty in the first quarter), tree order
    changes: tuple[Change, ...] = ()
    # (unit, objective) -> the child objectives that support it (the cascade, read downwards)
    supporters: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    audience: str | None = None  # the audience whose edition this is; None: everything
    # published periods whose numbers differ today from what was published, oldest period first
    restatements: tuple[Restatement, ...] = ()
    editions: tuple[PublishedEdition, ...] = ()  # the published periods (editions/), oldest first
    # values a period's later publication (publish --force) changed from its earlier one, oldest period first
    corrections: tuple[Restatement, ...] = ()

    @property
    def current(self) -> PeriodResult:
        """Return the results of the reporting period."""
        return self.by_period[self.period]

    @property
    def previous(self) -> PeriodResult | None:
        """Return the results of the quarter before, if computed."""
        return self.by_period.get(self.period.previous())

    def kpi_history(self, unit: str, kpi: str) -> list[KpiResult]:
        """Return the KPI's results for every period, oldest first, each value in its own period only.

        A late unit's latest value is carried into `current` (the scorecard shows it, marked), not
        into its history: charts, tables and downloads hold it once, in the period it was reported.
        """
        return [self.reported_in(p, (unit, kpi)) for p in self.periods]

    def reported_in(self, period: Period, key: tuple[str, str]) -> KpiResult:
        """Return a KPI's result in a period with only a value reported for that period (tables, charts)."""
        result = self.by_period[period]
        if key in result.between:
            return replace(result.kpis[key], actual=None, score=None, status=Status.NO_DATA, ytd=None, trend=Trend.NONE)
        return result.measured_kpi(key)

    def changes_in(self, unit_ids: Iterable[str] | None = None, top: int = 10) -> Changes:
        """Return what changed since the previous quarter in the given units (default all)."""
        if unit_ids is None:
            changes = list(self.changes)
        else:  # by unit, in tree order: a unit page asks for its subtree, hundreds of times a build
            wanted, by_unit = set(unit_ids), self._changes_by_unit()
            changes = [c for unit in self.scorecard.units if unit in wanted for c in by_unit.get(unit, ())]
        moved = [c for c in changes if c.before != c.after]
        moves = sorted((c for c in changes if c.score_delta), key=lambda c: -abs(c.score_delta or 0))
        return Changes(
            status_changes=tuple(moved),
            new_reds=tuple(c for c in moved if c.after is Status.RED),
            recoveries=tuple(c for c in moved if c.after is Status.GREEN and c.before in (Status.RED, Status.AMBER)),
            biggest_moves=tuple(moves[:top]),
        )

    def _changes_by_unit(self) -> dict[str, list[Change]]:
        if "_by_unit" not in self.__dict__:
            index: dict[str, list[Change]] = {}
            for change in self.changes:
                index.setdefault(change.unit, []).append(change)
            object.__setattr__(self, "_by_unit", index)
        return self.__dict__["_by_unit"]  # type: ignore[no-any-return]
