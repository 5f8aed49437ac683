"""A pack's trend charts as SVG, drawn in Python: pure functions, chart data in, SVG text out.

Vector, with real text (pdftotext finds the axis labels) in the fonts the pack's CSS names. No
browser: kaleido's Chromium took 0.5-1 s a pack and a Chromium per worker; this takes ~1 ms a chart.
Every text comes from content (KPI units, period labels) and is XML-escaped here. Text widths are
estimated from the wider of Liberation Sans and DejaVu Sans, so labels fit whichever is installed.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.charts import ACTUAL_COLOR, FORECAST_COLOR, RED_FLAG_COLOR, TARGET_COLOR, TrendChart
from generator.formatting import format_number
from generator.results import Status

WIDTH, HEIGHT = 330, 196  # px; the pack shows a chart 84 mm wide, so 9 px text prints at about 6.5 pt
FONT = "'Liberation Sans', 'DejaVu Sans', sans-serif"  # as pack.css names them
TICK_SIZE, LEGEND_SIZE = 9.0, 8.5
TOP, RIGHT = 8.0, 8.0  # room for half the top tick label, and beside the last period
AXIS_BELOW = 40.0  # two lines of period labels and the legend under the plot
LINE = 10.0  # px between the lines of a period label
GRID_COLOR, AXIS_COLOR, TEXT_COLOR = "#8c959f", "#6e7781", "#222"


# The site's band hues made opaque for paper, amber and red deeper: grey 245, 222 and 195 in greyscale, at
# least 20 levels between neighbours, lightest (on target) to darkest (off target) as the legend says
BAND_FILL = {Status.GREEN: "#f1f7f3", Status.AMBER: "#edddb8", Status.RED: "#eab2b2"}


def grey_level(colour: str) -> int:
    """Return a #rrggbb colour's grey level in greyscale print (0.3/0.59/0.11, as poppler mixes it)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return round(0.3 * r + 0.59 * g + 0.11 * b)


def draw_charts(charts: Mapping[str, TrendChart]) -> dict[str, bytes]:
    """Return each chart as SVG bytes, keyed as given."""
    return {key: draw_trend(chart).encode("utf-8") for key, chart in charts.items()}


def chart_data_uris(charts: Mapping[str, TrendChart]) -> dict[str, str]:
    """Return each chart as an SVG data URI an <img> can show, keyed as given."""
    return {key: svg_data_uri(svg) for key, svg in draw_charts(charts).items()}


def svg_data_uri(image: bytes) -> str:
    """Return SVG bytes as a data URI an <img> can show."""
    return "data:image/svg+xml;base64," + base64.b64encode(image).decode("ascii")


# --- One chart ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plot:
    """Where the plot area lies in the SVG, and how values and periods map onto it."""

    left: float
    top: float
    right: float
    bottom: float
    low: float
    high: float
    periods: int  # history and forecast periods side by side

    def x(self, index: float) -> float:
        """Return the centre of period `index` (fractions reach band edges: -0.5 is the left edge)."""
        return self.left + (index + 0.5) * (self.right - self.left) / self.periods

    def y(self, value: float) -> float:
        """Return the height of a value."""
        share = (value - self.low) / (self.high - self.low)
        return self.bottom - share * (self.bottom - self.top)


def draw_trend(chart: TrendChart) -> str:
    """Return a trend chart as a standalone SVG document."""
    ticks = value_ticks(chart.low, chart.high, chart.decimals)
    plot = _plot(chart, ticks)
    layers = {
        "bands": _bands(chart, plot),
        "grid": _grid(plot, ticks),
        "red-flags": _red_flags(chart, plot),
        "axes": _axes(chart, plot, ticks),
        "target": _target(chart, plot),
        "forecast": _forecast(chart, plot),
        "actual": _actual(chart, plot),
        "legend": _legend(chart),
    }
    body = "".join(f'<g class="{name}">{"".join(parts)}</g>' for name, parts in layers.items())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' font-family="{FONT}" fill="{TEXT_COLOR}"><rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>{body}</svg>'
    )


def _plot(chart: TrendChart, ticks: Sequence[tuple[float, str]]) -> Plot:
    widest = max((text_width(label, TICK_SIZE) for _, label in ticks), default=0.0)
    title = TICK_SIZE + 6 if chart.unit.strip() else 2.0
    left = math.ceil(title + widest + 6)
    periods = max(len(chart.labels) + len(chart.ahead), 1)
    return Plot(left, TOP, WIDTH - RIGHT, HEIGHT - AXIS_BELOW, chart.low, chart.high, periods)


def value_ticks(low: float, high: float, decimals: int = 2) -> list[tuple[float, str]]:
    """Return about five round values between low and high with their labels, e.g. 99.0, 99.5, 100.0.

    No step finer than the KPI's `decimals` (a count is not ticked at 0.25); from 10,000 up the labels
    are short: 650k, 1.2M, 3bn.
    """
    magnitude = math.floor(math.log10(high - low))
    steps = [m * 10.0**k for k in range(magnitude - 2, magnitude + 1) for m in (1, 2, 2.5, 5)]
    steps = [s for s in steps if s >= 10.0**-decimals - 1e-12] or [10.0**-decimals]
    step = min(reversed(steps), key=lambda s: abs(len(_multiples(low, high, s)) - 5))
    scale, suffix = next(
        ((f, w) for f, w in _SHORT if max(abs(low), abs(high)) >= f * (10 if w == "k" else 1)), (1.0, "")
    )
    return [
        (v, format_number(v / scale, _decimals(step / scale)) + suffix if v else "0")
        for v in _multiples(low, high, step)
    ]


_SHORT = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))


def _decimals(step: float) -> int:
    """Return the decimals a multiple of step needs: 0.25 needs 2, 0.5 one, 5 none."""
    for decimals in range(10):
        if abs(round(step, decimals) - step) < step * 1e-6:
            return decimals
    return 10


def _multiples(low: float, high: float, step: float) -> list[float]:
    return [n * step for n in range(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1)]


def _bands(chart: TrendChart, plot: Plot) -> Iterable[str]:
    for run in chart.bands:
        x0, x1 = plot.x(run.first - 0.5), plot.x(run.last + 0.5)
        for bottom, top, status in run.spans:
            y0, y1 = plot.y(top), plot.y(bottom)
            yield f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" fill="{BAND_FILL[status]}"/>'


def _red_flags(chart: TrendChart, plot: Plot) -> Iterable[str]:
    # Dark and dotted: in greyscale the bands alone blur together, the line does not
    for run in chart.bands:
        for flag in run.red_flags:
            y = plot.y(flag)
            yield (
                f'<line x1="{_n(plot.x(run.first - 0.5))}" x2="{_n(plot.x(run.last + 0.5))}" y1="{_n(y)}" y2="{_n(y)}"'
                f' stroke="{RED_FLAG_COLOR}" stroke-width="1.6" stroke-dasharray="1.6 2"/>'
            )


def _grid(plot: Plot, ticks: Sequence[tuple[float, str]]) -> Iterable[str]:
    for value, _ in ticks:
        y = _n(plot.y(value))
        yield (
            f'<line x1="{_n(plot.left)}" x2="{_n(plot.right)}" y1="{y}" y2="{y}" stroke="{GRID_COLOR}"'
            ' stroke-width="0.5" stroke-opacity="0.6"/>'
        )


def _axes(chart: TrendChart, plot: Plot, ticks: Sequence[tuple[float, str]]) -> Iterable[str]:
    yield (
        f'<path d="M{_n(plot.left)} {_n(plot.top)}V{_n(plot.bottom)}H{_n(plot.right)}" fill="none"'
        f' stroke="{AXIS_COLOR}" stroke-width="0.8"/>'
    )
    for value, label in ticks:
        y = plot.y(value) + TICK_SIZE * 0.35  # the digits' middle on the grid line
        yield _text(plot.left - 4, y, label, TICK_SIZE, anchor="end")
    labels = [*chart.labels, *chart.ahead]
    every = _label_step(plot, labels)
    latest = len(chart.labels) - 1  # always labelled: the period the pack reports
    for index, label in enumerate(labels):
        if (index - latest) % every == 0:
            yield from _period_label(plot, index, label)
    if chart.unit.strip():
        yield _unit_title(chart.unit, plot)


def _label_step(plot: Plot, labels: Sequence[str]) -> int:
    """Return n to label every nth period: as many as fit side by side, 4 px apart."""
    widest = max((text_width(line, TICK_SIZE) for label in labels for line in label.split("\n")), default=0.0)
    return max(1, math.ceil((widest + 4) / ((plot.right - plot.left) / plot.periods)))


def _period_label(plot: Plot, index: int, label: str) -> Iterable[str]:
    lines = label.split("\n")
    half = max(text_width(line, TICK_SIZE) for line in lines) / 2
    centre = min(max(plot.x(index), half + 1), WIDTH - half - 1)  # the end labels stay inside the chart
    for n, line in enumerate(lines[:2]):
        yield _text(centre, plot.bottom + 11 + n * LINE, line, TICK_SIZE, anchor="middle")


def _unit_title(unit: str, plot: Plot) -> str:
    text = fitted(unit.strip(), TICK_SIZE, plot.bottom - plot.top)
    middle = (plot.top + plot.bottom) / 2
    x = TICK_SIZE + 1  # the baseline, turned upright: the letters rise to its left
    return (
        f'<text x="{_n(x)}" y="{_n(middle)}" font-size="{_n(TICK_SIZE)}" text-anchor="middle"'
        f' transform="rotate(-90 {_n(x)} {_n(middle)})">{escape(text)}</text>'
    )


def _target(chart: TrendChart, plot: Plot) -> Iterable[str]:
    yield from _steps(plot, chart.target, 0, TARGET_COLOR, "4 3")
    if chart.ahead_target:
        yield from _steps(plot, chart.ahead_target, len(chart.labels), TARGET_COLOR, "4 3")


def _steps(plot: Plot, values: Sequence[float | None], start: int, colour: str, dash: str) -> Iterable[str]:
    """Yield a target as flat steps across each period, rising or falling between periods."""
    for run in _known_runs(values):
        points = []
        for i in run:
            value = plot.y(values[i])  # type: ignore[arg-type]
            points += [(plot.x(start + i - 0.5), value), (plot.x(start + i + 0.5), value)]
        yield _polyline(points, colour, 1.3, dash)


def _forecast(chart: TrendChart, plot: Plot) -> Iterable[str]:
    if not chart.forecast or chart.actual[-1] is None:
        return
    start = len(chart.labels) - 1
    points = [(plot.x(start + i), plot.y(v)) for i, v in enumerate([chart.actual[-1], *chart.forecast])]
    edge = _n(plot.x(start + 0.5))
    yield f'<line x1="{edge}" x2="{edge}" y1="{_n(plot.top)}" y2="{_n(plot.bottom)}" stroke="{AXIS_COLOR}" stroke-width="0.6" stroke-dasharray="2 2"/>'
    yield _polyline(points, FORECAST_COLOR, 1.6, "4 2.5")
    for x, y in points[1:]:
        yield f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.4" fill="#fff" stroke="{FORECAST_COLOR}" stroke-width="1.2"/>'


def _actual(chart: TrendChart, plot: Plot) -> Iterable[str]:
    known = [i for i, v in enumerate(chart.actual) if v is not None]
    runs = [known] if chart.connect_gaps else _known_runs(chart.actual)
    for run in runs:
        if len(run) > 1:
            yield _polyline([(plot.x(i), plot.y(chart.actual[i])) for i in run], ACTUAL_COLOR, 2.0)  # type: ignore[arg-type]
    for i in known:
        x, y = _n(plot.x(i)), _n(plot.y(chart.actual[i]))  # type: ignore[arg-type]
        yield f'<circle cx="{x}" cy="{y}" r="2.6" fill="{ACTUAL_COLOR}" stroke="#fff" stroke-width="0.8"/>'


def _legend(chart: TrendChart) -> Iterable[str]:
    """Yield a key to the lines under the chart, so it reads on its own and in greyscale."""
    items = [("Actual", ACTUAL_COLOR, 2.0, "")]
    if any(t is not None for t in (*chart.target, *chart.ahead_target)):
        items.append(("Target", TARGET_COLOR, 1.3, "4 3"))
    if any(run.red_flags for run in chart.bands):
        items.append(("Red flag", RED_FLAG_COLOR, 1.6, "1.6 2"))
    if chart.forecast:
        items.append(("Forecast", FORECAST_COLOR, 1.6, "4 2.5"))
    x, y = 4.0, HEIGHT - 4.0
    for label, colour, width, dash in items:
        yield _polyline([(x, y - 3), (x + 16, y - 3)], colour, width, dash)
        yield _text(x + 19, y, label, LEGEND_SIZE)
        x += 19 + text_width(label, LEGEND_SIZE) + 10


def _known_runs(values: Sequence[float | None]) -> list[list[int]]:
    """Return the indexes of values, split where a value is missing."""
    runs: list[list[int]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [run for run in runs if run]


def _polyline(points: Sequence[tuple[float, float]], colour: str, width: float, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}"{dashes}/>'


def _text(x: float, y: float, text: str, size: float, anchor: str = "start") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}">{escape(text)}</text>'


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- Text ----------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def escape(text: str) -> str:
    """Return text safe as SVG character data: markup escaped, characters XML forbids left out."""
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Advance widths of printable ASCII (space to ~) in thousandths of an em: the wider of Liberation
# Sans and DejaVu Sans for each character (read from the fonts' hmtx tables)
_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 337, 337, 838, 838, 838, 556, 1015, 684, 686, 722, 770, 667, 611, 778, 752, 295, 500, 667,
    557, 863, 748, 787, 667, 787, 722, 667, 611, 732, 684, 989, 685, 667, 685, 390, 337, 390, 838, 556, 500, 613,
    635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
    592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip


def text_width(text: str, size: float) -> float:
    """Return a generous estimate of the text's width in px at a font size."""
    return size * sum(_char_width(c) for c in text) / 1000


def _char_width(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _WIDTHS[code - 32]
    return 750 if code < 0x0250 else 1000  # accented Latin about 0.7 em; other scripts up to a full em


def fitted(text: str, size: float, room: float) -> str:
    """Return the text, shortened with an ellipsis when it is wider than `room` px."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"
