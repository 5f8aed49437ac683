"""Year-end forecasts as readers see them: the projection, its status, and how it was made."""

from __future__ import annotations

from dataclasses import dataclass

from generator.formatting import EXCEEDS_ICON, EXCEEDS_WORD, format_score, format_target, format_value
from generator.model import Kpi
from generator.present.status import StatusView, kpi_status, status_view
from generator.results import Forecast, KpiResult, Report

# How each method works, in words: the KPI page's "how this forecast is made".
_METHODS = {
    "run-rate": (
        "Year-to-date total plus the mean of the last (up to) four period values for each period left in the "
        "fiscal year, compared with the sum of the year's period targets."
    ),
    "trend": (
        "The value in the fiscal year's last period of a straight line fitted (least squares) through the last "
        "(up to) four period values, compared with that period's target."
    ),
    "owner": "The owner's own forecast, given in the measures; it wins over the computed trend.",
}
_KINDS = {"run-rate": "Projected full-year total", "trend": "Projected year-end value", "owner": "Owner's forecast"}
# How the headline ties the forecast to the year's end, e.g. "Projected year-end value, in Q4 FY2026 (Oct-Dec 2026)"
_WHEN = {True: "for the year ending", False: "in"}
MISS_HEADING = "Projected to miss the year-end target"


@dataclass(frozen=True, slots=True)
class ForecastDisplay:
    """A KPI's year-end forecast, formatted once for the site, the packs and the exports."""

    kind: str  # "Projected full-year total", "Projected year-end value" or "Owner's forecast"
    value: str  # e.g. "84.0%"
    number: float  # the forecast, for charts
    status: StatusView  # what the forecast would score at year end
    year_end: str  # the fiscal year's last period, as readers name it
    target: str  # the year-end target it is measured against
    method: str  # how this forecast is made, in a sentence
    misses: bool  # projected to miss the year-end target (amber or red)
    total: bool  # a full-year total (sum KPIs), not a value in the year's last period

    @property
    def headline(self) -> str:
        """Return what the forecast is, and for when: 'Projected full-year total for the year ending Q4 FY2026 (...)'."""
        return f"{self.kind} {_WHEN[self.total]} {self.year_end}"


def forecast_display(report: Report, kpi: Kpi, result: KpiResult) -> ForecastDisplay | None:
    """Return how a KPI's year-end forecast is shown, or None without one."""
    forecast = result.forecast
    if forecast is None:
        return None
    return ForecastDisplay(
        kind=_KINDS[forecast.method],
        value=format_value(kpi, forecast.value),
        number=forecast.value,
        status=StatusView(forecast.status, EXCEEDS_ICON, EXCEEDS_WORD, format_score(None))
        if forecast.exceeds
        else status_view(forecast.status),
        year_end=_year_end(report, forecast),
        target=format_target(kpi, forecast.target),
        method=_METHODS[forecast.method],
        misses=forecast.misses,
        total=kpi.aggregation == "sum",
    )


def _year_end(report: Report, forecast: Forecast) -> str:
    return forecast.year_end.label(report.scorecard.organization.fiscal_year_start)


@dataclass(frozen=True, slots=True)
class ProjectedMiss:
    """A KPI projected to miss its year-end target: unit pages and the packs' exceptions list them."""

    unit: str  # unit id
    kpi: str  # KPI id
    name: str
    owner: str
    today: StatusView  # its status now (often green)
    forecast: ForecastDisplay


def projected_misses(report: Report, unit_ids: list[str]) -> tuple[ProjectedMiss, ...]:
    """Return the KPIs of the given units projected to miss the year-end target, in tree order."""
    sc, found = report.scorecard, []
    for unit_id in unit_ids:
        for kpi in (k for o in sc.units[unit_id].objectives for k in o.kpis):
            result = report.current.kpis[(unit_id, kpi.id)]
            shown = forecast_display(report, kpi, result)
            if shown is not None and shown.misses:
                found.append(ProjectedMiss(unit_id, kpi.id, kpi.name, kpi.owner, kpi_status(result), shown))
    return tuple(found)
