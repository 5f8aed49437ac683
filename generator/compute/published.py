"""A format 1 edition's period: today's report of the period with the edition's numbers laid over it.

Pure. Editions of format 1 kept their period's export rows only, so their archive takes names,
commentary and history from today's content (its pages say so); every number of the period itself
(values, targets, scores, statuses, trends) comes from the edition. A KPI not in the edition
(added since) shows no value; one removed since cannot be shown. Editions of format 2 hold their
pages and are read by `generator.snapshot` instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from generator.compute.changes import compute_changes
from generator.results import KpiResult, PeriodResult, Report, Status, Trend, UnitResult

Row = Mapping[str, Any]


def as_published(report: Report, rows: Sequence[Row]) -> Report:
    """Return the report with its own period's numbers replaced by the published rows."""
    index = _index(rows)
    current = report.current
    kpis = {key: _kpi(r, index.get(("kpi", *key))) for key, r in current.kpis.items()}
    result = PeriodResult(
        current.period,
        {u: _unit(r, index.get(("unit", u)), kpis, report) for u, r in current.units.items()},
        {key: _scored(r, index.get(("perspective", *key))) for key, r in current.perspectives.items()},
        {key: _scored(r, index.get(("objective", *key))) for key, r in current.objectives.items()},
        kpis,
    )
    by_period = {**report.by_period, report.period: result}
    changes = compute_changes(report.scorecard, report.previous, result)
    return dataclasses.replace(report, by_period=by_period, changes=changes, restatements=())


def _index(rows: Sequence[Row]) -> dict[tuple[str, ...], Row]:
    keys = {"unit": (), "perspective": ("perspective",), "objective": ("objective",), "kpi": ("kpi",)}
    return {(row["level"], row["unit"], *(str(row.get(k)) for k in keys[row["level"]])): row for row in rows}


def _kpi(r: KpiResult, row: Row | None) -> KpiResult:
    if row is None:  # added since: the edition had no value for it
        return dataclasses.replace(r, actual=None, score=None, status=Status.NO_DATA, trend=Trend.NONE, note="")
    return dataclasses.replace(
        r,
        actual=row.get("actual"),
        target=_band(row.get("target")),
        red_flag=_band(row.get("red_flag")),
        score=_number(row.get("score")),
        status=_status(row.get("status")),
        trend=_trend(row.get("trend")),
        ytd=_number(row.get("ytd")),
        note=str(row.get("note") or ""),
        manual=row.get("manual") is True,
        stale=row.get("stale") is True,
        latest_period=row.get("latest_period") if isinstance(row.get("latest_period"), str) else None,
    )


def _scored(r: Any, row: Row | None) -> Any:
    if row is None:
        return dataclasses.replace(r, score=None, status=Status.NO_DATA)
    return dataclasses.replace(r, score=_number(row.get("score")), status=_status(row.get("status")))


def _unit(r: UnitResult, row: Row | None, kpis: Mapping[tuple[str, str], KpiResult], report: Report) -> UnitResult:
    counts = dict.fromkeys(Status, 0)
    for obj in report.scorecard.units[r.unit].objectives:
        for kpi in obj.kpis:
            counts[kpis[(r.unit, kpi.id)].status] += 1
    return dataclasses.replace(_scored(r, row), counts=counts)


def _band(value: Any) -> float | tuple[float, float] | None:
    if isinstance(value, list) and len(value) == 2:
        return (float(value[0]), float(value[1]))
    return _number(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _status(value: Any) -> Status:
    return Status(value) if value in {s.value for s in Status} else Status.NO_DATA


def _trend(value: Any) -> Trend:
    return Trend(value) if value in {t.value for t in Trend} else Trend.NONE
