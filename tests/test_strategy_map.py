"""The strategy map's layout: arrows run through the gaps, never behind an objective they do not link."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import make_report
from generator.present.strategy_map import MapBox, MapObjective, StrategyMap, layout_strategy_map, strategy_map

ROOT = Path(__file__).parent.parent
AGENCY = ROOT / "examples" / "agency"


def _crosses(a: tuple[float, float], b: tuple[float, float], box: MapBox) -> bool:
    """Return whether segment a-b passes through the inside of the box (Liang-Barsky clipping)."""
    (x1, y1), (x2, y2) = a, b
    dx, dy, low, high = x2 - x1, y2 - y1, 0.0, 1.0
    inside = (box.x + 0.5, box.x + box.w - 0.5, box.y + 0.5, box.y + box.h - 0.5)
    for p, q in ((-dx, x1 - inside[0]), (dx, inside[1] - x1), (-dy, y1 - inside[2]), (dy, inside[3] - y1)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
    return low < high


def _crossings(drawing: StrategyMap) -> list[str]:
    return [
        f"{arrow.source} -> {arrow.target} crosses {box.id}"
        for arrow in drawing.arrows
        for a, b in zip(arrow.points, arrow.points[1:], strict=False)
        for box in drawing.boxes
        if box.id not in (arrow.source, arrow.target) and _crosses(a, b, box)
    ]


def _inside(drawing: StrategyMap) -> bool:
    xs = [x for arrow in drawing.arrows for x, _ in arrow.points]
    ys = [y for arrow in drawing.arrows for _, y in arrow.points]
    return all(0 <= x <= drawing.width for x in xs) and all(0 <= y <= drawing.height for y in ys)


def test_an_arrow_goes_around_a_box_in_its_way() -> None:
    perspectives = [("f", "Financial"), ("c", "Customer"), ("l", "Learning")]
    objectives = [
        MapObjective("top", "Grow income", "f", (), "green", "● On target", "7.0"),
        MapObjective("middle", "Happy students", "c", (), "amber", "▲ At risk", "5.0"),
        MapObjective("bottom", "Skilled staff", "l", ("top",), "red", "◆ Off target", "2.0"),
    ]
    drawing = layout_strategy_map(perspectives, objectives, lambda o: o)
    (arrow,) = drawing.arrows
    assert _crossings(drawing) == []
    assert len(arrow.points) > 2  # a straight line would have run behind "middle"
    boxes = {b.id: b for b in drawing.boxes}
    assert arrow.y1 == boxes["bottom"].y and arrow.y2 == boxes["top"].y + boxes["top"].h + 2


def test_neighbours_in_a_row_are_joined_straight_and_others_over_the_row() -> None:
    objectives = [
        MapObjective(i, i.upper(), "f", drives, "green", "●", "7.0")
        for i, drives in (("a", ("b", "c")), ("b", ()), ("c", ()))
    ]
    drawing = layout_strategy_map([("f", "Financial")], objectives, lambda o: o)
    to_b, to_c = drawing.arrows
    assert len(to_b.points) == 2 and to_b.y1 == to_b.y2
    assert _crossings(drawing) == []


@pytest.mark.parametrize(
    ("content", "units"),
    [
        (ROOT / "content", None),
        (AGENCY / "content", None),
    ],
)
def test_no_arrow_of_the_examples_crosses_a_box_or_leaves_the_map(content: Path, units: None) -> None:
    report, _ = make_report(content, content.parent / "measures", None)
    for unit in report.scorecard.units.values():
        drawing = strategy_map(report, unit, lambda o: o)
        assert _crossings(drawing) == [], unit.id
        assert _inside(drawing), unit.id


def test_every_arrow_ends_on_a_run_toward_its_target() -> None:
    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    for unit in report.scorecard.units.values():
        drawing = strategy_map(report, unit, lambda o: o)
        boxes = {b.id: b for b in drawing.boxes}
        for arrow in drawing.arrows:
            (x1, y1), (x2, y2) = arrow.points[-2:]
            target = boxes[arrow.target]
            if y1 == y2:  # side by side: a horizontal run into the target's side
                assert abs(target.y + target.h / 2 - y2) < 1
            else:  # a vertical run of a few pixels at least, so the arrowhead points at the box
                assert x1 == x2 and abs(y2 - y1) >= 4 and target.x < x2 < target.x + target.w, arrow
