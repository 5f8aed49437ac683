"""Check measures rows: known unit and KPI, period format and frequency, numbers, duplicates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.formatting import format_fraction
from generator.load import RawRow, parse_number
from generator.model import (
    NOT_APPLICABLE,
    Kpi,
    Location,
    Measure,
    Scorecard,
    StatusBands,
)
from generator.periods import MAX_YEARS_FROM_MEDIAN, PERIOD_FORMATS, fiscal_period, parse_raw_period, year_problem
from generator.validate.slips import MeasureKey, fraction_warnings, measure_key

# --- Measures ------------------------------------------------------------------------------

_KIND_FOR = {"monthly": "month", "quarterly": "quarter", "annual": "year"}
_FORMAT_FOR = {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}


def check_measures(rows: list[RawRow], sc: Scorecard, problems: list[Problem], broken: set[str]) -> tuple[Measure, ...]:
    value_cells: dict[MeasureKey, Location] = {}
    measures = _without_stray_years(list(_check_rows(rows, sc, problems, broken, value_cells)), problems)
    problems += fraction_warnings(measures, sc.kpi_index(), value_cells)
    return tuple(measures)


def _check_rows(
    rows: list[RawRow],
    sc: Scorecard,
    problems: list[Problem],
    broken: set[str],
    value_cells: dict[MeasureKey, Location],
) -> Iterable[Measure]:
    """Return the valid measures; a row with an empty value (a note at most) yields to a value given elsewhere.

    `value_cells` receives where each kept measure's value is (a workbook's cell, a CSV's line).
    """
    kpis = sc.kpi_index()
    ambiguous = _duplicate_kpis(sc)
    weights = _weight_kpis(sc)
    kept: dict[tuple[str, str, str], Measure] = {}
    for row in rows:
        if row.cells["unit"] in broken or (row.cells["unit"], row.cells["kpi"]) in ambiguous:
            continue  # reported where the unit or its KPI is defined
        where = row.where()
        before = len(problems)
        measure = _measure(row, where, kpis, sc, problems)
        if measure is not None and (message := _weight_problem(measure, weights)):
            problems.append(Problem(row.where("value"), message))
        if measure is None or len(problems) > before:
            continue
        key = measure_key(measure)
        if (first := kept.get(key)) is None or _not_reported(first):
            if first is None or not _not_reported(measure):
                kept[key], value_cells[key] = measure, row.where("value")
        elif not _not_reported(measure):
            problems.append(
                Problem(
                    where,
                    f"duplicate value for unit '{key[0]}' kpi '{key[1]}' period {key[2]} (first given at {first.where})",
                )
            )
    return kept.values()


def _not_reported(measure: Measure) -> bool:
    """Return whether a row only says a value is missing: an empty value (a reminder's earlier row), no status."""
    return measure.value is None and not measure.status


def _duplicate_kpis(sc: Scorecard) -> set[tuple[str, str]]:
    """Return (unit, KPI id) pairs defined twice in a unit: which of the two a row means is unknown."""
    result = set()
    for unit in sc.units.values():
        counts = Counter(k.id for o in unit.objectives for k in o.kpis)
        result |= {(unit.id, i) for i, n in counts.items() if n > 1}
    return result


def _weight_kpis(sc: Scorecard) -> dict[tuple[str, str], tuple[str, str]]:
    """Map each (child unit, KPI) whose values weigh a roll-up to that roll-up's (unit, KPI)."""
    result: dict[tuple[str, str], tuple[str, str]] = {}
    for unit in sc.units.values():
        rolled = [k for o in unit.objectives for k in o.kpis if k.rollup_weight]
        for child in sc.children(unit.id) if rolled else ():
            result |= {(child.id, k.rollup_weight or ""): (unit.id, k.id) for k in rolled}
    return result


def _weight_problem(measure: Measure, weights: dict[tuple[str, str], tuple[str, str]]) -> str:
    weighed = weights.get((measure.unit, measure.kpi))
    if weighed is None or not isinstance(measure.value, float) or measure.value >= 0:
        return ""
    return (
        f"value: {measure.value:g} is negative, but kpi '{measure.kpi}' weighs the roll-up of "
        f"kpi '{weighed[1]}' in unit '{weighed[0]}' (weights are 0 or more)"
    )


def _without_stray_years(measures: list[Measure], problems: list[Problem]) -> list[Measure]:
    """Drop and report measures far from the others' years: each costs every quarter in between."""
    if not measures:
        return measures
    years = sorted(m.period.year for m in measures)
    median = years[len(years) // 2]
    kept = []
    for m in measures:
        if (distance := abs(m.period.year - median)) > MAX_YEARS_FROM_MEDIAN:
            problems.append(
                Problem(
                    m.where,
                    f"period: '{m.raw_period}' is {distance} years from the median year of the measures ({median}); "
                    f"expected within {MAX_YEARS_FROM_MEDIAN} years of it (a typo?)",
                )
            )
        else:
            kept.append(m)
    return kept


def _measure(
    row: RawRow, where: Location, kpis: dict[tuple[str, str], Kpi], sc: Scorecard, problems: list[Problem]
) -> Measure | None:
    cells = row.cells
    unit_id, kpi_id = cells["unit"], cells["kpi"]
    if not unit_id or not kpi_id:
        empty = "unit" if not unit_id else "kpi"
        problems.append(
            Problem(
                row.where(empty),
                f"{empty}: the cell is empty; a row with a value or a note names its unit and KPI "
                "(a totals row? leave it out of the measures)",
            )
        )
        return None
    if unit_id not in sc.units:
        problems.append(Problem(row.where("unit"), f"unit: unknown unit '{unit_id}'{_hint(unit_id, sc.units)}"))
        return None
    kpi = kpis.get((unit_id, kpi_id))
    if kpi is None:
        known = [k for (u, k) in kpis if u == unit_id]
        problems.append(Problem(row.where("kpi"), f"kpi: unit '{unit_id}' has no KPI '{kpi_id}'{_hint(kpi_id, known)}"))
        return None
    if kpi.formula or kpi.rollup:
        how = "a formula" if kpi.formula else "a rollup"
        problems.append(
            Problem(row.where("kpi"), f"kpi '{kpi_id}' of unit '{unit_id}' is computed by {how}; remove its measures")
        )
        return None
    period = parse_raw_period(cells["period"])
    if period is None:
        problems.append(
            Problem(row.where("period"), f"period: '{cells['period']}' is not a period (expected {PERIOD_FORMATS})")
        )
        return None
    if problem := year_problem(period.year):
        problems.append(Problem(row.where("period"), f"period: '{cells['period']}' is implausible: {problem}"))
        return None
    if period.kind != _KIND_FOR[kpi.frequency]:
        problems.append(
            Problem(
                row.where("period"),
                f"period: '{cells['period']}' does not fit {kpi.frequency} KPI '{kpi_id}' (expected {_FORMAT_FOR[_KIND_FOR[kpi.frequency]]})",
            )
        )
        return None
    value = _value(cells["value"], kpi, row.where("value"), problems)
    target = _number_cell(cells.get("target", ""), "target", row.where("target"), problems)
    for column, number in (("value", value), ("target", target)):
        if isinstance(number, float) and (problem := bounds_problem(kpi, number)):
            problems.append(Problem(row.where(column), f"{column}: {number:g} for kpi '{kpi_id}' {problem}"))
    if target is not None and kpi.polarity == "none":
        problems.append(
            Problem(
                row.where("target"),
                f"target: kpi '{kpi_id}' has polarity 'none' (a reference measure, never rated): leave target empty",
            )
        )
    if target is not None and kpi.polarity == "range":
        problems.append(
            Problem(
                row.where("target"),
                f"target: a range KPI takes its [low, high] target from the YAML, not the CSV ('{kpi_id}')",
            )
        )
    if target == 0 and kpi.red_flag is None and (bands := sc.status_bands(unit_id, kpi)) is not None:
        problems.append(Problem(where, _zero_target(kpi_id, bands)))
    status = _manual_status(cells.get("status", ""), cells.get("note", ""), kpi, where, problems)
    forecast = _forecast_cell(cells.get("forecast", ""), kpi, row.where("forecast"), problems)
    counts_in = fiscal_period(period, sc.organization.fiscal_year_start, sc.organization.cadence)
    return Measure(unit_id, kpi_id, period, counts_in, value, target, cells.get("note", ""), where, status, forecast)


def _forecast_cell(text: str, kpi: Kpi, where: Location, problems: list[Problem]) -> float | None:
    forecast = _number_cell(text, "forecast", where, problems)
    if forecast is not None and kpi.type == "categorical":
        problems.append(Problem(where, f"forecast: categorical KPI '{kpi.id}' has no year-end forecast"))
        return None
    return forecast


def _zero_target(kpi_id: str, bands: StatusBands) -> str:
    return (
        f"target: 0 for kpi '{kpi_id}', whose status bands are percentages of the target "
        f"(green {format_fraction(bands.green)}, red {format_fraction(bands.red)}): a percentage of 0 is 0; "
        "give the KPI an explicit `red_flag`"
    )


def _manual_status(text: str, note: str, kpi: Kpi, where: Location, problems: list[Problem]) -> str:
    """Return the status set by hand on the row ("" for none), reporting a bad one or a missing note."""
    if text == "":
        return ""
    if kpi.polarity == "none":
        problems.append(
            Problem(
                where,
                f"status: kpi '{kpi.id}' has polarity 'none' (a reference measure, never rated): leave status empty",
            )
        )
        return ""
    allowed = ["green", "amber", "red", *(level.name for level in kpi.levels or ())]
    if text not in allowed:
        case = f"; write '{text.lower()}'" if text.lower() in allowed else ""
        problems.append(Problem(where, f"status: '{text}' is not a status (expected {_either(allowed)}{case})"))
        return ""
    if not note:
        problems.append(
            Problem(where, f"status: '{text}' is set by hand: say why in the `note` column (readers see it)")
        )
        return ""
    return text


def _either(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    return ", ".join(unique[:-1]) + " or " + unique[-1]


def _value(text: str, kpi: Kpi, where: Location, problems: list[Problem]) -> float | str | None:
    if text == "":
        return None
    levels = [level.name for level in kpi.levels or ()]
    if text.lower() == NOT_APPLICABLE and text not in levels:
        return NOT_APPLICABLE  # not applicable this period: not missing, not rated
    if kpi.type == "categorical":
        levels = [level.name for level in kpi.levels or ()]
        if text not in levels:
            problems.append(
                Problem(where, f"value: '{text}' is not a level of '{kpi.id}' (expected one of {', '.join(levels)})")
            )
        return text
    return _number_cell(text, "value", where, problems)


def bounds_problem(kpi: Kpi, value: float) -> str:
    """Return why a value lies outside the KPI's plausible bounds (`min`, `max`), or ""."""
    low, high = kpi.min, kpi.max
    if (low is None or value >= low) and (high is None or value <= high):
        return ""
    if low is not None and high is not None:
        bounds = f"{low:g} to {high:g}"
    else:
        bounds = f"at least {low:g}" if low is not None else f"at most {high:g}"
    side = f"below the minimum {low:g}" if low is not None and value < low else f"above the maximum {high:g}"
    return f"is {side} (plausible values: {bounds}){_scale_hint(value, low, high)}"


def _scale_hint(value: float, low: float | None, high: float | None) -> str:
    """Name the common slip: a fraction (0.9999) filed for a percentage (99.99), or the other way round."""

    def fits(number: float) -> bool:
        return (low is None or number >= low) and (high is None or number <= high)

    if abs(value) <= 1 and fits(value * 100):
        return f"; a fraction? {value:g} is {value * 100:g}%: write {value * 100:g}"
    if high is not None and high <= 1 and fits(value / 100):
        return f"; a percentage? {value:g}% is {value / 100:g}: write {value / 100:g}"
    return ""


def _number_cell(text: str, column: str, where: Location, problems: list[Problem]) -> float | None:
    if text == "":
        return None
    try:
        number = parse_number(text)
    except ValueError as exc:  # its message names the fix
        problems.append(Problem(where, f"{column}: '{text}' {exc}"))
        return None
    return number
