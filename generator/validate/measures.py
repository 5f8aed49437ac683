"""Check measures rows: known unit and KPI, period format and frequency, numbers, duplicates."""

from __future__ import annotations

from collections.abc import Iterable

from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.load import RawRow, parse_number
from generator.model import (
    Kpi,
    Location,
    Measure,
    Scorecard,
)
from generator.periods import PERIOD_FORMATS, fiscal_quarter, parse_raw_period

# --- Measures ------------------------------------------------------------------------------

_KIND_FOR = {"monthly": "month", "quarterly": "quarter", "annual": "year"}
_FORMAT_FOR = {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}


def check_measures(rows: list[RawRow], sc: Scorecard, problems: list[Problem], broken: set[str]) -> Iterable[Measure]:
    kpis = sc.kpi_index()
    seen: dict[tuple[str, str, str], Location] = {}
    for row in rows:
        if row.cells["unit"] in broken:
            continue
        where = Location(row.path, row.line)
        before = len(problems)
        measure = _measure(row, where, kpis, sc, problems)
        if measure is None or len(problems) > before:
            continue
        key = (measure.unit, measure.kpi, str(measure.raw_period))
        if key in seen:
            problems.append(
                Problem(
                    where,
                    f"duplicate value for unit '{key[0]}' kpi '{key[1]}' period {key[2]} (first given at {seen[key]})",
                )
            )
            continue
        seen[key] = where
        yield measure


def _measure(
    row: RawRow, where: Location, kpis: dict[tuple[str, str], Kpi], sc: Scorecard, problems: list[Problem]
) -> Measure | None:
    cells = row.cells
    unit_id, kpi_id = cells["unit"], cells["kpi"]
    if unit_id not in sc.units:
        problems.append(Problem(where, f"unit: unknown unit '{unit_id}'{_hint(unit_id, sc.units)}"))
        return None
    kpi = kpis.get((unit_id, kpi_id))
    if kpi is None:
        known = [k for (u, k) in kpis if u == unit_id]
        problems.append(Problem(where, f"kpi: unit '{unit_id}' has no KPI '{kpi_id}'{_hint(kpi_id, known)}"))
        return None
    if kpi.formula or kpi.rollup:
        how = "a formula" if kpi.formula else "a rollup"
        problems.append(Problem(where, f"kpi '{kpi_id}' of unit '{unit_id}' is computed by {how}; remove its measures"))
        return None
    period = parse_raw_period(cells["period"])
    if period is None:
        problems.append(Problem(where, f"period: '{cells['period']}' is not a period (expected {PERIOD_FORMATS})"))
        return None
    if period.kind != _KIND_FOR[kpi.frequency]:
        problems.append(
            Problem(
                where,
                f"period: '{cells['period']}' does not fit {kpi.frequency} KPI '{kpi_id}' (expected {_FORMAT_FOR[_KIND_FOR[kpi.frequency]]})",
            )
        )
        return None
    value = _value(cells["value"], kpi, where, problems)
    target = _number_cell(cells.get("target", ""), "target", where, problems)
    if target is not None and kpi.polarity == "range":
        problems.append(
            Problem(where, f"target: a range KPI takes its [low, high] target from the YAML, not the CSV ('{kpi_id}')")
        )
    quarter = fiscal_quarter(period, sc.organization.fiscal_year_start)
    return Measure(unit_id, kpi_id, period, quarter, value, target, cells.get("note", ""), where)


def _value(text: str, kpi: Kpi, where: Location, problems: list[Problem]) -> float | str | None:
    if text == "":
        return None
    if kpi.type == "categorical":
        levels = [level.name for level in kpi.levels or ()]
        if text not in levels:
            problems.append(
                Problem(where, f"value: '{text}' is not a level of '{kpi.id}' (expected one of {', '.join(levels)})")
            )
        return text
    return _number_cell(text, "value", where, problems)


def _number_cell(text: str, column: str, where: Location, problems: list[Problem]) -> float | None:
    if text == "":
        return None
    try:
        return parse_number(text)
    except ValueError as exc:  # its message names the fix
        problems.append(Problem(where, f"{column}: '{text}' {exc}"))
        return None
