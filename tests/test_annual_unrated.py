"""An annual scorecard without scores (`scores: false`) whose root only groups two districts.

The `annual-council` fixture is a council over two districts sharing one template, filed yearly:
its site and packs rate KPIs only, so no page, table, download or pack says "Score" or "0-10", and
the root, which has no KPIs of its own, has no empty details page, strategy map or appendix.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

import pytest

from generator.pdf.context import build_pack
from generator.pipeline import make_report
from generator.render import render_site, site_nav
from generator.results import Report
from tests.conftest import FIXTURES, pack_text

COUNCIL = FIXTURES / "annual-council"
SCORE_HEADERS = re.compile(r"<th[^>]*>\s*Score( move)?\s*</th>")
SCORE_WORD = re.compile(r"\bScore\b")  # a "Score" or "Score move" column, in a pack's text


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report(COUNCIL / "content", COUNCIL / "measures", None)[0]


@pytest.fixture(scope="module")
def pages(report: Report) -> dict[str, str]:
    return {p.path: p.text for p in render_site(report)}


def _pack_html(report: Report, unit_id: str) -> str:
    """Return a pack's text as laid out (pdftotext, on one line)."""
    return pack_text(report, unit_id, depth=1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_no_site_page_has_a_score_column_or_explains_the_0_10_score(pages: dict[str, str]) -> None:
    for path, text in pages.items():
        assert not SCORE_HEADERS.search(text), path
        assert "0-10" not in text and "0 to 10" not in text, path
    assert "This scorecard rates KPIs only, each met or not against its target" in _text(pages["how-to-read.md"])
    assert "Score move" not in pages["changes.md"] and "Missed bin collections" in pages["changes.md"]


def test_kpi_downloads_have_no_score_column(pages: dict[str, str]) -> None:
    downloads = re.findall(r'href="data:text/csv;charset=utf-8,([^"]+)"', pages["units/north/details.md"])
    assert len(downloads) == 7
    for download in downloads:
        header = unquote(download).splitlines()[0]
        assert header == "year,actual,target,red_flag,year_to_date,status,note,manual,restated_from"


@pytest.mark.parametrize("unit", ["council", "north", "south"])
def test_no_pack_has_a_score_column_or_the_0_10_scale(report: Report, unit: str) -> None:
    text = _pack_html(report, unit)
    assert not SCORE_WORD.search(text) and "0-10" not in text and "0 to 10" not in text


def test_a_root_without_kpis_has_no_empty_details_page_or_strategy_map(report: Report, pages: dict[str, str]) -> None:
    assert "units/council/details.md" not in pages and "units/council/map.md" not in pages
    assert "units/north/details.md" in pages and "units/north/map.md" in pages
    council = site_nav(report)[1]["Harbour City Council"]
    assert council[0] == "units/council/index.md"
    assert not any(isinstance(e, dict) and ("Objectives &amp; KPIs" in e or "Strategy map" in e) for e in council)
    assert [list(e)[0] for e in council[1:]] == ["North District", "South District"]
    assert "details.html" not in pages["units/council/index.md"].split("## ")[0]
    assert 'href="units/council/map.html"' not in pages["index.md"]
    assert "Harbour City Council</a> " in pages["index.md"] and 'sp-score-small">–' not in pages["index.md"]


def test_the_pack_of_a_root_without_kpis_counts_the_changes_below_and_has_no_empty_appendix(report: Report) -> None:
    pack = build_pack(report, "council", 1, dt.date(2026, 11, 23))
    changed = [(c.name, c.unit) for c in pack.summary.new_reds + pack.summary.recoveries + pack.summary.other_changes]
    assert changed == [
        ("Missed bin collections per 1,000 households", "North District"),
        ("Household waste recycled", "North District"),
        ("Residents satisfied with services (quarterly survey)", "North District"),
    ]
    text = _text(_pack_html(report, "council"))
    assert "No status changed" not in text
    assert "Missed bin collections per 1,000 households (North District)" in text
    assert "Appendix" not in text


def test_pack_unit_summaries_leave_out_perspectives_the_unit_does_not_use(report: Report) -> None:
    pack = build_pack(report, "council", 1, dt.date(2026, 11, 23))
    for child in pack.children:
        assert [name for name, _ in child.perspectives] == ["Value for money", "Residents", "Services"]
    north = build_pack(report, "north", 0, dt.date(2026, 11, 23))
    assert [name for name, _ in north.summary.perspectives] == ["Value for money", "Residents", "Services"]
    assert [p.name for p in north.perspectives] == ["Value for money", "Residents", "Services"]
    assert "People and assets" not in _text(_pack_html(report, "north"))
