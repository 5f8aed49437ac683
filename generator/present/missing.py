"""What is still missing for the reporting period, per owner: the data-quality page's to-do list.

Read from `generator.collection.plan_collection` (the same plan `collect` and `check --period`
use), so the site, the workbooks and the terminal name the same values.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.collection import UNASSIGNED, plan_collection
from generator.results import Report

NO_OWNER = "(no owner)"


@dataclass(frozen=True, slots=True)
class MissingValue:
    """One value not reported yet: a KPI in one period (a month, quarter or year)."""

    unit: str  # unit id
    kpi: str  # KPI id
    unit_name: str
    kpi_name: str
    period: str  # as measures write it, e.g. "2026-05" or "2026-Q2"


@dataclass(frozen=True, slots=True)
class OwnerMissing:
    """The values one owner has still to report."""

    owner: str  # their name, or "(no owner)" when neither the KPI nor its unit names one
    values: tuple[MissingValue, ...]


def missing_by_owner(report: Report) -> tuple[OwnerMissing, ...]:
    """Return, per owner in tree order, the values due for the period and not reported yet."""
    sc = report.scorecard
    return tuple(
        OwnerMissing(
            NO_OWNER if a.key == UNASSIGNED else a.label,
            tuple(MissingValue(v.unit, v.kpi, sc.units[v.unit].name, v.name, str(v.period)) for v in a.values),
        )
        for a in plan_collection(report, "owner", missing_only=True)
        if a.values
    )
