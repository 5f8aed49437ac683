"""Rendering: escaping, slugs, links and the typed page context."""

from __future__ import annotations

import datetime as dt
import html.parser
import re
from pathlib import Path

import pytest
import yaml

from generator.pipeline import make_report
from generator.present import milestone_state
from generator.present.strategy_map import MapObjective, layout_strategy_map, wrap_label
from generator.render import (
    RenderOptions,
    figure_attribute,
    inline_text,
    link,
    markdown_text,
    render_site,
    site_nav,
    slug,
)
from generator.render.text import page_title
from generator.results import Report
from tests.conftest import Tree

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report() -> Report:
    report, _ = make_report(MINIMAL / "content", MINIMAL / "measures", None)
    return report


@pytest.mark.parametrize(
    ("text", "expected"),
    [("it-service-desk", "it-service-desk"), ("team_a", "team_a"), ("../etc", "etc-"), ("", "x-"), ("A", "a-")],
)
def test_slug_is_safe(text: str, expected: str) -> None:
    result = slug(text)
    assert result.startswith(expected)
    assert "/" not in result and ".." not in result and result == result.lower()


def test_slug_keeps_distinct_ids_distinct() -> None:
    assert slug("A") != slug("a")


@pytest.mark.parametrize(
    ("source", "target", "anchor", "expected"),
    [
        ("index.md", "units/it/index.md", "", "units/it/index.html"),
        ("units/it/index.md", "units/it-desk/details.md", "kpi-fcr", "../it-desk/details.html#kpi-fcr"),
        ("units/it/map.md", "packs/2026-Q3-it.pdf", "", "../../packs/2026-Q3-it.pdf"),
    ],
)
def test_links_are_relative_html(source: str, target: str, anchor: str, expected: str) -> None:
    assert link(source, target, anchor) == expected


def test_markdown_text_is_sanitised_html_that_mkdocs_passes_through() -> None:
    assert markdown_text("<script>alert(1)</script> **bold**") == (
        '\n<!--sp-raw-->\n<div class="sp-text">\n<p>&lt;script&gt;alert(1)&lt;/script&gt; <strong>bold</strong></p>'
        "\n</div>\n<!--/sp-raw-->\n"
    )
    assert markdown_text(" \n") == ""


def test_page_title_is_escaped_html_in_a_yaml_string() -> None:
    title = page_title('</title><script>alert("x")</script>\n\x07next')
    assert title == '"&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; next"'
    assert yaml.safe_load(f"title: {title}") == {"title": title[1:-1]}


def test_inline_text_escapes_markdown_syntax() -> None:
    assert inline_text("a_b *c* <i>") == r"a\_b \*c\* &lt;i&gt;"


def test_figure_attribute_cannot_close_the_attribute() -> None:
    text = figure_attribute({"name": "' onmouseover='x' <b>&"})
    assert "'" not in text and "<" not in text and "&" not in text


@pytest.mark.parametrize(
    ("done", "due", "state"),
    [
        (True, dt.date(2026, 5, 1), "done"),
        (False, dt.date(2026, 6, 30), "overdue"),
        (False, dt.date(2026, 7, 1), "due"),
    ],
)
def test_milestones_are_judged_at_the_end_of_the_period(done: bool, due: dt.date, state: str) -> None:
    assert milestone_state(done, due, dt.date(2026, 6, 30)) == state


def test_site_has_three_pages_per_unit_and_five_site_pages(report: Report) -> None:
    paths = [p.path for p in render_site(report)]
    assert len(paths) == 5 + 3 * len(report.scorecard.units)
    assert {
        "index.md",
        "changes.md",
        "initiatives.md",
        "quality.md",
        "how-to-read.md",
        "units/team-a/details.md",
    } <= set(paths)


def test_nav_mirrors_the_org_tree(report: Report) -> None:
    nav = site_nav(report)
    root = nav[1]["Root Unit"]
    assert root[0] == "units/root/index.md"
    assert [next(iter(e)) for e in root[3:]] == ["Team A", "Team B"]


def test_unit_page_shows_status_icon_and_word_score_and_units(report: Report) -> None:
    page = {p.path: p for p in render_site(report, RenderOptions(packs=True))}["units/root/index.md"]
    assert "● On target" in page.text.replace('<span class="sp-icon" aria-hidden="true">●</span>', "●")
    assert "105 EUR" in page.text and "100 EUR" in page.text
    assert 'href="../../packs/2026-Q2-root.pdf"' in page.text
    assert 'href="../team-a/index.html"' in page.text


def test_details_page_has_kpi_anchor_chart_and_data_table(report: Report) -> None:
    page = {p.path: p for p in render_site(report)}["units/root/details.md"]
    assert "## Grow income {#obj-grow}" in page.text
    assert "### Income {#kpi-income}" in page.text
    assert 'class="sp-chart"' in page.text and "Data table: Income" in page.text
    assert "Income rose." in page.text  # KPI commentary lands at the KPI


def test_malicious_names_are_escaped_everywhere(report: Report) -> None:
    sc = report.scorecard
    root = sc.units["root"]
    evil = root.model_copy(update={"name": "<script>alert(1)</script>"})
    units = {**sc.units, "root": evil}
    report = Report(
        type(sc)(sc.organization, units, sc.templates, sc.measures, sc.commentary, sc.locations),
        report.period,
        report.periods,
        report.by_period,
    )
    for page in render_site(report):
        assert "<script>" not in page.text, page.path


def test_strategy_map_puts_the_first_perspective_on_top_and_draws_drives() -> None:
    objectives = [
        MapObjective("a", "Grow", "financial", (), "green", "● On target", "7.0"),
        MapObjective("b", "Learn", "learning", ("a",), "red", "◆ Off target", "1.0"),
    ]
    drawing = layout_strategy_map([("financial", "Financial"), ("learning", "Learning")], objectives, lambda o: o)
    boxes = {b.id: b for b in drawing.boxes}
    assert boxes["a"].y < boxes["b"].y
    (arrow,) = drawing.arrows
    assert arrow.y1 == boxes["b"].y and arrow.y2 > boxes["a"].y + boxes["a"].h


def test_wrap_label_cuts_with_an_ellipsis() -> None:
    lines = wrap_label("word " * 40, 120)
    assert len(lines) == 3 and lines[-1].endswith("…")


AGENCY = Path(__file__).parent.parent / "examples" / "agency"


@pytest.fixture(scope="module")
def agency_pages() -> dict[str, str]:
    report, _ = make_report(AGENCY / "content", AGENCY / "measures", None)
    return {p.path: p.text for p in render_site(report)}


BANDED = (
    "Green: meets the target or misses it by 5% or less. Amber: misses it by more than 5%, up to 10%. "
    "Red: misses it by more than 10%."
)


def test_the_status_rule_is_stated_in_words_where_it_applies(agency_pages: dict[str, str]) -> None:
    assert f"Each KPI is rated against its target. {BANDED} Percentages are of the target" in agency_pages["index.md"]
    contact = agency_pages["units/contact-centre/index.md"]
    assert (
        "<strong>Status rule in this unit</strong> (not the organisation's): Green: meets the target or misses it "
        "by 10% or less. Amber: misses it by more than 10%, up to 25%. Red: misses it by more than 25%." in contact
    )
    assert "Status rule in this unit" not in agency_pages["units/licensing-operations/index.md"]  # as the org's
    details = agency_pages["units/digital-services/details.md"]
    assert (
        "<dt>Status rule</dt><dd>Green: meets the target. Amber: misses it by up to 0.5%. "
        "Red: misses it by more than 0.5%.</dd>" in details
    )
    assert (  # online completion: the organisation's bands, and a red flag of its own
        "<dt>Status rule</dt><dd>Green: meets the target or misses it by 5% or less. Amber: misses it by more than "
        "5%, but not beyond the red flag. Red: beyond the red flag.</dd>" in details
    )


def test_a_manual_status_shows_its_marker_and_reason(agency_pages: dict[str, str]) -> None:
    reason = "Since the February telephony upgrade a scheduled callback counts as resolved"
    # focusable, with the reason for hover, focus (keyboard, touch) and screen readers alike
    reason += ", which flatters the figure; held at amber until the measure is re-baselined with the CRM team (June)"
    marker = (
        f'<span class="sp-manual" tabindex="0" title="Set by hand: {reason}" data-reason="Set by hand: {reason}" '
        f'aria-label="Status set by hand: {reason}">✎ set by hand</span>'
    )
    assert marker in agency_pages["units/contact-centre/index.md"]
    details = agency_pages["units/contact-centre/details.md"]
    assert f'<p class="sp-manual-reason">✎ Status set by hand: {reason}' in details
    quality = agency_pages["quality.md"]
    assert "## Statuses set by hand" in quality
    row = quality.split("## Statuses set by hand")[1].split("</tr>")[1]
    assert "First-contact resolution" in row and "Angela Russo, Head of Contact Centre" in row and reason in row
    assert 'class="sp-manual"' not in agency_pages["units/licensing-operations/index.md"]


def test_a_manual_reason_is_escaped(tree: Tree) -> None:
    project = tree(
        **{"measures__extra.csv": 'unit,kpi,period,value,status,note\nroot,income,2025-Q4,1,red,"<b>x</b>\' "\n'}
    )
    report, _ = make_report(project / "content", project / "measures", "2025-Q4")
    page = {p.path: p.text for p in render_site(report)}["units/root/index.md"]
    assert 'title="Set by hand: &lt;b&gt;x&lt;/b&gt;&#39;"' in page


def test_the_quality_page_lists_per_owner_what_is_still_missing(report: Report) -> None:
    quality = {p.path: p.text for p in render_site(report)}["quality.md"]
    section = quality.split("## Still missing for Q2 FY2026 (Apr-Jun 2026), by owner")[1].split("## By unit")[0]
    assert "5 values due for the quarter and not reported yet" in section
    rows = [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in section.split("</tr>")[1:-1]]
    assert rows == [
        "Bo 1 Satisfaction (Root Unit) Q2 FY2026 (Apr-Jun 2026)",
        "Cy 4 Tickets handled (Team A) May 2026; Tickets handled (Team A) Jun 2026; "
        "Tickets handled (Team B) May 2026; Tickets handled (Team B) Jun 2026",
    ]
    assert '<a href="units/team-b/details.html#kpi-total_tickets">Tickets handled (Team B)</a> May 2026' in section


def test_the_quality_page_has_no_missing_list_when_everything_is_in(tree: Tree) -> None:
    project = tree(
        **{
            "measures__extra.csv": (
                "unit,kpi,period,value\nteam-a,total_tickets,2026-05,9\n"
                "team-a,total_tickets,2026-06,9\nteam-b,total_tickets,2026-05,9\nteam-b,total_tickets,2026-06,9\n"
            ),
            "measures__root.csv": "unit,kpi,period,value\nroot,income,2026-Q2,105\nroot,satisfaction,2026-Q2,80\n",
        }
    )
    report, _ = make_report(project / "content", project / "measures", "2026-Q2")
    assert "Still missing" not in {p.path: p.text for p in render_site(report)}["quality.md"]


def test_home_says_how_many_more_new_reds_and_links_to_them(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.render.pages import sitewide

    reds = len(report.changes_in(None).new_reds)
    assert reds >= 2
    monkeypatch.setattr(sitewide, "HOME_CHANGES", 1)
    text = render_site(report)[0].text
    assert (
        f'<p class="sp-more">And {reds - 1} more turned red: '
        '<a href="changes.html#new-off-target-red">see them all in What changed</a>.</p>'
    ) in text


def test_tiles_link_to_what_they_summarise_and_show_the_move(report: Report) -> None:
    home = render_site(report)[0].text
    assert '<p class="sp-score-label"><a href="units/root/index.html#scorecard">Overall score</a></p>' in home
    assert '<p class="sp-card-title"><a href="units/root/index.html#persp-financial">' in home
    assert re.search(
        r'<p class="sp-move sp-move-down"><span aria-hidden="true">↓</span> -\d\.\d since Q1 FY2026 \(\d\.\d\)</p>',
        home,
    )
    unit = next(p for p in render_site(report) if p.path == "units/root/index.md").text
    assert "{#persp-financial}" in unit and 'href="../../how-to-read.html">How to read this scorecard</a>' in unit


class _TablesOutsideExclusion(html.parser.HTMLParser):
    """Collect the tables that the search index would read (no ancestor with data-search-exclude)."""

    VOID = {"br", "hr", "img", "input", "link", "meta", "wbr", "col", "source", "area", "base", "embed"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.indexed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        excluded = any(e for _, e in self.stack) or any(k == "data-search-exclude" for k, _ in attrs)
        if tag == "table" and not excluded:
            self.indexed.append(dict(attrs).get("class") or "")
        if tag not in self.VOID:
            self.stack.append((tag, excluded))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass


@pytest.mark.parametrize("fixture", ["minimal", "linked-commentary", "annual-council"])
def test_no_data_table_reaches_the_search_index(fixture: str) -> None:
    # The index holds a section's text, table cells run together ("KPIUnitOwner..."): tables stay out of it
    report, _ = make_report(ROOT / "tests/fixtures" / fixture / "content", ROOT / "tests/fixtures" / fixture / "measures", None)
    for page in render_site(report, RenderOptions(packs=True)):
        parser = _TablesOutsideExclusion()
        parser.feed(page.text)
        assert parser.indexed == [], page.path


def test_commentary_headings_are_not_search_sections_and_details_name_the_unit() -> None:
    # Search makes a section of every heading with an id: a commentary heading "KPI: <name>" would
    # compete with the KPI's own heading, so it has none and its text joins the KPI's section
    base = ROOT / "tests/fixtures/linked-commentary"
    report, _ = make_report(base / "content", base / "measures", None)
    pages = {p.path: p.text for p in render_site(report)}
    details = pages["units/trust/details.md"]
    assert "\n# Objectives and KPIs: Meridian Water Trust\n" in details
    assert '<h4 class="sp-comment-title">KPI: Supply interruptions</h4>' in details
    assert '<h3 class="sp-comment-title">Objective: Trusted by households</h3>' in pages["units/trust/index.md"]
    assert "search:" not in pages["units/trust/index.md"]  # ranking by name: generator/mkdocs_search.py
    assert "#### KPI:" not in details and "### Objective:" not in pages["units/trust/index.md"]


def test_how_to_read_explains_what_the_scorecard_uses_in_its_cadence_words(tree: Tree) -> None:
    example, _ = make_report(ROOT / "content", ROOT / "measures", None)
    quarterly = {p.path: p.text for p in render_site(example)}["how-to-read.md"]
    assert "★</span> Exceeds</span>: at or beyond the KPI's stretch target" in quarterly
    assert "its chart continues as a dashed line to the year's end" in quarterly
    assert "**projected to miss the year-end target**" in quarterly
    assert "## Information only" in quarterly and "### The cascade" in quarterly
    assert "takes its value each quarter from the units below" in quarterly
    assert "\n\n## Year-end forecasts" in quarterly
    council = ROOT / "tests/fixtures/annual-council"
    annual_report, _ = make_report(council / "content", council / "measures", None)
    annual = {p.path: p.text for p in render_site(annual_report)}["how-to-read.md"]
    assert "marked with the year they come from, for example \"from FY2025\", beside its name" in annual
    assert "quarter" not in annual.lower() and "0-10" not in annual  # annual words; no scores there
    assert "## Year-end forecasts" not in annual and "Exceeds" not in annual  # what it does not use is not explained


def test_only_the_home_and_how_to_read_pages_say_when_the_site_was_built(report: Report) -> None:
    """The build time changes every minute: on a unit's pages it would defeat the page cache."""
    first = {p.path: p.text for p in render_site(report, RenderOptions(built="23 Nov 2026 18:30 UTC"))}
    later = {p.path: p.text for p in render_site(report, RenderOptions(built="23 Nov 2026 18:31 UTC"))}
    assert sorted(path for path in first if first[path] != later[path]) == ["how-to-read.md", "index.md"]
    assert "built 23 Nov 2026 18:31 UTC" in later["index.md"]
def test_how_to_read_explains_each_status_by_the_rule_and_trends_in_the_cadence_words(tree: Tree) -> None:
    """A status line says how the status is decided, not its own name again; trends compare with "last month"."""
    council = ROOT / "tests/fixtures/annual-council"
    annual_report, _ = make_report(council / "content", council / "measures", None)
    annual = {p.path: p.text for p in render_site(annual_report)}["how-to-read.md"]
    assert "</span> On target</span>: meets the target</li>" in annual  # no "On target: on target"
    assert "</span> Off target</span>: beyond the red flag</li>" in annual
    assert "</span> improving</span>: better than last year, in the KPI&#39;s direction</li>" in annual
    assert '<p class="sp-rule">Units, templates and KPIs' in annual
    assert "previous period" not in annual


def test_forecast_explanations_stay_out_of_the_search_index() -> None:
    # The same method text under every KPI doubled the large organisation's index (7.2 MB, goal 5 MB)
    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    details = [p.text for p in render_site(report) if p.path.endswith("details.md")]
    forecasts = [line for text in details for line in text.splitlines() if line.startswith('<div class="sp-forecast')]
    assert forecasts and all("data-search-exclude" in line for line in forecasts)
