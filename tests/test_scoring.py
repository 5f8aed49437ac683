"""Status and score rules at and around every boundary, for every polarity."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.results import GREEN_SCORE, RED_SCORE, Status
from generator.scoring import (
    aggregate,
    default_red_flag,
    kpi_status,
    score_kpi,
    status_from_score,
    weighted_mean,
)

G, A, R = Status.GREEN, Status.AMBER, Status.RED
EPS = 1e-6


@pytest.mark.parametrize(
    ("polarity", "actual", "target", "red_flag", "status", "score"),
    [
        # higher: target 100, red flag 80
        ("higher", 120, 100, 80, G, 10.0),
        ("higher", 100 + EPS, 100, 80, G, GREEN_SCORE),
        ("higher", 100, 100, 80, G, GREEN_SCORE),
        ("higher", 100 - EPS, 100, 80, A, GREEN_SCORE),
        ("higher", 90, 100, 80, A, 5.0),
        ("higher", 80, 100, 80, A, RED_SCORE),
        ("higher", 80 - EPS, 100, 80, R, RED_SCORE),
        ("higher", 70, 100, 80, R, 10 / 6),
        ("higher", 60, 100, 80, R, 0.0),
        ("higher", 0, 100, 80, R, 0.0),
        # lower: target 4 h, red flag 6 h
        ("lower", 2, 4, 6, G, 10.0),
        ("lower", 4, 4, 6, G, GREEN_SCORE),
        ("lower", 4 + EPS, 4, 6, A, GREEN_SCORE),
        ("lower", 5, 4, 6, A, 5.0),
        ("lower", 6, 4, 6, A, RED_SCORE),
        ("lower", 6 + EPS, 4, 6, R, RED_SCORE),
        ("lower", 7, 4, 6, R, 10 / 6),
        ("lower", 9, 4, 6, R, 0.0),
        # target equal to red flag: no amber band
        ("higher", 5, 5, 5, G, 10.0),
        ("higher", 5 - EPS, 5, 5, R, 0.0),
        ("lower", 0, 0, 0, G, 10.0),
        ("lower", 1, 0, 0, R, 0.0),
    ],
)
def test_linear_rules(
    polarity: str, actual: float, target: float, red_flag: float, status: Status, score: float
) -> None:
    assert kpi_status(polarity, actual, target, red_flag) is status
    assert score_kpi(polarity, actual, target, red_flag) == pytest.approx(score, abs=1e-4)


BAND, RED_BAND = (75.0, 85.0), (65.0, 95.0)


@pytest.mark.parametrize(
    ("actual", "status", "score"),
    [
        (80, G, 10.0),
        (75, G, GREEN_SCORE),
        (85, G, GREEN_SCORE),
        (77.5, G, (10 + GREEN_SCORE) / 2),
        (75 - EPS, A, GREEN_SCORE),
        (85 + EPS, A, GREEN_SCORE),
        (70, A, 5.0),
        (90, A, 5.0),
        (65, A, RED_SCORE),
        (95, A, RED_SCORE),
        (65 - EPS, R, RED_SCORE),
        (95 + EPS, R, RED_SCORE),
        (60, R, 10 / 6),
        (100, R, 10 / 6),
        (55, R, 0.0),
        (40, R, 0.0),
    ],
)
def test_range_rules(actual: float, status: Status, score: float) -> None:
    assert kpi_status("range", actual, BAND, RED_BAND) is status
    assert score_kpi("range", actual, BAND, RED_BAND) == pytest.approx(score, abs=1e-4)


def test_range_without_tolerance_band_is_a_step() -> None:
    assert score_kpi("range", 74.9, BAND, BAND) == 0.0
    assert kpi_status("range", 74.9, BAND, BAND) is R
    assert score_kpi("range", 80, (80.0, 80.0), (70.0, 90.0)) == 10.0


@pytest.mark.parametrize(
    ("polarity", "target", "expected"),
    [("higher", 100.0, 90.0), ("lower", 4.0, 4.4), ("higher", -10.0, -11.0), ("range", (75.0, 85.0), (67.5, 93.5))],
)
def test_default_red_flag(polarity: str, target: float, expected: object) -> None:
    result = default_red_flag(polarity, target, 0.1)
    assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (None, Status.NO_DATA),
        (10, G),
        (GREEN_SCORE, G),
        (GREEN_SCORE - EPS, A),
        (RED_SCORE, A),
        (RED_SCORE - EPS, R),
        (0, R),
    ],
)
def test_status_from_score(score: float | None, status: Status) -> None:
    assert status_from_score(score) is status


def test_weighted_mean_skips_missing_and_zero_weights() -> None:
    assert weighted_mean([(10.0, 1), (None, 5), (4.0, 2)]) == pytest.approx(6.0)
    assert weighted_mean([(10.0, 0), (None, 1)]) is None
    assert weighted_mean([]) is None


@pytest.mark.parametrize(
    ("how", "expected"), [("sum", 6.0), ("average", 2.0), ("last", 3.0), ("min", 1.0), ("max", 3.0)]
)
def test_aggregate(how: str, expected: float) -> None:
    assert aggregate([2.0, 1.0, 3.0], how) == expected


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
gap = st.floats(min_value=1e-3, max_value=1e5, allow_nan=False)


@given(a1=finite, a2=finite, target=finite, width=gap)
def test_score_is_monotonic_and_bounded(a1: float, a2: float, target: float, width: float) -> None:
    low, high = sorted((a1, a2))
    s_low = score_kpi("higher", low, target, target - width)
    s_high = score_kpi("higher", high, target, target - width)
    assert 0 <= s_low <= s_high <= 10
    l_low = score_kpi("lower", low, target, target + width)
    l_high = score_kpi("lower", high, target, target + width)
    assert 0 <= l_high <= l_low <= 10


@given(
    actual=finite,
    target=finite,
    width=st.floats(min_value=0, max_value=1e5),
    polarity=st.sampled_from(["higher", "lower"]),
)
def test_score_agrees_with_status(actual: float, target: float, width: float, polarity: str) -> None:
    red = target - width if polarity == "higher" else target + width
    score = score_kpi(polarity, actual, target, red)
    assert status_from_score(score) is kpi_status(polarity, actual, target, red)
    assert not math.isnan(score)


@given(
    actual=finite,
    low=finite,
    size=st.floats(min_value=0, max_value=1e5),
    below=st.floats(min_value=0, max_value=1e5),
    above=st.floats(min_value=0, max_value=1e5),
)
def test_range_score_agrees_with_status_and_peaks_in_the_middle(
    actual: float, low: float, size: float, below: float, above: float
) -> None:
    band, red = (low, low + size), (low - below, low + size + above)
    score = score_kpi("range", actual, band, red)
    assert 0 <= score <= 10
    assert status_from_score(score) is kpi_status("range", actual, band, red)
    assert score <= score_kpi("range", low + size / 2, band, red) + 1e-9


@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 10)), st.floats(0, 100)), max_size=12))
def test_roll_up_is_bounded_by_its_children(pairs: list[tuple[float | None, float]]) -> None:
    mean = weighted_mean(pairs)
    scored = [s for s, w in pairs if s is not None and w > 0]
    if mean is None:
        assert not scored
    else:
        assert min(scored) - 1e-9 <= mean <= max(scored) + 1e-9
