"""Published editions: publish, --force revisions, restatements in check/export/site, damaged edition files."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import main
from generator.compute import find_restatements
from generator.editions import (
    MAX_EDITION_BYTES,
    checksum,
    edition_text,
    product_version,
    read_editions,
    text_checksum,
    write_edition,
)
from generator.errors import UsageError
from generator.pdf.context import build_pack
from generator.pipeline import make_report
from generator.present.restatements import restatement_display, restatement_message
from generator.results import Report
from tests.conftest import ROOT, Tree, report_for


def _project(tree: Tree, **files: str) -> Path:
    project = tree(**files)
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["docs_dir"] = "pages"
    (project / "mkdocs.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return project


def _run(project: Path, *args: str) -> Result:
    cwd = os.getcwd()
    os.chdir(project)  # content, measures, editions, mkdocs.yml and build/ are relative to it
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(cwd)


def _set_value(project: Path, kpi: str, period: str, value: str, note: str = "") -> None:
    path = project / "measures" / "root.csv"
    text = re.sub(rf"(?m)^root,{kpi},{period},[^,\n]*,[^\n]*$", f"root,{kpi},{period},{value},{note}", path.read_text())
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def published(tree: Tree) -> Path:
    """The minimal project with 2026-Q1 published (site without packs)."""
    project = _project(tree)
    result = _run(project, "publish", "--period", "2026-Q1", "--no-pdf")
    assert result.exit_code == 0, result.output
    return project


def test_publish_writes_the_export_rows_with_date_version_and_fingerprint(published: Path) -> None:
    document = json.loads((published / "editions" / "2026-Q1.json").read_text(encoding="utf-8"))
    exported = _run(published, "export", "--period", "2026-Q1", "--format", "json")
    assert document["rows"] == {"": json.loads(exported.stdout)}  # no audiences: the one report
    assert document["period"] == "2026-Q1" and document["label"] == "Q1 FY2026 (Jan-Mar 2026)"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["published_at"])
    assert document["product_version"] and document["inputs"].startswith("sha256:")
    assert document["format"] == 2 and document["checksum"] == text_checksum(_path_text(published, "2026-Q1"))
    home = (published / "site" / "index.html").read_text(encoding="utf-8")
    assert "published " + _day(document["published_at"]) in home
    assert (published / "site" / "restatements.html").is_file()


def _path_text(project: Path, period: str) -> str:
    return (project / "editions" / f"{period}.json").read_text(encoding="utf-8")


def _forge(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit an edition file and give it the checksum publish would (a checksum proves no authorship)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    document["checksum"] = ""
    document["checksum"] = text_checksum(edition_text(document))
    path.write_text(edition_text(document), encoding="utf-8")


def _day(timestamp: str) -> str:
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return f"{timestamp[8:10]} {months[int(timestamp[5:7]) - 1]} {timestamp[:4]}"


def test_publishing_again_needs_force_and_keeps_the_earlier_edition(published: Path) -> None:
    first = (published / "editions" / "2026-Q1.json").read_text(encoding="utf-8")
    again = _run(published, "publish", "--period", "2026-Q1", "--no-pdf")
    assert again.exit_code == 2
    assert again.stderr.splitlines()[-1] == (
        "error: editions/2026-Q1.json exists: 2026-Q1 was published before; nothing was changed "
        "(use --force to publish it again, keeping the earlier edition as a revision)"
    )
    forced = _run(published, "publish", "--period", "2026-Q1", "--no-pdf", "--force")
    assert forced.exit_code == 0, forced.output
    assert "(the earlier edition is kept as editions/2026-Q1.r1.json)" in forced.stdout
    assert (published / "editions" / "2026-Q1.r1.json").read_text(encoding="utf-8") == first
    assert _run(published, "publish", "--period", "2026-Q1", "--no-pdf", "--force").exit_code == 0
    assert sorted(p.name for p in (published / "editions").iterdir()) == [
        "2026-Q1.json",
        "2026-Q1.r1.json",
        "2026-Q1.r2.json",
    ]


def test_a_correction_published_again_keeps_its_trail_on_the_site(published: Path) -> None:
    # The board saw income 90 for 2026-Q1; it is corrected to 95 and the period published again
    _set_value(published, "income", "2026-Q1", "95", "Restated: a late invoice")
    forced = _run(published, "publish", "--period", "2026-Q1", "--no-pdf", "--force")
    assert forced.exit_code == 0, forced.output
    assert "Published 2026-Q1 (an earlier period: the site shows the latest, 2026-Q2, and 2026-Q1 under " in forced.stdout
    first = json.loads((published / "editions" / "2026-Q1.r1.json").read_text(encoding="utf-8"))["published_at"]
    for site in (published / "site", _rebuilt(published)):  # as publish left it, and built again from the files
        editions = _html_text(site / "archive.html")
        assert f"Earlier: {_day(first)} (r1) , 1 value changed when published again ( corrections )" in editions
        restatements = _html_text(site / "restatements.html")
        assert "Corrected by publishing again" in restatements
        assert f"Income Root Unit Q1 FY2026 (Jan-Mar 2026) Value corrected 90 {_day(first)} (r1) 95" in restatements
        assert "Restated: a late invoice" in restatements
        # What the board saw first stays browsable; the republished period shows the correction
        revision = _html_text(site / "archive" / "2026-Q1.r1" / "units" / "root" / "details.html")
        assert "This publication (revision 1) was replaced on" in revision
        assert "Actual 90" in revision
        assert "Actual 95" in _html_text(site / "archive" / "2026-Q1" / "units" / "root" / "details.html")
        # Today's history marks the value with the one published first
        details = _html_text(site / "units" / "root" / "details.html")
        assert f"95 EUR Restated · Published 90 ({_day(first)})" in details


def _rebuilt(project: Path) -> Path:
    result = _run(project, "build", "--no-pdf")
    assert result.exit_code == 0, result.output
    return project / "site"


def test_the_latest_unit_page_marks_a_restatement_of_its_own_period(tree: Tree) -> None:
    project = _project(tree)
    assert _run(project, "publish", "--no-pdf").exit_code == 0  # 2026-Q2: income 105
    _set_value(project, "income", "2026-Q2", "101", "Restated: refund")
    site = _rebuilt(project)
    assert "101 EUR Restated · Published 105 (" in _html_text(site / "units" / "root" / "index.html")


def test_a_revision_holding_another_period_is_an_error(published: Path) -> None:
    folder = published / "editions"
    (folder / "2026-Q2.r1.json").write_bytes((folder / "2026-Q1.json").read_bytes())  # a copy under another name
    result = _run(published, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "editions/2026-Q2.r1.json:4: error: period '2026-Q1' is not the file's ('2026-Q2.r1.json' must hold the "
        "period its name gives); restore the file with git"
    )


def test_a_published_period_stays_archived_when_its_measures_are_gone(published: Path) -> None:
    # An auditor's scenario: old rows moved out of measures/; the edition alone keeps the period
    path = published / "measures" / "root.csv"
    path.write_text("".join(line for line in path.read_text().splitlines(True) if ",2026-Q1," not in line))
    (published / "measures" / "teams.csv").unlink(missing_ok=True)
    site = _rebuilt(published)
    assert "Actual 90" in _html_text(site / "archive" / "2026-Q1" / "units" / "root" / "details.html")
    assert "Q1 FY2026 (Jan-Mar 2026) (this site)" not in _html_text(site / "archive.html")
    assert '<a href="archive/2026-Q1/index.html">Q1 FY2026 (Jan-Mar 2026)</a>' in (site / "archive.html").read_text()


def test_force_never_replaces_a_file_publish_did_not_write(tree: Tree) -> None:
    project = _project(tree, **{"editions__2026-Q1.json": "{}\n"})
    result = _run(project, "publish", "--period", "2026-Q1", "--no-pdf", "--force")
    assert result.exit_code == 1
    assert (
        "editions/2026-Q1.json:1: error: missing field(s): format, checksum, period, label, published_at, "
        "product_version, inputs, rows" in result.stderr.splitlines()
    )
    assert (project / "editions" / "2026-Q1.json").read_text() == "{}\n"
    assert not (project / "site").exists()


def test_write_edition_refuses_to_replace_a_file_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "2026-Q1.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        write_edition(tmp_path, _valid(), force=True)
    assert str(caught.value).startswith(f"{tmp_path}/2026-Q1.json was not written by scorecard publish (missing")
    assert (tmp_path / "2026-Q1.json").read_text() == "{}"


def test_a_corrected_value_is_a_restatement_in_check_export_and_site(published: Path) -> None:
    _set_value(published, "income", "2026-Q1", "95", "Late invoice booked")
    check = _run(published, "check")
    assert check.exit_code == 0, check.output
    assert (
        "editions/2026-Q1.json: warning: kpi 'income' of unit 'root': 2026-Q1 restated, value published 90, now 95 "
        "(note: Late invoice booked)"
    ) in check.stderr.splitlines()
    rows = json.loads(_run(published, "export", "--period", "2026-Q1").stdout)
    income = next(r for r in rows if r["kpi"] == "income")
    assert (income["actual"], income["restated_from"]) == (95, 90)
    assert all(r["restated_from"] is None for r in rows if r["kpi"] != "income")
    latest = json.loads(_run(published, "export").stdout)  # 2026-Q2 was never published
    assert all(r["restated_from"] is None for r in latest)
    assert _run(published, "build", "--no-pdf").exit_code == 0
    page = (published / "site" / "restatements.html").read_text(encoding="utf-8")
    assert "Value corrected" in page and "Late invoice booked" in page
    details = (published / "site" / "units" / "root" / "details.html").read_text(encoding="utf-8")
    assert "Restated · Published 90 (" in details
    assert (
        "%2Crestated_from%0A2026-Q1%2C95%2C100%2C80%2C95%2Camber%2C5.8%2CLate%20invoice%20booked%2Cfalse%2C90%0A"
        in details
    )
    assert "(published 90)" in details  # the chart's hover for 2026-Q1


def test_a_difference_of_rounding_is_not_a_restatement(published: Path) -> None:
    _set_value(published, "income", "2026-Q1", "90.4")  # income has 0 decimals: shown as 90
    check = _run(published, "check")
    assert "restated" not in check.stderr


@pytest.mark.parametrize(
    ("row", "change", "was", "now"),
    [
        ({"actual": 90, "target": 100}, None, None, None),
        ({"actual": 90, "target": 90}, "target", 90, 100),
        ({"actual": 91, "target": 100}, "value", 91, 90),
    ],
)
def test_restatements_compare_values_and_targets(row: dict, change: str | None, was: int, now: int) -> None:
    report = report_for(ROOT / "tests" / "fixtures" / "minimal", "2026-Q2")
    published = {("root", "income"): {"level": "kpi", "unit": "root", "kpi": "income", **row}}
    found = [r for r in find_restatements(report, "2026-Q1", published, "2026-04-02T10:00:00Z") if r.kpi == "income"]
    assert [(r.change, r.published, r.current) for r in found] == ([(change, was, now)] if change else [])


def test_kpis_added_and_removed_since_publication_are_restatements() -> None:
    report = report_for(ROOT / "tests" / "fixtures" / "minimal", "2026-Q2")
    published = {
        key: {"level": "kpi", "unit": key[0], "kpi": key[1], "actual": r.actual, "target": r.target}
        for key, r in report.by_period[report.periods[0]].kpis.items()
        if key != ("root", "income")
    }
    published[("root", "gone")] = {"level": "kpi", "unit": "root", "kpi": "gone", "name": "Old KPI", "actual": 3}
    found = find_restatements(report, "2026-Q1", published, "2026-04-02T10:00:00Z")
    assert {(r.kpi, r.change, r.published) for r in found} == {("income", "added", None), ("gone", "removed", 3)}
    messages = sorted(restatement_message(restatement_display(report, r)) for r in found)
    assert messages == [
        "kpi 'gone' of unit 'root' was removed since 2026-Q1 was published (value published 3.0)",
        "kpi 'income' of unit 'root' was added since 2026-Q1 was published (value now 90)",
    ]


def _edition(project: Path, document: object | str) -> Result:
    folder = project / "editions"
    folder.mkdir(exist_ok=True)
    text = document if isinstance(document, str) else json.dumps(document, indent=1)
    (folder / "2026-Q1.json").write_text(text, encoding="utf-8")
    return _run(project, "check")


def _format_1(period: str, rows: dict[str, list]) -> dict:
    """Return an edition as publish wrote it before editions kept their pages (format 1)."""
    document = {"format": 1, "checksum": "", "period": period, "label": period, "published_at": "2026-04-02T10:00:00Z"}
    document |= {"product_version": "0.1.0", "inputs": "sha256:x", "rows": rows}
    document["checksum"] = checksum(document)
    return document


def _valid(**rows: list) -> dict:
    return _format_1("2026-Q1", rows or {"": []})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            '{\n "format": 1,\n "checksum": }',
            "editions/2026-Q1.json:3: error: not valid JSON (Expecting value); restore it with git",
        ),
        ("[1]", "editions/2026-Q1.json:1: error: an edition is a JSON object"),
        (
            '{"format": NaN}',
            "editions/2026-Q1.json: error: not valid JSON (NaN is not a number JSON allows); restore it with git",
        ),
        (
            {
                **_valid(),
                "period": "2026-Q4",
            },
            "editions/2026-Q1.json:3: error: the checksum does not match its contents: the file was changed by hand; restore it with git",
        ),
        (
            _valid(**{"": [{"level": "kpi", "unit": "root", "kpi": "x", "actual": {"a": 1}}]}),
            "editions/2026-Q1.json:9: error: rows of '': row 1: 'actual' must be a number, text, [low, high] or null",
        ),
        (
            {**_valid(), "published_at": "yesterday"},
            "editions/2026-Q1.json:6: error: 'published_at' must be a UTC time such as 2026-10-14T09:30:00Z",
        ),
        (
            _format_1("2026-Q4", {"": []}),
            "editions/2026-Q1.json:4: error: period '2026-Q4' is not the file's ('2026-Q1.json' must hold the period "
            "its name gives); restore the file with git",
        ),
    ],
)
def test_a_damaged_edition_is_an_error_with_file_and_line(tree: Tree, document: object, message: str) -> None:
    result = _edition(tree(), document)
    assert result.exit_code == 1
    assert message in result.stderr.splitlines(), result.stderr


def test_edition_files_are_limited_in_size_and_kind(tree: Tree) -> None:
    project = tree(**{"editions__notes.txt": "hello"})
    os.symlink("/etc/passwd", project / "editions" / "2026-Q2.json")
    with open(project / "editions" / "2026-Q1.json", "wb") as stream:
        stream.truncate(MAX_EDITION_BYTES + 1)
    _, problems = read_editions(project / "editions")
    assert [str(p) for p in problems] == [
        f"{project}/editions/2026-Q1.json: error: cannot read the edition: larger than 256 MB",
        f"{project}/editions/2026-Q2.json: error: is a symbolic link (to '/etc/passwd'): not read "
        "(restore the edition file with git)",
        f"{project}/editions/notes.txt: error: not an edition file (expected <period>.json or <period>.rN.json, "
        "as scorecard publish writes them)",
    ]


def test_an_editions_path_that_is_a_file_is_a_usage_error(tree: Tree) -> None:
    project = _project(tree, editions="not a folder")
    result = _run(project, "publish", "--no-pdf")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: editions folder 'editions' is not a folder; nothing was changed (use --editions DIR)"
    )


def _restated_report(published: Path, period: str | None = None) -> Report:
    _set_value(published, "income", "2026-Q1", "95", "Late invoice booked")
    report, _ = make_report(published / "content", published / "measures", period, editions=published / "editions")
    return report


def test_the_next_period_pack_lists_restatements_of_earlier_ones(published: Path) -> None:
    pack = build_pack(_restated_report(published), "root", 1, dt.date(2026, 7, 1))
    assert [(r.kpi, r.period, r.change, r.published, r.current, r.note) for r in pack.restatements] == [
        ("Income", "Q1 FY2026 (Jan-Mar 2026)", "Value corrected", "90", "95", "Late invoice booked")
    ]
    own = build_pack(_restated_report(published, "2026-Q1"), "root", 1, dt.date(2026, 7, 1))
    assert own.restatements == ()  # the period's own pack shows today's numbers, not a restatement of itself


@pytest.mark.pdf
def test_the_pack_prints_the_restatements_section(published: Path, tmp_path: Path) -> None:
    from generator.pdf import render_packs

    [result] = render_packs(_restated_report(published), tmp_path / "packs", ["root"], 1)
    command = ["pdftotext", "-layout", str(result.path), "-"]
    text = re.sub(r"\s+", " ", subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    assert "Restatements of earlier periods" in text
    assert "Income Root Unit Q1 FY2026 (Jan-Mar 2026) Value corrected 90 95 Late invoice booked" in text  # one row


def test_archived_editions_show_the_published_numbers_and_link_to_the_latest(published: Path) -> None:
    _set_value(published, "income", "2026-Q1", "95", "Late invoice booked")
    built = _run(published, "build", "--no-pdf")
    assert built.exit_code == 0, built.output
    assert "1 archived edition (1 from the cache)" in built.stdout  # publishing 2026-Q1 rendered it
    site = published / "site"
    archive = (site / "archive" / "2026-Q1" / "units" / "root" / "index.html").read_text(encoding="utf-8")
    assert "<strong>Archive: Q1 FY2026 (Jan-Mar 2026)</strong>, as published on " in archive
    assert 'href="../../../../index.html">Go to the latest scorecard (Q2 FY2026 (Apr-Jun 2026))</a>' in archive
    assert re.search(r">Income<.*?>90 EUR<", archive, re.S) and "95 EUR" not in archive  # as published
    latest = (site / "units" / "root" / "details.html").read_text(encoding="utf-8")
    assert "Restated · Published 90 (" in latest
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="archive/2026-Q1/index.html">Q1 FY2026 (Jan-Mar 2026)</a> · published ' in home  # period menu
    editions = (site / "archive.html").read_text(encoding="utf-8")
    assert '<a href="archive/2026-Q1/index.html">Q1 FY2026 (Jan-Mar 2026)</a>' in editions


def test_an_unchanged_archived_edition_comes_from_the_cache(published: Path) -> None:
    assert "1 archived edition (1 from the cache)" in _run(published, "build", "--no-pdf").stdout  # publish made it
    cached = published / "build" / "archive" / "_" / "2026-Q1" / "site" / "index.html"
    rendered = cached.stat().st_ino
    _set_value(published, "income", "2026-Q2", "104")  # today's numbers change; the edition does not
    assert "1 archived edition (1 from the cache)" in _run(published, "build", "--no-pdf").stdout
    assert cached.stat().st_ino == rendered  # not written again
    assert (published / "site" / "archive" / "2026-Q1" / "index.html").stat().st_ino == rendered  # linked in
    again = _run(published, "publish", "--period", "2026-Q1", "--force", "--no-pdf")
    assert "2 archived editions (0 from the cache)" in again.stdout  # a new edition, and the first kept as r1
    assert "2 archived editions (2 from the cache)" in _run(published, "build", "--no-pdf").stdout


def test_publishing_an_earlier_period_again_keeps_the_latest_site_with_it_archived(published: Path) -> None:
    assert _run(published, "publish", "--period", "2026-Q2", "--no-pdf").exit_code == 0
    _set_value(published, "income", "2026-Q1", "95", "Late invoice booked")
    again = _run(published, "publish", "--period", "2026-Q1", "--force", "--no-pdf")
    assert again.exit_code == 0, again.output
    assert "Built site/ for 2026-Q2: " in again.stdout and ", 2 archived editions (0 from the cache) in " in again.stdout
    assert (
        "Published 2026-Q1 (an earlier period: the site shows the latest, 2026-Q2, and 2026-Q1 under archive/2026-Q1/): "
        "wrote editions/2026-Q1.json (the earlier edition is kept as "
    ) in again.stdout
    site = published / "site"
    archive = (site / "archive" / "2026-Q1" / "units" / "root" / "index.html").read_text(encoding="utf-8")
    assert re.search(r">Income<.*?>95 EUR<", archive, re.S) and "90 EUR" not in archive  # as re-issued
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Q2 FY2026 (Apr-Jun 2026)" in home
    assert '<a href="archive/2026-Q1/index.html">Q1 FY2026 (Jan-Mar 2026)</a> · published ' in home
    assert '<a href="archive/2026-Q1/index.html">' in (site / "archive.html").read_text(encoding="utf-8")


def test_text_in_an_edition_is_escaped_like_any_input(published: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        income = next(r for r in document["rows"][""] if r["kpi"] == "income")
        income["note"] = "<script>alert(1)</script>\x1b[31m"
        pages = next(r for r in document["pages"][""]["results"] if r.get("kpi") == "income")
        earlier = len(document["pages"][""]["periods"]) - 1
        pages["columns"]["note"] = [""] * earlier + [income["note"]]

    _forge(published / "editions" / "2026-Q1.json", edit)  # a forged edition passes the checksum: still data
    assert _run(published, "build", "--no-pdf").exit_code == 0
    page = (published / "site" / "archive" / "2026-Q1" / "units" / "root" / "details.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_edition_without_an_audiences_rows_is_warned_about_and_left_out_of_its_archive(tree: Tree) -> None:
    from tests.test_audiences import AUDIENCES

    project = _project(tree, **{"content__organization.yaml": AUDIENCES})
    assert _run(project, "publish", "--period", "2026-Q1", "--no-pdf").exit_code == 0

    def edit(document: dict[str, Any]) -> None:  # staff declared since; partners gone
        document["rows"] = {"board": document["rows"]["board"], "partners": []}
        document["pages"] = {"board": document["pages"]["board"], "partners": document["pages"]["board"]}

    _forge(project / "editions" / "2026-Q1.json", edit)
    checked = _run(project, "check")
    assert checked.exit_code == 0, checked.output
    assert [line for line in checked.stderr.splitlines() if line.startswith("editions/")] == [
        "editions/2026-Q1.json: warning: 2026-Q1 was published with no rows for the audience 'staff': the All staff "
        "edition of the site leaves it out of its archive (publish 2026-Q1 again with --force to include it)",
        "editions/2026-Q1.json: warning: 2026-Q1 has rows for the audience 'partners', which organization.yaml does "
        "not declare: no edition of the site shows them",
    ]
    built = _run(project, "build", "--no-pdf")
    assert built.exit_code == 0, built.output
    site = project / "site"
    assert (site / "board" / "archive" / "2026-Q1" / "index.html").is_file()
    assert 'href="archive/2026-Q1/index.html"' in (site / "board" / "index.html").read_text(encoding="utf-8")
    assert not (site / "staff" / "archive").exists() and not (site / "staff" / "archive.html").exists()
    assert "archive/2026-Q1" not in (site / "staff" / "index.html").read_text(encoding="utf-8")


# --- Archived editions from the edition alone (format 2) --------------------------------------

Q3_ROWS = "root,income,2026-Q3,110,\nroot,satisfaction,2026-Q3,84,\n"


def _html_text(path: Path) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))))


def _tile_move(page: Path) -> str:
    found = re.search(r'class="sp-move[^"]*"><span aria-hidden="true">.</span> ([^<]+)</p>', page.read_text("utf-8"))
    assert found, page
    return found[1]


@pytest.fixture
def changed_since(tree: Tree) -> Path:
    """2026-Q2 published with 2026-Q3 the latest, then a KPI renamed, one removed, one added, a Q1 value corrected."""
    project = _project(tree)
    with (project / "measures" / "root.csv").open("a", encoding="utf-8") as stream:
        stream.write(Q3_ROWS)
    assert _run(project, "publish", "--period", "2026-Q2", "--no-pdf").exit_code == 0
    unit = project / "content" / "units" / "root.yaml"
    text = unit.read_text(encoding="utf-8").replace("name: Income\n", "name: Revenue\n")
    satisfaction = text[text.index("      - id: satisfaction") :]
    margin = "      - id: margin\n        name: Margin\n        unit: '%'\n        target: 20\n"
    unit.write_text(text.replace(satisfaction, margin), encoding="utf-8")
    measures = project / "measures" / "root.csv"
    kept = [line for line in measures.read_text(encoding="utf-8").splitlines() if ",satisfaction," not in line]
    margins = [f"root,margin,2026-Q{q},{v}," for q, v in ((1, 18), (2, 21), (3, 22))]
    measures.write_text("\n".join([*kept, *margins]) + "\n", encoding="utf-8")
    _set_value(project, "income", "2026-Q1", "70", "Refund booked late")
    shutil.rmtree(project / "build" / "archive")  # a fresh clone, or CI: no archive in the cache
    return project


def test_an_archived_edition_shows_its_kpis_names_and_history_as_published(changed_since: Path) -> None:
    built = _run(changed_since, "build", "--no-pdf")
    assert built.exit_code == 0, built.output
    assert "1 archived edition (0 from the cache)" in built.stdout
    site = changed_since / "site"
    archived = _html_text(site / "archive" / "2026-Q2" / "units" / "root" / "details.html")
    assert "Income" in archived and "Satisfaction" in archived  # the names and KPIs as published
    assert "Revenue" not in archived and "Margin" not in archived
    assert "Q1 FY2026 (Jan-Mar 2026) 90 EUR 100 EUR" in archived  # its history table, as published
    assert "Refund booked late" not in archived
    assert "Q1 FY2026 (Jan-Mar 2026) 82.0% 80.0%" in archived  # a KPI removed since keeps its history
    latest = _html_text(site / "units" / "root" / "details.html")
    assert "Revenue" in latest and "Margin" in latest and "Satisfaction" not in latest
    assert "Q1 FY2026 (Jan-Mar 2026) 70 EUR 100 EUR" in latest


def test_an_archived_editions_tiles_compare_with_the_previous_period_as_published(changed_since: Path) -> None:
    edition = json.loads(_path_text(changed_since, "2026-Q2"))
    root = next(i for i in edition["pages"][""]["results"] if i == {"unit": "root", "results": i["results"]})
    q1, q2 = root["results"][-2][0], root["results"][-1][0]
    assert _run(changed_since, "build", "--no-pdf").exit_code == 0
    move = _tile_move(changed_since / "site" / "archive" / "2026-Q2" / "units" / "root" / "index.html")
    assert move == f"{q2 - q1:+.1f} since Q1 FY2026 ({q1:.1f})"
    today, _ = make_report(changed_since / "content", changed_since / "measures", "2026-Q2")
    assert round(today.by_period[today.periods[-2]].units["root"].score, 1) != round(q1, 1)  # today's Q1 differs


def test_a_format_1_edition_is_archived_from_todays_content_and_says_so(changed_since: Path) -> None:
    path = changed_since / "editions" / "2026-Q2.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    path.write_text(json.dumps(_format_1("2026-Q2", rows), indent=1), encoding="utf-8")  # as 0.1 wrote it
    assert _run(changed_since, "check").exit_code == 0
    assert _run(changed_since, "build", "--no-pdf").exit_code == 0
    archived = _html_text(changed_since / "site" / "archive" / "2026-Q2" / "units" / "root" / "details.html")
    assert (
        "This edition was published by an earlier version, which kept only this period's numbers: the list of KPIs, "
        "their names and definitions, the history, the charts and the previous period's scores come from today's "
        "content, not from the edition."
    ) in archived
    assert "Revenue" in archived and "105 EUR" in archived  # today's name, the published number


def test_an_edition_of_a_newer_format_asks_for_an_upgrade(tree: Tree) -> None:
    document = {**_valid(), "format": 3, "product_version": "0.9.0"}
    result = _edition(tree(), document)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "editions/2026-Q1.json:2: error: format 3 is newer than this version reads (1 or 2): it was written by "
        f"scorecard-press 0.9.0, newer than this one ({product_version()}); upgrade scorecard-press to build with it"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (  # the same version cannot have written a format it does not read: the file was changed
            {"format": 99, "product_version": "0.1.0"},
            "format 99 is not one scorecard-press writes (this version, {v}, reads 1 or 2); the file was changed "
            "by hand: restore it with git",
        ),
        ({"format": "2"}, "'format' must be a whole number (1 or 2), not \"2\"; restore the file with git"),
        ({"format": 2.5}, "'format' must be a whole number (1 or 2), not 2.5; restore the file with git"),
        (
            {"format": 0, "product_version": "9.0.0"},
            "format 0 is not one scorecard-press writes (this version, {v}, reads 1 or 2); the file was changed "
            "by hand: restore it with git",
        ),
    ],
)
def test_a_format_no_version_wrote_says_the_file_was_changed(tree: Tree, fields: dict[str, object], message: str) -> None:
    result = _edition(tree(), {**_valid(), **fields})
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "editions/2026-Q1.json:2: error: " + message.format(v=product_version())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda pages: pages["results"][0]["results"][0].__setitem__(0, "high"),
            "pages, results item 1: 'high' is not a score (0-10 or null)",
        ),
        (
            lambda pages: pages["results"].pop(),
            "pages, results: no results for kpi 'cost_per_ticket' of unit 'team-b'",
        ),
        (
            lambda pages: pages["units"][1].__setitem__("parent", "nowhere"),
            "pages, units item 2: unit 'team-a': its parent 'nowhere' is not listed before it",
        ),
        (
            lambda pages: pages.__setitem__("periods", ["2025-Q4"]),
            "pages, periods: must be consecutive periods ending with the edition's, 2026-Q1",
        ),
    ],
)
def test_check_reads_an_editions_pages_and_names_the_line(published: Path, edit: Any, message: str) -> None:
    path = published / "editions" / "2026-Q1.json"
    _forge(path, lambda document: edit(document["pages"][""]))
    lines = path.read_text(encoding="utf-8").splitlines()
    result = _run(published, "check")
    assert result.exit_code == 1
    found = re.fullmatch(r"editions/2026-Q1\.json:(\d+): error: (.*)", result.stderr.splitlines()[0])
    assert found and found[2] == message, result.stderr
    section = message.split(", ")[1].split(" ")[0].rstrip(":")
    item = re.search(r"item (\d+)", message)
    expected = f'   "{section}": ' if item is None else "    {"
    assert lines[int(found[1]) - 1].startswith(expected)


def test_the_latest_edition_once_restated_stays_browsable_as_published(published: Path) -> None:
    assert _run(published, "publish", "--no-pdf").exit_code == 0  # 2026-Q2, the latest
    site = published / "site"
    assert not (site / "archive" / "2026-Q2").exists()  # not restated: the latest site is the edition
    _set_value(published, "income", "2026-Q2", "99", "Credit note")
    built = _run(published, "build", "--no-pdf")
    assert built.exit_code == 0, built.output
    assert "2 archived editions (1 from the cache)" in built.stdout
    archived = _html_text(site / "archive" / "2026-Q2" / "units" / "root" / "index.html")
    assert "Archive: Q2 FY2026 (Apr-Jun 2026) , as published on " in archived
    assert re.search(r"Income .*?105 EUR", archived) and "99 EUR" not in archived
    latest = _html_text(site / "units" / "root" / "index.html")
    assert re.search(r"Income .*?99 EUR", latest)
    menu = (site / "units" / "root" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../archive/2026-Q2/index.html">Q2 FY2026 (Apr-Jun 2026), as published</a>' in menu
    editions = (site / "archive.html").read_text(encoding="utf-8")
    assert 'Q2 FY2026 (Apr-Jun 2026) (this site) · <a href="archive/2026-Q2/index.html">as published</a>' in editions


def test_an_archived_edition_marks_the_restatements_its_pages_showed(published: Path) -> None:
    with (published / "measures" / "root.csv").open("a", encoding="utf-8") as stream:
        stream.write(Q3_ROWS)
    _set_value(published, "income", "2026-Q1", "95", "Late invoice booked")  # 2026-Q1 restated
    assert _run(published, "publish", "--period", "2026-Q2", "--no-pdf").exit_code == 0
    pages = json.loads(_path_text(published, "2026-Q2"))["pages"][""]
    assert [(r["kpi"], r["period"], r["published"], r["current"]) for r in pages["restatements"]] == [
        ("income", "2026-Q1", 90, 95)
    ]
    shutil.rmtree(published / "build" / "archive")
    assert _run(published, "build", "--no-pdf").exit_code == 0
    archived = _html_text(published / "site" / "archive" / "2026-Q2" / "units" / "root" / "details.html")
    assert "Restated · Published 90 (" in archived  # as the 2026-Q2 site showed it
