"""Escape user text for Markdown pages, page titles, HTML attributes and Plotly labels."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import yaml
from markupsafe import Markup

from generator.usertext import render_markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def markdown_text(text: str) -> Markup:
    """Return user Markdown as sanitised HTML in a block that MkDocs passes through untouched.

    MkDocs' own Markdown runs the site's extensions (`attr_list` turns `{: onclick=... }` into a
    handler), so user text never reaches it: `render_markdown` is the same function the packs use.
    """
    if not text.strip():
        return Markup("")
    return raw_block(Markup('<div class="sp-text">\n') + render_markdown(text) + Markup("\n</div>"))


def inline_text(text: str) -> Markup:
    """Escape a name for a Markdown heading: HTML and Markdown syntax both shown as text."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return Markup(_MD_SPECIAL.sub(r"\\\1", escaped))


def page_title(text: str) -> Markup:
    """Return a page's front-matter `title:` value: HTML-escaped, as a quoted YAML string.

    The theme prints the title as HTML in the nav and as-is in `<title>` (where it would otherwise
    strip tags and unescape the heading's text), so the escaped form is what both must receive.
    """
    escaped = html.escape(_CONTROL.sub("", " ".join(text.split())))
    return Markup(yaml.safe_dump(escaped, default_style='"', allow_unicode=True, width=1_000_000).strip())


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
