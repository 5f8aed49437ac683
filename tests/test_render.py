"""Rendering: escaping, slugs, links and the typed page context."""

from __future__ import annotations

import datetime as dt
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

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


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


@pytest.mark.parametrize(("done", "due", "state"), [(True, dt.date(2026, 5, 1), "done"),
                                                      (False, dt.date(2026, 6, 30), "overdue"),
                                                      (False, dt.date(2026, 7, 1), "due")])
def test_milestones_are_judged_at_the_end_of_the_period(done: bool, due: dt.date, state: str) -> None:
    assert milestone_state(done, due, dt.date(2026, 6, 30)) == state


def test_site_has_three_pages_per_unit_and_four_site_pages(report: Report) -> None:
    paths = [p.path for p in render_site(report)]
    assert len(paths) == 4 + 3 * len(report.scorecard.units)
    assert {"index.md", "changes.md", "initiatives.md", "quality.md", "units/team-a/details.md"} <= set(paths)


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
    assert "class=\"sp-chart\"" in page.text and "Data table: Income" in page.text
    assert "Income rose." in page.text  # KPI commentary lands at the KPI


def test_malicious_names_are_escaped_everywhere(report: Report) -> None:
    sc = report.scorecard
    root = sc.units["root"]
    evil = root.model_copy(update={"name": "<script>alert(1)</script>"})
    units = {**sc.units, "root": evil}
    report = Report(type(sc)(sc.organization, units, sc.templates, sc.measures, sc.commentary, sc.locations),
                    report.period, report.periods, report.by_period)
    for page in render_site(report):
        assert "<script>" not in page.text, page.path


def test_strategy_map_puts_the_first_perspective_on_top_and_draws_drives() -> None:
    objectives = [MapObjective("a", "Grow", "financial", (), "green", "● On target", "7.0"),
                  MapObjective("b", "Learn", "learning", ("a",), "red", "◆ Off target", "1.0")]
    drawing = layout_strategy_map([("financial", "Financial"), ("learning", "Learning")], objectives, lambda o: o)
    boxes = {b.id: b for b in drawing.boxes}
    assert boxes["a"].y < boxes["b"].y
    (arrow,) = drawing.arrows
    assert arrow.y1 == boxes["b"].y and arrow.y2 > boxes["a"].y + boxes["a"].h


def test_wrap_label_cuts_with_an_ellipsis() -> None:
    lines = wrap_label("word " * 40, 120)
    assert len(lines) == 3 and lines[-1].endswith("…")
