"""Periods as readers see them: labels, the cadence's words and the window of recent periods.

The one place that words a period: the site, the packs and the exports say "year", "quarter" or
"month" as the scorecard's cadence says, and readers see labels (FY2022, Q3 FY2026 (Jul-Sep 2026),
Sep 2026) where ids (2022, 2026-Q3, 2026-09) belong only in exports, URLs and `--period`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from generator.model import Kpi
from generator.periods import PER_YEAR, Period, id_label
from generator.present.tables import KPI_HISTORY_COLUMNS
from generator.results import Report

T = TypeVar("T")

DEFAULT_WINDOWS = {"annual": 5, "quarterly": 8, "monthly": 13}  # years as annual reports publish; 2 years; 13 months


@dataclass(frozen=True, slots=True)
class PeriodWords:
    """How the scorecard's cadence is worded, e.g. for an annual one: 'year', 'since last year'."""

    cadence: str  # annual, quarterly or monthly
    adjective: str  # "Annual", "Quarterly", "Monthly"
    noun: str  # "year", "quarter", "month"
    nouns: str  # "years", ...
    last: str  # "last year"
    since_last: str  # "since last year"
    this: str  # "this year"
    pack_title: str  # "Annual report", "Quarterly board pack", "Monthly report"
    pack_noun: str  # "annual report", "board pack", "monthly report"
    recent: str  # "Recent years"
    window: int  # periods in sparklines, print charts and pack tables
    year_columns: bool  # monthly: tables add year to date and the same month last year


_NOUNS = {"annual": "year", "quarterly": "quarter", "monthly": "month"}
_PACK_TITLES = {"annual": "Annual report", "quarterly": "Quarterly board pack", "monthly": "Monthly report"}


def period_words(report: Report) -> PeriodWords:
    """Return the words of the report's cadence."""
    organization = report.scorecard.organization
    cadence = organization.cadence
    noun = _NOUNS[cadence]
    return PeriodWords(
        cadence=cadence,
        adjective=cadence.capitalize(),
        noun=noun,
        nouns=f"{noun}s",
        last=f"last {noun}",
        since_last=f"since last {noun}",
        this=f"this {noun}",
        pack_title=_PACK_TITLES[cadence],
        pack_noun=_PACK_TITLES[cadence].lower().removeprefix("quarterly "),
        recent=f"Recent {noun}s",
        window=organization.window or DEFAULT_WINDOWS[cadence],
        year_columns=cadence == "monthly",
    )


def label_of(report: Report, period: Period) -> str:
    """Return a period's label for readers: 'FY2022', 'Q3 FY2026 (Jul-Sep 2026)' or 'Sep 2026'."""
    return period.label(report.scorecard.organization.fiscal_year_start)


def short_label_of(report: Report, period: Period) -> str:
    """Return a compact label for chart axes and table columns: 'FY2022', 'Q3 FY2026' or 'Sep 2026'."""
    return period.short_label(report.scorecard.organization.fiscal_year_start)


def label_of_id(report: Report, text: str) -> str:
    """Return the reader's label of a period id as values carry it ('2021', '2026-Q1', '2026-09', 'FY2021')."""
    return id_label(text, report.scorecard.organization.fiscal_year_start)


def late_since(report: Report, unit_id: str) -> Period | None:
    """Return the period a late unit's latest values are from, or None when the unit is not late."""
    kpis = report.current.kpis
    unit = report.scorecard.units[unit_id]
    periods = [r.carried_from for o in unit.objectives for k in o.kpis if (r := kpis[(unit_id, k.id)]).carried_from]
    return max(periods, default=None)


def late_mark(report: Report, unit_id: str) -> str:
    """Return a late unit's mark beside its name, e.g. 'from FY2021', or ''."""
    since = late_since(report, unit_id)
    return f"from {label_of(report, since)}" if since else ""


def late_note(report: Report, unit_id: str) -> str:
    """Return why a late unit shows older values, e.g. 'Latest values from FY2021: none reported for FY2022.'"""
    since = late_since(report, unit_id)
    if since is None:
        return ""
    return f"Latest values from {label_of(report, since)}: none reported for {label_of(report, report.period)}."


def history_columns(report: Report, scored: bool = True) -> tuple[str, ...]:
    """Return the columns of a KPI's history download, the first named by the cadence ('year', 'quarter');
    without `score` where the unit's scores are off (`scored` False)."""
    rest = KPI_HISTORY_COLUMNS[1:] if scored else tuple(c for c in KPI_HISTORY_COLUMNS[1:] if c != "score")
    return (period_words(report).noun, *rest)


def recent_window(report: Report, items: list[T]) -> list[T]:
    """Return the last `window` items (sparklines, print charts, short tables)."""
    return items[-period_words(report).window :]


_MAKES = {
    "sum": "summed into {}",
    "average": "averaged into {}",
    "last": "the latest value makes {}",
    "min": "the lowest value makes {}",
    "max": "the highest value makes {}",
}


def counting_words(report: Report, kpi: Kpi) -> str:
    """Return how a KPI's values make the cadence's periods, e.g. 'monthly, averaged into each quarter and the year to date'."""
    cadence = report.scorecard.organization.cadence
    noun, ytd = _NOUNS[cadence], cadence != "annual" and kpi.type != "categorical"
    to_date = " and year to date" if ytd else ""
    if kpi.rollup:
        return f"{kpi.rollup} of the units below, each {noun}{to_date}"
    if kpi.formula:
        return f"calculated each {noun}{to_date} from its inputs"
    often, every = PER_YEAR[kpi.frequency], PER_YEAR[cadence]
    if often < every:
        return f"{kpi.frequency}; each {noun} shows the latest {_NOUNS[kpi.frequency]}'s value"
    if often == every:
        return f"reported each {noun}" + (f"; {_MAKES[kpi.aggregation].format('the year to date')}" if ytd else "")
    if kpi.type == "categorical":
        return f"{kpi.frequency}; each {noun} shows its latest level"
    periods = f"each {noun} and the year to date" if ytd else f"each {noun}"
    return f"{kpi.frequency}, {_MAKES[kpi.aggregation].format(periods)}"


def less_often_note(report: Report, kpis: list[Kpi]) -> str:
    """Return why a table of periods has dashes for KPIs reported less often than the cadence, or ''."""
    cadence = report.scorecard.organization.cadence
    rarer = sorted({k.frequency for k in kpis if PER_YEAR[k.frequency] < PER_YEAR[cadence]}, key=lambda f: -PER_YEAR[f])
    if not rarer:
        return ""
    nouns = _NOUNS[cadence] + "s"
    kinds = " or ".join(rarer)
    article = "An" if kinds[0] in "aeiou" else "A"  # "An annual KPI", "A quarterly KPI"
    return f"{article} {kinds} KPI has a value only in the {nouns} that end its period."
