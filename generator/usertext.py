"""User Markdown to safe HTML: one function for the site and the packs, one checker for validation.

Missions, visions, objective descriptions and commentary are written by staff, but a site is read
by everyone and a pack travels by email, so their Markdown is untrusted. Two layers:

1. Python-Markdown with a small set of extensions (tables, fenced code, sane lists) and none that
   add attributes (no `attr_list`, no `md_in_html`). Raw HTML is shown as text, not passed through.
   Links keep only http, https and mailto addresses; other links (relative, `javascript:`,
   `data:`, `file:` ...) and every image are replaced by their text. Each of these is recorded,
   so validation can warn with the file and line.
2. nh3 (the Ammonia sanitiser) with an explicit allow-list of tags, attributes and URL schemes:
   the safety net if the first layer ever lets something through.

Images are refused because the site must work offline and packs read no outside resource;
relative links because the same text appears on several pages and in the packs, where no
relative address can work.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3
from markdown import util
from markdown.inlinepatterns import HTML_RE, InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

URL_SCHEMES = frozenset({"http", "https", "mailto"})
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TABLE = {"table", "thead", "tbody", "tr", "th", "td"}
TAGS = frozenset(
    {"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"} | _HEADINGS | _TABLE
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_ALIGN = {"align": {"left", "right", "center"}}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")  # browsers ignore these inside a scheme: "java\tscript:"
_SNIPPET = 60

# Python-Markdown recurses once or more per nested list or quote (a list 250 levels deep exhausts
# Python's stack; so does a run of 4,000 `*`), scans ahead from every `[` to the end of its paragraph (16,000 `[` on a line
# took 36 s), and slows down more than linearly on long blocks with headings or rules and on long
# texts. A text over these limits is published as plain text, with a warning at its line. Each
# limit is far above what a scorecard text needs. The worst cases found within them (30,000
# characters of 300-line blocks of headings, rules or lists, of loose list items, of backslashes;
# 30 `[` in 30,000 characters) took 0.4-0.6 s each on 2 cores at load average 4.5.
MAX_TEXT = 30_000  # characters in one text (a mission, a description, one part of a commentary section)
MAX_NESTING = 20  # lists and quotes inside each other on one line (4 columns of indent = 1 level)
MAX_BLOCK_LINES = 300  # lines in one paragraph, list or table (text between blank lines)
MAX_BRACKET_COST = 1_000_000  # `[` in a paragraph times its characters, summed over the text
MAX_EMPHASIS = 1_000  # `*` and `_` in one paragraph (a run of 4,000 exhausts the stack)
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")


@dataclass(frozen=True, slots=True)
class Dropped:
    """Something in user Markdown that is not published as written."""

    line: int  # 0-based line within the text
    message: str


@dataclass(frozen=True, slots=True)
class _Event:
    kind: str  # link | image | html
    source: str  # what to look for in the text to find its line


def render_markdown(text: str) -> Markup:
    """Return user Markdown as sanitised HTML, identical on the site and in the packs."""
    return Markup(_render(text)[0]) if text.strip() else Markup("")


def check_markdown(text: str) -> list[Dropped]:
    """Return what `render_markdown` leaves out or shows as text, each with its line in `text`.

    Every text gets the limits check that `render_markdown` applies. Within the limits, a text with
    neither `<` nor `[` has nothing to leave out and is not rendered here (rendering every text
    would slow `check` down on large scorecards): the nesting limit keeps Markdown's recursion
    under 150 frames (tests/test_usertext.py checks it) and the other limits bound its time, so
    the build renders such a text without a problem.
    """
    if not text.strip():
        return []
    if (refused := over_limits(text)) is not None:
        return [refused]
    if "<" not in text and "[" not in text:
        return []
    _, events, refused = _render(text)
    if refused is not None:
        return [refused]
    found: list[Dropped] = []
    seen: dict[_Event, int] = {}
    for event in events:
        seen[event] = seen.get(event, -1) + 1  # the second same link is the second occurrence
        dropped = Dropped(_line_of(text, event.source, seen[event]), _message(event))
        if dropped not in found:
            found.append(dropped)
    return sorted(found, key=lambda d: d.line)


def allowed_url(url: str) -> bool:
    """Return whether a link may stay: an absolute http, https or mailto address."""
    match = _SCHEME.match(_INVISIBLE.sub("", html.unescape(url)))
    return match is not None and match[1].lower() in URL_SCHEMES


# --- Rendering -----------------------------------------------------------------------------


@lru_cache(maxsize=16_384)  # validation checks a text, then the site and the pack render it
def _render(text: str) -> tuple[str, tuple[_Event, ...], Dropped | None]:
    if (refused := over_limits(text)) is not None:
        return _plain_text(text), (), refused
    md, events = _markdown()
    events.clear()
    try:
        converted = md.reset().convert(text)
    except RecursionError:  # the limits above should prevent it; never a traceback if they do not
        _markdown.cache_clear()  # the converter is left half-way (it then drops all formatting): build a new one
        return _plain_text(text), (), Dropped(0, f"text shown as plain text: {_TOO_COMPLEX}")
    finally:
        md.reset()
    return sanitise_html(converted), tuple(events), None


_TOO_COMPLEX = "it is nested too deeply to format"


def over_limits(text: str) -> Dropped | None:
    """Return why `text` is too costly to hand to Markdown (see MAX_TEXT ...), at its line; None if it is not."""
    text = text.replace("\r\n", "\n")
    for number, line in enumerate(text.split("\n")):
        if (depth := _nesting(line)) > MAX_NESTING:
            return Dropped(
                number,
                f"text shown as plain text: a line nested {depth} levels deep (lists or quotes; at most {MAX_NESTING})",
            )
    cost, start = 0, 0
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        if (lines := paragraph.strip("\n").count("\n") + 1) > MAX_BLOCK_LINES:
            return Dropped(
                start,
                f"text shown as plain text: {lines} lines without a blank line "
                f"(at most {MAX_BLOCK_LINES} in one paragraph, list or table)",
            )
        if (marks := paragraph.count("*") + paragraph.count("_")) > MAX_EMPHASIS:
            return Dropped(
                start, f"text shown as plain text: {marks} '*' and '_' in one paragraph (at most {MAX_EMPHASIS:,})"
            )
        cost += paragraph.count("[") * len(paragraph)
        if cost > MAX_BRACKET_COST:
            return Dropped(
                start,
                "text shown as plain text: too many '[' for its length (at most "
                f"{MAX_BRACKET_COST:,} for '[' in each paragraph times its characters, "
                "e.g. 100 links in a paragraph of 10,000 characters)",
            )
        start += paragraph.count("\n")
    if len(text) > MAX_TEXT:
        return Dropped(0, f"text shown as plain text: {len(text):,} characters (at most {MAX_TEXT:,} in one text)")
    return None


def _nesting(line: str) -> int:
    """Return how many lists and quotes a line opens or sits in: its markers, plus 1 per 4 columns of indent."""
    depth, position = 0, 0
    while match := _CONTAINER.match(line, position):
        depth += 1
        position = match.end()
    indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
    return depth + indent // 4


def _plain_text(text: str) -> str:
    """Return `text` as escaped paragraphs, with no Markdown formatting."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


@lru_cache(maxsize=1)
def _markdown() -> tuple[markdown.Markdown, list[_Event]]:
    """Return the one Markdown converter (building it costs more than most conversions)."""
    events: list[_Event] = []
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},  # align=, not style=
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.register(_HtmlAsText(HTML_RE, events), "html", 90)
    md.treeprocessors.register(_LinkFilter(md, events), "scorecard_links", 15)  # after inline (20)
    return md, events


def sanitise_html(fragment: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes of an HTML fragment."""
    return nh3.clean(
        fragment,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={"th": _ALIGN, "td": _ALIGN},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class _HtmlAsText(InlineProcessor):
    """Show raw HTML (tags, comments) as the text it is, instead of passing it through."""

    def __init__(self, pattern: str, events: list[_Event]) -> None:
        super().__init__(pattern)
        self.events = events

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]  # noqa: N802
        if not m[0].startswith("</"):  # one warning per element, not one per tag
            self.events.append(_Event("html", m[0]))
        return util.AtomicString(m[0]), m.start(0), m.end(0)


class _LinkFilter(Treeprocessor):
    """Replace links to anything but http, https or mailto, and every image, by their text."""

    def __init__(self, md: markdown.Markdown, events: list[_Event]) -> None:
        super().__init__(md)
        self.events = events

    def run(self, root: etree.Element) -> None:
        self._filter(root)

    def _filter(self, parent: etree.Element) -> None:
        """Rebuild `parent`'s children in one pass: each image or refused link becomes its text.

        Nothing is removed by index, so no text can go missing: what an element is replaced by
        (its text, its kept children, then its tail) lands right after what came before it.
        """
        kept: list[etree.Element] = []
        text = parent.text or ""
        for child in list(parent):
            if child.tag == "img":
                self.events.append(_Event("image", child.get("src", "")))
                parts: list[etree.Element | str] = [child.get("alt", ""), child.tail or ""]
            elif child.tag == "a" and not allowed_url(_plain(child.get("href", ""))):
                self.events.append(_Event("link", _plain(child.get("href", ""))))
                self._filter(child)  # its images and links first, in document order
                parts = [child.text or "", *child, child.tail or ""]
            else:
                if child.tag == "a":
                    child.set("href", _plain(child.get("href", "")))  # automatic mailto: links arrive entity-encoded
                self._filter(child)
                parts = [child]
            for part in parts:
                if isinstance(part, str):
                    if kept:
                        kept[-1].tail = (kept[-1].tail or "") + part
                    else:
                        text += part
                else:
                    kept.append(part)
        for child in list(parent):
            parent.remove(child)
        parent.text = text or None
        parent.extend(kept)


def _plain(url: str) -> str:
    return html.unescape(url.replace(util.AMP_SUBSTITUTE, "&"))


# --- Messages ------------------------------------------------------------------------------


def _message(event: _Event) -> str:
    shown = _short(event.source)
    if event.kind == "image":
        return f"image '{shown}' left out (pictures in text are not published; its description is kept)"
    if event.kind == "link":
        return (
            f"link '{shown}' left out (links may only go to http://, https:// or mailto: addresses; its text is kept)"
        )
    return f"HTML '{shown}' is shown as text (write Markdown instead, e.g. **bold**, [text](https://...))"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET else flat[: _SNIPPET - 1] + "…"


def _line_of(text: str, needle: str, occurrence: int) -> int:
    """Return the 0-based line of the nth appearance of `needle` in `text` (Markdown keeps no positions)."""
    position = -1
    for _ in range(occurrence + 1):
        found = text.find(needle, position + 1) if needle else -1
        if found < 0:
            break
        position = found
    return text.count("\n", 0, max(position, 0))
