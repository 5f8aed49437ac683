"""Escape user text for Markdown pages, HTML attributes and Plotly labels."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from markupsafe import Markup

_SCRIPT_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data)\s*:")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def markdown_text(text: str) -> Markup:
    """Escape HTML in user Markdown but keep its Markdown syntax (emphasis, lists, links)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A backslash makes `javascript:` links relative, so a click cannot run script either.
    return Markup(_SCRIPT_SCHEME.sub(lambda m: m[1] + "\\:", escaped))


def inline_text(text: str) -> Markup:
    """Escape a name for a Markdown heading: HTML and Markdown syntax both shown as text."""
    escaped = markdown_text(" ".join(text.split()))
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escaped)))


def figure_attribute(figure: dict[str, Any]) -> Markup:
    """Return figure JSON safe inside a single-quoted HTML attribute (JSON.parse reads it back)."""
    text = json.dumps(figure, separators=(",", ":"), allow_nan=False)
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("'", "\\u0027")):
        text = text.replace(char, code)
    return Markup(text)


def plotly_label(text: str) -> str:
    """Escape a label for Plotly, which reads a few HTML tags and entities in its text."""
    return html.escape(text, quote=False)


RAW_OPEN, RAW_CLOSE = "<!--sp-raw-->", "<!--/sp-raw-->"


def raw_block(html: str) -> Markup:
    """Mark a pure-HTML block that Markdown need not parse (see generator/mkdocs_stash.py)."""
    return Markup(f"\n{RAW_OPEN}\n{str(html).strip()}\n{RAW_CLOSE}\n")
