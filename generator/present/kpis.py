"""KPIs, objectives and perspectives as readers see them: names, statuses and formatted numbers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from generator.formatting import DASH, TREND_ARROWS, TREND_WORDS, format_target, format_value
from generator.model import NOT_APPLICABLE, Kpi
from generator.present.forecast import ForecastDisplay, forecast_display
from generator.present.periods import label_of_id, recent_window
from generator.present.rules import kpi_rule
from generator.present.status import (
    GROUPING_HINT,
    NO_WEIGHT_HINT,
    NOT_APPLICABLE_HINT,
    SCORES_OFF_HINT,
    StatusView,
    kpi_status,
    met_count,
    status_view,
)
from generator.results import KpiResult, Report, Status, as_number

T = TypeVar("T")
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
    last_year: str  # the value of the same period a year before (a dash when none)
    trend_arrow: str  # "" without a trend
    trend_word: str
    stale: str  # "", "from FY2021" (a late unit), "latest value Q1 FY2026 (Jan-Mar 2026)" or "no value yet"
    latest: str  # latest value on or before the period, e.g. "82.0% in Q1 FY2026 (Jan-Mar 2026)", or "none"
    has_chart: bool  # a number in the recent periods, so a trend chart has something to draw
    rule: str  # the status rule in words; "" for categorical or untargeted KPIs
    stretch: str  # the stretch target in force, formatted; "" without one
    forecast: ForecastDisplay | None  # the year-end forecast; None without one

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
        status=kpi_status(r, kpi, sc.scores(unit_id)),
        actual=format_value(kpi, r.actual),
        target=format_target(kpi, r.target),
        red_flag=format_target(kpi, r.red_flag),
        ytd=format_value(kpi, r.ytd),
        last_year=format_value(kpi, same_period_last_year(report, r)),
        trend_arrow=TREND_ARROWS[r.trend],
        trend_word=TREND_WORDS[r.trend],
        stale=stale_text(report, r),
        latest=f"{format_value(kpi, r.latest_value)} in {label_of_id(report, r.latest_period)}"
        if r.latest_period
        else "none",
        has_chart=any(as_number(h.actual) is not None for h in recent(report, report.kpi_history(unit_id, kpi.id))),
        rule=kpi_rule(report, unit_id, kpi),
        stretch=format_target(kpi, r.stretch) if r.stretch is not None else "",
        forecast=forecast_display(report, kpi, r),
    )


def same_period_last_year(report: Report, result: KpiResult) -> float | str | None:
    """Return the KPI's value in the same period a year before (None when not computed or missing)."""
    period = result.carried_from or result.period
    before = report.by_period.get(period.shift(-period.per_year))
    return before.measured_kpi((result.unit, result.kpi)).actual if before else None


def stale_text(report: Report, result: KpiResult) -> str:
    """Return why a KPI's value is old: 'from FY2021' (a late unit), 'latest value Q1 FY2026 (...)', or ''."""
    if not result.stale:
        return ""
    if not result.latest_period:
        return "no value yet"
    label = label_of_id(report, result.latest_period)
    return f"from {label}" if result.carried else f"latest value {label}"


def perspective_name(report: Report, unit_id: str, perspective_id: str) -> str:
    """Return the name of a perspective in force for a unit."""
    return next((p.name for p in report.scorecard.perspectives(unit_id) if p.id == perspective_id), perspective_id)


def objective_status(report: Report, unit_id: str, objective_id: str) -> StatusView:
    """Return an objective's status in the reporting period; where scores are off, its count of KPIs met."""
    result = report.current.objectives[(unit_id, objective_id)]
    objective = next(o for o in report.scorecard.units[unit_id].objectives if o.id == objective_id)
    return _rolled_up(report, unit_id, result.status, result.score, [k.id for k in objective.kpis])


def perspective_status(report: Report, unit_id: str, perspective_id: str) -> StatusView:
    """Return a unit's perspective status in the reporting period."""
    result = report.current.perspectives[(unit_id, perspective_id)]
    objectives = [o for o in report.scorecard.units[unit_id].objectives if o.perspective == perspective_id]
    return _rolled_up(report, unit_id, result.status, result.score, [k.id for o in objectives for k in o.kpis])


def unit_status(report: Report, unit_id: str) -> StatusView:
    """Return a unit's overall status in the reporting period."""
    result = report.current.units[unit_id]
    kpis = [k.id for o in report.scorecard.units[unit_id].objectives for k in o.kpis]
    if not kpis and result.status is Status.NOT_RATED:  # a unit that only groups the units below it
        view = replace(status_view(result.status), hint=GROUPING_HINT)
        return view if report.scorecard.scores(unit_id) else replace(view, score="", scored=False)
    return _rolled_up(report, unit_id, result.status, result.score, kpis)


def _rolled_up(report: Report, unit_id: str, status: Status, score: float | None, kpi_ids: list[str]) -> StatusView:
    if report.scorecard.scores(unit_id):
        view = status_view(status, score)
        return replace(view, hint=NO_WEIGHT_HINT) if status is Status.NOT_RATED else view
    met = met_count([report.current.kpis[(unit_id, k)] for k in kpi_ids])
    return replace(status_view(status), score=met, scored=False, hint=SCORES_OFF_HINT)


def recent(report: Report, items: list[T]) -> list[T]:
    """Return the last items of the cadence's window (sparklines, print charts, short tables)."""
    return recent_window(report, items)


def not_applicable_legend(report: Report) -> str:
    """Return the legend line for n/a values when any KPI of the period is n/a, else ""."""
    if any(r.actual == NOT_APPLICABLE for r in report.current.kpis.values()):
        return NOT_APPLICABLE_HINT
    return ""
