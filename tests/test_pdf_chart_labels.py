"""A pack chart's texts stay inside the chart as a browser lays them out in the pack's fonts: axis labels
upright and short ('Q3' over 'FY26'), the unit and the legend never cut off at its edge."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pdf.context import chart_specs
from generator.pdf.drawing import draw_charts
from generator.pipeline import make_report

pytestmark = pytest.mark.pdf
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"

# Each text's box and the SVG's own box, in the SVG's pixels, as Chromium lays the text out
BOXES = """() => {
  const svg = document.querySelector('svg').getBoundingClientRect();
  return [...document.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left - svg.left, top: r.top - svg.top,
            right: r.right - svg.left, bottom: r.bottom - svg.top, width: svg.width, height: svg.height};
  });
}"""


@pytest.mark.parametrize(
    ("project", "unit"),
    [(ROOT, "it"), (ROOT / "examples" / "operations", None), (ROOT / "examples" / "regulator", None)],
    ids=["quarterly", "monthly", "annual"],
)
def test_every_axis_label_lies_inside_its_chart(project: Path, unit: str | None) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    report, _ = make_report(project / "content", project / "measures", None)
    unit = unit or report.scorecard.root.id
    specs = chart_specs(report, report.scorecard.units[unit])
    assert specs
    images = draw_charts(specs)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        page = browser.new_page()
        for key, svg in images.items():
            page.set_content(svg.decode())
            boxes = page.evaluate(BOXES)
            assert any(b["text"] for b in boxes), key
            for box in boxes:
                inside = box["left"] >= 0 and box["top"] >= 0 and box["right"] <= box["width"]
                assert inside and box["bottom"] <= box["height"], f"{key}: {box['text']!r} leaves the chart: {box}"
        browser.close()
