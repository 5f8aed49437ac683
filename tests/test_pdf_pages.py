"""What a board reads in a pack, page by page: every commentary section, flagged objectives, no
stranded headings or nearly empty pages, bands apart in greyscale, a tagged PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from generator.pdf import PackResult, render_packs
from generator.pdf.context import build_pack
from generator.pdf.drawing import BAND_FILL, grey_level
from generator.pdf.render import render_pdf
from generator.pipeline import make_report
from generator.present import InitiativeDisplay
from generator.results import Report, Status

pytestmark = pytest.mark.pdf
ROOT = Path(__file__).resolve().parents[1]
EXCEPTIONS = "Exceptions: red and amber objectives and KPIs"
FLAGGED = (Status.RED, Status.AMBER)
MIN_LINES = 8  # a page with fewer lines of text (cover and last page aside) was left nearly empty


@pytest.fixture(scope="module")
def report() -> Report:
    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    return report


@pytest.fixture(scope="module")
def packs(report: Report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, PackResult]:
    """The board packs a person reviews: IT and the university at depth 1, IT at depth 2."""
    out = tmp_path_factory.mktemp("board")
    results = {r.unit: r for r in render_packs(report, out / "depth-1", ["university", "it"])}
    (deep,) = render_packs(report, out / "depth-2", ["it"], depth=2)
    return {**results, "it depth 2": deep}


def pages(path: Path) -> list[list[str]]:
    """Return each page's non-empty lines, as laid out."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def flat(path: Path) -> str:
    """Return the text in reading order, on one line."""
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


def _words(text: str) -> str:
    """Return Markdown as the words a reader sees: no list markers, emphasis or link targets."""
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.M)
    return re.sub(r"\s+", " ", re.sub(r"[*_`#>\[\]]|\(https?://[^)]*\)", "", text)).strip()


def _exceptions(path: Path) -> str:
    text = flat(path)
    start = text.index(EXCEPTIONS, text.index(EXCEPTIONS) + 1)  # the section, not its line in the contents
    return text[start : text.index("KPIs without data", start)]


def test_every_commentary_section_reaches_its_pack(report: Report, packs: dict[str, PackResult]) -> None:
    for name in ("it", "university"):
        text = flat(packs[name].path)
        commentary = report.scorecard.commentary[(name, report.period)]
        for section in commentary.sections:
            for part in (section.analysis or section.body, section.actions):
                opening = " ".join(_words(part).split()[:8])
                assert opening in text, f"{name}: {section.kind} {section.target!r}: {opening!r} is missing"


def test_red_and_amber_objectives_are_in_the_exceptions_with_their_analysis(
    report: Report, packs: dict[str, PackResult]
) -> None:
    for name in ("it", "university"):
        section = _exceptions(packs[name].path)
        commentary = report.scorecard.commentary[(name, report.period)]
        for objective in report.scorecard.units[name].objectives:
            if report.current.objectives[(name, objective.id)].status in FLAGGED:
                assert objective.name in section, f"{objective.name} missing from the exceptions of {name}"
                if note := commentary.about("objective", objective.id):
                    assert " ".join(_words(note.analysis).split()[:8]) in section


def test_a_kpi_without_analysis_points_to_its_objectives(packs: dict[str, PackResult]) -> None:
    section = _exceptions(packs["it"].path)
    kpi = section[section.index("◆ Projects on time and on budget") :]
    assert "Analysis and actions are written for its objective, Invest on budget and deliver the portfolio" in kpi
    assert "No analysis or actions were written" not in kpi[: kpi.index("Availability of critical services")]


def test_executive_summary_comes_first_after_the_cover(packs: dict[str, PackResult]) -> None:
    for result in packs.values():
        assert pages(result.path)[1][1] == "Executive summary", result.path


def _headings(report: Report, unit_id: str) -> set[str]:
    sc, unit = report.scorecard, report.scorecard.units[unit_id]
    names = {p.name for p in sc.perspectives(unit_id)} | {o.name for o in unit.objectives}
    names |= {u.name for u in sc.units.values()} | {i.name for i in unit.initiatives}
    names |= {"Since last", "Commentary", "ANALYSIS", "ACTIONS", "Objectives (", "KPIs (", "KPIs without data"}
    return names | {"Cause and effect", "HOW TO READ", "Red and amber KPIs"}


@pytest.mark.parametrize("name", ["it", "university", "it depth 2"])
def test_no_page_ends_with_a_heading_or_is_nearly_empty(
    report: Report, packs: dict[str, PackResult], name: str
) -> None:
    headings = _headings(report, name.split()[0])
    laid_out = pages(packs[name].path)
    for number, lines in enumerate(laid_out[1:-1], start=2):
        assert len(lines) >= MIN_LINES, f"{name}: page {number} has only {len(lines)} lines: {lines}"
    for number, lines in enumerate(laid_out[1:], start=2):
        last = lines[-2]  # the last line is the footer: section and page number
        stranded = [h for h in headings if last.startswith(h) and not re.search(r"\d+(\.\d+)?%|\d [a-z]", last)]
        assert not stranded, f"{name}: page {number} ends with a heading: {last!r}"


@pytest.mark.parametrize("name", ["it", "university", "it depth 2"])
def test_no_kpi_row_is_printed_without_its_objective(report: Report, packs: dict[str, PackResult], name: str) -> None:
    unit = report.scorecard.units[name.split()[0]]
    for number, lines in enumerate(pages(packs[name].path), start=1):
        if not lines[-1].startswith("Scorecard"):  # the footer names the section
            continue
        objective = None
        for line in lines:
            objective = next((o for o in unit.objectives if line.startswith(o.name)), objective)
            kpi = next((k for o in unit.objectives for k in o.kpis if line.startswith(k.name)), None)
            if kpi is not None:
                assert objective is not None and kpi in objective.kpis, f"{name}: page {number}: {kpi.name} alone"


def test_greyscale_print_keeps_the_bands_apart(packs: dict[str, PackResult], tmp_path: Path) -> None:
    path = packs["it"].path
    page = next(n for n, lines in enumerate(pages(path), start=1) if lines[-1].startswith("KPI trends"))
    out = tmp_path / "trends"
    subprocess.run(["pdftoppm", "-gray", "-r", "60", "-f", str(page), "-l", str(page), str(path), str(out)], check=True)
    (image,) = tmp_path.glob("trends*.pgm")
    levels = Counter(_pgm_pixels(image))
    bands = {status: grey_level(BAND_FILL[status]) for status in (Status.GREEN, Status.AMBER, Status.RED)}
    assert bands[Status.GREEN] - bands[Status.AMBER] >= 20 and bands[Status.AMBER] - bands[Status.RED] >= 20
    for status, level in bands.items():
        painted = sum(levels[v] for v in range(level - 2, level + 3))
        assert painted > 500, f"{status.value} band (grey {level}) hardly on the page: {painted} pixels"


def _pgm_pixels(path: Path) -> bytes:
    data = path.read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and depth == b"255"
    return pixels[: int(width) * int(height)]


def test_the_pack_is_tagged_for_screen_readers(packs: dict[str, PackResult]) -> None:
    path = packs["it"].path
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    struct = subprocess.run(["pdfinfo", "-struct", str(path)], check=True, capture_output=True).stdout
    tree = struct.decode("utf-8", errors="replace")  # Typst writes some attribute strings as UTF-16
    roles = {line.split()[0].rstrip(":") for line in tree.splitlines() if line.strip()}
    assert tree.startswith("Document") and {"H1", "H2", "Table", "TR", "TH", "TD", "L"} <= roles  # StructTreeRoot


@pytest.mark.parametrize("name", ["it", "university", "it depth 2"])
def test_a_unit_summary_never_starts_a_page_without_its_name(
    report: Report, packs: dict[str, PackResult], name: str
) -> None:
    units = {u.name for u in report.scorecard.units.values()}
    for number, lines in enumerate(pages(packs[name].path), start=1):
        if lines[-1].startswith("Unit summaries"):
            first = lines[1]  # after the running header
            assert first == "Unit summaries" or any(first.startswith(u) for u in units), (
                f"{name}: page {number}: {first!r}"
            )


def test_initiatives_show_their_state_as_the_site_does(report: Report, packs: dict[str, PackResult]) -> None:
    text = " ".join(line for page in pages(packs["it"].path) for line in page)
    for initiative in initiative_displays(report, "it"):
        assert f"{initiative.name} {initiative.state_word}" in text
    assert "◆ Overdue" in text and "◆ Late" in text  # milestones and initiatives, in the site's words


def initiative_displays(report: Report, unit_id: str) -> list[InitiativeDisplay]:
    return list(build_pack(report, unit_id, 1, dt.date(2026, 10, 15)).initiatives)


def test_an_objective_longer_than_a_page_repeats_its_header_as_continued(report: Report, tmp_path: Path) -> None:
    pack = build_pack(report, "it", 1, dt.date(2026, 10, 15))
    first = pack.perspectives[0]
    objective = dataclasses.replace(first.objectives[0], kpis=first.objectives[0].kpis * 30)
    pack = dataclasses.replace(
        pack, perspectives=(dataclasses.replace(first, objectives=(objective,)), *pack.perspectives[1:])
    )
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf(pack, {}))
    laid_out = [lines for lines in pages(path) if lines[-1].startswith("Scorecard")]
    starts = [n for n, lines in enumerate(laid_out) if any(line.startswith(objective.name) for line in lines)]
    assert len(starts) >= 2  # the objective spans pages
    for lines in laid_out[starts[0] + 1 : starts[-1] + 1]:  # each page after its first: columns, then the objective
        assert lines[1].startswith("Objective / KPI") and lines[2].startswith(f"{objective.name} (continued)"), lines[
            :3
        ]
