"""A project whose every user text tries to run script, load a resource or read a local file.

Each payload sets `window.__pwned` if it ever runs, so a browser test needs one check; the same
project feeds the site, search index, chart JSON and PDF pack tests.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

SCRIPT = "<script>window.__pwned=1</script>"
TITLE = "</title><script>window.__pwned=2</script>"
IMG = "<img src=x onerror=window.__pwned=3>"
SVG = "<svg onload=window.__pwned=4>"
IFRAME = '<iframe src="javascript:top.__pwned=5"></iframe>'
STYLE = "<style>body{background:url(http://127.0.0.1:9/css)}</style>"
JS_LINK = "[js](javascript:window.__pwned=6)"
DATA_LINK = "[data](data:text/html,<script>window.__pwned=7</script>)"
VB_LINK = "[vb](vbscript:msgbox)"
FILE_LINK = "[file](file:///etc/passwd)"
RELATIVE_LINK = "[plan](plan.md)"  # MkDocs' strict link check once failed the build on it, with no location
ATTR_LIST = '## Heading {: onclick="window.__pwned=8" onmouseover="window.__pwned=8" tabindex="0" autofocus onfocus="window.__pwned=8" }'
ATTACHMENT = '<a rel="attachment" href="file:///etc/passwd">passwd</a>'
HTML_PAYLOADS = [SCRIPT, TITLE, IMG, SVG, IFRAME, STYLE, ATTACHMENT]

# Names keep a newline, a backslash and quotes: they once broke out of a CSS string in the pack.
UNIT_NAME = f"Root {TITLE}"
KPI_NAME = "Income' \\\" {SVG}\n{: onclick=window.__pwned=9 }".replace("{SVG}", SVG)
CSS_NAME = "Tickets'\"\\\n); } h1 { bookmark-label: 'pwned"  # the red KPI: its name is a bookmark label
OBJECTIVE_NAME = f"Grow {IMG}"
INITIATIVE_NAME = f"Plan {IFRAME}"
UNIT_OF_MEASURE = '<a href="javascript:window.__pwned=10">EUR</a>'
NOTE = f"record {IMG} {SCRIPT}"


def markdown_payload(image_url: str) -> str:
    """Return Markdown with every payload, as a mission or commentary part."""
    return "\n\n".join(
        [
            ATTR_LIST,
            JS_LINK,
            DATA_LINK,
            VB_LINK,
            FILE_LINK,
            RELATIVE_LINK,
            f"![tracker]({image_url})",
            *HTML_PAYLOADS,
            "Plain words.",
        ]
    )


def write_hostile_project(target: Path, image_url: str = "http://127.0.0.1:9/tracker.png") -> Path:
    """Copy the minimal fixture to `target` with a payload in every user text; return `target`."""
    shutil.copytree(FIXTURES / "minimal", target)
    markdown = markdown_payload(image_url)
    org = target / "content" / "organization.yaml"
    org.write_text(
        f"name: Test Org\nmission: {json.dumps(markdown)}\nvision: {json.dumps(markdown)}\nfiscal_year_start: 1\n",
        encoding="utf-8",
    )
    root = target / "content" / "units" / "root.yaml"
    text = root.read_text(encoding="utf-8")
    for old, new in [
        ("name: Root Unit", f"name: {json.dumps(UNIT_NAME)}\nmission: {json.dumps(markdown)}"),
        ("name: Grow income", f"name: {json.dumps(OBJECTIVE_NAME)}\n    description: {json.dumps(markdown)}"),
        ("name: Income", f"name: {json.dumps(KPI_NAME)}"),
        ("name: Tickets handled", f"name: {json.dumps(CSS_NAME)}"),
        ("unit: EUR", f"unit: {json.dumps(UNIT_OF_MEASURE)}"),
    ]:
        text = text.replace(old, new, 1)
    root.write_text(text + _initiative(markdown), encoding="utf-8")
    csv = target / "measures" / "root.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("record quarter", json.dumps(NOTE)), encoding="utf-8")
    comment = target / "content" / "commentary" / "2026-Q2" / "root.md"
    comment.write_text(
        f"---\nauthor: {json.dumps(SCRIPT)}\n---\n## Summary\n### Analysis\n{markdown}\n"
        f"### Actions\n{markdown}\n\n## KPI: income\n### Analysis\n{markdown}\n",
        encoding="utf-8",
    )
    return target


def _initiative(markdown: str) -> str:
    return (
        f"initiatives:\n  - id: plan\n    name: {json.dumps(INITIATIVE_NAME)}\n    description: {json.dumps(markdown)}\n"
        f"    objectives: [grow]\n    start: 2026-01-01\n    end: 2026-12-31\n"
        f"    milestones:\n      - {{name: {json.dumps(SVG)}, due: 2026-05-01}}\n"
    )


# --- Finding active markup ------------------------------------------------------------------

ACTIVE_TAGS = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "img",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "video",
    "audio",
    "source",
    "template",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}
SAFE_SCHEME = re.compile(r"^(https?|mailto):", re.I)
SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*)\s*:", re.I)


class _Finder(HTMLParser):
    def __init__(self, allowed_tags: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS - self.allowed_tags:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and value and _unsafe_url(value):
                self.found.append(f"<{tag} {name}={value!r}>")


def _unsafe_url(value: str) -> bool:
    plain = re.sub(r"[\x00-\x20]", "", value)  # browsers ignore these: "java\tscript:" runs
    return bool(SCHEME.match(plain)) and not SAFE_SCHEME.match(plain)


def active_markup(fragment: str, allowed_tags: set[str] | None = None) -> list[str]:
    """Return every tag, handler, style or URL in an HTML fragment that could run or load something."""
    finder = _Finder(allowed_tags or set())
    finder.feed(fragment)
    finder.close()
    return finder.found


def payload_markup(page: str) -> list[str]:
    """Return active markup of a whole built page that carries a payload (`__pwned` or 127.0.0.1).

    Our own CSV download links (`data:text/csv`, saved, never shown) carry the notes as data.
    """
    found = [f for f in active_markup(page, ACTIVE_TAGS) if "data:text/csv" not in f]
    return [f for f in found if "__pwned" in f or "127.0.0.1" in f] + [
        f"<{tag}> with a payload"
        for tag, body in re.findall(r"<(script|style)\b[^>]*>(.*?)</\1>", page, re.S | re.I)
        if "__pwned" in body or "127.0.0.1" in body
    ]
