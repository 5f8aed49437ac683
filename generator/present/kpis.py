"""KPIs, objectives and perspectives as readers see them: names, statuses and formatted numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from generator.formatting import DASH, TREND_ARROWS, TREND_WORDS, format_target, format_value
from generator.model import Kpi
from generator.present.rules import kpi_rule
from generator.present.status import StatusView, kpi_status, status_view
from generator.results import KpiResult, Report, as_number

T = TypeVar("T")
HISTORY_QUARTERS = 8  # quarters in sparklines, print charts and short data tables: two years
# What a trend arrow compares (generator/compute/period.py: kpi_trend), said once for every output
TREND_LEGEND = (
    "Trend arrows compare each KPI's value with its previous value (the period before; for an annual KPI, "
    "the year before) and take its direction into account: ↑ improving, → steady, ↓ declining."
)


@dataclass(frozen=True, slots=True)
class KpiDisplay:
    """One KPI in the reporting period, every value formatted once for every output."""

    unit: str
    id: str
    name: str
    owner: str
    objective: str  # the objective's name
    perspective: str  # the perspective's name
    unit_of_measure: str
    status: StatusView
    actual: str
    target: str
    red_flag: str
    ytd: str
    trend_arrow: str  # "" without a trend
    trend_word: str
    stale: str  # "", "latest value 2026-Q1" or "no value yet"
    latest: str  # latest value on or before the period, e.g. "82.0% in 2026-Q1", or "none"
    has_chart: bool  # a number in the recent quarters, so a trend chart has something to draw
    rule: str  # the status rule in words; "" for categorical or untargeted KPIs

    @property
    def key(self) -> str:
        """Return "unit/kpi": the KPI's key in chart specs and anchors."""
        return f"{self.unit}/{self.id}"

    @property
    def trend(self) -> str:
        """Return arrow and word, e.g. '↑ improving', or a dash."""
        return f"{self.trend_arrow} {self.trend_word}".strip() or DASH


def kpi_display(report: Report, unit_id: str, kpi: Kpi) -> KpiDisplay:
    """Return a KPI of the reporting period as every output shows it."""
    sc = report.scorecard
    r = report.current.kpis[(unit_id, kpi.id)]
    objective = next(o for o in sc.units[unit_id].objectives if o.id == r.objective)
    return KpiDisplay(
        unit=unit_id,
        id=kpi.id,
        name=kpi.name,
        owner=kpi.owner,
        objective=objective.name,
        perspective=perspective_name(report, unit_id, objective.perspective),
        unit_of_measure=kpi.unit,
        status=kpi_status(r),
        actual=format_value(kpi, r.actual),
        target=format_target(kpi, r.target),
        red_flag=format_target(kpi, r.red_flag),
        ytd=format_value(kpi, r.ytd),
        trend_arrow=TREND_ARROWS[r.trend],
        trend_word=TREND_WORDS[r.trend],
        stale=stale_text(r),
        latest=f"{format_value(kpi, r.latest_value)} in {r.latest_period}" if r.latest_period else "none",
        has_chart=any(as_number(h.actual) is not None for h in recent(report.kpi_history(unit_id, kpi.id))),
        rule=kpi_rule(report, unit_id, kpi),
    )


def stale_text(result: KpiResult) -> str:
    """Return why a KPI's value is old: 'latest value 2026-Q1', 'no value yet', or ''."""
    if not result.stale:
        return ""
    return f"latest value {result.latest_period}" if result.latest_period else "no value yet"


def perspective_name(report: Report, unit_id: str, perspective_id: str) -> str:
    """Return the name of a perspective in force for a unit."""
    return next((p.name for p in report.scorecard.perspectives(unit_id) if p.id == perspective_id), perspective_id)


def objective_status(report: Report, unit_id: str, objective_id: str) -> StatusView:
    """Return an objective's status in the reporting period."""
    result = report.current.objectives[(unit_id, objective_id)]
    return status_view(result.status, result.score)


def perspective_status(report: Report, unit_id: str, perspective_id: str) -> StatusView:
    """Return a unit's perspective status in the reporting period."""
    result = report.current.perspectives[(unit_id, perspective_id)]
    return status_view(result.status, result.score)


def unit_status(report: Report, unit_id: str) -> StatusView:
    """Return a unit's overall status in the reporting period."""
    result = report.current.units[unit_id]
    return status_view(result.status, result.score)


def recent(items: list[T]) -> list[T]:
    """Return the last HISTORY_QUARTERS items (sparklines, print charts, short tables)."""
    return items[-HISTORY_QUARTERS:]
