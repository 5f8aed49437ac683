"""How numbers look to readers: one set of rules for the site, the PDF packs and the exports."""

from __future__ import annotations

from generator.model import Kpi, StatusBands
from generator.results import KpiResult, Status, Trend

DASH = "–"
_NO_SPACE_UNITS = {"%", "‰", "°"}
# Units that only say "this is a number": a person writes "3", not "3 count"
_BARE_UNITS = {"count", "counts", "number", "no.", "#", "n"}
STATUS_ICONS = {
    Status.GREEN: "●",
    Status.AMBER: "▲",
    Status.RED: "◆",
    Status.NO_DATA: "○",
    Status.NOT_RATED: "◌",
}
# A KPI at or beyond its stretch target: its own icon and word, coloured and counted as green.
EXCEEDS_ICON, EXCEEDS_WORD = "★", "Exceeds"
TREND_ARROWS = {
    Trend.IMPROVING: "↑",
    Trend.DECLINING: "↓",
    Trend.STEADY: "→",
    Trend.UP: "↑",
    Trend.DOWN: "↓",
    Trend.NONE: "",
}
TREND_WORDS = {
    Trend.IMPROVING: "improving",
    Trend.DECLINING: "declining",
    Trend.STEADY: "steady",
    Trend.UP: "up",
    Trend.DOWN: "down",
    Trend.NONE: "",
}


def round_value(value: float | str | None, decimals: int) -> float | int | str | None:
    """Round a KPI value to the decimals it is shown with (exports use this too)."""
    if isinstance(value, float | int):
        return round(float(value), decimals) if decimals else round(value)
    return value


def format_number(value: float | None, decimals: int = 1) -> str:
    """Return `1,234.5`, or a dash for no value."""
    if value is None:
        return DASH
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # "-0.0" would read as a loss that is not there
    return text


def format_value(kpi: Kpi, value: float | str | None) -> str:
    """Return a KPI value with its unit of measure, e.g. `97.5%` or `4.2 h`."""
    if isinstance(value, str):
        return value
    number = format_number(value, kpi.decimals)
    if value is None or not kpi.unit or kpi.unit.strip().lower() in _BARE_UNITS:
        return number
    return f"{number}{kpi.unit}" if kpi.unit in _NO_SPACE_UNITS else f"{number} {kpi.unit}"


def format_target(kpi: Kpi, target: float | tuple[float, float] | None) -> str:
    """Return a target: a number, or a band `75.0–85.0%`."""
    if isinstance(target, tuple):
        low = format_number(target[0], kpi.decimals)
        return f"{low}–{format_value(kpi, target[1])}"
    return format_value(kpi, target)


def format_score(score: float | None) -> str:
    """Return a 0-10 score with one decimal, as shown everywhere."""
    return DASH if score is None else f"{score:.1f}"


def round_score(score: float | None) -> float | None:
    """Round a score as it is shown (exports use this, so every rendering agrees)."""
    return None if score is None else round(score, 1)


def format_fraction(value: float) -> str:
    """Return a fraction as a percentage: 0.05 -> '5%', 0.025 -> '2.5%'."""
    return f"{value * 100:.6g}%"


MANUAL_MARK = "✎"  # beside a status set by hand


def status_rule(
    bands: StatusBands | None, red_flag: bool = False, band: bool = False, flag_in_green: bool = False
) -> str:
    """Return the status rule in words, e.g. 'Green: meets the target or misses it by 5% or less. ...'.

    `red_flag`: the KPI has its own red flag (it wins over the red band); `band`: a [low, high] target;
    `flag_in_green`: that red flag lies inside the green band, which leaves no amber.
    """
    target = "the target range" if band else "the target"
    if bands is None:
        return f"Green: meets {target}. Amber: misses it, but not beyond the red flag. Red: beyond the red flag."
    g, r = format_fraction(bands.green), format_fraction(bands.red)
    green = f"Green: meets {target}" + (f" or misses it by {g} or less." if bands.green else ".")
    if red_flag and flag_in_green:
        return f"Green: meets {target} or misses it by {g} or less, up to the red flag. Red: beyond the red flag."
    if red_flag:
        amber = (
            f"misses it by more than {g}, but not beyond the red flag"
            if bands.green
            else "misses it, but not beyond the red flag"
        )
        return f"{green} Amber: {amber}. Red: beyond the red flag."
    red = f"Red: misses it by more than {r}."
    if bands.red == bands.green:
        return f"{green} {red}"
    amber = f"misses it by more than {g}, up to {r}" if bands.green else f"misses it by up to {r}"
    return f"{green} Amber: {amber}. {red}"


def kpi_status_rule(kpi: Kpi, r: KpiResult) -> str:
    """Return the rule a numeric KPI is rated by; empty for categorical or untargeted KPIs."""
    if kpi.type != "numeric" or r.target is None:
        return ""
    return status_rule(r.bands, kpi.red_flag is not None, isinstance(r.target, tuple), _flag_in_green(r))


def _flag_in_green(r: KpiResult) -> bool:
    """Return whether the red flag is no further from the target than the green band reaches."""
    if not isinstance(r.target, int | float) or not isinstance(r.red_flag, int | float):
        return False
    if not isinstance(r.green_limit, int | float):
        return False
    return abs(r.red_flag - r.target) <= abs(r.green_limit - r.target)


def manual_reason(r: KpiResult) -> str:
    """Return why a status was set by hand (its note), or "" when it was computed."""
    return (r.note or "set by hand") if r.manual else ""
