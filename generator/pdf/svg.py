"""Plotly chart specs to SVG through kaleido, with one Chromium kept open across charts and packs.

kaleido starts Chromium in 2-3 s, then exports a figure in 0.15-0.3 s (measured, kaleido 1.x); so each
process opens one session and reuses it, and a pack's charts go through it as one figure
(`sprite`).
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from types import TracebackType
from typing import Any

import kaleido

from generator.errors import BuildError
from generator.pdf.sprite import compose_sprite, split_sprite

CHROMIUM = "/usr/bin/chromium"


def browser_path() -> str:
    """Return the Chromium kaleido drives: BROWSER_PATH, Debian's chromium, or one on PATH."""
    path = os.environ.get("BROWSER_PATH") or (CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"))
    if not path:
        # kaleido would offer to download a browser; we never do (intranets are offline).
        raise BuildError("PDF packs need Chromium for their charts: install Debian's `chromium` or set BROWSER_PATH")
    return path


class ChartSession:
    """A kaleido session: open once, draw many charts as SVG, close."""

    def __init__(self, tabs: int = 1) -> None:
        self._loop = asyncio.new_event_loop()
        self._kaleido = kaleido.Kaleido(n=tabs, mathjax=False, path=browser_path())
        self._open = False

    def __enter__(self) -> ChartSession:
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def open(self) -> None:
        """Start Chromium; raise BuildError when it cannot start."""
        try:
            self._loop.run_until_complete(self._kaleido.open())
        except Exception as exc:  # noqa: BLE001 - kaleido's browser layer raises its own kinds; all mean "no Chromium"
            reason = _first_text(exc.args) or type(exc).__name__
            raise BuildError(
                f"Chromium could not start to draw the packs' charts ({reason}); the previous site is unchanged "
                "(check memory limits, or build without packs: --no-pdf)"
            ) from None
        self._open = True

    def close(self) -> None:
        """Stop Chromium; safe to call twice."""
        if self._open:
            self._open = False
            self._loop.run_until_complete(self._kaleido.close())
        self._loop.close()

    def draw(self, specs: dict[str, dict[str, Any]]) -> dict[str, str]:
        """Return each figure as an SVG data URI, keyed as given: one kaleido call for all of them."""
        if not specs:
            return {}
        sprite, cells = compose_sprite(specs)
        layout = sprite["layout"]
        image = self._loop.run_until_complete(
            self._kaleido.calc_fig(sprite, opts={"format": "svg", "width": layout["width"], "height": layout["height"]})
        )
        return {key: svg_data_uri(svg) for key, svg in split_sprite(image, cells).items()}


def _first_text(args: tuple[object, ...]) -> str:
    """Return the first line of text in an exception's arguments (kaleido nests them in tuples)."""
    for arg in args:
        text = _first_text(arg) if isinstance(arg, tuple) else str(arg).strip()
        if text:
            return text.splitlines()[0]
    return ""


def svg_data_uri(image: bytes) -> str:
    """Return SVG bytes as a data URI an <img> can show."""
    return "data:image/svg+xml;base64," + base64.b64encode(image).decode("ascii")
