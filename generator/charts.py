"""Chart specifications: pure functions, no Plotly objects, no I/O.

The site hands plain Plotly dicts to plotly.js (one shared script sets the template); plain dicts
through json.dumps cost ~0.01 ms a chart, Plotly objects ~2 ms (measured with plotly 7), which
matters at thousands of charts. The PDF packs draw their own SVG from `TrendChart`, the same
numbers, bands and axis range as data.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.model import Kpi
from generator.periods import PER_YEAR
from generator.results import Forecast, KpiResult, Status, as_number

# Lightest to darkest, so the bands stay apart in greyscale too (grey ~243, ~229, ~209 on white);
# the packs print deeper ones (pdf/drawing.py)
_BAND_FILL = {
    Status.GREEN: "rgba(26,127,55,0.08)",
    Status.AMBER: "rgba(191,135,0,0.22)",
    Status.RED: "rgba(198,40,40,0.30)",
}
RED_FLAG_COLOR = "#7a1c1c"  # dark: the red-flag line stays visible in greyscale
MIN_SPAN = 0.02  # the value axis spans at least 2% of the largest value: no cliff for 99.99 -> 99.93
ACTUAL_COLOR = "#0b57d0"
TARGET_COLOR = "#444c56"
FORECAST_COLOR = "#6f42c1"


def trend_figure(
    kpi: Kpi,
    history: Sequence[KpiResult],
    labels: Sequence[str] | None = None,
    forecast: Forecast | None = None,
    restated: Mapping[str, str] | None = None,
    forecast_labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return actual vs target across periods, with red/amber/green bands behind.

    With a forecast, a dashed line continues from the latest value to the fiscal year's end, beside
    the targets of the periods left, labelled `forecast_labels` as `labels` label the history (one a
    period of its path). `restated` maps a period to the words its hover adds, e.g.
    " (published 71.2)"; numbers only.
    """
    x = list(labels or [str(r.period) for r in history])
    digits = kpi.decimals + 1  # one more than shown: enough for the line, far fewer bytes
    actual = [_rounded(as_number(r.actual), digits) for r in history]
    low, high = _y_range(history, forecast)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Actual",
            "x": x,
            "y": actual,
            "line": {"color": ACTUAL_COLOR, "width": 2.5},
            "marker": {"size": 7},
            "hovertemplate": f"%{{x}}: %{{y:,.{kpi.decimals}f}}{_unit_suffix(kpi)}<extra>Actual</extra>",
        },
    ]
    if history and PER_YEAR[kpi.frequency] < history[0].period.per_year:
        traces[0]["connectgaps"] = True  # a KPI reported less often than the cadence: its values, joined
    if restated:
        traces[0]["customdata"] = [restated.get(str(r.period), "") for r in history]
        traces[0]["hovertemplate"] = traces[0]["hovertemplate"].replace("<extra>", "%{customdata}<extra>")
    target_line = [_rounded(_target_mid(r.target), digits) for r in history]
    if any(t is not None for t in target_line):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Target",
                "x": x,
                "y": target_line,
                "line": {"color": TARGET_COLOR, "width": 1.5, "dash": "dash", "shape": "hvh"},
                "hoverinfo": "skip",
            }
        )
    if forecast is not None and forecast.path and history and as_number(history[-1].actual) is not None:
        ahead = list(forecast_labels or [str(p) for p, _, _ in forecast.path])
        traces += _forecast_traces(kpi, forecast, [x[-1], *ahead], as_number(history[-1].actual), digits)
    shapes = [shape for first, last, r in _runs(history) for shape in _bands(kpi, r, first, last, low, high)]
    return {
        "data": traces,
        "layout": {
            "height": 260,
            "margin": {"l": 56, "r": 12, "t": 12, "b": 40},
            "xaxis": {"type": "category", "fixedrange": True},
            # Plotly reads a few HTML tags in titles (links among them): the unit is shown as text
            "yaxis": {"range": [low, high], "fixedrange": True, "title": {"text": _text(kpi.unit)}, "zeroline": False},
            "shapes": shapes,
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.22, "x": 0},
        },
    }


@dataclass(frozen=True, slots=True)
class Bands:
    """The status bands and red-flag lines behind periods first..last (indexes), which share limits."""

    first: int
    last: int
    spans: tuple[tuple[float, float, Status], ...]  # (bottom, top, status), bottom first
    red_flags: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class TrendChart:
    """A KPI's trend as data, for an output that draws it itself (the packs' SVG): what `trend_figure` shows."""

    labels: tuple[str, ...]  # a period's axis label each; lines split by "\n"
    actual: tuple[float | None, ...]
    target: tuple[float | None, ...]  # a range's middle
    bands: tuple[Bands, ...]
    low: float  # the value axis: target, red flag and forecast included, at least MIN_SPAN tall
    high: float
    unit: str  # the value axis title (untrusted text: the drawing escapes it)
    decimals: int  # as the KPI's values are shown: no axis tick finer
    connect_gaps: bool  # a KPI reported less often than the cadence: its values joined across gaps
    ahead: tuple[str, ...] = ()  # the forecast's periods after the latest, labelled as `labels`
    forecast: tuple[float, ...] = ()  # projected value per period ahead
    ahead_target: tuple[float | None, ...] = ()  # target per period ahead


def trend_chart(
    kpi: Kpi,
    history: Sequence[KpiResult],
    labels: Sequence[str],
    forecast: Forecast | None = None,
    forecast_labels: Sequence[str] = (),
) -> TrendChart:
    """Return actual vs target across periods with their bands and axis range, and the forecast if any."""
    low, high = _y_range(history, forecast)
    latest = as_number(history[-1].actual) if history else None
    path = forecast.path if forecast is not None and latest is not None else ()
    return TrendChart(
        labels=tuple(labels),
        actual=tuple(as_number(r.actual) for r in history),
        target=tuple(_target_mid(r.target) for r in history),
        bands=tuple(
            Bands(first, last, tuple(band_spans(kpi, r, low, high)), red_flags(r)) for first, last, r in _runs(history)
        ),
        low=low,
        high=high,
        unit=kpi.unit,
        decimals=kpi.decimals,
        connect_gaps=bool(history) and PER_YEAR[kpi.frequency] < history[0].period.per_year,
        ahead=tuple(forecast_labels) if path else (),
        forecast=tuple(value for _, value, _ in path),
        ahead_target=tuple(_target_mid(target) for _, _, target in path),
    )


def _forecast_traces(
    kpi: Kpi, forecast: Forecast, x: list[str], latest: float | None, digits: int
) -> list[dict[str, Any]]:
    """Return the dashed projection from the latest value (at x[0]) to the year's end, and the targets of the periods left."""
    unit = _unit_suffix(kpi)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Forecast",
            "x": x,
            "y": [_rounded(latest, digits), *(_rounded(v, digits) for _, v, _ in forecast.path)],
            "line": {"color": FORECAST_COLOR, "width": 2, "dash": "dash"},
            "marker": {"size": 6, "symbol": "circle-open"},
            "hovertemplate": f"%{{x}}: %{{y:,.{kpi.decimals}f}}{unit}<extra>Forecast</extra>",
        }
    ]
    targets = [_rounded(_target_mid(t), digits) for _, _, t in forecast.path]
    if any(t is not None for t in targets):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Target to year end",
                "x": x[1:],
                "y": targets,
                "line": {"color": TARGET_COLOR, "width": 1.5, "dash": "dot", "shape": "hvh"},
                "marker": {"size": 9, "symbol": ["line-ew"] * (len(targets) - 1) + ["star"]},
                "hovertemplate": f"%{{x}}: %{{y:,.{kpi.decimals}f}}{unit}<extra>Target</extra>",
            }
        )
    return traces


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _text(text: str) -> str:
    return html.escape(text, quote=False)


def _unit_suffix(kpi: Kpi) -> str:
    unit = kpi.unit.replace("<", "").replace(">", "").replace("%{", "")  # hover text takes a little HTML
    return unit if unit in ("", "%") else f" {unit}"


def _target_mid(target: float | tuple[float, float] | None) -> float | None:
    if isinstance(target, tuple):
        return (target[0] + target[1]) / 2
    return target


def _y_range(history: Sequence[KpiResult], forecast: Forecast | None = None) -> tuple[float, float]:
    points: list[float] = []
    ahead = [(value, target, None) for _, value, target in forecast.path] if forecast else []
    for r in [*((h.actual, h.target, h.red_flag) for h in history), *ahead]:
        for value in r:
            if isinstance(value, tuple):
                points.extend(value)
            elif isinstance(value, int | float):
                points.append(float(value))
    if not points:
        return 0.0, 1.0
    low, high = min(points), max(points)
    least = max(abs(low), abs(high)) * MIN_SPAN or 1.0
    if high - low < least:
        middle = (low + high) / 2
        low, high = middle - least / 2, middle + least / 2
    pad = (high - low) * 0.15
    return low - pad, high + pad


def _runs(history: Sequence[KpiResult]) -> list[tuple[int, int, KpiResult]]:
    """Group consecutive quarters with the same target and red flag: one set of bands each.

    Three rectangles per quarter would weigh ~20 KB per chart at 20 quarters; targets rarely change.
    """
    runs: list[tuple[int, int, KpiResult]] = []
    for i, r in enumerate(history):
        if runs and _limits(runs[-1][2]) == _limits(r):
            runs[-1] = (runs[-1][0], i, runs[-1][2])
        else:
            runs.append((i, i, r))
    return runs


def _limits(r: KpiResult) -> tuple[object, object, object]:
    return r.target, r.green_limit, r.red_flag


def _bands(kpi: Kpi, r: KpiResult, first: int, last: int, low: float, high: float) -> list[dict[str, Any]]:
    """Return the band rectangles behind quarters first..last, which share r's limits."""
    rects = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": first - 0.5,
            "x1": last + 0.5,
            "y0": y0,
            "y1": y1,
            "fillcolor": _BAND_FILL[status],
            "line": {"width": 0},
            "layer": "below",
        }
        for y0, y1, status in band_spans(kpi, r, low, high)
    ]
    return rects + [_red_flag_line(first, last, flag) for flag in red_flags(r)]


def band_spans(kpi: Kpi, r: KpiResult, low: float, high: float) -> list[tuple[float, float, Status]]:
    """Return r's status bands as (bottom, top, status) between low and high, bottom first."""
    target, red = r.green_limit if r.green_limit is not None else r.target, r.red_flag
    if target is None or red is None:
        return []
    if isinstance(target, tuple) and isinstance(red, tuple):
        spans = [
            (low, red[0], Status.RED),
            (red[0], target[0], Status.AMBER),
            (target[0], target[1], Status.GREEN),
            (target[1], red[1], Status.AMBER),
            (red[1], high, Status.RED),
        ]
    elif kpi.polarity == "lower":
        spans = [(low, target, Status.GREEN), (target, red, Status.AMBER), (red, high, Status.RED)]  # type: ignore[list-item]
    else:
        spans = [(low, red, Status.RED), (red, target, Status.AMBER), (target, high, Status.GREEN)]  # type: ignore[list-item]
    return [(y0, y1, status) for y0, y1, status in spans if y1 > y0]


def red_flags(r: KpiResult) -> tuple[float, ...]:
    """Return r's red-flag values (two for a range KPI), or none when it has no bands."""
    target, red = r.green_limit if r.green_limit is not None else r.target, r.red_flag
    if target is None or red is None:
        return ()
    return red if isinstance(red, tuple) else (red,)


def _red_flag_line(first: int, last: int, y: float) -> dict[str, Any]:
    """Return the red flag as a dark dotted line: bands alone blur together in greyscale."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "y",
        "x0": first - 0.5,
        "x1": last + 0.5,
        "y0": y,
        "y1": y,
        "line": {"color": RED_FLAG_COLOR, "width": 1.5, "dash": "dot"},
        "layer": "below",
    }


_UNSCORED = {"not-rated": 1, "no-data": 0}  # cells without a score: grey (not rated) or white (no data)


def heatmap_figure(
    rows: Sequence[str],
    columns: Sequence[str],
    scores: Sequence[Sequence[float | None]],
    texts: Sequence[Sequence[str]],
    statuses: Sequence[Sequence[str]] | None = None,
    links: Sequence[Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Return a heatmap of scores (rows: units, columns: perspectives or KPIs), labelled in each cell.

    Rows and columns are placed by position and labelled with tick texts, so two columns with one
    name stay apart; `statuses` (css names) tell a cell not rated from one without data, and
    `links` (hrefs) are where a click on a cell goes.
    """
    x, y = list(range(len(columns))), list(range(len(rows)))
    statuses = statuses or [[""] * len(columns) for _ in rows]
    common = {"x": x, "y": y, "xgap": 2, "ygap": 2, "showscale": False, "zmin": 0, "zmax": 10}
    unscored = [
        [_UNSCORED.get(st) if v is None else None for v, st in zip(r, srow, strict=True)]
        for r, srow in zip(scores, statuses, strict=True)
    ]
    custom = [[[rows[i], columns[j], links[i][j] if links else ""] for j in x] for i in y]
    return {
        "data": [
            {
                **common,
                "type": "heatmap",
                "z": [[None if v is None else 10 * v for v in r] for r in unscored],
                "colorscale": [[0.0, "#ffffff"], [1.0, "#d5d9de"]],
                "text": [list(t) for t in texts],
                "texttemplate": "%{text}",
                "customdata": custom,
                "hovertemplate": "%{customdata[0]} · %{customdata[1]}: %{text}<extra></extra>",
            },
            {
                **common,
                "type": "heatmap",
                "z": [[None if v is None else round(v, 2) for v in r] for r in scores],
                "colorscale": _HEAT_SCALE,
                "text": [list(t) for t in texts],
                "texttemplate": "%{text}",
                "customdata": custom,
                "hovertemplate": "%{customdata[0]} · %{customdata[1]}: %{text}<extra></extra>",
            },
        ],
        "layout": {
            "height": 150 + 34 * len(rows),
            "margin": {"l": 12, "r": 60, "t": 12, "b": 12},  # automargin grows them to fit the labels
            "xaxis": {
                "side": "top",
                "tickangle": -30 if len(columns) < 12 else -60,
                "fixedrange": True,
                "automargin": True,
                "tickmode": "array",  # a label on every column, however many
                "tickvals": x,
                "ticktext": [_short(c) for c in columns],
            },
            "yaxis": {
                "autorange": "reversed",
                "fixedrange": True,
                "automargin": True,
                "tickmode": "array",
                "tickvals": y,
                "ticktext": [_short(r) for r in rows],
            },
        },
    }


_HEAT_SCALE = [
    [0.0, "#f4c7c3"],
    [0.333, "#f4c7c3"],
    [0.3334, "#fde8a8"],
    [0.666, "#fde8a8"],
    [0.6667, "#b7e1c1"],
    [1.0, "#b7e1c1"],
]


def _short(label: str, size: int = 32) -> str:
    """Return a tick label short enough not to crowd the chart (the hover and table have it whole)."""
    return label if len(label) <= size else label[: size - 1].rstrip() + "…"


def sparkline_points(values: Sequence[float | None], width: float = 80, height: float = 20) -> str:
    """Return SVG polyline points for a sparkline of recent values (gaps skipped)."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    span, step = (high - low) or 1.0, width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in known)
