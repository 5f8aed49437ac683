"""PDF board packs: build the example's packs once, then read them back with poppler."""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from generator.cli import main
from generator.export import export_rows
from generator.formatting import format_score, format_target, format_value
from generator.pdf import PackResult, render_packs
from generator.pdf.context import build_pack
from generator.pdf.fetcher import PackFetcher
from generator.pdf.render import render_document
from generator.pipeline import make_report
from generator.results import Report, Status

pytestmark = pytest.mark.pdf
ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
EXCEPTIONS = "Exceptions: red and amber objectives and KPIs"
SECTIONS = [
    "Cover",
    "Executive summary",
    "Contents",
    EXCEPTIONS,
    "Scorecard",
    "Strategy map",
    "KPI trends",
    "Initiatives",
    "Unit summaries",
    "Appendix: data tables",
]


@pytest.fixture(scope="session")
def report() -> Report:
    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    return report


@pytest.fixture(scope="session")
def packs(report: Report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, PackResult]:
    """Every unit's pack of the example, written by two processes."""
    results = render_packs(report, tmp_path_factory.mktemp("packs"), depth=2)
    return {r.unit: r for r in results}


def pdf_text(path: Path, first: int | None = None) -> str:
    command = ["pdftotext", *(["-f", str(first)] if first else []), str(path), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def test_one_pack_per_unit_named_by_period_and_unit(report: Report, packs: dict[str, PackResult]) -> None:
    assert list(packs) == list(report.scorecard.units)
    for unit_id, result in packs.items():
        assert result.path.name == f"{report.period}-{unit_id}.pdf"
        assert result.path.stat().st_size > 10_000


def test_names_period_and_export_numbers_appear(report: Report, packs: dict[str, PackResult]) -> None:
    sc = report.scorecard
    for unit_id, result in packs.items():
        text = pdf_text(result.path)
        missing = [s for s in expected_strings(report, unit_id) if s not in text]
        assert not missing, f"{result.path.name} lacks {missing[:10]}"
        assert sc.units[unit_id].name in text and sc.organization.name in text


def expected_strings(report: Report, unit_id: str) -> list[str]:
    """Return what the pack must show: the period's label (readers never see its id) and every export number."""
    sc = report.scorecard
    wanted = [report.period.label(sc.organization.fiscal_year_start)]
    for row in export_rows(report):
        if row["unit"] != unit_id:
            continue
        wanted.append(format_score(row["score"]))
        if row["level"] == "kpi":
            kpi = sc.kpi(unit_id, row["kpi"])
            target = tuple(row["target"]) if isinstance(row["target"], list) else row["target"]
            wanted += [row["name"], format_value(kpi, row["actual"]), format_target(kpi, target)]
    return wanted


def test_every_red_kpi_is_in_the_exceptions(report: Report, packs: dict[str, PackResult]) -> None:
    for unit_id, result in packs.items():
        text = pdf_text(result.path, first=3)  # after the contents page, which names the section too
        start = text.index(EXCEPTIONS)
        section = text[start : text.index("KPIs without data", start)]
        for (unit, kpi_id), kpi in report.current.kpis.items():
            if unit == unit_id and kpi.status in (Status.RED, Status.AMBER):
                name = report.scorecard.kpi(unit, kpi_id).name
                assert name in section, f"{name} ({kpi.status}) missing from exceptions of {unit_id}"


def test_page_count_metadata_and_embedded_fonts(report: Report, packs: dict[str, PackResult]) -> None:
    for result in packs.values():
        info = pdf_info(result.path)
        assert (
            int(info["Pages"]) == result.pages >= 8
        )  # cover, summary, contents, exceptions, scorecard, map, trends, appendix
        assert info["Author"] == report.scorecard.organization.name
        assert info["Title"].endswith(
            f"board pack {report.period.label(report.scorecard.organization.fiscal_year_start)}"
        )
        assert info["Page size"].endswith("(A4)")
    fonts = subprocess.run(["pdffonts", str(packs["it"].path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert any("DejaVu" in row or "Liberation" in row for row in rows)


def test_bookmarks_cover_every_section_and_child(report: Report) -> None:
    pack = build_pack(report, "it", 2, dt.date(2026, 10, 15))
    blank = "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22/%3E"
    document = render_document(pack, dict.fromkeys(pack.charts, blank))
    top = [label for label, *_ in document.make_bookmark_tree()]
    assert top == SECTIONS
    children = {label for label, *_, kids, _state in _flatten(document.make_bookmark_tree())}
    assert {c.name for c in pack.children} <= children
    assert {f"{k.status.word}: {k.name}" for k in pack.exceptions} <= children


def _flatten(tree: list) -> list:  # type: ignore[type-arg]
    return [node for item in tree for node in [item, *_flatten(item[2])]]


def test_summary_fits_one_page(packs: dict[str, PackResult]) -> None:
    for result in packs.values():
        contents = pdf_text(result.path, first=2)
        pages = re.search(rf"Executive summary \.*\s*(\d+) {EXCEPTIONS} \.*\s*(\d+)", contents)
        assert pages and (int(pages[1]), int(pages[2])) == (2, 4), result.path.name  # cover, summary, contents


def test_cli_writes_a_pack(tmp_path: Path) -> None:
    args = ["pdf", "--content", str(MINIMAL / "content"), "--measures", str(MINIMAL / "measures")]
    result = CliRunner().invoke(main, [*args, "--unit", "root", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2026-Q2-root.pdf").is_file()
    assert re.search(r"Wrote .*2026-Q2-root\.pdf: \d+ pages in [\d.]+ s", result.output)


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("team_a", "error: unknown unit 'team_a' (did you mean 'team-a'?)\n"),
        ("zzz", "error: unknown unit 'zzz' (known units: root, team-a, team-b)\n"),
    ],
)
def test_cli_unknown_unit_exits_2(unit: str, message: str, tmp_path: Path) -> None:
    args = ["pdf", "--content", str(MINIMAL / "content"), "--measures", str(MINIMAL / "measures")]
    result = CliRunner().invoke(main, [*args, "--unit", unit, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.endswith(message)
    assert not list(tmp_path.iterdir())


# --- What a pack may read ------------------------------------------------------------------


@pytest.fixture
def tracker() -> Iterator[tuple[str, list[str]]]:
    """A local server that records every request and answers 404."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def pack_root(tmp_path: Path) -> Path:
    """A templates folder holding a stylesheet, a subfolder and a symlink that points outside."""
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    root = tmp_path / "templates"
    (root / "fonts").mkdir(parents=True)
    (root / "pack.css").write_text("p {}", encoding="utf-8")
    (root / "fonts" / "a.woff2").write_bytes(b"font")
    (root / "link.txt").symlink_to(tmp_path / "outside.txt")
    return root


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("{root}/pack.css", True),
        ("{root}/fonts/a.woff2?v=1#x", True),
        ("file://localhost{path}/pack.css", True),
        ("{root}/fonts/../pack.css", True),
        ("{root}/../outside.txt", False),
        ("{root}/fonts/%2e%2e/%2e%2e/outside.txt", False),
        ("{root}/link.txt", False),  # a symlink out of the folder
        ("{root}/fonts", False),  # a folder
        ("{root}/missing.css", False),
        ("file:///etc/passwd", False),
        ("file://example.org{path}/pack.css", False),
        ("http://127.0.0.1:9/x.png", False),
        ("https://example.org/x.css", False),
        ("ftp://example.org/x", False),
        ("data:image/svg+xml,%3Csvg%2F%3E", False),  # not one we generated
        ("data:image/png;base64,AAAA", True),  # generated for this pack
    ],
)
def test_pack_fetcher_serves_only_templates_and_generated_data(pack_root: Path, url: str, allowed: bool) -> None:
    fetcher = PackFetcher(pack_root, ["data:image/png;base64,AAAA"])
    url = url.format(root=pack_root.as_uri(), path=pack_root)
    if allowed:
        fetcher.fetch(url).close()
    else:
        with pytest.raises(PermissionError, match=r"^left out .*: packs read only their own templates and charts$"):
            fetcher.fetch(url)


def test_a_pack_reads_and_attaches_nothing_even_from_unsanitised_html(
    report: Report, tracker: tuple[str, list[str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, requests = tracker
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    hostile = Markup(
        f'<a rel="attachment" href="{secret.as_uri()}">secret</a> <a rel="attachment" href="pack.css">css</a>'
        f'<img src="{url}/img.png"><img src="{secret.as_uri()}"><link rel="stylesheet" href="{url}/s.css">'
        f'<style>@import url("{url}/i.css"); p {{ background: url("{url}/bg.png") }}</style>'
        f'<a href="{secret.as_uri()}">local</a> <a href="https://example.org/">web</a> Mission text'
    )
    pack = dataclasses.replace(build_pack(report, "it", 1, dt.date(2026, 10, 15)), mission=hostile)
    blank = "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22/%3E"
    document = render_document(pack, dict.fromkeys(pack.charts, blank))
    document.write_pdf(tmp_path / "pack.pdf")
    assert requests == []
    listing = subprocess.run(
        ["pdfdetach", "-list", str(tmp_path / "pack.pdf")], check=True, capture_output=True, text=True
    )
    assert listing.stdout.strip() == "0 embedded files"
    assert "Mission text" in pdf_text(tmp_path / "pack.pdf")
    links = {target for page in document.pages for kind, target, *_ in page.links if kind == "external"}
    assert links == {"https://example.org/"}
    assert f"left out {url}/img.png: packs read only their own templates and charts" in caplog.text


def test_pack_states_the_status_rule_and_shows_manual_statuses(tmp_path: Path) -> None:
    agency = ROOT / "examples" / "agency"
    report, _ = make_report(agency / "content", agency / "measures", None)
    code = (
        CliRunner()
        .invoke(
            main,
            ["pdf", "--content", str(agency / "content"), "--measures", str(agency / "measures")]
            + ["--unit", "contact-centre", "--unit", "agency", "--out", str(tmp_path)],
        )
        .exit_code
    )
    assert code == 0
    contact = pdf_text(tmp_path / "2026-Q2-contact-centre.pdf")
    assert (
        "Each KPI is rated against its target by this unit's own rule. Green: meets the target or misses it by 10% "
        "or less. Amber: misses it by more than 10%, up to 25%. Red: misses it by more than 25%." in contact
    )
    assert "▲ At risk ✎ set by hand" in contact
    reason = "✎ Status set by hand: Since the February telephony upgrade a scheduled callback counts as resolved"
    exceptions, scorecard = contact.split("KPIs without data", 1)
    assert reason in " ".join(exceptions.split()) and reason in " ".join(scorecard.split())  # where boards look first
    agency_text = pdf_text(tmp_path / "2026-Q2-agency.pdf")
    assert "Each KPI is rated against its target. Green: meets the target or misses it by 5% or less." in agency_text
    assert "These KPIs have a rule of their own:" in agency_text
    flat = " ".join(agency_text.split())
    assert "Status rule in this unit: Green: meets the target or misses it by 10% or less." in flat  # contact centre
    assert reason in flat  # its amber, set by hand, in the unit summaries
    assert (
        "Cost per transaction, Complaints per 1,000 transactions, Digital uptake, Staff engagement, Sick days per "
        "employee: Green: meets the target or misses it by 5% or less. Amber: misses it by more than 5%, but not "
        "beyond the red flag. Red: beyond the red flag." in agency_text
    )
    pack = build_pack(report, "agency", 1, dt.date(2026, 4, 2))
    assert [names for _, names in pack.own_rules] == [
        ("Cost per transaction", "Complaints per 1,000 transactions", "Digital uptake", "Staff engagement")
        + ("Sick days per employee",),
        (
            "Spend vs appropriation",
        ),  # a range with its own red flag; a range rated by the unit's bands would not be here
    ]


@pytest.mark.parametrize("units", [["root"], ["root", "team-a"]])  # in this process, and in two workers
def test_a_chromium_that_cannot_start_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, units: list[str]
) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    minimal = ROOT / "tests/fixtures/minimal"
    args = ["-m", "generator", "pdf", "--content", str(minimal / "content"), "--measures", str(minimal / "measures")]
    done = subprocess.run(
        [sys.executable, *args, *(a for u in units for a in ("--unit", u)), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "error: Chromium could not start to draw the packs' charts (The browser seemed to close immediately after "
        "starting.); the previous site is unchanged (check memory limits, or build without packs: --no-pdf)"
    )


def test_a_regulators_pack_shows_its_utilities_and_no_scores(tmp_path: Path) -> None:
    regulator = ROOT / "tests" / "fixtures" / "regulator"
    args = ["pdf", "--content", str(regulator / "content"), "--measures", str(regulator / "measures")]
    result = CliRunner().invoke(main, [*args, "--unit", "regulator", "--unit", "north", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "2026-Q2-regulator.pdf")
    assert "Units Unit KPIs met KPIs by status North Utility 2 of 2 met ● On target 2 · ◌ Not rated 3" in text
    assert "New connections on time n/a ◌ Not applicable 95.0% ● On target" in text
    assert "Exceptions: red and amber KPIs" not in text and "/ 10" not in text
    assert "KPIs are rated only (met or not): no scores are combined." in text
    north = pdf_text(tmp_path / "2026-Q2-north.pdf")
    assert "KPIs met 2 of 2 met" in north and "/ 10" not in north
    assert "Debt to equity ◌ Not rated 1.35" in north and "↑ up" in north  # no score dash without scores
    assert "n/a: not applicable this period; not missing, not rated, left out of roll-ups." in north
