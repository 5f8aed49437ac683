"""Hand our pre-rendered HTML blocks past Python-Markdown, which re-parses raw HTML slowly.

Templates wrap pure-HTML blocks (tables, charts, timelines) in `<!--sp-raw-->` ... `<!--/sp-raw-->`.
Markdown passes raw HTML through unchanged anyway, so the output is the same; it just no longer
runs its HTML parser over every tag (half of MkDocs' time at 900 pages, measured). The markers
are plain HTML comments: a tool that does not load this plugin (Zensical) renders the same page.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.plugins import BasePlugin

from generator.render.text import RAW_CLOSE as CLOSE
from generator.render.text import RAW_OPEN as OPEN

_BLOCK = re.compile(rf"^{re.escape(OPEN)}\n(.*?)\n{re.escape(CLOSE)}$", re.S | re.M)
_PLACEHOLDER = re.compile(r"<!--sp-raw:(\d+)-->")


class RawHtmlStash(BasePlugin):  # type: ignore[type-arg]
    """Swap marked blocks for placeholders before Markdown, and back after."""

    def __init__(self) -> None:
        self._blocks: list[str] = []

    def on_page_markdown(self, markdown: str, **_: Any) -> str:
        self._blocks = []
        return _BLOCK.sub(self._keep, markdown)

    def on_page_content(self, html: str, **_: Any) -> str:
        return _PLACEHOLDER.sub(lambda m: self._blocks[int(m[1])], html)

    def _keep(self, match: re.Match[str]) -> str:
        self._blocks.append(match[1])
        return f"<!--sp-raw:{len(self._blocks) - 1}-->"
