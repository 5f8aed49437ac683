"""Time a page's charts in Debian's Chromium: `python -m benchmarks.browser SITE PAGE` prints JSON.

The site is served over http on localhost (as on an intranet server). Timed from the start of
navigation: until every chart in the first screen has its SVG, then until all charts have it
after scrolling through the page (charts draw when scrolled near; charts in closed
<details> are not counted).
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
_IN_VIEW_DRAWN = """() => {
  const charts = [...document.querySelectorAll('.sp-chart[data-figure]')];
  const onScreen = charts.filter(c => c.getBoundingClientRect().top < innerHeight);
  return onScreen.every(c => c.querySelector('svg.main-svg')) ? {n: onScreen.length} : null;
}"""
_VISIBLE = (
    "() => [...document.querySelectorAll('.sp-chart[data-figure]')].filter(c => c.getClientRects().length).length"
)
_ALL_DRAWN = """() => [...document.querySelectorAll('.sp-chart[data-figure]')]
  .filter(c => c.getClientRects().length).every(c => c.querySelector('svg.main-svg'))"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        """Keep stdout for the JSON result."""


def time_page(site: Path, page: str) -> dict[str, Any]:
    """Return seconds to draw the first screen's charts and all charts of `page`."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    errors: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
            start = time.perf_counter()
            tab.goto(f"http://127.0.0.1:{server.server_port}/{page}", wait_until="commit")
            in_view = tab.wait_for_function(_IN_VIEW_DRAWN, polling=20, timeout=30_000).json_value()["n"]
            first_screen = time.perf_counter() - start
            while not tab.evaluate(_ALL_DRAWN):  # scroll a screen at a time, as a reader would
                at_bottom = tab.evaluate(
                    "() => { scrollBy(0, innerHeight); return innerHeight + scrollY >= document.body.scrollHeight; }"
                )
                tab.wait_for_timeout(30)
                if at_bottom and time.perf_counter() - start > 60:
                    break
            result = {"first_screen": first_screen, "in_view": in_view, "all": time.perf_counter() - start,
                      "charts": tab.evaluate(_VISIBLE), "errors": len(errors), "error_texts": errors[:3]}  # fmt: skip
            browser.close()
    finally:
        server.shutdown()
    return result


def main() -> None:
    """Print the timings of one page as JSON."""
    print(json.dumps(time_page(Path(sys.argv[1]), sys.argv[2])))


if __name__ == "__main__":
    main()
