"""Take PNG screenshots of the main pages of a built site, in the light and the dark theme.

Usage: .venv/bin/python scripts/screenshots.py [SITE_DIR] [OUT_DIR]   (defaults: site, docs/screenshots)
Uses Debian's Chromium (/usr/bin/chromium); never downloads a browser.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def main_pages(site: Path) -> dict[str, Path]:
    """Return the pages worth a look: home, a unit of each level, details, map, site-wide pages."""
    pages = {"home": site / "index.html", "changes": site / "changes.html", "quality": site / "quality.html",
             "initiatives": site / "initiatives.html"}
    for unit in sorted((site / "units").iterdir()):
        pages.setdefault(f"unit-{unit.name}", unit / "index.html")
    # The root unit is the first the home page's org tree links to
    root = re.search(r'href="units/([^/"]+)/index.html"', (site / "index.html").read_text(encoding="utf-8"))
    first = site / "units" / (root[1] if root else sorted(p.name for p in (site / "units").iterdir())[0])
    pages.update({"details": first / "details.html", "map": first / "map.html"})
    return pages


def shoot(page: Page, url: str, target: Path, scheme: str) -> None:
    """Load a page in a colour scheme, let its charts draw, and save a full-page PNG."""
    page.goto(url)
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight); window.scrollTo(0, 0)")
    page.wait_for_timeout(600)
    page.screenshot(path=str(target))


# A laptop and a phone (390 px, an iPhone 12-15): the phone's files start with "phone-"
SCREENS = ((1280, 900, ""), (390, 844, "phone-"))


def main(site: Path, out: Path) -> None:
    """Screenshot every main page in both themes, on a laptop and a phone, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height, prefix in SCREENS:
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in main_pages(site.resolve()).items():
                for scheme, label in (("default", "light"), ("slate", "dark")):
                    target = out / f"{prefix}{name}-{label}.png"
                    shoot(page, path.as_uri(), target, scheme)
                    print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0] if args else "site"), Path(args[1] if len(args) > 1 else "docs/screenshots"))
