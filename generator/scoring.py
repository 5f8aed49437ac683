"""Status and score rules for one value: pure functions, the heart of the scorecard.

A KPI has two limits: where green starts (the target, or within `status_bands.green` of it) and
its red flag (explicit, or `status_bands.red` / `default_tolerance` beyond the target). Scores run
0-10: the red flag scores 10/3 and the green limit 20/3, linear in between and beyond, clamped.
So green <=> score >= 20/3 and red <=> score < 10/3, for every polarity.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from generator.model import Kpi, Level
from generator.results import GREEN_SCORE, RED_SCORE, Status

Target = float | tuple[float, float]
_LEVEL_SCORES = {"green": 10.0, "amber": 5.0, "red": 0.0}
_JUST_BELOW_GREEN = math.nextafter(GREEN_SCORE, 0)
_JUST_BELOW_RED = math.nextafter(RED_SCORE, 0)
_JUST_BELOW_TEN = math.nextafter(10.0, 0)  # below the stretch: never the full marks of exceeding it


def default_red_flag(polarity: str, target: Target, tolerance: float) -> Target:
    """Return the red flag implied by `default_tolerance`: target -/+ tolerance x |target|."""
    if isinstance(target, tuple):
        low, high = target
        return (low - tolerance * abs(low), high + tolerance * abs(high))
    if polarity == "lower":
        return target + tolerance * abs(target)
    return target - tolerance * abs(target)


def status_limits(
    polarity: str, target: Target, green: float, red: float, red_flag: Target | None = None
) -> tuple[Target, Target]:
    """Return (green limit, red flag) for a target and bands given as fractions of |target|.

    For `range` each edge moves by its own magnitude. An explicit `red_flag` wins over the red band:
    where it passes the green limit there is no amber band, and it never passes the target itself
    (a period target can move past a fixed red flag).
    """
    green_limit = default_red_flag(polarity, target, green)
    red_limit = default_red_flag(polarity, target, red) if red_flag is None else red_flag
    if isinstance(target, tuple) and isinstance(green_limit, tuple) and isinstance(red_limit, tuple):
        red_limit = (min(red_limit[0], target[0]), max(red_limit[1], target[1]))
        return (max(green_limit[0], red_limit[0]), min(green_limit[1], red_limit[1])), red_limit
    assert isinstance(target, float | int) and isinstance(green_limit, float | int)
    assert isinstance(red_limit, float | int)
    if polarity == "lower":
        red_limit = max(red_limit, target)
        return min(green_limit, red_limit), red_limit
    red_limit = min(red_limit, target)
    return max(green_limit, red_limit), red_limit


def kpi_status(polarity: str, actual: float, target: Target, red_flag: Target) -> Status:
    """Return green, amber or red for a value against its green limit (`target`) and red flag."""
    if isinstance(target, tuple) and isinstance(red_flag, tuple):
        if target[0] <= actual <= target[1]:
            return Status.GREEN
        return Status.RED if actual < red_flag[0] or actual > red_flag[1] else Status.AMBER
    assert isinstance(target, float | int) and isinstance(red_flag, float | int)
    if polarity == "lower":
        return Status.GREEN if actual <= target else Status.RED if actual > red_flag else Status.AMBER
    return Status.GREEN if actual >= target else Status.RED if actual < red_flag else Status.AMBER


def score_kpi(polarity: str, actual: float, target: Target, red_flag: Target) -> float:
    """Return the 0-10 score, always consistent with `kpi_status`."""
    if isinstance(target, tuple) and isinstance(red_flag, tuple):
        raw = _score_range(actual, target, red_flag)
    else:
        assert isinstance(target, float | int) and isinstance(red_flag, float | int)
        raw = _score_linear(actual, float(target), float(red_flag), polarity)
    return _snap(raw, kpi_status(polarity, actual, target, red_flag))


def stretch_usable(polarity: str, green_limit: Target, stretch: Target | None) -> bool:
    """Return whether a stretch target lies beyond the green limit (a CSV target can move past it)."""
    if stretch is None:
        return False
    if isinstance(green_limit, tuple) and isinstance(stretch, tuple):
        return green_limit[0] <= stretch[0] <= stretch[1] <= green_limit[1] and stretch != green_limit
    if isinstance(green_limit, tuple) or isinstance(stretch, tuple):
        return False
    return stretch < green_limit if polarity == "lower" else stretch > green_limit


def exceeds_stretch(polarity: str, actual: float, stretch: Target) -> bool:
    """Return whether a value is at or beyond its stretch target (inside a range KPI's stretch band)."""
    if isinstance(stretch, tuple):
        return stretch[0] <= actual <= stretch[1]
    return actual <= stretch if polarity == "lower" else actual >= stretch


def score_stretch(polarity: str, actual: float, green_limit: Target, stretch: Target) -> float:
    """Return the score of a green value with a stretch target: 20/3 at the green limit, 10 at the stretch.

    Linear in between; the caller checks the value is green and the stretch usable.
    """
    if exceeds_stretch(polarity, actual, stretch):
        return 10.0
    if isinstance(green_limit, tuple) and isinstance(stretch, tuple):
        edge, goal = (green_limit[0], stretch[0]) if actual < stretch[0] else (green_limit[1], stretch[1])
    else:
        assert not isinstance(green_limit, tuple) and not isinstance(stretch, tuple)
        edge, goal = green_limit, stretch
    if goal == edge:
        return 10.0
    share = min(1.0, max(0.0, (actual - edge) / (goal - edge)))
    return max(GREEN_SCORE, min(_JUST_BELOW_TEN, GREEN_SCORE + share * (10.0 - GREEN_SCORE)))


def _score_linear(actual: float, target: float, red_flag: float, polarity: str) -> float:
    if target == red_flag:
        # No amber band: meeting the target is full marks, missing it is zero.
        meets = actual <= target if polarity == "lower" else actual >= target
        return 10.0 if meets else 0.0
    return RED_SCORE + (actual - red_flag) * (GREEN_SCORE - RED_SCORE) / (target - red_flag)


def _score_range(actual: float, band: tuple[float, float], red: tuple[float, float]) -> float:
    low, high = band
    if low <= actual <= high:
        middle, half = (low + high) / 2, (high - low) / 2
        if half == 0:  # a one-point band (or one too narrow for a float)
            return 10.0
        return 10.0 - (10.0 - GREEN_SCORE) * abs(actual - middle) / half
    if actual < low:
        return 0.0 if red[0] == low else RED_SCORE + (actual - red[0]) * RED_SCORE / (low - red[0])
    return 0.0 if red[1] == high else RED_SCORE + (red[1] - actual) * RED_SCORE / (red[1] - high)


def _snap(score: float, status: Status) -> float:
    """Clamp to [0, 10] and keep floating-point noise from crossing a status boundary."""
    score = min(10.0, max(0.0, score))
    if status is Status.GREEN:
        return max(score, GREEN_SCORE)
    if status is Status.AMBER:
        return min(max(score, RED_SCORE), _JUST_BELOW_GREEN)
    return min(score, _JUST_BELOW_RED)


def level_of(kpi: Kpi, value: str) -> Level | None:
    """Return the categorical level named `value`."""
    return next((level for level in kpi.levels or () if level.name == value), None)


def rate_level(level: Level) -> tuple[Status, float | None]:
    """Return status and score of a categorical level; an information-only level (status none) is not rated."""
    if level.status == "none":
        return Status.NOT_RATED, None
    score = level.score if level.score is not None else _LEVEL_SCORES[level.status]
    return Status(level.status), score


def rate_manual(kpi: Kpi, status: str) -> tuple[Status, float | None]:
    """Return status and score of a status set by hand: a categorical level's own, else green 10, amber 5, red 0."""
    if (level := level_of(kpi, status)) is not None:
        return rate_level(level)
    return Status(status), _LEVEL_SCORES[status]


def status_from_score(score: float | None) -> Status:
    """Return the status of a rolled-up score: green >= 20/3, amber >= 10/3, red below."""
    if score is None:
        return Status.NO_DATA
    if score >= GREEN_SCORE:
        return Status.GREEN
    return Status.AMBER if score >= RED_SCORE else Status.RED


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Return the weighted mean of the scored items; None when none is scored with weight."""
    scored = [(score, weight) for score, weight in pairs if score is not None and weight > 0]
    if not scored:
        return None
    top = max(weight for _, weight in scored)  # scaling keeps tiny weights from underflowing
    weights = [weight / top for _, weight in scored]
    mean = math.fsum(score * w for (score, _), w in zip(scored, weights, strict=True)) / math.fsum(weights)
    return min(max(mean, min(s for s, _ in scored)), max(s for s, _ in scored))


def aggregate(values: Sequence[float], how: str) -> float | None:
    """Combine values in time order by sum, average, last, min or max."""
    if not values:
        return None
    if how == "sum":
        return math.fsum(values)
    if how == "average":
        return math.fsum(values) / len(values)
    if how == "min":
        return min(values)
    if how == "max":
        return max(values)
    return values[-1]
