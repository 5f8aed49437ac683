"""PDF board packs: build the example's packs once, then read them back with poppler."""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
import typst
from click.testing import CliRunner
from markupsafe import Markup

from generator.cli import main
from generator.export import export_rows
from generator.formatting import format_score, format_target, format_value
from generator.pdf import PackResult, render_packs
from generator.pdf.context import build_pack
from generator.pdf.render import _compiler, render_pdf
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
    """Return the text as laid out (table rows read across), on one line."""
    command = ["pdftotext", "-layout", *(["-f", str(first)] if first else []), str(path), "-"]
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


def outline(pdf: Path) -> list[tuple[str, list]]:  # type: ignore[type-arg]
    """Return the PDF's bookmarks as (title, children) pairs."""
    reader = pypdf.PdfReader(pdf)

    def tree(items: list) -> list[tuple[str, list]]:  # type: ignore[type-arg]
        out: list[tuple[str, list]] = []  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                out[-1][1].extend(tree(item))  # a nested list holds the children of the item before it
            else:
                out.append((item.title, []))
        return out

    return tree(reader.outline)


def _flatten(tree: list) -> list:  # type: ignore[type-arg]
    return [node for item in tree for node in [item, *_flatten(item[1])]]


BLANK = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def test_bookmarks_cover_every_section_and_child(report: Report, tmp_path: Path) -> None:
    pack = build_pack(report, "it", 2, dt.date(2026, 10, 15))
    (tmp_path / "pack.pdf").write_bytes(render_pdf(pack, dict.fromkeys(pack.charts, BLANK)))
    tree = outline(tmp_path / "pack.pdf")
    assert [label for label, _ in tree] == SECTIONS
    children = {label for label, _ in _flatten(tree)}
    assert {c.name for c in pack.children} <= children
    assert {f"{k.status.word}: {k.name}" for k in pack.exceptions} <= children


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


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ('#read("../outside.txt")', 'path `"../outside.txt"` would escape the project root'),
        ('#read("/etc/passwd")', "file not found (searched at {root}/etc/passwd)"),
        ('#image("http://127.0.0.1:9/x.png")', "file not found (searched at {root}/http:/127.0.0.1:9/x.png)"),
    ],
)
def test_the_pack_compiler_reads_only_its_own_folder(tmp_path: Path, template: str, message: str) -> None:
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    root = tmp_path / "pack"
    root.mkdir()
    (root / "pack.typ").write_text(template, encoding="utf-8")
    with pytest.raises(typst.TypstError) as raised:
        _compiler().compile(input=str(root / "pack.typ"), root=str(root))
    assert raised.value.message == message.format(root=root)


def _links(pdf: Path) -> set[str]:
    """Return the addresses the PDF's link annotations open."""
    return {
        str(annotation.get_object()["/A"]["/URI"])
        for page in pypdf.PdfReader(pdf).pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    }


def test_a_pack_reads_and_attaches_nothing_even_from_unsanitised_html(
    report: Report, tracker: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, requests = tracker
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    hostile = Markup(
        f'<a rel="attachment" href="{secret.as_uri()}">secret</a> <a rel="attachment" href="pack.typ">typ</a>'
        f'<img src="{url}/img.png"><img src="{secret.as_uri()}"><link rel="stylesheet" href="{url}/s.css">'
        f'<style>@import url("{url}/i.css"); p {{ background: url("{url}/bg.png") }}</style>'
        f'<a href="{secret.as_uri()}">local</a> <a href="javascript:alert(1)">script</a> '
        f'<a href="https://example.org/">web</a> Mission text'
    )
    pack = dataclasses.replace(build_pack(report, "it", 1, dt.date(2026, 10, 15)), mission=hostile)
    (tmp_path / "pack.pdf").write_bytes(render_pdf(pack, dict.fromkeys(pack.charts, BLANK)))
    assert requests == []
    listing = subprocess.run(
        ["pdfdetach", "-list", str(tmp_path / "pack.pdf")], check=True, capture_output=True, text=True
    )
    assert listing.stdout.strip() == "0 embedded files"
    text = pdf_text(tmp_path / "pack.pdf")
    assert "Mission text" in text and "TOP SECRET" not in text
    assert _links(tmp_path / "pack.pdf") == {"https://example.org/"}


def test_names_and_commentary_are_text_never_typst_code(report: Report, tmp_path: Path) -> None:
    code = '#read("/etc/passwd") #set text(size: 40pt) ] } $x^2$ <label> @ref \\ *bold* = Heading'
    pack = build_pack(report, "it", 1, dt.date(2026, 10, 15))
    pack = dataclasses.replace(pack, unit_name=code, mission=Markup(f"<p>{code}</p>"))
    (tmp_path / "pack.pdf").write_bytes(render_pdf(pack, dict.fromkeys(pack.charts, BLANK)))
    text = pdf_text(tmp_path / "pack.pdf")
    assert text.count(code) >= 3  # the cover, its facts and the mission, as written
    assert "root:x:0" not in text


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


@pytest.mark.parametrize("units", [["root"], ["root", "team-a"]])
def test_packs_draw_their_charts_without_a_browser(tmp_path: Path, units: list[str]) -> None:
    minimal = ROOT / "tests/fixtures/minimal"
    args = ["-m", "generator", "pdf", "--content", str(minimal / "content"), "--measures", str(minimal / "measures")]
    env = {**os.environ, "BROWSER_PATH": "/bin/false", "PATH": str(Path(sys.executable).parent)}  # no Chromium
    done = subprocess.run(
        [sys.executable, *args, *(a for u in units for a in ("--unit", u)), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=600, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "FY26" in pdf_text(tmp_path / "2026-Q2-root.pdf")  # a chart's period label ('Q2' over 'FY26'), drawn


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


def test_a_pack_with_nothing_below_its_summary_is_still_laid_out(report: Report, tmp_path: Path) -> None:
    pack = build_pack(report, "it", 1, dt.date(2026, 10, 15))
    empty = dataclasses.replace(
        pack, perspectives=(), exceptions=(), objective_exceptions=(), no_data=(), charted=(), initiatives=(),
        children=(), tables=(), map_links=(), notes={}, objectives={}, projected_misses=(), unexplained=(),
        restatements=(),
    )  # fmt: skip
    (tmp_path / "pack.pdf").write_bytes(render_pdf(empty, {}))
    text = pdf_text(tmp_path / "pack.pdf")
    assert "No objective or KPI is off target or at risk this quarter." in text
    assert "Every KPI has a value for Q3 FY2026 (Jul-Sep 2026)." in text
    assert "No KPI has numeric values to chart." in text and "No initiatives are recorded for this unit." in text


def test_packs_written_by_two_workers_read_as_those_written_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.pdf import render

    report, _ = make_report(ROOT / "tests/fixtures/minimal/content", ROOT / "tests/fixtures/minimal/measures", None)
    alone = render_packs(report, tmp_path / "one", workers=1)
    monkeypatch.setattr(render, "POOL_FROM", 2)
    pooled = render_packs(report, tmp_path / "two", workers=2)
    assert len(alone) == len(pooled) >= 3
    for a, b in zip(alone, pooled, strict=True):
        assert (a.unit, a.pages) == (b.unit, b.pages)
        assert pdf_text(a.path) == pdf_text(b.path)


def test_text_no_font_can_show_prints_as_boxes_and_the_pack_is_still_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An emoji in a unit's name (no emoji font is embedded) fails PDF/UA-1's check: the pack is written anyway."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests/fixtures/minimal", project)
    root = project / "content" / "units" / "root.yaml"
    root.write_text(root.read_text(encoding="utf-8").replace("name: Root Unit", "name: Root Unit 💧", 1), "utf-8")
    report, _ = make_report(project / "content", project / "measures", None)
    [result] = render_packs(report, tmp_path / "out", ["root"], workers=1)
    assert result.pages > 1 and "Root Unit" in pdf_text(result.path)
    assert any(
        "the board pack of root has text its fonts cannot show" in r.getMessage() and "💧" in r.getMessage()
        for r in caplog.records
    )


def test_the_running_header_names_the_organisation_once_on_its_root_units_pack(packs: dict[str, PackResult]) -> None:
    # The example's root unit bears the organisation's name: "Northbridge University · Northbridge University" read oddly
    root = pdf_text(packs["university"].path, first=2)
    assert "Northbridge University Q3 FY2026 (Jul-Sep 2026)" in root
    assert "Northbridge University · Northbridge University" not in root
    assert "Northbridge University · IT Services" in pdf_text(packs["it"].path, first=2)
