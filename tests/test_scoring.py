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
    status_limits,
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


# --- Status bands: green within G x |target|, red beyond R x |target| --------------------------

BANDS = (0.05, 0.1)  # the council's "green within 5%, red beyond 10%"


@pytest.mark.parametrize(
    ("polarity", "target", "green_limit", "red_limit"),
    [
        ("higher", 200, 190, 180),
        ("higher", -200, -210, -220),  # negative target: the bands use its size
        ("lower", 40, 42, 44),
        ("lower", -40, -38, -36),
        ("range", (90, 110), (85.5, 115.5), (81, 121)),
        ("range", (-20, -10), (-21, -9.5), (-22, -9)),  # each edge moves by its own size
    ],
)
def test_band_limits(polarity: str, target: object, green_limit: object, red_limit: object) -> None:
    limits = status_limits(polarity, target, *BANDS)  # type: ignore[arg-type]
    assert _flat(limits) == pytest.approx(_flat((green_limit, red_limit)))


def _side(polarity: str, limit: float, side: str, scale: float) -> float:
    """Return a value a hair (EPS x scale) inside (the better side of) or outside a limit."""
    better = 1 if polarity == "higher" else -1
    return limit + better * EPS * scale * (1 if side == "in" else -1)


@pytest.mark.parametrize("polarity", ["higher", "lower"])
@pytest.mark.parametrize("target", [200.0, -200.0, 0.5, -0.5, 1e6])
def test_every_band_boundary_of_one_sided_kpis(polarity: str, target: float) -> None:
    green, red = status_limits(polarity, target, *BANDS)
    assert isinstance(green, float) and isinstance(red, float)
    cases = [
        (target, G, 10.0),  # on target: the middle of a 5% green band, beyond the 6.67 of its limit
        (green, G, GREEN_SCORE),
        (_side(polarity, green, "out", abs(target)), A, GREEN_SCORE),
        ((green + red) / 2, A, 5.0),
        (red, A, RED_SCORE),
        (_side(polarity, red, "out", abs(target)), R, RED_SCORE),
        (red - (green - red), R, 0.0),  # as far beyond the red limit as the amber band is wide
    ]
    for actual, status, score in cases:
        assert kpi_status(polarity, actual, green, red) is status, actual
        assert score_kpi(polarity, actual, green, red) == pytest.approx(score, abs=1e-4), actual


@pytest.mark.parametrize(("target", "edges"), [((90.0, 110.0), (85.5, 115.5)), ((-20.0, -10.0), (-21.0, -9.5))])
def test_every_band_boundary_of_range_kpis(target: tuple[float, float], edges: tuple[float, float]) -> None:
    green, red = status_limits("range", target, *BANDS)
    assert isinstance(green, tuple) and isinstance(red, tuple) and list(green) == pytest.approx(edges)
    for edge, outward, red_edge in ((green[0], -1, red[0]), (green[1], 1, red[1])):
        step = outward * EPS * abs(edge)
        assert (kpi_status("range", edge, green, red), score_kpi("range", edge, green, red)) == (G, GREEN_SCORE)
        assert kpi_status("range", edge + step, green, red) is A
        assert kpi_status("range", red_edge, green, red) is A
        assert score_kpi("range", red_edge, green, red) == pytest.approx(RED_SCORE)
        assert kpi_status("range", red_edge + step, green, red) is R
    for inside in target:  # meeting the target band scores at least 6.67
        assert score_kpi("range", inside, green, red) >= GREEN_SCORE
    assert score_kpi("range", sum(green) / 2, green, red) == 10.0  # the peak: the middle of the green band


@pytest.mark.parametrize(
    ("polarity", "target", "red_flag", "expected"),
    [
        # the explicit red flag wins over the 10% red band
        ("higher", 200, 150, (190, 150)),
        ("lower", 40, 60, (42, 60)),
        ("range", (90, 110), (70, 130), ((85.5, 115.5), (70, 130))),
        # a red flag inside the green band wins there too: no amber band
        ("higher", 200, 195, (195, 195)),
        ("lower", 40, 41, (41, 41)),
        ("range", (90, 110), (88, 112), ((88, 112), (88, 112))),
        # a period target past a fixed red flag: red flag at the target, as without bands
        ("higher", 200, 210, (200, 200)),
        ("lower", 40, 30, (40, 40)),
    ],
)
def test_an_explicit_red_flag_wins_over_the_red_band(
    polarity: str, target: object, red_flag: object, expected: tuple[object, object]
) -> None:
    assert _flat(status_limits(polarity, target, *BANDS, red_flag)) == pytest.approx(_flat(expected))  # type: ignore[arg-type]


def _flat(limits: tuple[object, object]) -> list[float]:
    return [float(v) for limit in limits for v in (limit if isinstance(limit, tuple) else (limit,))]  # type: ignore[arg-type]


def test_without_bands_the_rule_is_as_before() -> None:
    assert status_limits("higher", 100, 0.0, 0.1) == (100, 90)
    assert status_limits("higher", 100, 0.0, 0.1, 80) == (100, 80)
    assert status_limits("range", (10, 20), 0.0, 0.1) == ((10, 20), (9, 22))


band_fraction = st.floats(min_value=0, max_value=2, allow_nan=False)


@given(
    actual=finite,
    target=finite,
    fractions=st.tuples(band_fraction, band_fraction).map(sorted),
    polarity=st.sampled_from(["higher", "lower"]),
    red_flag=st.one_of(st.none(), finite),
)
def test_banded_score_agrees_with_status_and_meeting_the_target_is_green(
    actual: float, target: float, fractions: list[float], polarity: str, red_flag: float | None
) -> None:
    green, red = status_limits(polarity, target, fractions[0], fractions[1], red_flag)
    score = score_kpi(polarity, actual, green, red)
    assert 0 <= score <= 10
    assert status_from_score(score) is kpi_status(polarity, actual, green, red)
    assert kpi_status(polarity, target, green, red) is G
    assert score_kpi(polarity, target, green, red) >= GREEN_SCORE


@given(
    actual=finite,
    low=finite,
    size=st.floats(min_value=0, max_value=1e5),
    fractions=st.tuples(band_fraction, band_fraction).map(sorted),
)
def test_banded_range_score_agrees_with_status(actual: float, low: float, size: float, fractions: list[float]) -> None:
    target = (low, low + size)
    green, red = status_limits("range", target, fractions[0], fractions[1])
    score = score_kpi("range", actual, green, red)
    assert status_from_score(score) is kpi_status("range", actual, green, red)
    assert min(score_kpi("range", edge, green, red) for edge in target) >= GREEN_SCORE


@pytest.mark.parametrize(
    ("red_flag", "flag_in_green", "rule"),
    [
        (
            False,
            False,
            "Green: meets the target or misses it by 5% or less. Amber: misses it by more than 5%, up to 10%. Red: misses it by more than 10%.",
        ),
        (
            True,
            False,
            "Green: meets the target or misses it by 5% or less. Amber: misses it by more than 5%, but not beyond the red flag. Red: beyond the red flag.",
        ),
        (
            True,
            True,
            "Green: meets the target or misses it by 5% or less, up to the red flag. Red: beyond the red flag.",
        ),
    ],
)
def test_the_status_rule_in_words_matches_how_the_kpi_is_rated(red_flag: bool, flag_in_green: bool, rule: str) -> None:
    from generator.formatting import status_rule
    from generator.model import StatusBands

    assert status_rule(StatusBands(green=0.05, red=0.1), red_flag, False, flag_in_green) == rule
