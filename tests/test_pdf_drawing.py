"""A pack's trend charts drawn as SVG in Python: geometry, axis range, greyscale, escaping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.charts import _BAND_FILL, RED_FLAG_COLOR, TrendChart, trend_chart
from generator.model import Kpi
from generator.pdf.context import build_pack
from generator.pdf.drawing import (
    BAND_FILL,
    HEIGHT,
    TICK_SIZE,
    WIDTH,
    chart_data_uris,
    draw_charts,
    draw_trend,
    grey_level,
    text_width,
)
from generator.periods import Period
from generator.pipeline import make_report
from generator.results import KpiResult, Status

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & ]]> \x00\x0b'


def _results(actuals: list[float | None], target: float, red_flag: float, per_year: int = 4) -> list[KpiResult]:
    periods = [Period(2025 + (i // per_year), i % per_year + 1, per_year) for i in range(len(actuals))]
    return [
        KpiResult("u", "o", "k", p, a, target, red_flag, None, Status.GREEN, green_limit=target)
        for p, a in zip(periods, actuals, strict=True)
    ]


def _chart(
    actuals: list[float | None], target: float = 80, red_flag: float = 70, unit: str = "%", polarity: str = "higher"
) -> TrendChart:
    kpi = Kpi(id="k", name="K", unit=unit, target=target, red_flag=red_flag, polarity=polarity)  # type: ignore[arg-type]
    labels = [f"Q{i % 4 + 1}\nFY{25 + i // 4}" for i in range(len(actuals))]
    return trend_chart(kpi, _results(actuals, target, red_flag), labels)


def _svg(chart: TrendChart) -> ET.Element:
    return ET.fromstring(draw_trend(chart))


def _layer(root: ET.Element, name: str) -> ET.Element:
    group = root.find(f"{SVG}g[@class='{name}']")
    assert group is not None, name
    return group


def _plot_area(root: ET.Element) -> tuple[float, float, float, float]:
    """Return left, top, right, bottom of the plot, from its axis lines (M left top V bottom H right)."""
    axis = _layer(root, "axes").find(f"{SVG}path")
    assert axis is not None
    left, top, bottom, right = (float(v) for v in re.findall(r"[\d.]+", axis.get("d", "")))
    return left, top, right, bottom


def _points(element: ET.Element) -> list[tuple[float, float]]:
    tag = element.tag.removeprefix(SVG)
    if tag == "polyline":
        return [(float(x), float(y)) for x, y in (p.split(",") for p in element.get("points", "").split())]
    if tag == "line":
        return [(float(element.get(f"x{n}", 0)), float(element.get(f"y{n}", 0))) for n in (1, 2)]
    if tag == "circle":
        return [(float(element.get("cx", 0)), float(element.get("cy", 0)))]
    x, y = float(element.get("x", 0)), float(element.get("y", 0))  # rect
    return [(x, y), (x + float(element.get("width", 0)), y + float(element.get("height", 0)))]


def _text_boxes(root: ET.Element) -> list[tuple[str, float, float, float, float]]:
    """Return each text's (text, left, top, right, bottom), from its anchor, size and estimated width."""
    boxes = []
    for text in root.iter(f"{SVG}text"):
        x, y, size = float(text.get("x", 0)), float(text.get("y", 0)), float(text.get("font-size", 0))
        width = text_width(text.text or "", size)
        start = {"start": 0.0, "middle": -width / 2, "end": -width}[text.get("text-anchor", "start")]
        if "rotate(-90" in text.get("transform", ""):  # upright: the run goes up from y, the letters left of x
            boxes.append((text.text or "", x - size, y - start - width, x + 0.25 * size, y - start))
        else:
            boxes.append((text.text or "", x + start, y - size, x + start + width, y + 0.25 * size))
    return boxes


def _example_charts() -> dict[str, TrendChart]:
    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    return build_pack(report, "it", 1, dt.date(2026, 11, 1)).charts


def test_every_band_line_and_dot_lies_inside_the_plot_area() -> None:
    for chart in [_chart([71, 82, None, 90, 65]), _chart([5, 4, 9], target=5, red_flag=8, polarity="lower")]:
        root = _svg(chart)
        left, top, right, bottom = _plot_area(root)
        for name in ("bands", "red-flags", "target", "actual"):
            shapes = list(_layer(root, name))
            assert shapes, name
            for shape in shapes:
                for x, y in _points(shape):
                    assert left - 0.05 <= x <= right + 0.05 and top - 0.05 <= y <= bottom + 0.05, (name, x, y)


@pytest.mark.parametrize(
    ("actuals", "unit"),
    [
        ([0.001, 0.002], "%"),
        ([1_250_000_000.0, 1_310_000_000.0], "EUR"),
        ([-40.0, 12.5], "tickets resolved at first contact per agent per month, seasonally adjusted"),
        ([99.99, 99.93], ""),
    ],
)
def test_every_label_lies_inside_the_chart(actuals: list[float], unit: str) -> None:
    root = _svg(_chart(actuals, target=actuals[0], red_flag=actuals[1] - abs(actuals[1]) * 0.1, unit=unit))
    boxes = _text_boxes(root)
    assert any(text.startswith("Q1") for text, *_ in boxes)
    for text, left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= WIDTH and bottom <= HEIGHT, (text, left, top, right, bottom)


def test_crowded_period_labels_are_thinned_and_the_latest_kept() -> None:
    months = ["Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep"]
    chart = dataclasses.replace(
        _chart([80.0 + i for i in range(13)]),
        labels=tuple(f"{m}\n'26" for m in months),
        ahead=tuple(f"{m}\n'27" for m in months[1:10]),
        forecast=tuple(93.0 + i for i in range(9)),
        ahead_target=(80.0,) * 9,
    )
    boxes = [b for b in _text_boxes(_svg(chart)) if b[0] in months]
    assert 8 <= len(boxes) < 22
    assert any(round(left + right) == round(2 * _period_x(chart, 12)) for _, left, _, right, _ in boxes)  # Sep '26
    for (_, _, _, right, _), (_, left, _, _, _) in zip(boxes, boxes[1:], strict=False):
        assert right < left, "period labels overlap"


def _period_x(chart: TrendChart, index: int) -> float:
    left, _, right, _ = _plot_area(_svg(chart))
    return left + (index + 0.5) * (right - left) / (len(chart.labels) + len(chart.ahead))


def test_a_long_unit_is_shortened_to_the_plot_height() -> None:
    root = _svg(_chart([70, 75], unit="x" * 200))
    (title,) = (t for t in root.iter(f"{SVG}text") if "rotate" in t.get("transform", ""))
    _, top, _, bottom = _plot_area(root)
    assert title.text is not None and title.text.endswith("…")
    assert text_width(title.text, TICK_SIZE) <= bottom - top


def test_the_axis_shows_target_and_red_flag_and_small_moves_stay_small() -> None:
    chart = _chart([99.99, 99.93], target=99.7, red_flag=99.0)
    assert chart.low < 99.0 and chart.high > 99.99
    root = _svg(chart)
    _, top, _, bottom = _plot_area(root)
    (line,) = _layer(root, "actual").iter(f"{SVG}polyline")
    (first, last) = _points(line)
    assert abs(last[1] - first[1]) < (bottom - top) / 10  # 0.06 of a 1.4 span: a small step, not a cliff
    alone = _chart([99.99, 99.93], target=99.99, red_flag=99.98)
    assert alone.high - alone.low >= 99.99 * 0.02  # the minimum span: 2 % of the value


def test_the_value_ticks_are_round_numbers_inside_the_axis() -> None:
    chart = _chart([99.99, 99.93], target=99.7, red_flag=99.0)
    ticks = [t.text for t in _layer(_svg(chart), "axes").iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks == ["98.5", "99.0", "99.5", "100.0", "100.5"]


def test_greyscale_keeps_neighbouring_bands_20_levels_apart_and_the_red_flag_darker() -> None:
    green, amber, red = (grey_level(BAND_FILL[s]) for s in (Status.GREEN, Status.AMBER, Status.RED))
    assert (green, amber, red) == (245, 222, 195)
    assert green - amber >= 20 and amber - red >= 20 and 255 - green >= 5  # lightest to darkest, as the legend says
    assert red - grey_level(RED_FLAG_COLOR) >= 100  # a dark line on the darkest band


def test_the_legend_names_only_the_lines_drawn() -> None:
    legend = [t.text for t in _layer(_svg(_chart([70, 75])), "legend").iter(f"{SVG}text")]
    assert legend == ["Actual", "Target", "Red flag"]
    no_flag = dataclasses.replace(_chart([70, 75]), bands=())
    assert [t.text for t in _layer(_svg(no_flag), "legend").iter(f"{SVG}text")] == ["Actual", "Target"]
    no_target = dataclasses.replace(no_flag, target=(None, None))
    assert [t.text for t in _layer(_svg(no_target), "legend").iter(f"{SVG}text")] == ["Actual"]


def test_hostile_units_and_labels_are_escaped_text() -> None:
    chart = _chart([70, 75], unit=HOSTILE)
    chart = dataclasses.replace(chart, labels=("Q1", HOSTILE))
    svg = draw_trend(chart)
    root = ET.fromstring(svg)  # well-formed: the control characters XML cannot hold are left out
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert '<script>alert("x")</script> & ]]> ' in texts  # the latest period's label, whole
    assert any(t.startswith('<script>alert("x")') and t.endswith("…") for t in texts)  # the unit, shortened
    assert "<script" not in svg and not root.findall(f".//{SVG}script")


def test_gaps_break_the_line_unless_the_kpi_is_reported_less_often() -> None:
    root = _svg(_chart([70, 72, None, 75, 78]))
    assert len(list(_layer(root, "actual").iter(f"{SVG}polyline"))) == 2
    assert len(list(_layer(root, "actual").iter(f"{SVG}circle"))) == 4


def test_the_example_packs_charts_draw_with_their_forecasts() -> None:
    charts = _example_charts()
    svgs = draw_charts(charts)
    assert svgs.keys() == charts.keys() and len(svgs) == 19
    forecasts = 0
    for key, svg in svgs.items():
        root = ET.fromstring(svg)
        assert [t.text for t in root.iter(f"{SVG}text")].count("Q3") >= 1, key
        forecasts += len(list(_layer(root, "forecast"))) > 0
    assert forecasts >= 10
    uris = chart_data_uris(charts)
    assert all(uri.startswith("data:image/svg+xml;base64,") for uri in uris.values())


def test_the_printed_bands_are_the_sites_hues_over_white() -> None:
    for status, rgba in _BAND_FILL.items():
        site = [float(v) for v in re.findall(r"[\d.]+", rgba)][:3]
        printed = [int(BAND_FILL[status][i : i + 2], 16) for i in (1, 3, 5)]
        alphas = [(255 - p) / (255 - c) for c, p in zip(site, printed, strict=True)]  # how much of the hue
        assert max(alphas) - min(alphas) < 0.015, status
