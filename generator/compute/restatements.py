"""Restatements: where today's computation of a published period differs from what was published.

Pure: the report and the published KPI rows come in, `Restatement`s go out. Values are compared
as shown, at the KPI's decimals today, so a difference of rounding is not a restatement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from generator.formatting import round_value
from generator.model import Kpi
from generator.results import KpiResult, PublishedEdition, Report, Restatement

PublishedRows = Mapping[tuple[str, str], Mapping[str, Any]]  # (unit, kpi) -> export row as published


def restate(report: Report) -> Report:
    """Return the report with the restatements of every published period up to its own."""
    shown = {str(p) for p in report.periods}
    found = [
        r
        for edition in report.editions
        if edition.period in shown
        for r in find_restatements(report, edition.period, edition.kpi_rows(report.audience), edition.published_at)
    ]
    corrections = [
        r for edition in report.editions if edition.period in shown for r in find_corrections(report, edition)
    ]
    return dataclasses.replace(report, restatements=tuple(found), corrections=tuple(corrections))


def find_corrections(report: Report, edition: PublishedEdition) -> list[Restatement]:
    """Return what each publication of the edition's period changed from the one before (its rN files).

    `published` is the earlier publication's value, `current` the next one's, `corrected_at` when
    the next was published and `revision` the earlier one's N: the trail `publish --force` keeps.
    """
    chain = [*edition.revisions, edition]
    found: list[Restatement] = []
    for earlier, later in zip(chain, chain[1:], strict=False):
        before, after = earlier.kpi_rows(report.audience), later.kpi_rows(report.audience)
        for key in [*after, *(k for k in before if k not in after)]:
            changes = _row_changes(report, key, before.get(key), after.get(key), edition.period)
            found += [
                dataclasses.replace(
                    r, published_at=earlier.published_at, corrected_at=later.published_at, revision=earlier.revision
                )
                for r in changes
            ]
    return found


def _row_changes(
    report: Report, key: tuple[str, str], old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, period: str
) -> list[Restatement]:
    """Return how one KPI's row differs between two publications of a period, at the KPI's decimals."""
    kpi = report.scorecard.kpi_index().get(key)
    decimals = kpi.decimals if kpi is not None else 1
    row = new if new is not None else (old or {})
    name = str(row.get("name") or key[1])
    note = str((new or {}).get("note") or "")

    def made(change: str, published: Any, current: Any) -> Restatement:
        return Restatement(key[0], key[1], name, period, change, published, current, note, "", decimals)

    if old is None:
        return [made("added", None, _rounded(row.get("actual"), decimals))]
    if new is None:
        return [made("removed", _rounded(row.get("actual"), decimals), None)]
    return [
        made(change, _rounded(old.get(field), decimals), _rounded(new.get(field), decimals))
        for change, field in (("value", "actual"), ("target", "target"))
        if _rounded(old.get(field), decimals) != _rounded(new.get(field), decimals)
    ]


def find_restatements(report: Report, period: str, published: PublishedRows, published_at: str) -> list[Restatement]:
    """Return how the report's `period` differs from its published KPI rows, in the scorecard's order."""
    periods = {str(p): p for p in report.periods}
    current = report.by_period[periods[period]].kpis if period in periods else {}
    sc, found = report.scorecard, []
    for key, result in current.items():
        kpi = sc.kpi(*key)
        row = published.get(key)
        if row is None:
            found.append(_restatement(kpi, result, period, "added", None, _rounded(result.actual, kpi.decimals)))
            continue
        found += _differences(kpi, result, row, period)
    for (unit, kpi_id), row in published.items():
        if (unit, kpi_id) not in current:
            found.append(
                Restatement(
                    unit, kpi_id, str(row.get("name") or kpi_id), period, "removed", row.get("actual"), None, "", ""
                )
            )
    return [_dated(r, published_at) for r in found]


def _differences(kpi: Kpi, result: KpiResult, row: Mapping[str, Any], period: str) -> list[Restatement]:
    found = []
    value = _rounded(result.actual, kpi.decimals)
    if value != _rounded(row.get("actual"), kpi.decimals):
        found.append(_restatement(kpi, result, period, "value", row.get("actual"), value))
    target = _rounded(result.target, kpi.decimals)
    if target != _rounded(row.get("target"), kpi.decimals):
        found.append(_restatement(kpi, result, period, "target", row.get("target"), target))
    return found


def _restatement(kpi: Kpi, r: KpiResult, period: str, change: str, published: Any, current: Any) -> Restatement:
    return Restatement(r.unit, kpi.id, kpi.name, period, change, published, current, r.note, "", kpi.decimals)


def _dated(r: Restatement, published_at: str) -> Restatement:
    return dataclasses.replace(r, published_at=published_at)


def _rounded(value: Any, decimals: int) -> Any:
    """Return a value, a band ([low, high] or a tuple) or None rounded as shown."""
    if isinstance(value, list | tuple):
        return [round_value(v, decimals) for v in value]
    if isinstance(value, bool):
        return value
    return round_value(value, decimals)
