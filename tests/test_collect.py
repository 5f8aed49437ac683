"""`scorecard collect`: owner workbooks out, filled as an owner would, back into measures/ and the export."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import openpyxl
import openpyxl.utils
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.collection import plan_collection
from generator.export import LEVEL_COLUMNS
from generator.periods import Period, RawPeriod, periods_due
from tests.conftest import ROOT, Tree, report_for


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _paths(project: Path) -> list[str]:
    return ["--content", str(project / "content"), "--measures", str(project / "measures")]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for folder in ("content", "measures"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def _with_root(tree: Tree, edit: Callable[[str], str]) -> Path:
    """Return the minimal project with its root unit's YAML edited."""
    project = tree()
    path = project / "content" / "units" / "root.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return project


def _fill(path: Path, values: dict[tuple[str, str, str], object]) -> None:
    """Type values into the workbook as an owner would: only into the value cells."""
    book = openpyxl.load_workbook(path)
    sheet = book["Scorecard"]
    for row in range(2, sheet.max_row + 1):
        key = (sheet.cell(row, 1).value, sheet.cell(row, 2).value, sheet.cell(row, 3).value)
        if key in values:
            sheet.cell(row, 4).value = values[key]
    book.save(path)


def test_collect_fill_return_and_export_round_trip_on_the_example(example: Path) -> None:
    code, out, _ = run("collect", *_paths(example), "--out", str(example / "collect"))
    assert code == 0, out
    assert out.splitlines()[-1] == "28 workbooks, 96 values to report for 2026-Q4."
    path = example / "collect" / "2026-Q4-marcus-bell-service-desk-manager.xlsx"
    assert f"Wrote {path}: 21 values for Marcus Bell, Service Desk Manager" in out
    _fill(path, {("it-service-desk", "desk_within_sla", "2026-Q4"): 94.5})
    security = example / "collect" / "2026-Q4-fatima-haddad-chief-information-security-officer.xlsx"
    _fill(security, {("it-security", "iso27001_audit", "2026-Q4"): "compliant"})
    shutil.copy(path, example / "measures")
    shutil.copy(security, example / "measures")
    code, out, err = run("export", *_paths(example), "--period", "2026-Q4")
    assert code == 0, err
    [row] = [r for r in json.loads(out) if r["kpi"] == "desk_within_sla" and r["unit"] == "it-service-desk"]
    assert (row["period"], row["actual"], row["latest_period"]) == ("2026-Q4", 94.5, "2026-Q4")
    [audit] = [r for r in json.loads(out) if r["kpi"] == "iso27001_audit"]
    assert (audit["actual"], audit["status"]) == ("compliant", "green")


def test_the_workbook_has_the_measures_columns_context_locked_cells_and_validation(example: Path) -> None:
    run("collect", *_paths(example), "--out", str(example / "out"))
    book = openpyxl.load_workbook(example / "out" / "2026-Q4-fatima-haddad-chief-information-security-officer.xlsx")
    assert book.sheetnames == ["Instructions", "Scorecard", "Levels"]
    assert book["Levels"].sheet_state == "hidden"
    sheet = book["Scorecard"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "unit", "kpi", "period", "value", "note", "KPI name", "unit of measure", "target for the period",
        "red flag", "polarity", "last four values", "description",
    ]  # fmt: skip
    assert rows[3][:11] == [
        "it-security", "critical_vulns_patched", "2026-Q4", None, None,
        "Critical vulnerabilities patched in 14 days", "%", "95%", "85%", "higher is better",
        "2025-Q4: 96%; 2026-Q1: 97%; 2026-Q2: 95%; 2026-Q3: 96%",
    ]  # fmt: skip
    # a monthly KPI in a quarterly scorecard: a row per month
    assert [r[2] for r in rows if r[1] == "tickets_resolved"] == ["2026-10", "2026-11", "2026-12"]
    assert sheet.protection.sheet and book["Instructions"].protection.sheet
    unlocked = {c.coordinate for row in sheet.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == {f"{col}{row}" for col in "DE" for row in range(2, len(rows) + 1)}
    checks = {str(v.sqref): (v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    assert checks == {
        "D2 D4 D5 D6 D7": ("custom", 'OR(ISNUMBER(D2),LOWER(TRIM(D2))="n/a")', None),
        "E2 E3 E4 E5 E6 E7": ("textLength", "10000", None),
        "D3": ("list", "Levels!$A$1:$A$4", None),
    }
    levels = [book["Levels"][f"A{i}"].value for i in (1, 2, 3, 4)]
    assert levels == ["compliant", "minor-findings", "major-nonconformity", "n/a"]
    assert book.custom_doc_props["scorecard-press"].value == "collect 2026-Q4"


def test_calculated_and_rolled_up_kpis_are_not_asked_and_ownerless_kpis_go_to_the_unit_owner(tree: Tree) -> None:
    project = _with_root(tree, lambda text: text.replace("        owner: Bo\n", ""))
    report = report_for(project, "2026-Q2")
    plan = {a.key: [(v.unit, v.kpi, str(v.period), v.reported) for v in a.values] for a in plan_collection(report)}
    assert plan == {
        "Ada": [("root", "income", "2026-Q2", True), ("root", "satisfaction", "2026-Q2", False)],
        "Cy": [
            ("team-a", "total_tickets", "2026-04", True),
            ("team-a", "total_tickets", "2026-05", False),
            ("team-a", "total_tickets", "2026-06", False),
            ("team-a", "cost", "2026-Q2", True),
            ("team-b", "total_tickets", "2026-04", True),
            ("team-b", "total_tickets", "2026-05", False),
            ("team-b", "total_tickets", "2026-06", False),
            ("team-b", "cost", "2026-Q2", True),
        ],
    }
    by_unit = {a.key: len(a.values) for a in plan_collection(report, "unit", missing_only=True)}
    assert by_unit == {"root": 1, "team-a": 2, "team-b": 2}


def test_a_kpi_nobody_owns_goes_to_unassigned(tree: Tree) -> None:
    project = _with_root(tree, lambda text: re.sub(r"(?m)^ *owner: (Ada|Bo)\n", "", text))
    assert [a.key for a in plan_collection(report_for(project, "2026-Q2"))] == ["unassigned", "Cy"]


@pytest.mark.parametrize(
    ("frequency", "quarter", "expected"),
    [
        ("quarterly", Period(2026, 3), ["2026-Q3"]),
        ("monthly", Period(2026, 3), ["2026-07", "2026-08", "2026-09"]),
        ("annual", Period(2026, 3), []),
        ("annual", Period(2026, 4), ["2026"]),
    ],
)
def test_periods_due_walk_the_quarter(frequency: str, quarter: Period, expected: list[str]) -> None:
    assert [str(p) for p in periods_due(quarter, frequency)] == expected


def test_periods_due_follow_the_fiscal_year() -> None:
    # FY2026 starting in July: its first quarter is July-September 2025
    assert periods_due(Period(2026, 1), "monthly", 7) == tuple(RawPeriod("month", 2025, m) for m in (7, 8, 9))
    assert periods_due(Period(2026, 1), "monthly", 11)[-1] == RawPeriod("month", 2026, 1)


def test_missing_only_writes_only_what_is_missing_and_check_lists_it_per_owner(tree: Tree) -> None:
    project = tree()
    code, out, _ = run(
        "collect", *_paths(project), "--period", "2026-Q2", "--missing-only", "--out", str(project / "c")
    )
    assert code == 0
    assert out.splitlines() == [
        f"Wrote {project}/c/2026-Q2-bo-missing.xlsx: 1 value for Bo",
        f"Wrote {project}/c/2026-Q2-cy-missing.xlsx: 4 values for Cy",
        "2 workbooks, 5 values to report for 2026-Q2.",
    ]
    code, out, _ = run("check", *_paths(project), "--period", "2026-Q2")
    assert out.splitlines()[1:] == [
        "Missing for 2026-Q2: 5 values from 2 owners (scorecard collect --missing-only writes their workbooks):",
        "  Bo: root/satisfaction 2026-Q2",
        "  Cy: team-a/total_tickets 2026-05, team-a/total_tickets 2026-06, team-b/total_tickets 2026-05, "
        "team-b/total_tickets 2026-06",
    ]


def _note(path: Path, key: tuple[str, str, str], note: str) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Scorecard"]
    [row] = [r for r in range(2, sheet.max_row + 1) if tuple(sheet.cell(r, c).value for c in (1, 2, 3)) == key]
    sheet.cell(row, 5).value = note
    book.save(path)


def test_the_reminder_cycle_keeps_every_returned_workbook_and_a_late_value_is_no_duplicate(tree: Tree) -> None:
    project = tree()
    measures = project / "measures"
    run("collect", *_paths(project), "--period", "2026-Q3", "--out", str(project / "first"))
    first = project / "first" / "2026-Q3-cy.xlsx"
    _fill(first, {("team-a", "total_tickets", "2026-07"): 10})
    _note(first, ("team-a", "total_tickets", "2026-08"), "figure late: the ticket tool was migrated")
    shutil.copy(first, measures)
    code, out, _ = run(
        "collect", *_paths(project), "--period", "2026-Q3", "--missing-only", "--out", str(project / "reminders")
    )
    assert code == 0 and f"Wrote {project}/reminders/2026-Q3-cy-missing.xlsx: 7 values for Cy" in out
    reminder = project / "reminders" / "2026-Q3-cy-missing.xlsx"
    _fill(reminder, {("team-a", "total_tickets", "2026-08"): 12})
    for path in (project / "reminders").iterdir():
        shutil.copy(path, measures)
    assert (measures / "2026-Q3-cy.xlsx").read_bytes() == first.read_bytes()  # the first return is still there
    code, out, err = run("export", *_paths(project), "--period", "2026-Q3", "--format", "csv")
    assert code == 0, err
    [row] = [r for r in out.splitlines() if ",team-a," in r and "total_tickets" in r]
    assert ",22.0," in row or ",22," in row  # 10 + 12: the late value counts, the empty row yields to it
    code, out, _ = run(
        "collect", *_paths(project), "--period", "2026-Q3", "--missing-only", "--out", str(project / "reminders")
    )
    assert f"Wrote {project}/reminders/2026-Q3-cy-missing-2.xlsx: 6 values for Cy" in out  # measures/ holds -missing


def test_collect_replaces_only_its_own_workbooks_and_says_so(tree: Tree, tmp_path: Path) -> None:
    project = tree()
    out = project / "c"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    run("collect", *_paths(project), "--out", str(out))
    code, text, _ = run("collect", *_paths(project), "--out", str(out))
    assert (
        code == 0
        and f"Wrote {out}/2026-Q3-ada.xlsx: 1 value for Ada (replaced the one an earlier collect wrote)" in text
    )
    other = openpyxl.Workbook()
    other.save(out / "2026-Q3-cy.xlsx")
    (out / "2026-Q3-bo.xlsx").unlink()  # an earlier collect's, now a link to a file it did not write
    (out / "2026-Q3-bo.xlsx").symlink_to(tmp_path / "elsewhere.xlsx")
    before = (out / "2026-Q3-ada.xlsx").stat().st_mtime_ns
    code, _, err = run("collect", *_paths(project), "--out", str(out))
    assert code == 1
    assert err == (
        f"error: {out}/2026-Q3-bo.xlsx, {out}/2026-Q3-cy.xlsx: exist and collect did not write them: "
        "nothing written (move the files away or choose another --out)\n"
    )
    assert (out / "2026-Q3-ada.xlsx").stat().st_mtime_ns == before
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == [
        "2026-Q3-ada.xlsx",
        "2026-Q3-bo.xlsx",
        "2026-Q3-cy.xlsx",
        "notes.txt",
    ]


def test_a_kpi_name_starting_with_equals_is_text_not_a_formula(tree: Tree) -> None:
    project = _with_root(tree, lambda text: text.replace("name: Income", 'name: \'=HYPERLINK("http://x","y")\''))
    run("collect", *_paths(project), "--out", str(project / "c"))
    sheet = openpyxl.load_workbook(project / "c" / "2026-Q3-ada.xlsx")["Scorecard"]
    cell = sheet["F2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")
    run("export", *_paths(project), "--format", "xlsx", "-o", str(project / "r.xlsx"))
    kpis = openpyxl.load_workbook(project / "r.xlsx")["KPIs"]
    [name] = [r[4] for r in kpis.iter_rows() if r[3].value == "income"]
    assert (name.value, name.data_type) == ('=HYPERLINK("http://x","y")', "s")


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("measures", "is the measures folder '{project}/measures'"),
        ("measures/returned", "is inside the measures folder '{project}/measures'"),
        ("content/units", "is inside the content folder '{project}/content'"),
    ],
)
def test_collect_never_writes_into_the_input_folders(tree: Tree, out: str, reason: str) -> None:
    project = tree()
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    code, _, err = run("collect", *_paths(project), "--period", "2026-Q3", "--out", str(project / out))
    assert code == 2
    assert err == (
        f"error: cannot write workbooks into --out '{project}/{out}': it {reason.format(project=project)}; "
        "nothing was written (owners fill the workbooks first; returned ones go into the measures folder)\n"
    )
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_collect_may_write_into_the_project_folder(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tree()
    monkeypatch.chdir(project)
    code, out, _ = run("collect", "--period", "2026-Q3", "--out", ".")
    assert code == 0 and (project / "2026-Q3-ada.xlsx").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-Q9"], "error: --period '2026-Q9' is not a quarter (expected YYYY-Qn, e.g. 2026-Q3)"),
        (["--period", "2028-Q1"], "error: --period 2028-Q1 is more than a year after the latest data (2026-Q2)"),
        (["--by", "team"], "Invalid value for '--by'"),
    ],
)
def test_collect_usage_errors_exit_2(tree: Tree, args: list[str], message: str) -> None:
    project = tree()
    code, _, err = run("collect", *_paths(project), *args, "--out", str(project / "c"))
    assert code == 2 and message in err
    assert not (project / "c").exists()


def test_export_xlsx_has_a_formatted_sheet_per_level(tree: Tree) -> None:
    project = tree()
    code, _, err = run("export", *_paths(project), "--format", "xlsx", "-o", str(project / "r.xlsx"))
    assert code == 0 and err == f"Wrote 20 rows for 2026-Q2 to {project}/r.xlsx.\n"
    book = openpyxl.load_workbook(project / "r.xlsx")
    assert book.sheetnames == ["Units", "Perspectives", "Objectives", "KPIs"]
    kpis = book["KPIs"]
    last = openpyxl.utils.get_column_letter(len(LEVEL_COLUMNS["kpi"]))
    assert (kpis.freeze_panes, kpis.auto_filter.ref) == ("A2", f"A1:{last}10")
    assert [c.value for c in kpis[1]] == list(LEVEL_COLUMNS["kpi"])
    income = next(r for r in kpis.iter_rows() if r[3].value == "income")
    assert (income[6].value, income[6].number_format) == (105, "#,##0")
    assert (income[10].value, income[10].fill.fgColor.rgb) == ("On target", "00C6EFCE")
    tickets = next(r for r in kpis.iter_rows() if r[3].value == "cost_per_ticket")
    assert tickets[7].number_format == "#,##0.0"


def test_export_xlsx_needs_a_file(tree: Tree) -> None:
    code, _, err = run("export", *_paths(tree()), "--format", "xlsx")
    assert code == 2 and err == "error: --format xlsx writes a workbook: name it with -o FILE.xlsx\n"


def test_export_xlsx_writes_a_band_as_low_to_high(tmp_path: Path) -> None:
    paths = ["--content", str(ROOT / "content"), "--measures", str(ROOT / "measures")]
    run("export", *paths, "--period", "2026-Q3", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    kpis = openpyxl.load_workbook(tmp_path / "r.xlsx")["KPIs"]
    [row] = [r for r in kpis.iter_rows(values_only=True) if r[3] == "it_spend_variance"]
    assert row[6:11] == (7.4, "-5.0 to 5.0", "-10.0 to 10.0", 5.1, "At risk")


def test_workbooks_get_the_mode_the_umask_gives_new_files(tree: Tree) -> None:
    project = tree()
    before = os.umask(0o027)
    try:
        run("collect", *_paths(project), "--period", "2026-Q3", "--out", str(project / "c"))
        run("export", *_paths(project), "--format", "xlsx", "-o", str(project / "r.xlsx"))
    finally:
        os.umask(before)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [*(project / "c").iterdir(), project / "r.xlsx"]}
    assert modes == {"2026-Q3-ada.xlsx": 0o640, "2026-Q3-bo.xlsx": 0o640, "2026-Q3-cy.xlsx": 0o640, "r.xlsx": 0o640}


def test_one_workbook_with_one_value_is_said_in_the_singular(tree: Tree) -> None:
    months = "".join(f"team-{t},total_tickets,2026-0{m},5\n" for t in "ab" for m in (5, 6))
    project = tree(**{"measures__more.csv": "unit,kpi,period,value\n" + months})
    code, out, _ = run(
        "collect", *_paths(project), "--period", "2026-Q2", "--missing-only", "--out", str(project / "c")
    )
    assert code == 0 and out.splitlines()[-1] == "1 workbook, 1 value to report for 2026-Q2."


def test_counts_show_bare_numbers_and_levels_no_polarity(tree: Tree, example: Path) -> None:
    project = _with_root(tree, lambda text: text.replace("unit: EUR", "unit: count", 1))
    run("collect", *_paths(project), "--period", "2026-Q3", "--out", str(project / "c"))
    sheet = openpyxl.load_workbook(project / "c" / "2026-Q3-ada.xlsx")["Scorecard"]
    [row] = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "income"]
    assert row[6:11] == ("count", "100", "80", "higher is better", "2026-Q1: 90; 2026-Q2: 105")
    run("collect", *_paths(example), "--out", str(example / "c"))
    book = openpyxl.load_workbook(example / "c" / "2026-Q4-fatima-haddad-chief-information-security-officer.xlsx")
    [audit] = [r for r in book["Scorecard"].iter_rows(min_row=2, values_only=True) if r[1] == "iso27001_audit"]
    assert audit[9] == "one of the levels, best first"
