"""A pack as data for its Typst template: plain JSON, never Typst markup.

Every text a pack prints (names, commentary, units) travels as a JSON string that the template
places as text, so no user text can become Typst code. Commentary is user Markdown: it goes
through `generator.usertext` (sanitised HTML, safe links only) and arrives here as a small tree of
nodes (paragraphs, lists, emphasis, strong, code, links) that the template draws.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import re
import urllib.parse
from functools import cache
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup

from generator.pdf.views import Pack
from generator.usertext import allowed_url

# The fonts a pack may use, embedded: Liberation Sans for text, DejaVu Sans for the status icons
# (Debian's fonts-liberation and fonts-dejavu-core; scripts/install-system-packages.sh)
FONT_FOLDERS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu")
# Fields the template does not read: the chart specs become SVG, the map's layout its SVG
_LEFT_OUT = frozenset({"charts", "strategy_map"})
# The HTML that sanitised user Markdown may hold, as node kinds of the template
_BLOCKS = frozenset({"p", "ul", "ol", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
_INLINE = frozenset({"em", "strong", "code", "a", "br", "i", "b", "del", "s"})
_TABLE = frozenset({"table", "thead", "tbody", "tr", "th", "td"})
_SPACE = re.compile(r"\s+")


def pack_data(pack: Pack, svgs: dict[str, str], map_svg: str) -> dict[str, Any]:
    """Return the pack as JSON-ready data: its fields, the properties the template reads, the drawings."""
    data = to_data(pack)
    data["title"] = pack.title
    data["shown_notes"] = [k.key for k in pack.exceptions if pack.shown_note(k)]
    data["box_text"] = pack.strategy_map.box_text
    data["svgs"] = {key: svg_text(value) for key, value in svgs.items()}
    data["map_svg"] = map_svg
    return data


def to_data(value: Any) -> Any:
    """Return a display record as JSON-ready data: dataclasses with their properties, Markup as nodes."""
    if isinstance(value, Markup):
        return html_nodes(str(value))
    if isinstance(value, enum.Enum):
        return to_data(value.value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in _LEFT_OUT}
        return fields | {name: to_data(getattr(value, name)) for name in _properties(type(value))}
    return None  # a model object the template does not read


@cache
def _properties(kind: type) -> tuple[str, ...]:
    names = {name for klass in kind.__mro__ for name, member in vars(klass).items() if isinstance(member, property)}
    return tuple(sorted(name for name in names if not name.startswith("_") and name not in _LEFT_OUT))


def svg_text(drawn: str) -> str:
    """Return a chart as SVG text, whether drawn as text or as a data: URI (base64 or percent-encoded)."""
    if not drawn.startswith("data:"):
        return drawn
    head, _, body = drawn.partition(",")
    return base64.b64decode(body).decode() if head.endswith(";base64") else urllib.parse.unquote(body)


# --- Commentary: sanitised HTML to nodes ------------------------------------------------------


def html_nodes(fragment: str) -> list[Any]:
    """Return sanitised HTML as nodes: a string is text, a dict is {"t": kind, "c": children[, "href"]}.

    Only the kinds the template knows are kept (a table becomes its rows of cells); links keep
    http, https and mailto addresses only; anything else keeps its text and loses its markup.
    """
    parser = _Nodes()
    parser.feed(fragment)
    parser.close()
    return _tidy(parser.root["c"], block=True)


class _Nodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, Any] = {"t": "root", "c": []}
        self._open: list[dict[str, Any]] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = {"i": "em", "b": "strong", "del": "s"}.get(tag, tag)
        if kind not in _BLOCKS | _INLINE | _TABLE:
            return  # unknown markup: its text stays, in its parent
        node: dict[str, Any] = {"t": kind, "c": []}
        if kind == "a":
            href = dict(attrs).get("href") or ""
            if allowed_url(href):
                node["href"] = href
        self._open[-1]["c"].append(node)
        if kind not in ("br", "hr"):
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        kind = {"i": "em", "b": "strong", "del": "s"}.get(tag, tag)
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth]["t"] == kind:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1]["c"].append(data)


def _tidy(children: list[Any], block: bool) -> list[Any]:
    """Collapse white space as HTML does; drop the white space between blocks."""
    out: list[Any] = []
    for child in children:
        if isinstance(child, str):
            text = child if child.strip() or not block else ""
            if text:
                out.append(_SPACE.sub(" ", text))
            continue
        inner_block = child["t"] in _BLOCKS - {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"} or child["t"] in _TABLE
        kids = child["c"] if child["t"] == "pre" else _tidy(child["c"], block=inner_block)
        out.append({**child, "c": kids})
    return out
