"""A whole build (site and packs) of a project whose every user text is an attack.

Nothing may run (no handler, script or unsafe link in any page, title, search index entry or
chart), nothing may be fetched (a local server counts requests) and no pack may carry a file.
"""

from __future__ import annotations

import datetime as dt
import html
import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from generator.build import BuildResult, build_site
from generator.pdf.context import build_pack
from generator.pdf.render import render_pdf
from generator.pipeline import make_report
from tests.hostile import (
    CSS_NAME,
    IMG,
    RELATIVE_LINK,
    SCRIPT,
    TITLE,
    UNIT_NAME,
    active_markup,
    payload_markup,
    write_hostile_project,
)

pytestmark = [pytest.mark.slow, pytest.mark.pdf]
ROOT = Path(__file__).resolve().parents[1]
PLOTLY_TAGS = {"br", "extra", "/extra"}  # what our own chart labels and hover templates use


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def tracker() -> Iterator[tuple[str, list[str]]]:
    """A local server that only records what is asked of it."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, tracker: tuple[str, list[str]]) -> Path:
    return write_hostile_project(tmp_path_factory.mktemp("hostile") / "input", f"{tracker[0]}/tracker.png")


@pytest.fixture(scope="module")
def build(project: Path) -> BuildResult:
    out = project.parent / "site"
    return build_site(
        project / "content", project / "measures", out, config=ROOT / "mkdocs.yml", work=project.parent / "b"
    )


@pytest.fixture(scope="module")
def site(build: BuildResult) -> Path:
    return build.out


def test_a_dropped_link_is_a_warning_at_its_line_not_a_failed_build(project: Path, build: BuildResult) -> None:
    commentary = project / "content" / "commentary" / "2026-Q2" / "root.md"
    line = commentary.read_text(encoding="utf-8").splitlines().index(RELATIVE_LINK) + 1
    message = "link 'plan.md' left out (links may only go to http://, https:// or mailto: addresses; its text is kept)"
    assert f"{commentary}:{line}: warning: {message}" in [str(w) for w in build.warnings]


def test_a_build_makes_no_network_request(site: Path, tracker: tuple[str, list[str]]) -> None:
    assert (site / "packs" / "2026-Q2-root.pdf").is_file()
    assert tracker[1] == []


def test_no_pack_carries_an_attachment(site: Path) -> None:
    packs = sorted((site / "packs").glob("*.pdf"))
    assert len(packs) == 3
    for pack in packs:
        listing = subprocess.run(["pdfdetach", "-list", str(pack)], check=True, capture_output=True, text=True)
        assert listing.stdout.strip() == "0 embedded files", pack.name


def test_the_pack_shows_every_payload_as_text(site: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(site / "packs" / "2026-Q2-root.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    for payload in (UNIT_NAME, SCRIPT, IMG, TITLE, '<a rel="attachment" href="file:///etc/passwd">passwd</a>'):
        assert payload in flat
    assert "passwd:" not in text and "root:x:0:0" not in text


def test_a_name_cannot_break_out_of_the_pack_template(project: Path, tmp_path: Path) -> None:
    report, _ = make_report(project / "content", project / "measures", None)
    pack = build_pack(report, "root", 1, dt.date(2026, 7, 1))
    blank = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    (tmp_path / "pack.pdf").write_bytes(render_pdf(pack, dict.fromkeys(pack.charts, blank)))
    labels = [" ".join(label.split()) for label in _labels(pypdf.PdfReader(tmp_path / "pack.pdf").outline)]
    assert " ".join(f"Off target: {CSS_NAME}".split()) in labels
    assert "pwned" not in [label.strip("'") for label in labels]
    assert not [label for label in labels if "Heading" in label]  # headings in user text are not bookmarks


def _labels(tree: list[Any]) -> list[str]:
    return [label for item in tree for label in (_labels(item) if isinstance(item, list) else [item.title])]


def test_no_page_carries_an_active_payload(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 13
    for page in pages:
        assert payload_markup(page.read_text(encoding="utf-8")) == [], page.relative_to(site)


def test_page_titles_show_names_as_text(site: Path) -> None:
    escaped = html.escape(UNIT_NAME)
    for page, title in [
        ("index", escaped),
        ("details", f"Objectives and KPIs: {escaped}"),
        ("map", f"Strategy map: {escaped}"),
    ]:
        text = (site / "units" / "root" / f"{page}.html").read_text(encoding="utf-8")
        assert re.findall(r"<title>(.*?)</title>", text, re.S) == [f"{title} - Northbridge University scorecard"]


def test_search_index_entries_are_inert(site: Path) -> None:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert any("__pwned" in d["title"] for d in docs) and any("__pwned" in d["text"] for d in docs)
    for doc in docs:
        assert active_markup(doc["title"]) == [] and active_markup(doc["text"]) == [], doc["location"]


def test_chart_json_carries_no_markup(site: Path) -> None:
    figures = [
        json.loads(html.unescape(match))
        for page in site.rglob("*.html")
        for match in re.findall(r"data-figure='([^']*)'", page.read_text(encoding="utf-8"))
    ]
    strings = [s for figure in figures for s in _strings(figure)]
    assert any("__pwned" in s for s in strings)  # the payloads did reach the charts, as text
    tags = {tag.lower() for s in strings for tag in re.findall(r"<\s*(/?[a-zA-Z]+)", s)}
    assert tags <= PLOTLY_TAGS


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
