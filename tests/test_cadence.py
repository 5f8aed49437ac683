"""Reporting cadences: annual, quarterly and monthly scorecards, their periods, words and late filers."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.periods import Period, RawPeriod, fiscal_period, parse_period, periods_due, reading_period
from generator.pipeline import make_report
from generator.present import kpi_display, period_words
from generator.render import render_site
from tests.conftest import ROOT, Tree, load_tree, pack_text

REGULATOR = ROOT / "examples" / "regulator"
OPERATIONS = ROOT / "examples" / "operations"
# What a reader of an annual scorecard must never see: the word, or a quarter's name
QUARTERLY_WORDS = re.compile(r"quarter|\bQ[1-4]\b|\d{4}-Q[1-4]", re.IGNORECASE)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def folders(example: Path) -> list[str]:
    return ["--content", str(example / "content"), "--measures", str(example / "measures")]


# --- Periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "text", "label", "later"),
    [
        (Period(2022, 1, 1), "2022", "FY2022", "2024"),
        (Period(2026, 3), "2026-Q3", "Q3 FY2026 (Jul-Sep 2026)", "2027-Q1"),
        (Period(2026, 9, 12), "2026-09", "Sep 2026", "2026-11"),
        (Period(2026, 12, 12), "2026-12", "Dec 2026", "2027-02"),
    ],
)
def test_period_ids_labels_and_steps(period: Period, text: str, label: str, later: str) -> None:
    assert (str(period), period.label(), str(period.shift(2))) == (text, label, later)
    assert parse_period(text, period.cadence) == period
    assert period.shift(2).shift(-2) == period


def test_a_period_of_another_cadence_does_not_parse() -> None:
    assert parse_period("2022-Q1", "annual") is None
    assert parse_period("2026-Q3", "monthly") is None
    assert parse_period("2026-09", "quarterly") is None


def test_fiscal_month_belongs_to_the_fiscal_year_it_ends_in() -> None:
    assert Period(2026, 9, 12).fiscal_year(7) == 2027  # FY2027 runs July 2026 - June 2027
    assert Period(2026, 6, 12).fiscal_year(7) == 2026
    assert Period(2026, 9, 12).fiscal_year(1) == 2026


@pytest.mark.parametrize(
    ("raw", "cadence", "expected"),
    [
        (RawPeriod("month", 2021, 5), "annual", Period(2022, 1, 1)),  # May 2021 is in FY2022 (April start)
        (RawPeriod("quarter", 2022, 3), "annual", Period(2022, 1, 1)),
        (RawPeriod("year", 2022, 0), "annual", Period(2022, 1, 1)),
        (RawPeriod("quarter", 2022, 1), "monthly", Period(2021, 6, 12)),  # Q1 FY2022 is April-June 2021
        (RawPeriod("year", 2022, 0), "monthly", Period(2022, 3, 12)),  # the fiscal year's last month
        (RawPeriod("month", 2021, 5), "monthly", Period(2021, 5, 12)),
    ],
)
def test_measures_count_in_the_cadence_period_that_holds_or_ends_them(
    raw: RawPeriod, cadence: str, expected: Period
) -> None:
    assert fiscal_period(raw, 4, cadence) == expected


@pytest.mark.parametrize(
    ("period", "frequency", "expected"),
    [
        (Period(2026, 8, 12), "quarterly", Period(2026, 6, 12)),  # July start: Q4 FY2026 ended in June
        (Period(2026, 9, 12), "quarterly", Period(2026, 9, 12)),
        (Period(2026, 8, 12), "annual", Period(2026, 6, 12)),
        (Period(2026, 6, 12), "annual", Period(2026, 6, 12)),
        (Period(2026, 8, 12), "monthly", Period(2026, 8, 12)),
        (Period(2026, 2), "annual", Period(2025, 4)),
        (Period(2026, 1, 1), "monthly", Period(2026, 1, 1)),
    ],
)
def test_a_kpi_reported_less_often_carries_its_latest_completed_value(
    period: Period, frequency: str, expected: Period
) -> None:
    assert reading_period(period, frequency, 7) == expected


def test_values_due_in_a_year_and_in_a_month() -> None:
    assert [str(p) for p in periods_due(Period(2022, 1, 1), "quarterly", 4)] == [f"2022-Q{q}" for q in (1, 2, 3, 4)]
    assert [str(p) for p in periods_due(Period(2022, 1, 1), "monthly", 4)][::11] == ["2021-04", "2022-03"]
    assert periods_due(Period(2026, 8, 12), "quarterly", 7) == ()
    assert [str(p) for p in periods_due(Period(2026, 9, 12), "quarterly", 7)] == ["2027-Q1"]
    assert [str(p) for p in periods_due(Period(2026, 6, 12), "annual", 7)] == ["2026"]


# --- check, --period and validation ---------------------------------------------------------


def test_the_annual_and_monthly_examples_pass_check() -> None:
    code, out, err = run("check", *folders(REGULATOR))
    assert (code, out) == (0, "OK: 3 units, 19 KPIs, 72 measures; latest period 2022; 1 warning.\n")
    eastvale = REGULATOR / "content/units/eastvale.yaml"
    assert err == (
        f"{eastvale}:1: warning: unit 'eastvale' has no values for 2022: its pages show its latest values, from FY2021\n"
    )
    code, out, _ = run("check", *folders(OPERATIONS))
    assert (code, out) == (0, "OK: 3 units, 10 KPIs, 132 measures; latest period 2026-09; 0 warnings.\n")


@pytest.mark.parametrize(
    ("example", "period", "message"),
    [
        (REGULATOR, "2022-Q1", "error: --period '2022-Q1' is not a year (expected YYYY, e.g. 2022)"),
        (OPERATIONS, "2026-Q3", "error: --period '2026-Q3' is not a month (expected YYYY-MM, e.g. 2026-09)"),
        (OPERATIONS, "2030-01", "error: --period 2030-01 has no data (measures run from 2025-04 to 2026-09)"),
    ],
)
def test_period_takes_the_cadence_form_with_a_usage_error(example: Path, period: str, message: str) -> None:
    code, _, err = run("export", "--period", period, *folders(example))
    assert (code, err.strip()) == (2, message)


def test_a_unit_cadence_other_than_the_organisation_is_an_error_at_its_line(tree: Tree) -> None:
    project = tree(
        **{"content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\ncadence: monthly\n"}
    )
    code, _, err = run("check", "--content", str(project / "content"), "--measures", str(project / "measures"))
    where = project / "content/units/team-a.yaml"
    assert code == 1
    assert (
        f"{where}:5: error: cadence: unit 'team-a' reports monthly, but the organisation's scorecard is quarterly "
        "(one scorecard reports on one cadence: remove the unit's `cadence` or change it in organization.yaml)"
    ) in err


def test_a_commentary_folder_takes_the_cadence_form(tree: Tree) -> None:
    project = tree(
        **{
            "content__organization.yaml": "name: Org\ncadence: annual\n",
            "content__commentary__2026-Q2__root.md": "## Summary\n\nFine.\n",
        }
    )
    code, _, err = run("check", "--content", str(project / "content"), "--measures", str(project / "measures"))
    assert code == 1
    assert "commentary folder '2026-Q2' is not a year (expected commentary/YYYY/<unit-id>.md)" in err


@pytest.mark.parametrize("mistake", ["window: 0", "missing: carry_forward"])
def test_one_mistake_in_organization_yaml_keeps_its_cadence(tree: Tree, mistake: str) -> None:
    project = _grouping_project(tree)
    (project / "content/organization.yaml").write_text(
        f"name: Council\ncadence: annual\nfiscal_year_start: 4\n{mistake}\n"
    )
    (project / "content/units/north.yaml").write_text(
        _DISTRICT.replace("ID", "north").replace("NAME", "North") + "cadence: annual\n"
    )
    (project / "content/commentary/2026").mkdir(parents=True)
    (project / "content/commentary/2026/north.md").write_text("## Summary\n\nFine.\n")
    code, _, err = run("check", "--content", str(project / "content"), "--measures", str(project / "measures"))
    assert code == 1 and err.count("error:") == 1 and err.endswith("1 error in content or measures.\n"), err
    assert f"{project / 'content/organization.yaml'}:4: error: " in err


# --- Aggregation across cadences ---------------------------------------------------------------

_ONE_UNIT = """
id: root
name: Root
objectives:
  - id: o
    name: O
    perspective: internal
    kpis:
      - {id: calls, name: Calls, owner: A, frequency: FREQ, aggregation: sum, target: 100}
      - {id: survey, name: Survey, owner: A, frequency: quarterly, target: 80}
"""


def _project(tree: Tree, cadence: str, freq: str, rows: str) -> Path:
    return tree(
        None,
        **{
            "content__organization.yaml": f"name: Org\ncadence: {cadence}\nfiscal_year_start: 7\n",
            "content__units__root.yaml": _ONE_UNIT.replace("FREQ", freq),
            "measures__m.csv": "unit,kpi,period,value\n" + rows,
        },
    )


def test_quarterly_and_monthly_values_add_up_to_the_year(tree: Tree) -> None:
    quarters = "".join(f"root,calls,2026-Q{q},{10 * q}\nroot,survey,2026-Q{q},{70 + q}\n" for q in (1, 2, 3, 4))
    project = _project(tree, "annual", "quarterly", quarters)
    report, _ = make_report(project / "content", project / "measures", "2026")
    calls, survey = report.current.kpis[("root", "calls")], report.current.kpis[("root", "survey")]
    assert (calls.actual, survey.actual) == (100.0, 72.5)  # each by its aggregation: summed, averaged
    months = "".join(f"root,calls,{2025 + (m > 12)}-{(m - 1) % 12 + 1:02d},5\n" for m in range(7, 19))
    project = _project(tree, "annual", "monthly", months)
    report, _ = make_report(project / "content", project / "measures", "2026")
    assert report.current.kpis[("root", "calls")].actual == 60.0  # July 2025 - June 2026 is FY2026


def test_a_quarterly_kpi_in_a_monthly_scorecard_is_carried_but_charted_once(tree: Tree) -> None:
    rows = "".join(f"root,calls,2025-{m:02d},{m}\n" for m in range(7, 12)) + "root,survey,2026-Q1,82\n"
    project = _project(tree, "monthly", "monthly", rows)
    report, _ = make_report(project / "content", project / "measures", "2025-11")
    assert report.current.kpis[("root", "survey")].actual == 82.0  # the Jul-Sep survey, the latest in November
    assert report.current.kpis[("root", "calls")].ytd == 45.0  # July-November
    history = {str(r.period): r.actual for r in report.kpi_history("root", "survey")}
    assert history == {"2025-07": None, "2025-08": None, "2025-09": 82.0, "2025-10": None, "2025-11": None}


def test_a_quarterly_kpi_in_a_monthly_scorecard_keeps_its_year_to_date_and_its_reports(tree: Tree) -> None:
    rows = "".join(f"root,calls,2025-{m:02d},{m}\n" for m in range(7, 12))
    rows += "root,survey,2025-Q4,70\nroot,survey,2026-Q1,82\n"  # Apr-Jun, then Jul-Sep 2025
    project = _project(tree, "monthly", "monthly", rows)
    report, _ = make_report(project / "content", project / "measures", "2025-11")
    assert report.current.kpis[("root", "survey")].ytd == 82.0  # FY2026 so far: its Jul-Sep survey
    page = {p.path: p.text for p in render_site(report)}["units/root/details.md"]
    table = page.split("{#kpi-survey}", 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<th scope="row">([^<]*)</th>', table) == ["Sep 2025", "Jun 2025"]  # no empty months
    figure = page.split("{#kpi-survey}", 1)[1].split("data-figure='", 1)[1]
    assert '"connectgaps":true' in figure.split("'", 1)[0]


# --- Late filers and the missing policy ---------------------------------------------------------


def test_a_late_filer_shows_its_latest_values_marked_with_their_year() -> None:
    report, _ = make_report(REGULATOR / "content", REGULATOR / "measures", None)
    leakage = kpi_display(report, "eastvale", report.scorecard.kpi("eastvale", "leakage"))
    assert (leakage.actual, leakage.stale, leakage.status.word) == ("129 l/prop/day", "from FY2021", "At risk")
    history = {str(r.period): r.actual for r in report.kpi_history("eastvale", "leakage")}
    assert history == {"2018": 118.0, "2019": 121.0, "2020": 124.0, "2021": 129.0, "2022": None}  # never repeated


@pytest.mark.parametrize(("policy", "customers"), [("skip", 410400), ("carry-forward", 410400 + 259700)])
def test_roll_ups_follow_the_missing_policy(tree: Tree, policy: str, customers: int) -> None:
    organization = (REGULATOR / "content/organization.yaml").read_text(encoding="utf-8")
    project = tree(None)
    for path in (REGULATOR / "content").rglob("*.*"):
        target = project / "content" / path.relative_to(REGULATOR / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "content/organization.yaml").write_text(organization.replace("missing: skip", f"missing: {policy}"))
    (project / "measures/filings.csv").write_text((REGULATOR / "measures/filings.csv").read_text(encoding="utf-8"))
    report, _ = make_report(project / "content", project / "measures", None)
    assert report.current.kpis[("regulator", "customers")].actual == customers


def _late_west(tree: Tree) -> Path:
    parent = (
        "id: root\nname: Parent\nobjectives:\n  - id: serve\n    name: Serve\n    perspective: internal\n    kpis:\n"
    )
    parent += "      - {id: calls, name: Calls, owner: A, frequency: monthly, aggregation: sum, rollup: sum}\n"
    child = "id: ID\nname: NAME\nparent: root\nobjectives:\n  - id: serve\n    name: Serve\n    perspective: internal\n"
    child += "    kpis:\n      - {id: calls, name: Calls, owner: A, frequency: monthly, aggregation: sum, target: 50}\n"
    rows = "".join(f"east,calls,2025-{m:02d},10\n" for m in (7, 8, 9, 10))
    rows += "".join(f"west,calls,2025-{m:02d},100\n" for m in (7, 8, 9))  # west has not filed October
    project = tree(
        None,
        **{
            "content__organization.yaml": "name: Org\ncadence: monthly\nfiscal_year_start: 7\n",
            "content__units__root.yaml": parent,
            "content__units__east.yaml": child.replace("NAME", "East").replace("ID", "east"),
            "content__units__west.yaml": child.replace("NAME", "West").replace("ID", "west"),
            "measures__m.csv": "unit,kpi,period,value\n" + rows,
        },
    )
    return project


def test_a_roll_up_year_to_date_keeps_the_months_a_late_unit_filed(tree: Tree) -> None:
    project = _late_west(tree)
    september, _ = make_report(project / "content", project / "measures", "2025-09")
    october, _ = make_report(project / "content", project / "measures", "2025-10")
    assert september.current.kpis[("root", "calls")].ytd == 330.0
    assert october.current.kpis[("root", "calls")].actual == 10.0  # skip: October's roll-up has east only
    assert october.current.kpis[("root", "calls")].ytd == 340.0  # west's July-September still count


# --- Exports, pages and packs say the cadence ------------------------------------------------------


def test_an_annual_export_names_years_and_carries_the_late_filer() -> None:
    code, out, _ = run("export", "--format", "csv", *folders(REGULATOR))
    assert code == 0 and not QUARTERLY_WORDS.search(out)
    rows = {(r["unit"], r["kpi"]): r for r in csv.DictReader(io.StringIO(out)) if r["level"] == "kpi"}
    late = rows[("eastvale", "leakage")]
    assert (late["period"], late["actual"], late["latest_period"], late["carried"]) == ("2022", "129", "2021", "true")
    assert late["same_period_last_year"] == "124"  # FY2020, a year before its own FY2021
    assert rows[("northbrook", "leakage")]["carried"] == "false"


def test_a_monthly_export_has_year_to_date_and_the_same_month_last_year() -> None:
    code, out, _ = run("export", *folders(OPERATIONS))
    rows = {(r["unit"], r["kpi"]): r for r in json.loads(out) if r["level"] == "kpi"}
    injuries = rows[("operations", "injuries")]
    assert code == 0 and (injuries["period"], injuries["ytd"], injuries["same_period_last_year"]) == ("2026-09", 0, 1)


def test_annual_pages_never_say_quarter_and_compare_with_last_year() -> None:
    report, _ = make_report(REGULATOR / "content", REGULATOR / "measures", None)
    pages = {p.path: p.text for p in render_site(report)}
    for path, text in pages.items():
        visible = re.sub(r"<[^>]+>", " ", text)
        assert not QUARTERLY_WORDS.search(visible), (path, QUARTERLY_WORDS.search(visible))
    assert "## What changed since last year" in pages["index.md"]
    assert re.search(r'Eastvale Water</a>.*?<span class="sp-stale">from FY2021</span>', pages["index.md"])  # the tree
    assert "Latest values from FY2021: none reported for FY2022." in pages["units/eastvale/index.md"]
    assert '<p class="sp-stale">Latest values from FY2021: none reported for FY2022.</p>' in pages["units/eastvale/map.md"]
    assert "sp-stale" not in pages["units/northbrook/map.md"]  # a unit that reported says nothing
    assert '<th scope="col">Recent years</th>' in pages["units/eastvale/index.md"]
    assert '"x":["FY2018","FY2019","FY2020","FY2021","FY2022"]' in pages["units/eastvale/details.md"]


def test_monthly_pages_show_year_to_date_the_same_month_last_year_and_13_months() -> None:
    report, _ = make_report(OPERATIONS / "content", OPERATIONS / "measures", None)
    words = period_words(report)
    assert (words.since_last, words.pack_title, words.window) == ("since last month", "Monthly report", 13)
    page = {p.path: p.text for p in render_site(report)}["units/operations/index.md"]
    assert (
        '<th scope="col" class="sp-num"><abbr title="Year to date">YTD</abbr></th>'
        '<th scope="col" class="sp-num"><abbr title="Same month last year">Last year</abbr></th>' in page
    )
    assert "## What changed since last month" in page and '<th scope="col">Recent months</th>' in page
    spark = re.search(r'aria-label="Recent months: ([^"]*)"', page)
    assert spark is not None and len(spark[1].split(", ")) == 13


# --- In a browser and in print ---------------------------------------------------------------------

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def _page_texts(site: Path, pages: list[str]) -> dict[str, str]:
    """Return the text a reader sees on each page, opened over file:// in Debian's Chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        page = browser.new_page()
        texts = {}
        for name in pages:
            page.goto((site / name).as_uri())
            texts[name] = page.inner_text("body")
        browser.close()
    return texts


@pytest.mark.browser
@pytest.mark.parametrize(
    ("example", "pages", "expected", "absent"),
    [
        (
            REGULATOR,
            ["index.html", "units/eastvale/index.html", "units/eastvale/details.html", "changes.html"],
            ["FY2022", "What changed since last year", "from FY2021"],
            QUARTERLY_WORDS,
        ),
        (
            OPERATIONS,
            ["index.html", "units/operations/index.html"],
            ["Sep 2026", "What changed since last month", "YTD", "Last year"],
            re.compile(r"quarter\b|\bQ[1-4]\b"),
        ),
    ],
    ids=["annual", "monthly"],
)
def test_pages_in_a_browser_speak_the_cadence(
    example: Path, pages: list[str], expected: list[str], absent: re.Pattern[str], tmp_path: Path
) -> None:
    from generator.build import build_site

    build_site(
        example / "content",
        example / "measures",
        tmp_path / "site",
        config=example / "mkdocs.yml",
        work=tmp_path / "b",
        pdf=False,
    )
    texts = _page_texts(tmp_path / "site", pages)
    for name, text in texts.items():
        assert not absent.search(text), (name, absent.search(text))
    joined = "\n".join(texts.values())
    assert all(words in joined for words in expected)


_JOURNEYS = """\
id: root
name: Transit
objectives:
  - id: run
    name: Run a reliable network
    perspective: internal
    kpis:
      - {id: ridership, name: Passenger journeys, owner: A, unit: journeys, aggregation: sum, target: 2000000}
      - {id: km, name: Service kilometres, owner: A, unit: km, aggregation: sum, target: 900000}
"""


@pytest.mark.browser
def test_monthly_unit_tables_fit_the_content_column_at_1280_px(tree: Tree, tmp_path: Path) -> None:
    from generator.build import build_site

    sync_api = pytest.importorskip("playwright.sync_api")
    months = [f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(1, 23)]
    rows = "".join(f"root,ridership,{m},{1944983 + i}\nroot,km,{m},{958207 + i}\n" for i, m in enumerate(months))
    project = tree(
        None,
        **{
            "content__organization.yaml": "name: Transit\ncadence: monthly\nfiscal_year_start: 7\n",
            "content__units__root.yaml": _JOURNEYS,
            "measures__m.csv": "unit,kpi,period,value\n" + rows,
        },
    )
    build_site(project / "content", project / "measures", tmp_path / "site", work=tmp_path / "b", pdf=False)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((tmp_path / "site" / "units" / "root" / "index.html").as_uri())
        widths = page.evaluate(
            "() => { const c = document.querySelector('.md-content__inner').getBoundingClientRect().width;"
            " return [...document.querySelectorAll('table.sp-scorecard')]"
            ".map(t => [Math.round(t.getBoundingClientRect().width), Math.round(c)]); }"
        )
        browser.close()
    assert widths and all(table <= column for table, column in widths), widths


@pytest.mark.pdf
def test_an_annual_pack_is_an_annual_report_without_quarters(tmp_path: Path) -> None:
    import subprocess

    code, _, _ = run("pdf", *folders(REGULATOR), "--unit", "eastvale", "--out", str(tmp_path))
    assert code == 0
    pack = tmp_path / "2022-eastvale.pdf"
    text = " ".join(
        subprocess.run(["pdftotext", str(pack), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    info = subprocess.run(["pdfinfo", str(pack)], check=True, capture_output=True, text=True).stdout
    assert "Eastvale Water: annual report FY2022" in info
    assert "Annual report FY2022" in text and "Latest values from FY2021: none reported for FY2022." in text
    assert not QUARTERLY_WORDS.search(text), QUARTERLY_WORDS.search(text)
    assert "FY2018 FY2019 FY2020 FY2021 FY2022" in text  # the appendix: five years, one column each


def test_a_unit_reporting_only_less_often_than_the_cadence_is_not_late_between_reports() -> None:
    report, warnings = make_report(OPERATIONS / "content", OPERATIONS / "measures", "2026-08")
    on_time = report.current.kpis[("operations", "on_time")]  # rolled up from this August's values
    survey = report.current.kpis[("operations", "satisfaction")]  # the April-June survey, still current
    assert (on_time.actual, on_time.carried, survey.actual, survey.carried) == (87.25, False, 86.0, False)
    assert not [w for w in warnings if "has no values" in w.message]


# --- Late filers in comparisons ------------------------------------------------------------------

_DISTRICT = """\
id: ID
name: NAME
parent: council
objectives:
  - id: serve
    name: Serve
    perspective: internal
    kpis:
      - {id: potholes, name: Potholes repaired, owner: A, unit: "%", target: 90, frequency: annual}
"""


def _grouping_project(tree: Tree) -> Path:
    """An annual council over two districts, South's latest value a year older than North's."""
    return tree(
        None,
        **{
            "content__organization.yaml": "name: Council\ncadence: annual\nfiscal_year_start: 4\n",
            "content__units__council.yaml": "id: council\nname: Council\n",
            "content__units__north.yaml": _DISTRICT.replace("ID", "north").replace("NAME", "North"),
            "content__units__south.yaml": _DISTRICT.replace("ID", "south").replace("NAME", "South"),
            "measures__m.csv": "unit,kpi,period,value\nnorth,potholes,2025,91\nnorth,potholes,2026,93\n"
            "south,potholes,2025,80\n",
        },
    )


def test_a_late_filer_is_marked_with_its_year_among_the_units_below(tree: Tree) -> None:
    project = _grouping_project(tree)
    report, _ = make_report(project / "content", project / "measures", None)
    page = {p.path: p.text for p in render_site(report)}["units/council/index.md"]
    assert (
        '<a href="../south/index.html">South</a> <span class="sp-stale">from FY2025</span></th>' in page
    )  # list and column
    assert page.count('South</a> <span class="sp-stale">from FY2025</span>') == 2
    assert '<span class="sp-value">80.0%</span>' in page
    assert re.search(
        r"80\.0%</span> <span class=\"sp-status[^>]*>.*?</span> <span class=\"sp-stale\">from FY2025", page
    )


def test_a_late_filer_is_marked_in_the_heatmap() -> None:
    report, _ = make_report(REGULATOR / "content", REGULATOR / "measures", None)
    page = {p.path: p.text for p in render_site(report)}["units/regulator/index.md"]
    assert '<a href="../eastvale/index.html">Eastvale Water</a> <span class="sp-stale">from FY2021</span></th>' in page
    assert "Eastvale Water (from FY2021)" in page  # the chart's row label
    assert re.search(
        r'Eastvale Water</a> <span class="sp-status[^"]*">.*?</span> <span class="sp-score-small">[0-9.]+</span> '
        r'<span class="sp-stale">from FY2021</span></li>',
        page,
    )  # the list of units below


def _pack_html(report: object, unit_id: str) -> str:
    """Return a pack's text as laid out (pdftotext, on one line)."""
    return pack_text(report, unit_id)  # type: ignore[arg-type]


def test_a_late_filer_is_marked_in_its_parents_pack(tree: Tree) -> None:
    project = _grouping_project(tree)
    report, _ = make_report(project / "content", project / "measures", None)
    units = _pack_html(report, "council")
    assert "South from FY2025" in units and "80.0% ◆ Off target from FY2025" in units
    report, _ = make_report(REGULATOR / "content", REGULATOR / "measures", None)
    summary = _pack_html(report, "regulator").split("Unit summaries", 2)[2]  # the section, after its line in the contents
    assert "Managing Director Latest values from FY2021: none reported for FY2022. Perspective" in summary


def test_a_late_filers_pack_says_its_values_are_from_its_latest_period() -> None:
    report, _ = make_report(REGULATOR / "content", REGULATOR / "measures", None)
    assert (
        "KPIs without data (0) Every KPI has a value from its latest period. "
        "Latest values from FY2021: none reported for FY2022." in _pack_html(report, "eastvale")
    )
    assert "KPIs without data (0) Every KPI has a value for FY2022." in _pack_html(report, "northbrook")


def test_a_monthly_pack_scorecard_has_year_to_date_and_the_same_month_last_year() -> None:
    report, _ = make_report(OPERATIONS / "content", OPERATIONS / "measures", None)
    text = _pack_html(report, "operations").split("Scorecard", 2)[2]
    assert "Objective / KPI Status Score Actual Target Year to date Same month last year Trend" in text
    report, _ = make_report(REGULATOR / "content", REGULATOR / "measures", None)
    assert "Objective / KPI Status Score Actual Target Trend" in _pack_html(report, "eastvale")


def test_the_quality_page_names_periods_by_their_labels(tree: Tree) -> None:
    project = _grouping_project(tree)
    report, _ = make_report(project / "content", project / "measures", None)
    page = " ".join(re.sub(r"<[^>]+>", " ", {p.path: p.text for p in render_site(report)}["quality.md"]).split())
    assert "1 value due for the year and not reported yet. scorecard collect" in page  # no "(months for ...)"
    assert "Potholes repaired (South) FY2026" in page and "stale: latest value FY2025" in page
    assert not re.search(r"\b20\d\d\b(?!\))", page.replace("FY20", "")), page  # no bare year ids


def test_an_export_names_an_annual_kpis_latest_period_by_its_id(tree: Tree) -> None:
    project = _project(tree, "monthly", "annual", "root,calls,2025,10\nroot,survey,2026-Q1,82\n")
    code, out, _ = run("export", "--format", "csv", "--period", "2025-09", *folders(project))
    rows = {r["kpi"]: r for r in csv.DictReader(io.StringIO(out)) if r["level"] == "kpi"}
    assert code == 0 and (rows["calls"]["latest_period"], rows["survey"]["latest_period"]) == ("2025", "2025-09")


def test_a_kpi_without_frequency_reports_on_the_organisations_cadence(tree: Tree) -> None:
    project = _grouping_project(tree)
    for name in ("north", "south"):
        path = project / f"content/units/{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(", frequency: annual", ""), encoding="utf-8")
    code, out, err = run("check", *folders(project))
    assert code == 0 and "error" not in err and out.startswith("OK: 3 units, 2 KPIs, 3 measures; latest period 2026;")
    assert load_tree(project).kpi("north", "potholes").frequency == "annual"


def test_details_say_how_a_kpis_values_make_the_cadences_periods(tree: Tree) -> None:
    project = _grouping_project(tree)
    report, _ = make_report(project / "content", project / "measures", None)
    page = {p.path: p.text for p in render_site(report)}["units/north/details.md"]
    assert "<dt>Polarity</dt><dd>Higher is better; reported each year</dd>" in page
    project = _project(tree, "monthly", "monthly", "root,calls,2025-07,5\nroot,survey,2026-Q1,82\n")
    report, _ = make_report(project / "content", project / "measures", None)
    page = {p.path: p.text for p in render_site(report)}["units/root/details.md"]
    assert "<dd>Higher is better; reported each month; summed into the year to date</dd>" in page
    assert "<dd>Higher is better; quarterly; each month shows the latest quarter&#39;s value</dd>" in page
    project = _project(tree, "annual", "quarterly", "root,calls,2026-Q1,5\n")
    report, _ = make_report(project / "content", project / "measures", None)
    page = {p.path: p.text for p in render_site(report)}["units/root/details.md"]
    assert "<dd>Higher is better; quarterly, summed into each year</dd>" in page


def test_a_late_units_tiles_show_no_move_since_its_own_latest_month(tree: Tree) -> None:
    project = _late_west(tree)
    report, _ = make_report(project / "content", project / "measures", "2025-10")
    pages = {p.path: p.text for p in render_site(report)}
    assert "since Sep 2025" in pages["units/east/index.md"]  # east filed October: its score moved, or not
    assert "since Sep 2025" not in pages["units/west/index.md"]


def test_format_names_commentary_folders_by_the_cadences_period() -> None:
    code, out, _ = run("schema")
    assert code == 0 and "<YYYY-Qn>" not in out
    assert "- `content/commentary/<period>/<unit-id>.md`: commentary (see below), one folder per period" in out


def test_a_monthly_pack_appendix_says_why_a_quarterly_kpi_has_dashes(tree: Tree) -> None:
    project = _project(tree, "monthly", "monthly", "root,calls,2025-07,5\nroot,survey,2026-Q1,82\n")
    report, _ = make_report(project / "content", project / "measures", None)
    assert "A dash means no value. A quarterly KPI has a value only in the months that end its period." in _pack_html(
        report, "root"
    )


def test_the_note_on_rarer_kpis_says_an_annual_kpi() -> None:
    from generator.present.periods import less_often_note

    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    kpis = [k for unit in report.scorecard.units.values() for o in unit.objectives for k in o.kpis]
    assert less_often_note(report, kpis) == "An annual KPI has a value only in the quarters that end its period."
