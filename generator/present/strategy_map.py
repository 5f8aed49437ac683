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


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class MapArrow:
    """A `drives` link from one box's edge to another's: a path of straight segments through the gaps."""

    source: str
    target: str
    points: tuple[Point, ...]

    @property
    def x1(self) -> float:
        """Return where it starts, x."""
        return self.points[0][0]

    @property
    def y1(self) -> float:
        """Return where it starts, y."""
        return self.points[0][1]

    @property
    def x2(self) -> float:
        """Return where it ends (at the arrowhead), x."""
        return self.points[-1][0]

    @property
    def y2(self) -> float:
        """Return where it ends (at the arrowhead), y."""
        return self.points[-1][1]

    @property
    def path(self) -> str:
        """Return the points as SVG polyline points."""
        return " ".join(f"{x:g},{y:g}" for x, y in self.points)


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
    links = [(placed[o.id], placed[t]) for o in objectives for t in o.drives if o.id in placed and t in placed]
    arrows = [
        _arrow(source, target, boxes, n, _ports(links, source, target)) for n, (source, target) in enumerate(links)
    ]
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


def _ports(links: Sequence[tuple[MapBox, MapBox]], source: MapBox, target: MapBox) -> tuple[float, float]:
    """Return where on its edge the arrow leaves the source and enters the target.

    Arrows leaving one box, or entering one, are spread along its edge in the order of the boxes at
    their other end, so each arrowhead and each start reads on its own.
    """
    outgoing = sorted((t.x, t.y, t.id) for s, t in links if s.id == source.id)
    incoming = sorted((s.x, s.y, s.id) for s, t in links if t.id == target.id)
    out_at = outgoing.index((target.x, target.y, target.id))
    in_at = incoming.index((source.x, source.y, source.id))
    return _spread(source, out_at, len(outgoing)), _spread(target, in_at, len(incoming))


def _spread(box: MapBox, index: int, count: int) -> float:
    usable = min(box.w * 0.6, 24.0 * (count - 1))
    return box.x + box.w / 2 - usable / 2 + (usable * index / (count - 1) if count > 1 else 0)


def _arrow(
    source: MapBox, target: MapBox, boxes: Sequence[MapBox], n: int, ports: tuple[float, float] | None = None
) -> MapArrow:
    """Route an arrow through the gaps between boxes, so it never passes behind an unrelated objective.

    An arrow that ran under other boxes made them look like drivers. Side by side neighbours are
    joined straight; otherwise the arrow leaves the source's top (or bottom) edge into the gap
    beside its row, runs along that gap to a clear vertical lane, along the gap beside the
    target's row, and into the target's facing edge. `n` staggers arrows sharing a gap.
    """
    sx, tx = ports or (source.x + source.w / 2, target.x + target.w / 2)
    if abs(source.y - target.y) < 1 and not _between(source, target, boxes):
        direction = 1 if target.x > source.x else -1
        y, start, end = source.y + source.h / 2, source.x + source.w / 2, target.x + target.w / 2
        return MapArrow(
            source.id, target.id, ((start + direction * source.w / 2, y), (end - direction * (target.w / 2 + 4), y))
        )
    up = target.y <= source.y
    shift = (n % 3 - 1) * 2.0  # within the gap, leaving the last run into the target long enough to point
    start_y = source.y if up else source.y + source.h
    end_y = target.y + target.h if (up and target.y < source.y) else target.y
    if abs(source.y - target.y) < 1:  # same row, not neighbours: over the top of the row
        end_y = target.y
    near_source = start_y + (-GAP / 2 if up else GAP / 2) + shift
    near_target = end_y + (GAP / 2 if end_y != target.y else -GAP / 2) + shift
    lane = _lane(sx, tx, near_source, near_target, boxes)
    head = end_y + (2 if end_y != target.y else -2)
    points = [(sx, start_y), (sx, near_source), (lane, near_source), (lane, near_target), (tx, near_target), (tx, head)]
    if _clear(sx, start_y, end_y, boxes, {source.id, target.id}) and abs(sx - tx) < 1:
        points = [(sx, start_y), (tx, head)]
    return MapArrow(source.id, target.id, _simplified(points))


def _between(a: MapBox, b: MapBox, boxes: Sequence[MapBox]) -> bool:
    """Return whether another box of the same row sits between a and b."""
    left, right = sorted((a.x, b.x))
    return any(abs(o.y - a.y) < 1 and left < o.x < right for o in boxes)


def _lane(sx: float, tx: float, y1: float, y2: float, boxes: Sequence[MapBox]) -> float:
    """Return the x of a vertical run from y1 to y2 that crosses no box, nearest the straight way."""
    edges = [x for b in boxes for x in (b.x - GAP / 2, b.x + b.w + GAP / 2)]
    candidates = [tx, sx, *edges, LABEL_WIDTH + PAD / 2, WIDTH - PAD / 2]
    clear = [x for x in candidates if _clear(x, y1, y2, boxes, set())]
    return min(clear, key=lambda x: (abs(x - tx) + abs(x - sx), x))


def _clear(x: float, y1: float, y2: float, boxes: Sequence[MapBox], ends: set[str]) -> bool:
    top, bottom = sorted((y1, y2))
    return not any(
        b.id not in ends and b.x - 1 < x < b.x + b.w + 1 and b.y - 1 < bottom and top < b.y + b.h + 1 for b in boxes
    )


def _simplified(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of straight runs."""
    kept: list[Point] = []
    for point in points:
        if kept and abs(kept[-1][0] - point[0]) < 0.01 and abs(kept[-1][1] - point[1]) < 0.01:
            continue
        if len(kept) >= 2 and _collinear(kept[-2], kept[-1], point):
            kept[-1] = point
        else:
            kept.append(point)
    return tuple(kept)


def _collinear(a: Point, b: Point, c: Point) -> bool:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) < 0.01


def strategy_map(report: Report, unit: Unit, href: Callable[[str], str]) -> StrategyMap:
    """Lay out a unit's strategy map from the report; boxes link to `href(objective id)`."""
    objectives = []
    for o in unit.objectives:
        view = objective_status(report, unit.id, o.id)
        # where scores are off the count of KPIs met says more than "not rated", and fits the box
        text, score = (view.text, view.score) if view.scored else (f"{view.icon} {view.score}", "")
        objectives.append(MapObjective(o.id, o.name, o.perspective, o.drives, view.css, text, score))
    # as the scorecard and the tiles: a perspective without objectives of the unit is no empty band
    used = {o.perspective for o in unit.objectives}
    perspectives = [(p.id, p.name) for p in report.scorecard.perspectives(unit.id) if p.id in used]
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
