"""Status rules in words: how green, amber and red are decided, for the home page, unit pages,
KPI details and the packs' "How to read"."""

from __future__ import annotations

import re

from generator.formatting import kpi_status_rule, status_rule
from generator.model import Kpi
from generator.results import Report, Status

Rules = tuple[tuple[str, tuple[str, ...]], ...]  # (rule in words, names of the KPIs rated by it)


def organisation_rule(report: Report) -> str:
    """Return the organisation's status rule in words."""
    return status_rule(report.scorecard.organization.status_bands)


def organisation_rule_by_status(report: Report) -> dict[Status, str]:
    """Return the organisation's status rule for each colour, e.g. {GREEN: "meets the target or misses it by 5% or less"}.

    A rule without amber (green and red bands equal) says so for amber.
    """
    rule = organisation_rule(report)
    said = dict(re.findall(r"(Green|Amber|Red): (.*?)\.(?= Amber:| Red:|$)", rule))
    words = {Status.GREEN: "Green", Status.AMBER: "Amber", Status.RED: "Red"}
    return {s: said.get(word, "not used: this scorecard's rule has no amber") for s, word in words.items()}


def banded(report: Report) -> bool:
    """Return whether the organisation rates by percentage bands."""
    return report.scorecard.organization.status_bands is not None


def unit_rule(report: Report, unit_id: str) -> str:
    """Return the status rule in force for a unit's KPIs, in words."""
    return status_rule(report.scorecard.status_bands(unit_id))


def rule_differs(report: Report, unit_id: str) -> bool:
    """Return whether a unit's status rule differs from the organisation's."""
    sc = report.scorecard
    return sc.status_bands(unit_id) != sc.organization.status_bands


def own_unit_rule(report: Report, unit_id: str) -> str:
    """Return the unit's status rule in words where it differs from the organisation's, else ""."""
    return unit_rule(report, unit_id) if rule_differs(report, unit_id) else ""


def kpi_rule(report: Report, unit_id: str, kpi: Kpi) -> str:
    """Return the rule a numeric KPI is rated by in the period; "" for categorical or untargeted KPIs."""
    return kpi_status_rule(kpi, report.current.kpis[(unit_id, kpi.id)])


def own_kpi_rules(report: Report, unit_id: str) -> Rules:
    """Return each status rule of the unit's KPIs other than the unit's, with the names of the KPIs rated by it."""
    bands = report.scorecard.status_bands(unit_id)
    general = {status_rule(bands), status_rule(bands, band=True)}  # a range target reads the unit's rule too
    names: dict[str, list[str]] = {}
    for kpi in (k for o in report.scorecard.units[unit_id].objectives for k in o.kpis):
        rule = kpi_rule(report, unit_id, kpi)
        if rule and rule not in general:
            names.setdefault(rule, []).append(kpi.name)
    return tuple((rule, tuple(kpis)) for rule, kpis in names.items())
