"""The report as tables of plain values: the export rows and each KPI's periods.

Exports (JSON, CSV and any later format) and the site's CSV downloads read these, so numbers are
rounded as they are shown everywhere. Values stay typed (numbers, booleans, None, [low, high]);
`csv_cell` turns one into spreadsheet-safe CSV text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from generator.formatting import round_score, round_value
from generator.model import Kpi
from generator.results import KpiResult, Report

EXPORT_COLUMNS = (
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
    "same_period_last_year",
    "latest_period",
    "stale",
    "carried",  # KPIs: a late unit's latest value, from `latest_period`, shown in this period
    "manual",  # KPIs: status set by hand; `note` says why
    "note",
    "stretch",  # KPIs: the stretch target in force
    "exceeds",  # KPIs: at or beyond the stretch (status stays green: roll-ups count it so)
    "forecast",  # KPIs: the year-end forecast (sum KPIs: the full-year total); empty without one
    "forecast_status",  # KPIs: the status the forecast would have against the year-end target
    "restated_from",  # KPIs: the value as published, where today's value of a published period differs (targets: no)
)
# The columns that mean something at each level (the rest stay empty there): the workbook's
# sheets and the notebook API's frames.
EXPORT_LEVEL_COLUMNS = {
    "unit": ("unit", "name", "period", "score", "status", "owner"),
    "perspective": ("unit", "perspective", "name", "period", "score", "status"),
    "objective": ("unit", "perspective", "objective", "name", "period", "score", "status", "owner"),
    "kpi": tuple(c for c in EXPORT_COLUMNS if c != "level"),
}
KPI_HISTORY_COLUMNS = (
    "quarter",
    "actual",
    "target",
    "red_flag",
    "year_to_date",
    "status",
    "score",
    "note",
    "manual",
    "restated_from",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, Any]


def export_rows(report: Report) -> list[Row]:
    """Return one row per unit, perspective, objective and KPI of the reporting period."""
    rows: list[Row] = []
    for unit in report.scorecard.units.values():
        rows += _unit_rows(report, unit.id)
    if restated := restated_values(report):
        period = str(report.period)
        for row in rows:
            if row["level"] == "kpi":
                row["restated_from"] = restated.get((row["unit"], row["kpi"], period))
    return rows


def restated_values(report: Report) -> dict[tuple[str, str, str], Any]:
    """Return the published values that today's computation corrects, by (unit, kpi, period)."""
    return {(r.unit, r.kpi, r.period): r.published for r in report.restatements if r.change == "value"}


def _unit_rows(report: Report, unit_id: str) -> list[Row]:
    sc, result, period = report.scorecard, report.current, str(report.period)
    unit = sc.units[unit_id]
    u = result.units[unit_id]
    rows = [
        _row("unit", unit_id, name=unit.name, period=period, score=u.score, status=u.status.value, owner=unit.owner)
    ]
    for persp in sc.perspectives(unit_id):
        objectives = [o for o in unit.objectives if o.perspective == persp.id]
        if not objectives:
            continue  # a perspective the unit does not use
        p = result.perspectives[(unit_id, persp.id)]
        rows.append(
            _row(
                "perspective",
                unit_id,
                perspective=persp.id,
                name=persp.name,
                period=period,
                score=p.score,
                status=p.status.value,
            )
        )
        for obj in objectives:
            o = result.objectives[(unit_id, obj.id)]
            rows.append(
                _row(
                    "objective",
                    unit_id,
                    perspective=persp.id,
                    objective=obj.id,
                    name=obj.name,
                    period=period,
                    score=o.score,
                    status=o.status.value,
                    owner=obj.owner,
                )
            )
            rows.extend(_kpi_row(report, report.current.kpis[(unit_id, k.id)], persp.id, k) for k in obj.kpis)
    return rows


def _kpi_row(report: Report, r: KpiResult, perspective: str, kpi: Kpi) -> Row:
    return _row(
        "kpi",
        r.unit,
        perspective=perspective,
        objective=r.objective,
        kpi=kpi.id,
        name=kpi.name,
        period=str(r.period),
        actual=round_value(r.actual, kpi.decimals),
        target=rounded_band(r.target, kpi.decimals),
        red_flag=rounded_band(r.red_flag, kpi.decimals),
        score=r.score,
        status=r.status.value,
        trend=r.trend.value if r.trend.value != "none" else None,
        ytd=round_value(r.ytd, kpi.decimals),
        unit_of_measure=kpi.unit,
        owner=kpi.owner,
        same_period_last_year=round_value(_last_year(report, r), kpi.decimals),
        latest_period=r.latest_period,
        stale=r.stale,
        carried=r.carried,
        manual=r.manual,
        note=r.note or None,
        stretch=rounded_band(r.stretch, kpi.decimals),
        exceeds=r.exceeds,
        forecast=round_value(r.forecast.value, kpi.decimals) if r.forecast else None,
        forecast_status=r.forecast.status.value if r.forecast else None,
    )


def _last_year(report: Report, r: KpiResult) -> float | str | None:
    period = r.carried_from or r.period
    before = report.by_period.get(period.shift(-period.per_year))
    return before.measured_kpi((r.unit, r.kpi)).actual if before else None


def rounded_band(value: float | tuple[float, float] | None, decimals: int) -> Any:
    """Return a target or red flag rounded as shown: a number, or [low, high]."""
    if isinstance(value, tuple):
        return [round_value(value[0], decimals), round_value(value[1], decimals)]
    return round_value(value, decimals)


def _row(level: str, unit: str, **fields: Any) -> Row:
    row: Row = dict.fromkeys(EXPORT_COLUMNS)
    row.update(level=level, unit=unit, **fields)
    row["score"] = round_score(row["score"])
    return row


def kpi_history_rows(
    kpi: Kpi,
    history: Iterable[KpiResult],
    restated: Mapping[tuple[str, str, str], Any] | None = None,
    scored: bool = True,
) -> list[list[Any]]:
    """Return a KPI's periods, oldest first, in the order of KPI_HISTORY_COLUMNS.

    `restated` (from `restated_values`) gives the published value of a period today's numbers correct;
    `scored` False (the unit's scores are off) leaves the score out, as `history_columns` does.
    """
    rows, restated = [], restated or {}
    for r in history:
        numbers = [round_value(r.actual, kpi.decimals), rounded_band(r.target, kpi.decimals)]
        numbers += [rounded_band(r.red_flag, kpi.decimals), round_value(r.ytd, kpi.decimals)]
        published = restated.get((r.unit, kpi.id, str(r.period)))
        score = [round_score(r.score)] if scored else []
        rows.append([str(r.period), *numbers, r.status.value, *score, r.note, r.manual, published])
    return rows


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return a header and rows as spreadsheet-safe CSV text."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return stream.getvalue()


def csv_cell(value: Any) -> Any:
    """Return a value as a CSV cell that a spreadsheet opens without running formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # OWASP: a leading quote keeps =, +, -, @ from being run as a formula
    return value
