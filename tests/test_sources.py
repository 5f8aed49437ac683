"""Measures from workbooks (.xlsx) and queries (.sql): the same rows, the same validation, their own places."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import DataError
from generator.load import load_input
from generator.validate import validate_input
from tests.conftest import FIXTURES, Tree, load_tree


def _workbook(path: Path, rows: list[list[object]], title: str = "Scorecard", above: int = 0) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for _ in range(above):
        sheet.append(["Measures for the quarter"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def _errors(project: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_tree(project)
    return [str(p).replace(str(project) + "/", "") for p in caught.value.problems]


def test_a_plain_table_in_a_workbook_is_read_with_other_columns_and_sheets_ignored(tree: Tree) -> None:
    project = tree()
    path = project / "measures" / "plain.xlsx"
    _workbook(path, [["Unit", "KPI", "Period", "Value", "Comment"], ["root", "income", "2026-Q3", 97, "ok"]], above=2)
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notes").append(["anything", "at all"])
    book.save(path)
    sc = load_tree(project)
    [measure] = [m for m in sc.measures if str(m.raw_period) == "2026-Q3"]
    assert (measure.unit, measure.kpi, measure.value, str(measure.where)) == (
        "root",
        "income",
        97.0,
        f"{path}:Scorecard!A4",
    )


def test_text_in_a_number_cell_is_named_by_file_sheet_and_cell(tree: Tree) -> None:
    project = tree()
    _workbook(
        project / "measures" / "it-q3.xlsx",
        [["unit", "kpi", "period", "value"], ["root", "income", "2026-Q3", "eighty"]],
        title="Q3 data",
    )
    assert _errors(project) == [
        "measures/it-q3.xlsx:'Q3 data'!D2: error: value: 'eighty' is not a number (expected e.g. 42 or 97.5; n/a for not applicable; blank for missing)"
    ]


def test_a_formula_counts_by_its_saved_value_and_an_empty_value_cell_is_not_reported(tree: Tree) -> None:
    project = tree()
    path = project / "measures" / "f.xlsx"
    _workbook(
        path,
        [["unit", "kpi", "period", "value"], ["root", "income", "2026-Q3", None], ["root", "income", "2026-Q4", None]],
    )
    # openpyxl saves no cached values; write the sheet XML as Excel would, formula and saved result
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<c r="D2" t="n"></c>', "").replace(
        '<c r="C2"', '<c r="D2"><f>40+50</f><v>90</v></c><c r="C2"', 1
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    sc = load_tree(project)
    assert [
        (str(m.raw_period), m.value)
        for m in sc.measures
        if m.raw_period.year == 2026 and m.raw_period.number >= 3 and m.kpi == "income"
    ] == [("2026-Q3", 90.0)]


def test_a_formula_saved_without_its_result_is_a_warning_naming_the_cell(tree: Tree) -> None:
    project = tree()
    path = project / "measures" / "f.xlsx"
    rows: list[list[object]] = [["unit", "kpi", "period", "value", "note"], ["root", "income", "2026-Q3", "=40+50"]]
    rows.append(["root", "income", "2026-Q4", None, "late"])  # empty, no formula: no warning
    _workbook(path, rows, title="Q3 data")  # openpyxl, like many programs, saves formulas without results
    raw = load_input(project / "content", project / "measures")
    assert [str(p).replace(str(project) + "/", "") for p in raw.problems] == [
        "measures/f.xlsx:'Q3 data'!D2: warning: value: a formula saved without its result (the program that "
        "wrote the file does not calculate), read as not reported; open and save the file in Excel or "
        "LibreOffice, or type the value"
    ]
    _, warnings = validate_input(raw)  # a warning: the project still loads
    assert [w.where.place for w in warnings if "formula" in w.message] == ["'Q3 data'!D2"]


def test_a_cell_formatted_as_a_percentage_is_refused_with_the_number_to_type(tree: Tree) -> None:
    project = tree()
    path = project / "measures" / "p.xlsx"
    _workbook(path, [["unit", "kpi", "period", "value"], ["root", "satisfaction", "2026-Q3", 0.875]])
    book = openpyxl.load_workbook(path)
    book.active["D2"].number_format = "0.0%"  # type: ignore[index]
    book.save(path)
    assert _errors(project) == [
        "measures/p.xlsx:Scorecard!D2: error: value: the cell shows a percentage but holds 0.875; type the number "
        "the KPI counts (e.g. 87.5) in a cell formatted as a number"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"unit,kpi\n",
            "is not an Excel workbook (.xlsx is a zip archive; an old .xls or a CSV renamed? save as .xlsx)",
        ),
        (None, "no sheet has the columns unit, kpi, period, value in a header row (the first 20 rows were searched)"),
    ],
)
def test_a_workbook_that_is_not_one_or_has_no_table_is_reported(tree: Tree, data: bytes | None, message: str) -> None:
    project = tree()
    path = project / "measures" / "bad.xlsx"
    if data is None:
        _workbook(path, [["name", "amount"], ["x", 1]])
    else:
        path.write_bytes(data)
    assert _errors(project) == [f"measures/bad.xlsx: error: {message}"]


def test_a_zip_bomb_is_refused_before_unpacking(tree: Tree) -> None:
    import zipfile

    project = tree()
    with zipfile.ZipFile(project / "measures" / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 150_000_000)
    assert _errors(project) == ["measures/bomb.xlsx: error: unpacks to 150 MB, over the 100 MB limit for a workbook"]


def test_a_workbook_link_leading_outside_is_not_read(tree: Tree, tmp_path: Path) -> None:
    project = tree()
    _workbook(tmp_path / "outside.xlsx", [["unit", "kpi", "period", "value"], ["root", "income", "2026-Q3", 1]])
    (project / "measures" / "link.xlsx").symlink_to(tmp_path / "outside.xlsx")
    raw = load_input(project / "content", project / "measures")
    assert [p.message for p in raw.problems] == [
        f"leads to '{tmp_path / 'outside.xlsx'}', outside the content and measures folders: not read (copy the file in)"
    ]


def test_duplicates_across_a_csv_and_a_workbook_name_both_places(tree: Tree) -> None:
    project = tree()
    _workbook(
        project / "measures" / "late.xlsx", [["unit", "kpi", "period", "value"], ["root", "income", "2026-Q2", 104]]
    )
    assert _errors(project) == [
        "measures/late.xlsx:Scorecard!A2: error: duplicate value for unit 'root' kpi 'income' period 2026-Q2 "
        "(first given at measures/root.csv:3)"
    ]


def test_a_query_reads_a_parquet_extract_relative_to_the_measures_folder(tree: Tree) -> None:
    project = tree()
    extract = project / "measures" / "extracts" / "finance.parquet"
    extract.parent.mkdir()
    duckdb.sql(
        "COPY (SELECT 'root' AS unit, 'income' AS kpi, '2026-Q3' AS period, 120.5 AS value, 'from ERP' AS note) "
        f"TO '{extract}' (FORMAT parquet)"
    )
    (project / "measures" / "finance.sql").write_text("SELECT * FROM read_parquet('extracts/finance.parquet')\n")
    sc = load_tree(project)
    [measure] = [m for m in sc.measures if str(m.raw_period) == "2026-Q3"]
    assert (measure.value, measure.note, str(measure.where)) == (
        120.5,
        "from ERP",
        f"{project}/measures/finance.sql:result row 1",
    )
    assert Path.cwd() != project / "measures"


def test_a_query_error_names_the_sql_file_and_the_result_row(tree: Tree) -> None:
    project = _project(
        tree,
        {
            "bad.sql": "SELECT 'root' AS unit, 'income' AS kpi, '2026-Q3' AS period, 1 AS value "
            "UNION ALL SELECT 'root', 'income', 'Q3', 2"
        },
    )
    assert _errors(project) == [
        "measures/bad.sql:result row 2: error: period: 'Q3' is not a period "
        "(expected YYYY-Qn (fiscal quarter), YYYY-MM (month) or YYYY (fiscal year))"
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "COPY (SELECT 1) TO 'x.csv'",
            "expected one SELECT query (found: COPY); a measures query reads, it never writes or attaches",
        ),
        (
            "SELECT 1 AS a; SELECT 2 AS b",
            "expected one SELECT query (found: SELECT, SELECT); a measures query reads, it never writes or attaches",
        ),
        (
            "SELECT * FROM read_csv('/etc/passwd')",
            'query failed: Permission Error: Cannot access file "/etc/passwd" - file system operations are disabled by configuration (a query reads files inside the measures folder only, by paths relative to it)',
        ),
        (
            "SELECT * FROM read_csv('../content/organization.yaml')",
            'query failed: Permission Error: Cannot access file "../content/organization.yaml" - file system operations are disabled by configuration (a query reads files inside the measures folder only, by paths relative to it)',
        ),
        (
            "SELECT 1 AS unit, 2 AS kpi",
            "result: missing column(s) period, value (expected unit, kpi, period, value; optional target, note, status, forecast)",
        ),
    ],
)
def test_a_query_that_writes_reads_outside_or_lacks_columns_is_refused(tree: Tree, query: str, message: str) -> None:
    project = _project(tree, {"q.sql": query})
    assert _errors(project) == [f"measures/q.sql: error: {message}"]
    assert sorted(p.name for p in (project / "measures").iterdir()) == ["q.sql", "root.csv", "teams.csv"]


@pytest.mark.parametrize("target", ["../.env", "{project}/.env", "{project}/measures/../.env", "sub/../../.env"])
def test_a_query_reads_nothing_of_the_current_folder_outside_the_measures_folder(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    project = tree()
    (project / ".env").write_text("DB_PASSWORD=hunter2\n", encoding="utf-8")
    (project / "measures" / "sub").mkdir()
    path = target.format(project=project)
    (project / "measures" / "h.sql").write_text(
        f"SELECT 'root' unit, 'income' kpi, '2026-Q3' period, 1 AS value, content AS note FROM read_text('{path}')",
        encoding="utf-8",
    )
    monkeypatch.chdir(project)  # the project folder, as a user runs `scorecard check`
    with pytest.raises(DataError) as caught:
        validate_input(load_input(Path("content"), Path("measures")))
    assert [str(p) for p in caught.value.problems] == [
        f'measures/h.sql: error: query failed: Permission Error: Cannot access file "{path}" - '
        "file system operations are disabled by configuration (a query reads files inside the measures folder "
        "only, by paths relative to it)"
    ]


def _project(tree: Tree, files: dict[str, str]) -> Path:
    project = tree()
    for name, text in files.items():
        (project / "measures" / name).write_text(text, encoding="utf-8")
    return project


def _sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE results (unit TEXT, kpi TEXT, period TEXT, value REAL)")
        db.execute("INSERT INTO results VALUES ('root', 'income', '2026-Q3', 99.0)")
    db.close()


def test_a_sqlalchemy_source_runs_its_query_on_the_named_database(tree: Tree, tmp_path: Path) -> None:
    _sqlite(tmp_path / "warehouse.db")
    project = _project(
        tree,
        {
            "warehouse.sql": "SELECT unit, kpi, period, value FROM results",
            "sources.yaml": f"warehouse.sql:\n  url: sqlite:///{tmp_path}/warehouse.db\n",
        },
    )
    sc = load_tree(project)
    assert [(m.kpi, m.value) for m in sc.measures if str(m.raw_period) == "2026-Q3"] == [("income", 99.0)]


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM results").fetchall()
    db.close()
    return rows


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("WITH x AS (SELECT 1) DELETE FROM results", "DELETE"),
        ("WITH x AS (SELECT 'root', 'income', '2026-Q4', 1.0) INSERT INTO results SELECT * FROM x", "INSERT"),
        ("DELETE FROM results", "DELETE"),
        ("SELECT unit, kpi, period, value FROM results; DELETE FROM results", "SELECT, DELETE"),
    ],
)
def test_a_query_on_a_database_that_would_write_is_refused_and_changes_nothing(
    tree: Tree, tmp_path: Path, query: str, found: str
) -> None:
    _sqlite(tmp_path / "warehouse.db")
    project = _project(tree, {"w.sql": query, "sources.yaml": f"w.sql:\n  url: sqlite:///{tmp_path}/warehouse.db\n"})
    assert _errors(project) == [
        f"measures/w.sql: error: expected one SELECT query (found: {found}); a measures query reads, it never writes"
    ]
    assert _rows(tmp_path / "warehouse.db") == [("root", "income", "2026-Q3", 99.0)]


def test_a_sqlite_database_is_opened_read_only_behind_the_query_check(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.sources.query._one_read", lambda text: None)  # the second guard alone
    _sqlite(tmp_path / "warehouse.db")
    url = f"sqlite:///{tmp_path}/warehouse.db"
    project = _project(
        tree, {"w.sql": "WITH x AS (SELECT 1) DELETE FROM results", "sources.yaml": f"w.sql:\n  url: {url}\n"}
    )
    assert _errors(project) == [f"measures/w.sql: error: query failed on {url}: attempt to write a readonly database"]
    assert _rows(tmp_path / "warehouse.db") == [("root", "income", "2026-Q3", 99.0)]


def test_a_missing_sqlite_file_is_an_error_and_not_created(tree: Tree, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no such file.db"
    project = _project(tree, {"w.sql": "SELECT 1", "sources.yaml": f"w.sql:\n  url: '{url}'\n"})
    assert _errors(project) == [f"measures/w.sql: error: query failed on {url}: unable to open database file"]
    assert list(tmp_path.glob("no such*")) == []


def test_a_query_the_parser_cannot_read_is_refused_with_the_way_out(tree: Tree, tmp_path: Path) -> None:
    _sqlite(tmp_path / "warehouse.db")
    project = _project(
        tree,
        {
            "w.sql": "SELECT TOP 5 * FROM results",
            "sources.yaml": f"w.sql:\n  url: sqlite:///{tmp_path}/warehouse.db\n",
        },
    )
    assert _errors(project) == [
        'measures/w.sql: error: not read as one SELECT query (Parser Error: syntax error at or near "5"); '
        "write it in standard SQL, or keep SQL only your database understands in a view and select from the view"
    ]


def test_a_password_in_sources_yaml_is_refused_and_never_repeated(tree: Tree) -> None:
    project = _project(
        tree,
        {"w.sql": "SELECT 1", "sources.yaml": "w.sql:\n  url: postgresql://reporting:s3cret@db.example.org/finance\n"},
    )
    errors = _errors(project)
    assert errors == [
        "measures/sources.yaml:2: error: url: holds a password; remove it and name the environment variable "
        "holding it in `password_env`"
    ]
    assert "s3cret" not in "".join(errors)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("postgresql://127.0.0.1:1/fin?password=S3cretPW", "password"),
        ("postgresql://reporting@127.0.0.1:1/fin?sslmode=require&sslpassword=S3cretPW", "sslpassword"),
        ("mysql://127.0.0.1/fin?PWD=S3cretPW", "PWD"),
        ("postgresql://127.0.0.1/fin?access_token=S3cretPW", "access_token"),
        ("mssql+pyodbc:///?odbc_connect=DRIVER%3Dx%3BPWD%3DS3cretPW", "odbc_connect"),
    ],
)
def test_a_credential_in_the_url_query_string_is_refused_and_never_repeated(
    tree: Tree, url: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tree, {"w.sql": "SELECT 1", "sources.yaml": f"w.sql:\n  url: '{url}'\n"})
    errors = _errors(project)
    assert errors == [
        f"measures/sources.yaml:2: error: url: its query string holds a credential ({name}=...); remove it and "
        "name the environment variable holding the password in `password_env`"
    ]
    assert "S3cretPW" not in "".join(errors) + "".join(capsys.readouterr())


def test_a_url_in_an_error_shows_its_query_values_and_password_masked(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIN_PASSWORD", "S3cretPW")
    url = "postgresql+psycopg2://reporting@127.0.0.1:1/fin?sslmode=require&application_name=q3"
    project = _project(
        tree, {"w.sql": "SELECT 1", "sources.yaml": f"w.sql:\n  url: '{url}'\n  password_env: FIN_PASSWORD\n"}
    )
    assert _errors(project) == [
        "measures/w.sql: error: query failed on postgresql+psycopg2://reporting@127.0.0.1:1/fin?application_name=***"
        "&sslmode=***: its database driver is not installed (psycopg2)"
    ]


def test_a_password_from_the_environment_is_used_and_kept_out_of_errors(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAREHOUSE_PASSWORD", "s3cret-value")
    project = _project(
        tree,
        {
            "w.sql": "SELECT unit FROM no_such_table",
            "sources.yaml": f"w.sql:\n  url: sqlite:///{tmp_path}/w.db\n  password_env: WAREHOUSE_PASSWORD\n",
        },
    )
    # SQLite takes no password, so the source is refused before anything is opened
    errors = _errors(project)
    assert errors == [
        "measures/w.sql: error: a SQLite database takes no user name or password: remove username_env and password_env"
    ]
    assert "s3cret" not in "".join(errors)


def test_an_unset_environment_variable_is_named(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_VARIABLE_X", raising=False)
    project = _project(
        tree,
        {"w.sql": "SELECT 1", "sources.yaml": "w.sql:\n  url: sqlite:///w.db\n  password_env: NO_SUCH_VARIABLE_X\n"},
    )
    assert _errors(project) == [
        "measures/w.sql: error: environment variable NO_SUCH_VARIABLE_X (password of the database in sources.yaml) is not set"
    ]


def test_excel_lock_files_are_not_read(tree: Tree) -> None:
    project = tree()
    (project / "measures" / "~$it-q3.xlsx").write_bytes(b"\x00owner lock")
    load_tree(project)


def test_a_query_returning_too_many_rows_is_refused(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.sources.query.MAX_ROWS", 2)
    project = _project(
        tree, {"q.sql": "SELECT 'root' AS unit, 'income' AS kpi, '2026-Q3' AS period, i AS value FROM range(3) t(i)"}
    )
    assert _errors(project) == ["measures/q.sql: error: query returns more than 2 rows (the limit for one source)"]


def test_a_query_running_too_long_is_stopped(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.sources.query.QUERY_SECONDS", 0.05)
    query = (
        "SELECT 'root' AS unit, 'income' AS kpi, '2026-Q3' AS period, sum(i * i) AS value FROM range(100000000000) t(i)"
    )
    project = _project(tree, {"q.sql": query})
    assert _errors(project) == ["measures/q.sql: error: query ran longer than 0.05 s and was stopped"]


def test_a_sheet_with_too_many_rows_is_cut_at_the_limit(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.sources.workbook.MAX_ROWS", 1)
    project = tree()
    rows: list[list[object]] = [
        ["unit", "kpi", "period", "value"],
        ["root", "income", "2026-Q3", 1],
        ["root", "income", "2026-Q4", 2],
    ]
    _workbook(project / "measures" / "big.xlsx", rows)
    book = openpyxl.load_workbook(project / "measures" / "big.xlsx")
    book.create_sheet("More").append(["unit", "kpi", "period", "value"])  # never reached: the limit is per workbook
    book["More"].append(["root", "income", "2026-Q1", 3])
    book.save(project / "measures" / "big.xlsx")
    assert _errors(project) == [
        "measures/big.xlsx:Scorecard!A3: error: workbook has more than 1 rows of values (the limit for a "
        "workbook: put bulk data in a CSV file, or a Parquet extract read by a .sql file)"
    ]


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.sampled_from(
        ["root", "income", "satisfaction", "team-a", "total_tickets", "2026-Q3", "2026-07", "2026", "=1+1"]
    ),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30),
)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(st.lists(CELLS, min_size=4, max_size=5), min_size=1, max_size=4))
def test_any_workbook_cells_give_data_errors_or_measures_never_a_traceback(
    tree: Tree, rows: list[list[object]]
) -> None:
    project = tree()
    _workbook(project / "measures" / "fuzz.xlsx", [["unit", "kpi", "period", "value", "note"], *rows])
    try:
        load_tree(project)
    except DataError as exc:
        assert all(str(p).startswith(str(project / "measures")) for p in exc.problems), exc.problems


def test_a_database_query_running_too_long_is_stopped(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.sources.query.QUERY_SECONDS", 0.05)
    _sqlite(tmp_path / "w.db")
    forever = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT 'root' AS unit, 'income' AS kpi, '2026-Q3' AS period, max(i) AS value FROM n"
    project = _project(tree, {"w.sql": forever, "sources.yaml": f"w.sql:\n  url: sqlite:///{tmp_path}/w.db\n"})
    assert _errors(project) == ["measures/w.sql: error: query ran longer than 0.05 s and was stopped"]


def test_a_date_in_a_number_cell_asks_for_a_number(tree: Tree) -> None:
    import datetime as dt

    project = tree()
    rows: list[list[object]] = [["unit", "kpi", "period", "value"], ["root", "income", "2026-Q3", dt.date(2026, 9, 1)]]
    _workbook(project / "measures" / "d.xlsx", rows)
    assert _errors(project) == [
        "measures/d.xlsx:Scorecard!D2: error: value: a date (2026-09-01) where a number is expected; "
        "type the number, in a cell formatted as a number"
    ]


def test_a_totals_row_with_an_empty_unit_cell_says_the_cell_is_empty(tree: Tree) -> None:
    project = tree()
    rows: list[list[object]] = [["unit", "kpi", "period", "value", "note"], ["root", "income", "2026-Q3", 5]]
    rows += [[None, None, None, 5, "total"], ["root", None, "2026-Q3", None, "see above"]]
    _workbook(project / "measures" / "t.xlsx", rows)
    empty = "the cell is empty; a row with a value or a note names its unit and KPI (a totals row? leave it out of the measures)"
    assert _errors(project) == [
        f"measures/t.xlsx:Scorecard!A3: error: unit: {empty}",
        f"measures/t.xlsx:Scorecard!B4: error: kpi: {empty}",
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("it-q3.xlsm", "a macro-enabled workbook (.xlsm)"), ("it-q3.ODS", "an OpenDocument spreadsheet (.ods)")],
)
def test_spreadsheets_of_other_formats_are_not_read_with_a_warning(tree: Tree, name: str, kind: str) -> None:
    project = tree()
    (project / "measures" / name).write_bytes(b"PK\x03\x04")
    raw = load_input(project / "content", project / "measures")
    assert [str(p).replace(str(project) + "/", "") for p in raw.problems] == [
        f"measures/{name}: warning: not read: {kind} is not a measures format; save it as an Excel workbook (.xlsx) or CSV"
    ]


def _rewrite_part(path: Path, part: str, change: Callable[[str], str]) -> None:
    """Rewrite one XML part of a workbook, as other programs write it."""
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)


def test_rows_beyond_a_sheets_stated_size_are_read(tree: Tree) -> None:
    project = tree()
    book = project / "measures/q.xlsx"
    _workbook(
        book, [["unit", "kpi", "period", "value"], ["root", "income", "2025-Q3", 70], ["root", "income", "2025-Q4", 80]]
    )
    # some exporters state a size smaller than the sheet (here one cell); every row must still be read
    _rewrite_part(
        book,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1"/>', xml),
    )
    values = {str(m.raw_period): m.value for m in load_tree(project).measures if m.kpi == "income"}
    assert values["2025-Q3"] == 70 and values["2025-Q4"] == 80


def test_a_damaged_sheet_is_reported_not_a_traceback(tree: Tree) -> None:
    project = tree()
    book = project / "measures/q.xlsx"
    _workbook(book, [["unit", "kpi", "period", "value"], ["root", "income", "2025-Q3", 70]])
    _rewrite_part(
        book, "xl/worksheets/sheet1.xml", lambda xml: re.sub(r'(<c r="D2"[^>]*?)(/?>)', r'\1 s="999"\2', xml, count=1)
    )
    errors = _errors(project)
    assert any("measures/q.xlsx: error: sheet 'Scorecard' is damaged (IndexError" in e for e in errors), errors


def test_a_value_outside_the_kpis_bounds_is_named_by_sheet_and_cell_with_the_fraction_hint(tree: Tree) -> None:
    root = (FIXTURES / "minimal/content/units/root.yaml").read_text()
    bounded = root.replace('        unit: "%"\n', '        unit: "%"\n        min: 50\n        max: 100\n', 1)
    project = tree(**{"content__units__root.yaml": bounded})
    _workbook(
        project / "measures" / "q3.xlsx",
        [
            ["unit", "kpi", "period", "value"],
            ["root", "satisfaction", "2026-Q3", 0.9999],
            ["root", "income", "2026-Q3", "n/a"],
        ],
        title="Q3 data",
    )
    assert _errors(project) == [
        "measures/q3.xlsx:'Q3 data'!D2: error: value: 0.9999 for kpi 'satisfaction' is below the minimum 50 "
        "(plausible values: 50 to 100); a fraction? 0.9999 is 99.99%: write 99.99"
    ]


def test_a_query_may_say_n_a_and_a_value_outside_the_bounds_names_its_result_row(tree: Tree) -> None:
    root = (FIXTURES / "minimal/content/units/root.yaml").read_text()
    bounded = root.replace('        unit: "%"\n', '        unit: "%"\n        min: 0\n        max: 100\n', 1)
    project = tree(**{"content__units__root.yaml": bounded})
    measures = project / "measures"
    (measures / "a.sql").write_text("SELECT 'root' AS unit, 'income' AS kpi, '2026-Q3' AS period, 'n/a' AS value\n")
    (measures / "b.sql").write_text("SELECT 'root' AS unit, 'satisfaction' AS kpi, '2026-Q3' AS period, 140 AS value\n")
    assert _errors(project) == [
        "measures/b.sql:result row 1: error: value: 140 for kpi 'satisfaction' is above the maximum 100 "
        "(plausible values: 0 to 100)"
    ]
    (measures / "b.sql").unlink()
    [measure] = [m for m in load_tree(project).measures if str(m.raw_period) == "2026-Q3"]
    assert measure.value == "n/a"


def test_a_fraction_among_percentages_is_a_warning_at_its_sheet_and_cell(tree: Tree) -> None:
    root = (FIXTURES / "minimal/content/units/root.yaml").read_text()
    bounded = root.replace('        unit: "%"\n', '        unit: "%"\n        min: 0\n        max: 100\n', 1)
    project = tree(**{"content__units__root.yaml": bounded})
    _workbook(
        project / "measures" / "q3.xlsx",
        [["unit", "kpi", "period", "value"], ["root", "satisfaction", "2026-Q3", 0.9999]],
        title="Q3 data",
    )
    _, warnings = validate_input(load_input(project / "content", project / "measures"))
    assert [str(w).replace(str(project) + "/", "") for w in warnings if "fraction" in w.message] == [
        "measures/q3.xlsx:'Q3 data'!D2: warning: value: 0.9999 for kpi 'satisfaction' is at most 1 while its other "
        "values are percentages (median 82); a fraction? 0.9999 is 99.99%: write 99.99"
    ]
