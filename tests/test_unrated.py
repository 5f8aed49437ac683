"""Shown but not rated: reference measures, n/a values, information-only levels, `scores: false`,
units that only group units, and objectives whose KPIs carry no weight.

The `regulator` fixture is a regulator over two utilities sharing one scorecard: it publishes no
composite scores, tracks a ratio without a preferred direction, files n/a for a year without
connection requests, and records licence compliance as a fact.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from generator.export import export_rows, write_csv
from generator.formatting import format_score
from generator.model import NOT_APPLICABLE
from generator.pdf.context import build_pack
from generator.pipeline import make_report
from generator.present import kpi_display, missing_by_owner, objective_status, unit_status, units_below
from generator.render import render_site
from generator.results import Report, Status, Trend
from generator.xlsx.export import write_xlsx
from tests.conftest import FIXTURES, Tree, report_for

REGULATOR = FIXTURES / "regulator"
TEAM_YAML = (FIXTURES / "minimal/content/templates/team.yaml").read_text()


@pytest.fixture(scope="module")
def report() -> Report:
    report, warnings = make_report(REGULATOR / "content", REGULATOR / "measures", None)
    assert warnings == []  # a unit that only groups units is not "a unit without objectives"
    return report


def _kpi(report: Report, unit: str, kpi: str):  # type: ignore[no-untyped-def]
    return report.current.kpis[(unit, kpi)]


def test_a_reference_measure_shows_its_value_and_direction_but_is_never_rated(report: Report) -> None:
    north, south = _kpi(report, "north", "debt_ratio"), _kpi(report, "south", "debt_ratio")
    assert (north.actual, north.status, north.score, north.trend) == (1.35, Status.NOT_RATED, None, Trend.UP)
    assert (south.trend, kpi_display(report, "south", report.scorecard.kpi("south", "debt_ratio")).trend) == (
        Trend.DOWN,
        "↓ down",
    )
    shown = kpi_display(report, "north", report.scorecard.kpi("north", "debt_ratio")).status
    assert (shown.word, shown.hint) == ("Not rated", "Reference measure: shown for information, never rated")


def test_n_a_is_not_applicable_not_missing(report: Report) -> None:
    result = _kpi(report, "north", "new_connections")
    assert (result.actual, result.status, result.score, result.stale, result.trend) == (
        NOT_APPLICABLE,
        Status.NOT_RATED,
        None,
        False,
        Trend.NONE,
    )
    shown = kpi_display(report, "north", report.scorecard.kpi("north", "new_connections"))
    assert (shown.actual, shown.status.word, shown.stale) == ("n/a", "Not applicable", "")
    assert shown.status.hint == "n/a: not applicable this period; not missing, not rated, left out of roll-ups"
    assert missing_by_owner(report) == ()  # no data-quality entry


def test_information_only_levels_are_shown_and_never_rated(report: Report) -> None:
    result = _kpi(report, "north", "compliance")
    assert (result.actual, result.status, result.score, result.trend) == (
        "under review",
        Status.NOT_RATED,
        None,
        Trend.NONE,
    )


def test_without_scores_kpis_are_rated_and_nothing_is_combined(report: Report) -> None:
    current = report.current
    assert _kpi(report, "south", "reliability").status is Status.RED
    assert all(r.score is None for r in current.kpis.values())
    assert all(r.score is None for r in [*current.objectives.values(), *current.perspectives.values()])
    assert {u: (r.status, r.score) for u, r in current.units.items()} == {
        "regulator": (Status.NOT_RATED, None),
        "north": (Status.NOT_RATED, None),
        "south": (Status.NOT_RATED, None),
    }
    reliable = objective_status(report, "south", "reliable")
    assert (reliable.word, reliable.score, reliable.scored, reliable.score_text) == (
        "Not rated",
        "0 of 2 met",
        False,
        "0 of 2 met",
    )
    assert objective_status(report, "north", "finance").score == "none rated"  # a reference and an n/a
    north = unit_status(report, "north")
    assert (north.score_label, north.score, north.score_out_of, north.score_heading) == (
        "KPIs met",
        "2 of 2 met",
        "",
        "KPIs met",
    )


def test_export_leaves_every_score_empty_and_writes_n_a(report: Report) -> None:
    stream = io.StringIO()
    write_csv(export_rows(report), stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert {r["score"] for r in rows} == {""}
    [connections] = [r for r in rows if r["unit"] == "north" and r["kpi"] == "new_connections"]
    assert (connections["actual"], connections["status"], connections["note"]) == (
        "n/a",
        "not-rated",
        "no new connections requested",
    )
    [debt] = [r for r in rows if r["unit"] == "south" and r["kpi"] == "debt_ratio"]
    assert (debt["actual"], debt["status"], debt["trend"]) == ("0.85", "not-rated", "down")


def test_results_workbook_says_not_applicable_and_has_no_scores(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_xlsx(report, export_rows(report), path)
    sheet = openpyxl.load_workbook(path)["KPIs"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    [connections] = [r for r in rows if r["unit"] == "north" and r["kpi"] == "new_connections"]
    assert (connections["actual"], connections["status"], connections["score"]) == ("n/a", "Not applicable", None)
    assert {r["score"] for r in rows} == {None}


def test_a_unit_without_kpis_compares_the_units_below(report: Report) -> None:
    below = units_below(report, "regulator")
    assert below is not None and units_below(report, "north") is None
    assert [(u.name, u.status.word, u.status.score) for u in below.units] == [
        ("North Utility", "Not rated", "2 of 2 met"),
        ("South Utility", "Not rated", "1 of 3 met"),
    ]
    cells = {k.name: [(v.value, v.status.word) for v in k.values if v] for k in below.kpis}
    assert cells == {
        "Supply reliability": [("99.80%", "On target"), ("98.90%", "Off target")],
        "Average outage hours": [("1.5 h", "On target"), ("2.8 h", "At risk")],
        "Debt to equity": [("1.35", "Not rated"), ("0.85", "Not rated")],
        "New connections on time": [("n/a", "Not applicable"), ("95.0%", "On target")],
        "Licence compliance": [("under review", "Not rated"), ("compliant", "Not rated")],
    }
    assert unit_status(report, "regulator").hint == "No KPIs of its own: it groups the units below it"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_site_shows_the_units_instead_of_empty_tiles_and_no_scores(report: Report) -> None:
    pages = {p.path: p.text for p in render_site(report)}
    home, regulator, north = pages["index.md"], pages["units/regulator/index.md"], pages["units/north/index.md"]
    for page in (home, regulator):
        assert "No data" not in _text(page) and "sp-score-card" not in page
        assert "sp-compare" in page and '<a href="' in page
        assert "n/a ◌ Not applicable" in _text(page)
        assert 'title="n/a: not applicable this period; not missing, not rated, left out of roll-ups"' in page
    assert "## Scorecard" not in regulator and "Objectives &amp; KPIs in detail" not in regulator
    assert "sp-heatmap" not in regulator
    assert "/ 10" not in north and "KPIs met" in north and "2 of 2 met" in north
    assert "This scorecard rates KPIs only (met or not): no scores are combined." in _text(home)
    assert "n/a: not applicable this period; not missing, not rated, left out of roll-ups." in _text(home)
    assert "↑ up" in _text(north)
    details = _text(pages["units/north/details.md"])
    assert "Information only, never rated" in details and "Reference measure: no better direction" in details
    assert "score –" not in details  # no score where scores are off
    strategy = pages["units/south/map.md"]
    assert "◌ 0 of 2 met</text>" in strategy and "with its status and how many of its KPIs are met;" in strategy


def test_pack_of_a_unit_without_kpis_shows_its_units(report: Report) -> None:
    import datetime as dt

    pack = build_pack(report, "regulator", 1, dt.date(2026, 7, 10))
    assert pack.below is not None and not pack.scores
    assert [(c.status.word, c.count) for c in pack.summary.counts][:3] == [
        ("On target", 3),
        ("At risk", 1),
        ("Off target", 1),
    ]
    north = build_pack(report, "north", 0, dt.date(2026, 7, 10))
    assert north.below is None and north.summary.previous_overall is None
    assert north.not_applicable.startswith("n/a: not applicable")


# --- n/a in aggregation, weight-0 objectives, reference measures beside scores -----------------


def test_n_a_months_are_left_out_of_the_quarter_and_an_all_n_a_quarter_is_n_a(tree: Tree) -> None:
    project = tree(
        **{
            "measures__teams.csv": "unit,kpi,period,value\n"
            "team-a,total_tickets,2026-01,10\nteam-a,total_tickets,2026-02,n/a\nteam-a,total_tickets,2026-03,12\n"
            "team-a,total_tickets,2026-04,N/A\nteam-a,cost,2026-Q1,11\nteam-a,cost,2026-Q2,9\n"
            "team-b,total_tickets,2026-04,20\nteam-b,cost,2026-Q2,14\n"
        }
    )
    q1, q2 = report_for(project, "2026-Q1"), report_for(project, "2026-Q2")
    assert (
        q1.current.kpis[("team-a", "total_tickets")].actual,
        q1.current.kpis[("team-a", "total_tickets")].months_reported,
    ) == (22.0, 3)
    tickets = q2.current.kpis[("team-a", "total_tickets")]
    assert (tickets.actual, tickets.status, tickets.ytd, tickets.stale) == (
        NOT_APPLICABLE,
        Status.NOT_RATED,
        22.0,
        False,
    )
    assert q2.current.kpis[("team-a", "cost_per_ticket")].actual == NOT_APPLICABLE  # a formula of an n/a input
    assert q2.current.kpis[("team-a", "cost_per_ticket")].undefined == ""
    assert q2.current.kpis[("root", "total_tickets")].actual == 20.0  # the roll-up leaves the n/a child out


def test_an_objective_whose_kpis_all_weigh_zero_is_not_rated_not_no_data(tree: Tree) -> None:
    weightless = TEAM_YAML.replace("        target: 25\n", "        target: 25\n        weight: 0\n").replace(
        "        target: 0.5\n", "        target: 0.5\n        weight: 0\n"
    )
    report = report_for(tree(**{"content__templates__team.yaml": weightless}), "2026-Q2")
    result = report.current.objectives[("team-a", "deliver")]
    assert (result.status, result.score) == (Status.NOT_RATED, None)
    shown = objective_status(report, "team-a", "deliver")
    assert (shown.word, shown.hint) == (
        "Not rated",
        "Its KPIs have values but carry no score (weight 0, no target or reference measures)",
    )
    assert report.current.objectives[("team-b", "deliver")].status is Status.NOT_RATED


def test_a_reference_measure_stays_out_of_the_scores_of_a_scored_scorecard(tree: Tree) -> None:
    root = (FIXTURES / "minimal/content/units/root.yaml").read_text()
    reference = root.replace(
        "        polarity: higher\n        target: 100\n        red_flag: 80\n", "        polarity: none\n"
    )
    report = report_for(tree(**{"content__units__root.yaml": reference}), "2026-Q2")
    income = report.current.kpis[("root", "income")]
    assert (income.actual, income.status, income.score, income.trend) == (105.0, Status.NOT_RATED, None, Trend.UP)
    grow = report.current.objectives[("root", "grow")]
    assert grow.score is not None  # from the tickets roll-up and the supporting objectives, not income
    assert unit_status(report, "root").scored


def test_scores_false_on_one_unit_applies_to_it_and_below(tree: Tree) -> None:
    project = tree(
        **{"content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\nscores: false\n"}
    )
    report = report_for(project, "2026-Q2")
    assert report.current.units["team-a"].score is None
    assert report.current.units["team-b"].score is not None
    assert report.scorecard.scores("team-a") is False and report.scorecard.scores("root") is True


def test_a_grouping_root_with_scores_shows_its_units_statuses_and_scores(tree: Tree) -> None:
    project = tree(
        **{
            "content__units__root.yaml": "id: root\nname: Group\nowner: Ada\n",
            "content__templates__team.yaml": TEAM_YAML.replace("    supports: [root/grow]\n", ""),
            "measures__root.csv": None,
            "content__commentary__2026-Q2__root.md": None,
        }
    )
    report = report_for(project, "2026-Q2")
    below = units_below(report, "root")
    assert below is not None
    assert [(u.name, u.status.scored, u.status.score) for u in below.units] == [
        ("Team A", True, format_score(report.current.units["team-a"].score)),
        ("Team B", True, format_score(report.current.units["team-b"].score)),
    ]
    assert [k.id for k in below.kpis] == ["total_tickets", "cost", "cost_per_ticket"]
    home = {p.path: p.text for p in render_site(report)}["index.md"]
    assert '<th scope="col">Status</th><th scope="col" class="sp-num">Score</th>' in home
    assert "sp-score-card" not in home and "Scores run from 0 to 10" in home
