"""Exports: the computed results as rows, written as JSON or spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import IO, Any

from generator.formatting import round_score, round_value
from generator.model import Kpi
from generator.results import KpiResult, Report

COLUMNS = (
    "level",
    "unit",
    "perspective",
    "objective",
    "kpi",
    "name",
    "period",
    "actual",
    "target",
    "red_flag",
    "score",
    "status",
    "trend",
    "ytd",
    "unit_of_measure",
    "owner",
    "latest_period",
    "stale",
    "manual",  # KPIs: status set by hand; `note` says why
    "note",
)
# The columns that mean something at each level (the rest stay empty there): the workbook's
# sheets and the notebook API's frames.
LEVEL_COLUMNS = {
    "unit": ("unit", "name", "period", "score", "status", "owner"),
    "perspective": ("unit", "perspective", "name", "period", "score", "status"),
    "objective": ("unit", "perspective", "objective", "name", "period", "score", "status", "owner"),
    "kpi": tuple(c for c in COLUMNS if c != "level"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_rows(report: Report) -> list[dict[str, Any]]:
    """Return one row per unit, perspective, objective and KPI of the reporting period."""
    sc, result, period = report.scorecard, report.current, str(report.period)
    rows: list[dict[str, Any]] = []
    for unit in sc.units.values():
        u = result.units[unit.id]
        rows.append(
            _row("unit", unit.id, name=unit.name, period=period, score=u.score, status=u.status.value, owner=unit.owner)
        )
        for persp in sc.perspectives(unit.id):
            if not any(o.perspective == persp.id for o in unit.objectives):
                continue  # a perspective the unit does not use
            p = result.perspectives[(unit.id, persp.id)]
            rows.append(
                _row(
                    "perspective",
                    unit.id,
                    perspective=persp.id,
                    name=persp.name,
                    period=period,
                    score=p.score,
                    status=p.status.value,
                )
            )
            for obj in (o for o in unit.objectives if o.perspective == persp.id):
                o = result.objectives[(unit.id, obj.id)]
                rows.append(
                    _row(
                        "objective",
                        unit.id,
                        perspective=persp.id,
                        objective=obj.id,
                        name=obj.name,
                        period=period,
                        score=o.score,
                        status=o.status.value,
                        owner=obj.owner,
                    )
                )
                rows.extend(_kpi_row(report, unit.id, persp.id, obj.id, k) for k in obj.kpis)
    return rows


def _kpi_row(report: Report, unit: str, perspective: str, objective: str, kpi: Kpi) -> dict[str, Any]:
    r = report.current.kpis[(unit, kpi.id)]
    return _row(
        "kpi",
        unit,
        perspective=perspective,
        objective=objective,
        kpi=kpi.id,
        name=kpi.name,
        period=str(r.period),
        actual=round_value(r.actual, kpi.decimals),
        target=_band(r.target, kpi.decimals),
        red_flag=_band(r.red_flag, kpi.decimals),
        score=r.score,
        status=r.status.value,
        trend=r.trend.value if r.trend.value != "none" else None,
        ytd=round_value(r.ytd, kpi.decimals),
        unit_of_measure=kpi.unit,
        owner=kpi.owner,
        latest_period=r.latest_period,
        stale=r.stale,
        manual=r.manual,
        note=r.note or None,
    )


def _band(value: float | tuple[float, float] | None, decimals: int) -> Any:
    if isinstance(value, tuple):
        return [round_value(value[0], decimals), round_value(value[1], decimals)]
    return round_value(value, decimals)


def _row(level: str, unit: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(level=level, unit=unit, **fields)
    row["score"] = round_score(row["score"])
    return row


def write_json(rows: list[dict[str, Any]], stream: IO[str]) -> None:
    """Write rows as a JSON array of objects."""
    json.dump(rows, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def write_csv(rows: list[dict[str, Any]], stream: IO[str]) -> None:
    """Write rows as CSV that a spreadsheet opens without running formulas."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})


def kpi_csv(kpi: Kpi, history: list[KpiResult]) -> str:
    """Return a KPI's quarters as spreadsheet-safe CSV, numbers rounded as everywhere else."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["quarter", "actual", "target", "red_flag", "year_to_date", "status", "score", "note", "manual"])
    for r in history:
        numbers = [round_value(r.actual, kpi.decimals), _band(r.target, kpi.decimals)]
        numbers += [_band(r.red_flag, kpi.decimals), round_value(r.ytd, kpi.decimals)]
        row = [str(r.period), *numbers, r.status.value, round_score(r.score), r.note, r.manual]
        writer.writerow([_csv_cell(v) for v in row])
    return stream.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # OWASP: a leading quote keeps =, +, -, @ from being run as a formula
    return value
