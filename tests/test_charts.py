"""Chart specs: valid Plotly figures, bands behind actual vs target, light enough to embed by the thousand."""

from __future__ import annotations

import json
from types import SimpleNamespace

import plotly.graph_objects as go
import pytest

from generator.charts import _BAND_FILL, _y_range, heatmap_figure, sparkline_points, trend_figure
from generator.pipeline import make_report
from tests.conftest import FIXTURES, report_for


def _figure(unit: str, kpi: str) -> dict:
    report = report_for(FIXTURES / "minimal", "2026-Q2")
    return trend_figure(report.scorecard.kpi(unit, kpi), report.kpi_history(unit, kpi))


def test_trend_figure_is_valid_plotly() -> None:
    figure = _figure("root", "income")
    go.Figure(figure)  # raises on any unknown property
    assert [t["name"] for t in figure["data"]] == ["Actual", "Target"]
    assert figure["data"][0]["y"] == [90, 105]
    assert figure["data"][0]["hovertemplate"] == "%{x}: %{y:,.0f} EUR<extra>Actual</extra>"


def test_quarters_sharing_a_target_share_one_set_of_bands() -> None:
    shapes = _figure("root", "income")["layout"]["shapes"]
    assert [s["type"] for s in shapes] == ["rect", "rect", "rect", "line"]  # red, amber, green, red flag
    assert {(s["x0"], s["x1"]) for s in shapes} == {(-0.5, 1.5)}


def test_the_value_axis_spans_at_least_two_percent_and_shows_target_and_red_flag() -> None:
    history = [(99.99, 99.7, 99.0), (99.93, 99.7, 99.0)]
    low, high = _y_range([SimpleNamespace(actual=a, target=t, red_flag=r) for a, t, r in history])  # type: ignore[misc]
    assert low < 99.0 and high > 99.99
    low, high = _y_range([SimpleNamespace(actual=a, target=None, red_flag=None) for a in (99.99, 99.93)])  # type: ignore[misc]
    assert high - low == pytest.approx(99.99 * 0.02 * 1.3)  # a 0.06 move fills under a quarter of the height


def test_a_target_change_starts_new_bands() -> None:
    shapes = [
        s for s in _figure("root", "satisfaction")["layout"]["shapes"] if s["type"] == "rect"
    ]  # target 80 in Q1, 85 from Q2
    assert sorted({(s["x0"], s["x1"]) for s in shapes}) == [(-0.5, 0.5), (0.5, 1.5)]


def test_trend_figure_stays_small() -> None:
    assert len(json.dumps(_figure("team-a", "cost_per_ticket"))) < 3000


def test_heatmap_is_valid_plotly() -> None:
    statuses = [["red", "not-rated"], ["green", "no-data"]]
    links = [["a.html", "b.html"], ["c.html", ""]]
    figure = heatmap_figure(
        ["A", "A"], ["x", "y"], [[1.234, None], [9.0, None]], [["1.2", "–"], ["9.0", "–"]], statuses, links
    )
    go.Figure(figure)  # raises on any unknown property
    unscored, trace = figure["data"]
    # by position, so two units (or KPIs) with one name keep their own row (column)
    assert (trace["y"], trace["x"]) == ([0, 1], [0, 1])
    assert figure["layout"]["yaxis"]["ticktext"] == ["A", "A"] and figure["layout"]["xaxis"]["ticktext"] == ["x", "y"]
    assert trace["z"] == [[1.23, None], [9.0, None]] and (trace["zmin"], trace["zmax"]) == (0, 10)
    assert trace["text"] == [["1.2", "–"], ["9.0", "–"]]
    # not rated is grey, no data white: two different cells
    assert unscored["z"] == [[None, 10], [None, 0]]
    assert trace["customdata"][0][1] == ["A", "y", "b.html"]


def test_heatmap_labels_every_column_and_shortens_long_names() -> None:
    columns = [f"KPI number {i} with a long name that goes on" for i in range(22)]
    figure = heatmap_figure(["A"], columns, [[5.0] * 22], [["5"] * 22])
    xaxis = figure["layout"]["xaxis"]
    assert xaxis["tickvals"] == list(range(22)) and len(xaxis["ticktext"]) == 22
    assert xaxis["ticktext"][0] == "KPI number 0 with a long name t…"


def test_sparkline_skips_gaps_and_needs_two_points() -> None:
    assert sparkline_points([1.0]) == ""
    points = sparkline_points([1.0, None, 3.0], width=80, height=20)
    assert points == "0.0,18.0 80.0,2.0"


def test_with_status_bands_the_green_band_starts_where_green_starts() -> None:
    agency = FIXTURES.parent.parent / "examples" / "agency"
    report, _ = make_report(agency / "content", agency / "measures", None)
    history = report.kpi_history("licensing-operations", "processed_within_10_days")  # target 90, bands 5% / 10%
    figure = trend_figure(report.scorecard.kpi("licensing-operations", "processed_within_10_days"), history)
    fills = {
        _fill_status(s["fillcolor"]): (s["y0"], s["y1"]) for s in figure["layout"]["shapes"] if s["type"] == "rect"
    }
    assert fills["amber"] == pytest.approx((81, 85.5)) and fills["green"][0] == pytest.approx(85.5)
    assert figure["data"][1]["y"][-1] == 90  # the target line stays the target


def _fill_status(color: str) -> str:
    return next(status.value for status, fill in _BAND_FILL.items() if fill == color)
