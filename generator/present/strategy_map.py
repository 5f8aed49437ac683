"""Lay out a unit's strategy map: perspectives as bands, objectives as boxes, `drives` as arrows.

Objectives and statuses come in, positions come out, and `strategy_map_svg` draws them with
`site_templates/shared/strategy_map.svg`: the site shows the SVG inline, the packs as an image. The first perspective (financial) is the top band, the last (learning) the bottom,
so cause-and-effect arrows mostly point upwards.
"""

from __future__ import annotations

import dataclasses
import functools
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from generator.model import Unit
from generator.present.kpis import objective_status
from generator.resources import TEMPLATES
from generator.results import Report

WIDTH = 960
LABEL_WIDTH = 150  # left column with the perspective names
PER_ROW = 4  # boxes per row inside a band
BOX_HEIGHT = 92
GAP = 18
PAD = 14
CHAR_WIDTH = 8.4  # average width of a 16 px character, for wrapping labels


@dataclass(frozen=True, slots=True)
class MapObjective:
    """What the map needs to know about one objective."""

    id: str
    name: str
    perspective: str
    drives: tuple[str, ...]
    status: str  # css class: green, amber, red, no-data, not-rated
    status_text: str  # icon and word, e.g. "▲ At risk"
    score_text: str


@dataclass(frozen=True, slots=True)
class MapBox:
    """An objective drawn as a labelled box that links to its detail."""

    id: str
    lines: tuple[str, ...]
    status: str
    status_text: str
    score_text: str
    href: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class MapBand:
    """A perspective drawn as a horizontal band."""

    name: str
    lines: tuple[str, ...]
    y: float
    h: float


@dataclass(frozen=True, slots=True)
class MapArrow:
    """A `drives` link from one box's edge to another's."""

    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class StrategyMap:
    """The whole drawing."""

    width: float
    height: float
    bands: tuple[MapBand, ...]
    boxes: tuple[MapBox, ...]
    arrows: tuple[MapArrow, ...]
    box_text: str = "its status and score (0-10)"  # what each box shows, for the caption


def layout_strategy_map(
    perspectives: Sequence[tuple[str, str]], objectives: Sequence[MapObjective], href: Callable[[str], str]
) -> StrategyMap:
    """Place perspectives (id, name), top first, and their objectives; link boxes with `href(id)`."""
    bands, boxes, y = [], [], 0.0
    for pid, name in perspectives:
        members = [o for o in objectives if o.perspective == pid]
        rows = max(1, -(-len(members) // PER_ROW))
        height = rows * BOX_HEIGHT + (rows + 1) * GAP
        bands.append(MapBand(name, wrap_label(name, LABEL_WIDTH - 8, 3), y, height))
        boxes += _place_boxes(members, y, href)
        y += height
    placed = {b.id: b for b in boxes}
    arrows = [_arrow(placed[o.id], placed[t]) for o in objectives for t in o.drives if o.id in placed and t in placed]
    return StrategyMap(WIDTH, y, tuple(bands), tuple(boxes), tuple(arrows))


def _place_boxes(members: Sequence[MapObjective], top: float, href: Callable[[str], str]) -> list[MapBox]:
    area = WIDTH - LABEL_WIDTH - PAD
    boxes = []
    for index, obj in enumerate(members):
        row, col = divmod(index, PER_ROW)
        in_row = min(PER_ROW, len(members) - row * PER_ROW)
        width = min(210.0, (area - GAP * (in_row + 1)) / in_row)
        start = LABEL_WIDTH + (area - in_row * width - (in_row - 1) * GAP) / 2
        x = start + col * (width + GAP)
        y = top + GAP + row * (BOX_HEIGHT + GAP)
        boxes.append(
            MapBox(
                obj.id,
                wrap_label(obj.name, width),
                obj.status,
                obj.status_text,
                obj.score_text,
                href(obj.id),
                x,
                y,
                width,
                BOX_HEIGHT,
            )
        )
    return boxes


def wrap_label(text: str, width: float, max_lines: int = 3) -> tuple[str, ...]:
    """Wrap a label to fit a box `width` pixels wide, ending with an ellipsis when cut."""
    chars = max(8, int((width - 16) / CHAR_WIDTH))
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return tuple(lines)


def _arrow(source: MapBox, target: MapBox) -> MapArrow:
    """Join the facing edges: top to bottom between bands, side to side within a row."""
    sx, sy = source.x + source.w / 2, source.y + source.h / 2
    tx, ty = target.x + target.w / 2, target.y + target.h / 2
    if abs(sy - ty) < 1:
        direction = 1 if tx > sx else -1
        return MapArrow(
            source.id, target.id, sx + direction * source.w / 2, sy, tx - direction * (target.w / 2 + 4), ty
        )
    direction = 1 if ty > sy else -1
    return MapArrow(source.id, target.id, sx, sy + direction * source.h / 2, tx, ty - direction * (target.h / 2 + 4))


def strategy_map(report: Report, unit: Unit, href: Callable[[str], str]) -> StrategyMap:
    """Lay out a unit's strategy map from the report; boxes link to `href(objective id)`."""
    objectives = []
    for o in unit.objectives:
        view = objective_status(report, unit.id, o.id)
        # where scores are off the count of KPIs met says more than "not rated", and fits the box
        text, score = (view.text, view.score) if view.scored else (f"{view.icon} {view.score}", "")
        objectives.append(MapObjective(o.id, o.name, o.perspective, o.drives, view.css, text, score))
    perspectives = [(p.id, p.name) for p in report.scorecard.perspectives(unit.id)]
    drawing = layout_strategy_map(perspectives, objectives, href)
    if report.scorecard.scores(unit.id):
        return drawing
    return dataclasses.replace(drawing, box_text="its status and how many of its KPIs are met")


def strategy_map_svg(drawing: StrategyMap) -> Markup:
    """Return the map as SVG markup, every label escaped."""
    return Markup(_environment().get_template("strategy_map.svg").render(map=drawing))


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "shared"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
