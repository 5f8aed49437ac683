"""Looking ahead: year-end forecasts, stretch targets and commentary required, with hand-computed numbers."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.charts import trend_figure
from generator.cli import main
from generator.compute.forecast import fiscal_year_periods, linear_trend, run_rate_total
from generator.errors import DataError
from generator.model import Kpi
from generator.pdf.context import build_pack
from generator.periods import Period
from generator.pipeline import make_report
from generator.present import export_rows, kpi_display, kpi_status, status_counts
from generator.render import RenderOptions, make_context, render_quality, render_unit
from generator.render.pages.details import render_details
from generator.results import GREEN_SCORE, Forecast, KpiResult, Report, Status
from generator.scoring import exceeds_stretch, score_stretch
from tests.conftest import Tree, load_tree, report_for

ORGANIZATION = """
name: Test Org
commentary_required: [red]
"""

ROOT = """
id: root
name: Root
owner: Ada
objectives:
  - id: grow
    name: Grow
    perspective: financial
    owner: Bo
    kpis:
      - {id: income, name: Income, owner: Bo, aggregation: sum, target: 100, red_flag: 80}
      - {id: satisfaction, name: Satisfaction, owner: Bo, target: 80, red_flag: 70}
      - {id: margin, name: Margin, owner: Bo, aggregation: last, target: 10, red_flag: 8}
      - {id: visits, name: Visits, owner: Bo}
      - {id: rate, name: Rate, owner: Bo, target: 50, red_flag: 40, forecast: none}
      - id: audit
        name: Audit
        owner: Bo
        type: categorical
        levels: [{name: clean, status: green}, {name: findings, status: red}]
  - id: keep
    name: Keep customers
    perspective: customer
    kpis:
      - {id: churn, name: Churn, owner: Cy, polarity: lower, target: 5, red_flag: 8, stretch: 4}
"""

# 2025-Q4 opens the window of four values; the fiscal year 2026 runs Q1-Q4.
MEASURES = """
unit,kpi,period,value,forecast
root,income,2025-Q4,60,
root,income,2026-Q1,90,
root,income,2026-Q2,110,
root,income,2026-Q3,100,
root,satisfaction,2026-Q1,84,
root,satisfaction,2026-Q2,82,
root,satisfaction,2026-Q3,80,
root,margin,2026-Q2,9,
root,margin,2026-Q3,10,7.5
root,visits,2026-Q1,1,
root,visits,2026-Q2,2,
root,visits,2026-Q3,3,
root,rate,2026-Q1,50,
root,rate,2026-Q2,50,
root,rate,2026-Q3,50,
root,audit,2026-Q1,clean,
root,audit,2026-Q2,clean,
root,audit,2026-Q3,clean,
root,churn,2026-Q1,4.5,
root,churn,2026-Q2,4.2,
root,churn,2026-Q3,3.9,
root,churn,2026-Q4,9,
root,income,2026-Q4,100,
root,satisfaction,2026-Q4,80,
"""


@pytest.fixture
def project(tree: Tree) -> Path:
    return tree(
        None,
        **{
            "content__organization.yaml": ORGANIZATION,
            "content__units__root.yaml": ROOT,
            "measures__root.csv": MEASURES,
        },
    )


def _forecast(report: Report, kpi: str) -> tuple[str, float, object, Status] | None:
    found = report.current.kpis[("root", kpi)].forecast
    return None if found is None else (found.method, round(found.value, 6), found.target, found.status)


# --- The methods, by hand -------------------------------------------------------------------


def test_the_run_rate_adds_the_mean_recent_value_for_each_period_left() -> None:
    assert run_rate_total(300, [60, 90, 110, 100], 1) == 300 + 90 * 1
    assert run_rate_total(200, [90, 110, 100], 2) == 200 + 100 * 2


def test_the_trend_is_the_least_squares_line_at_the_years_last_period() -> None:
    assert linear_trend([(-2, 84), (-1, 82), (0, 80)], 1) == pytest.approx(78)
    # not on one line: mean offset -1, mean value 12, slope 2/2 = 1, so 12 + 1 x (1 - -1) = 14
    assert linear_trend([(-2, 10), (-1, 14), (0, 12)], 1) == pytest.approx(14)


def test_a_fiscal_year_is_walked_with_the_period_api() -> None:
    assert fiscal_year_periods(Period(2026, 2)) == tuple(Period(2026, q) for q in (1, 2, 3, 4))


def test_a_sum_kpi_is_projected_by_run_rate_against_the_sum_of_the_years_targets(project: Path) -> None:
    report = report_for(project, "2026-Q3")
    # year to date 90 + 110 + 100 = 300; mean of 60, 90, 110, 100 = 90; one quarter left: 390.
    # Targets 4 x 100 = 400, red flags 4 x 80 = 320: amber, although the KPI is green today.
    assert report.current.kpis[("root", "income")].status is Status.GREEN
    assert _forecast(report, "income") == ("run-rate", 390.0, 400.0, Status.AMBER)


def test_an_average_kpi_is_projected_by_its_trend_line(project: Path) -> None:
    report = report_for(project, "2026-Q3")
    # 84, 82, 80: down 2 a quarter, so 78 in Q4 against target 80 and red flag 70: amber
    assert report.current.kpis[("root", "satisfaction")].status is Status.GREEN
    assert _forecast(report, "satisfaction") == ("trend", 78.0, 80.0, Status.AMBER)


def test_a_forecast_beyond_the_stretch_exceeds(project: Path) -> None:
    report = report_for(project, "2026-Q3")
    # churn 4.5, 4.2, 3.9: down 0.3 a quarter, so 3.6 in Q4, below the stretch 4 (lower is better)
    assert _forecast(report, "churn") == ("trend", 3.6, 5.0, Status.GREEN)
    shown = kpi_display(report, "root", report.scorecard.kpi("root", "churn")).forecast
    assert shown is not None and shown.status.text == "★ Exceeds"


def test_the_owners_forecast_wins_even_with_two_values(project: Path) -> None:
    report = report_for(project, "2026-Q3")
    # 7.5 against target 10, red flag 8: red
    assert _forecast(report, "margin") == ("owner", 7.5, 10.0, Status.RED)


def test_no_forecast_in_the_years_last_period_or_for_untargeted_categorical_or_opted_out_kpis(project: Path) -> None:
    q3, q4 = report_for(project, "2026-Q3"), report_for(project, "2026-Q4")
    assert [_forecast(q3, k) for k in ("visits", "audit", "rate")] == [None, None, None]
    assert [_forecast(q4, k) for k in ("income", "satisfaction", "churn")] == [None, None, None]


def test_fewer_than_three_values_make_no_trend(project: Path) -> None:
    report = report_for(project, "2026-Q2")
    assert _forecast(report, "satisfaction") is None  # two values so far
    # the run rate needs no three values of the year: 90 + 110 so far, then twice the mean of 60, 90, 110
    assert _forecast(report, "income") == ("run-rate", round(200 + 260 / 3 * 2, 6), 400.0, Status.AMBER)


def test_exports_carry_the_forecast_and_its_status(project: Path) -> None:
    rows = {r["kpi"]: r for r in export_rows(report_for(project, "2026-Q3")) if r["level"] == "kpi"}
    assert (rows["income"]["forecast"], rows["income"]["forecast_status"]) == (390.0, "amber")
    assert (rows["visits"]["forecast"], rows["visits"]["forecast_status"]) == (None, None)


def test_the_kpi_shows_how_its_forecast_is_made(project: Path) -> None:
    report = report_for(project, "2026-Q3")
    shown = kpi_display(report, "root", report.scorecard.kpi("root", "income")).forecast
    assert shown is not None
    assert (shown.kind, shown.value, shown.target, shown.status.text, shown.misses) == (
        "Projected full-year total",
        "390.0",
        "400.0",
        "▲ At risk",
        True,
    )
    assert shown.method.startswith("Year-to-date total plus the mean of the last (up to) four period values")


def test_a_forecast_cell_on_a_categorical_kpi_is_an_error(project: Path) -> None:
    csv = project / "measures/root.csv"
    csv.write_text(csv.read_text().replace("root,audit,2026-Q3,clean,", "root,audit,2026-Q3,clean,3"))
    with pytest.raises(DataError) as info:
        load_tree(project)
    assert [p.message for p in info.value.problems] == ["forecast: categorical KPI 'audit' has no year-end forecast"]


# --- Stretch targets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "actual", "green_limit", "stretch", "score", "exceeds"),
    [
        ("higher", 100, 100, 120, GREEN_SCORE, False),
        ("higher", 110, 100, 120, 25 / 3, False),
        ("higher", 119.999, 100, 120, pytest.approx(10, abs=1e-3), False),
        ("higher", 120, 100, 120, 10.0, True),
        ("higher", 150, 100, 120, 10.0, True),
        ("lower", 4, 4, 3, GREEN_SCORE, False),
        ("lower", 3.5, 4, 3, 25 / 3, False),
        ("lower", 3, 4, 3, 10.0, True),
        ("lower", 1, 4, 3, 10.0, True),
        ("range", 40, (40, 60), (45, 55), GREEN_SCORE, False),
        ("range", 42.5, (40, 60), (45, 55), 25 / 3, False),
        ("range", 45, (40, 60), (45, 55), 10.0, True),
        ("range", 55, (40, 60), (45, 55), 10.0, True),
        ("range", 57.5, (40, 60), (45, 55), 25 / 3, False),
        ("range", 60, (40, 60), (45, 55), GREEN_SCORE, False),
    ],
)
def test_stretch_scores_run_from_the_green_limit_to_ten(
    polarity: str, actual: float, green_limit: object, stretch: object, score: float, exceeds: bool
) -> None:
    assert score_stretch(polarity, actual, green_limit, stretch) == pytest.approx(score)  # type: ignore[arg-type]
    assert exceeds_stretch(polarity, actual, stretch) is exceeds  # type: ignore[arg-type]


def test_below_the_stretch_the_score_stays_under_ten() -> None:
    assert score_stretch("higher", 119.9999999, 100, 120) < 10


def test_a_kpi_beyond_its_stretch_exceeds_and_counts_as_green(project: Path) -> None:
    report = report_for(project, "2026-Q3")
    churn = report.current.kpis[("root", "churn")]  # 3.9 against stretch 4 (lower is better)
    assert (churn.status, churn.score, churn.exceeds, churn.stretch) == (Status.GREEN, 10.0, True, 4.0)
    assert kpi_status(churn).text == "★ Exceeds"
    # income, satisfaction, margin, rate, audit and churn: exceeding counts as green
    counts = {c.status.word: c.count for c in status_counts(report.current.units["root"].counts)}
    assert counts["On target"] == 6


def test_between_target_and_stretch_the_kpi_is_on_target(project: Path) -> None:
    report = report_for(project, "2026-Q2")
    churn = report.current.kpis[("root", "churn")]  # 4.2: between target 5 and stretch 4
    assert (churn.status, churn.exceeds) == (Status.GREEN, False)
    assert churn.score == pytest.approx(GREEN_SCORE + (5 - 4.2) / (5 - 4) * (10 - GREEN_SCORE))
    assert kpi_status(churn).text == "● On target"


@pytest.mark.parametrize(
    ("kpi", "message"),
    [
        (
            "{id: x, name: X, target: 10, stretch: 9}",
            "stretch 9 is not above target 10 (for polarity 'higher' it must be above)",
        ),
        (
            "{id: x, name: X, polarity: lower, target: 10, stretch: 10}",
            "stretch 10 is not below target 10 (for polarity 'lower' it must be below)",
        ),
        (
            "{id: x, name: X, polarity: range, target: [4, 6], stretch: [3, 5]}",
            "stretch band [3, 5] must lie inside the target band [4, 6] and be narrower",
        ),
        (
            "{id: x, name: X, target: {'2025': 10, '2026': 12}, stretch: 11}",
            "stretch 11 is not above target 12 (for polarity 'higher' it must be above) (from 2026)",
        ),
    ],
)
def test_a_stretch_that_is_not_beyond_the_target_is_an_error_at_its_line(tree: Tree, kpi: str, message: str) -> None:
    unit = f"id: solo\nname: Solo\nobjectives:\n  - id: o\n    name: O\n    perspective: financial\n    kpis:\n      - {kpi}\n"
    project = tree(None, **{"content__organization.yaml": "name: T\n", "content__units__solo.yaml": unit})
    with pytest.raises(DataError) as info:
        load_tree(project)
    assert [str(p).replace(f"{project}/", "") for p in info.value.problems] == [
        f"content/units/solo.yaml:8: error: kpi 'x': {message}"
    ]


def test_a_stretch_on_its_own_line_is_reported_there(tree: Tree) -> None:
    unit = (
        "id: solo\nname: Solo\nobjectives:\n  - id: o\n    name: O\n    perspective: financial\n    kpis:\n"
        "      - id: x\n        name: X\n        target: 10\n        stretch: 8\n"
    )
    project = tree(None, **{"content__organization.yaml": "name: T\n", "content__units__solo.yaml": unit})
    with pytest.raises(DataError) as info:
        load_tree(project)
    assert [str(p).replace(f"{project}/", "") for p in info.value.problems] == [
        "content/units/solo.yaml:11: error: kpi 'x': stretch 8 is not above target 10 (for polarity 'higher' it must be above)"
    ]


# --- Commentary required ---------------------------------------------------------------------


def _warnings(project: Path, period: str) -> list[str]:
    _, warnings = make_report(project / "content", project / "measures", period)
    return [str(w).replace(f"{project}/", "") for w in warnings if "commentary_required" in w.message]


def test_a_red_kpi_and_objective_without_analysis_are_warned_about(project: Path) -> None:
    assert _warnings(project, "2026-Q4") == [
        "content/units/root.yaml:20: warning: objective 'keep' of unit 'root' is red in 2026-Q4 without an analysis, "
        "which commentary_required asks for: add '## Objective: keep' with '### Analysis' to content/commentary/2026-Q4/root.md",
        "content/units/root.yaml:24: warning: kpi 'churn' of unit 'root' is red in 2026-Q4 without an analysis, "
        "which commentary_required asks for: add '## KPI: churn' with '### Analysis' to content/commentary/2026-Q4/root.md",
    ]
    assert _warnings(project, "2026-Q3") == []  # nothing red then


def test_the_objectives_analysis_covers_its_kpis(project: Path) -> None:
    path = project / "content/commentary/2026-Q4/root.md"
    path.parent.mkdir(parents=True)
    path.write_text("## KPI: churn\n### Analysis\nA competitor's offer.\n")
    assert [w.split(": warning: ")[1][:18] for w in _warnings(project, "2026-Q4")] == ["objective 'keep' o"]
    path.write_text("## Objective: keep\n### Analysis\nA competitor's offer.\n### Actions\nCall them.\n")
    assert _warnings(project, "2026-Q4") == []


def test_a_section_with_actions_only_is_no_analysis(project: Path) -> None:
    path = project / "content/commentary/2026-Q4/root.md"
    path.parent.mkdir(parents=True)
    path.write_text("## Objective: keep\n### Actions\nCall them.\n")
    assert len(_warnings(project, "2026-Q4")) == 2


def test_amber_is_required_only_when_asked(project: Path) -> None:
    assert _warnings(project, "2026-Q2") == []  # margin is amber (9 against 10), red is required
    (project / "content/organization.yaml").write_text("name: Test Org\ncommentary_required: [red, amber]\n")
    assert [w.split(": warning: ")[1].split(" without")[0] for w in _warnings(project, "2026-Q2")] == [
        "kpi 'margin' of unit 'root' is amber in 2026-Q2"
    ]
    (project / "content/organization.yaml").write_text("name: Test Org\n")
    assert _warnings(project, "2026-Q4") == []


def test_check_strict_fails_on_missing_commentary(project: Path) -> None:
    args = ["check", "--content", str(project / "content"), "--measures", str(project / "measures")]
    loose = CliRunner().invoke(main, [*args, "--period", "2026-Q4"])
    strict = CliRunner().invoke(main, [*args, "--period", "2026-Q4", "--strict"])
    assert loose.exit_code == 0 and "commentary_required asks for" in loose.output
    assert strict.exit_code == 1
    assert "error: kpi 'churn' of unit 'root' is red in 2026-Q4 without an analysis" in strict.output


# --- Where readers see it ---------------------------------------------------------------------


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_kpi_page_shows_the_forecast_its_method_and_a_dashed_path(project: Path) -> None:
    ctx = make_context(report_for(project, "2026-Q3"), RenderOptions())
    page = render_details(ctx, ctx.sc.units["root"]).text
    text = _text(page)
    assert (
        "Projected full-year total for the year ending Q4 FY2026 (Oct-Dec 2026): 390.0 against a full-year target "
        "of 400.0 · ▲ At risk · projected to miss the year-end target"
    ) in text
    assert "Projected year-end value in Q4 FY2026 (Oct-Dec 2026): 78.0 against a year-end target of 80.0" in text
    assert "How this forecast is made" in text
    assert "Stretch 4.0" in text and "★ Exceeds" in text


def test_the_kpi_pages_forecast_is_labelled_as_its_history_is(project: Path) -> None:
    ctx = make_context(report_for(project, "2026-Q3"), RenderOptions())
    page = render_details(ctx, ctx.sc.units["root"]).text
    figures = [json.loads(f) for f in re.findall(r"data-figure='([^']*)'", page)]
    forecasts = [t for f in figures for t in f["data"] if t["name"] == "Forecast"]
    assert forecasts and all(t["x"] == ["Q3 FY2026", "Q4 FY2026"] for t in forecasts)
    targets = [t for f in figures for t in f["data"] if t["name"] == "Target to year end"]
    assert targets and all(t["x"] == ["Q4 FY2026"] for t in targets)


def test_the_forecast_continues_the_chart_dashed_to_year_end() -> None:
    report_kpi = Kpi(id="k", name="K", target=80, red_flag=70)
    forecast = Forecast(
        78.0, "trend", Period(2026, 4), 80.0, 80.0, 70.0, Status.AMBER, ((Period(2026, 4), 78.0, 80.0),)
    )
    history = [KpiResult("u", "o", "k", Period(2026, 3), 80.0, 80.0, 70.0, GREEN_SCORE, Status.GREEN)]
    traces = {t["name"]: t for t in trend_figure(report_kpi, history, forecast=forecast)["data"]}
    assert (traces["Forecast"]["x"], traces["Forecast"]["y"], traces["Forecast"]["line"]["dash"]) == (
        ["2026-Q3", "2026-Q4"],
        [80.0, 78.0],
        "dash",
    )
    assert (traces["Target to year end"]["x"], traces["Target to year end"]["y"]) == (["2026-Q4"], [80.0])
    assert "Forecast" not in {t["name"] for t in trend_figure(report_kpi, history)["data"]}


def test_the_unit_page_lists_kpis_projected_to_miss_green_or_not(project: Path) -> None:
    ctx = make_context(report_for(project, "2026-Q3"), RenderOptions())
    text = _text(render_unit(ctx, ctx.sc.units["root"]).text)
    section = text.split("## Projected to miss the year-end target")[1].split("##")[0]
    assert "Income ● On target 390.0 400.0 ▲ At risk" in section
    assert "Margin ● On target 7.5 10.0 ◆ Off target" in section
    assert "Churn" not in section  # on its way to beat the stretch


def test_the_quality_page_and_the_pack_list_missing_commentary_by_owner(project: Path) -> None:
    report = report_for(project, "2026-Q4")
    text = _text(render_quality(make_context(report, RenderOptions())).text)
    assert "Commentary required, by owner" in text
    assert "Ada 1 Objective Keep customers (Root) ◆ Off target" in text
    assert "Cy 1 KPI Churn (Root) ◆ Off target" in text
    pack = build_pack(report, "root", 1, dt.date(2027, 1, 5))
    assert [(o.owner, [i.name for i in o.items]) for o in pack.unexplained] == [
        ("Ada", ["Keep customers"]),
        ("Cy", ["Churn"]),
    ]
    q3 = build_pack(report_for(project, "2026-Q3"), "root", 1, dt.date(2026, 10, 5))
    assert [k.name for k in q3.projected_misses] == ["Income", "Satisfaction", "Margin"]
    assert q3.unexplained == ()
    assert q3.stretched  # churn has a stretch target: the legend explains ★ Exceeds


def test_a_workbook_gives_the_owners_forecast_in_the_same_column(tree: Tree) -> None:
    project = tree()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit", "kpi", "period", "value", "forecast"])
    sheet.append(["root", "income", "2026-Q3", 97, 420])
    book.save(project / "measures" / "owners.xlsx")
    [measure] = [m for m in load_tree(project).measures if str(m.raw_period) == "2026-Q3"]
    assert (measure.value, measure.forecast) == (97.0, 420.0)


def test_check_warns_where_an_owners_forecast_is_ignored_and_why(tree: Tree) -> None:
    measures = (
        MEASURES.replace("root,rate,2026-Q3,50,\n", "root,rate,2026-Q3,50,55\n")
        .replace("root,visits,2026-Q3,3,\n", "root,visits,2026-Q3,3,4\n")
        .replace("root,satisfaction,2026-Q1,84,\n", "root,satisfaction,2026-Q1,84,79\n")
    )
    project = tree(
        None,
        **{
            "content__organization.yaml": ORGANIZATION,
            "content__units__root.yaml": ROOT,
            "measures__root.csv": measures,
        },
    )
    _, warnings = make_report(project / "content", project / "measures", "2026-Q3")
    assert [str(w).replace(str(project) + "/", "") for w in warnings if "forecast:" in w.message] == [
        "measures/root.csv:6: warning: forecast: 79 for kpi 'satisfaction' of unit 'root' is ignored: only the row "
        "of the reporting period (2026-Q3) gives the year-end forecast",
        "measures/root.csv:13: warning: forecast: 4 for kpi 'visits' of unit 'root' is ignored: the KPI has no target "
        "to forecast against",
        "measures/root.csv:16: warning: forecast: 55 for kpi 'rate' of unit 'root' is ignored: the KPI has "
        "'forecast: none'",
    ]
    _, used = make_report(project / "content", project / "measures", "2026-Q1")
    assert not [w for w in used if "satisfaction" in w.message and "forecast:" in w.message]
