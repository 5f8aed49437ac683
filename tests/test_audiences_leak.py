"""The leak test: build the example for each audience and grep every file it produced.

The bundled example restricts a KPI (loan covenant headroom on the Kestrel facility), an
initiative (Project Osprey, merger talks with Eastbrook College) and two commentary sections to
the board. Their names, ids, values and commentary were chosen to occur nowhere else (not in
plotly.js or the theme either), so a hit can only be a leak.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.pdf]

NAMES = ("Loan covenant headroom", "Kestrel", "Project Osprey", "Eastbrook")
IDS = ("covenant_headroom",)
UNSHOWN_IDS = ("project-osprey",)  # an initiative's id appears in no output, in any edition
VALUES = ("31.47", "29.74", "28.16", "27.52", "26.43", "24.71", "23.58", "19.64", "17.93", "212,750", "385,000")
COMMENTARY = ("pension deficit contribution", "waiver letter", "due diligence", "special Council meeting")
TERMS = NAMES + IDS + VALUES + COMMENTARY


def _text(path: Path) -> str:
    """Return what a reader or a machine can get out of a produced file."""
    if path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
        info = [
            subprocess.run(["pdfinfo", *flag, str(path)], capture_output=True, check=True, text=True).stdout
            for flag in ([], ["-meta"])
        ]  # the document information, then any XMP metadata
        return " ".join(text.stdout.split()) + "\n" + "\n".join(info)
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def _hits(folder: Path, terms: tuple[str, ...]) -> dict[str, list[str]]:
    texts = {str(p.relative_to(folder)): _text(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    return {term: [name for name, text in texts.items() if term in text] for term in terms}


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build both editions with packs, and export each audience as CSV and JSON."""
    work = tmp_path_factory.mktemp("leak")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = "pages"
    (work / "pages").mkdir()
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    common = ["--content", str(ROOT / "content"), "--measures", str(ROOT / "measures")]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)  # the work folder build/ is relative to the current one
        built = CliRunner().invoke(main, ["build", *common, "--out", "site", "--config", "mkdocs.yml"])
        assert built.exit_code == 0, built.output
        for audience in ("board", "staff"):
            for fmt in ("csv", "json"):
                out = f"site/{audience}/export-{audience}.{fmt}"
                result = CliRunner().invoke(
                    main, ["export", *common, "--audience", audience, "--format", fmt, "-o", out]
                )
                assert result.exit_code == 0, result.output
            args = ["pdf", *common, "--audience", audience, "--unit", "university", "--out", f"pdf-{audience}"]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            shutil.copytree(work / f"pdf-{audience}", work / "site" / audience / "pdf-command")
    return work / "site"


def test_the_staff_edition_holds_no_trace_of_what_is_restricted_to_the_board(produced: Path) -> None:
    kinds = {p.suffix for p in (produced / "staff").rglob("*") if p.is_file()}
    assert {".html", ".json", ".js", ".csv", ".xml", ".gz", ".pdf"} <= kinds
    hits = _hits(produced / "staff", TERMS + UNSHOWN_IDS)
    assert {term: files for term, files in hits.items() if files} == {}


def test_the_board_edition_has_them_all(produced: Path) -> None:
    hits = _hits(produced / "board", TERMS)
    assert [term for term, files in hits.items() if not files] == []
    # in its pages, its search index, its chart data, its CSV export and its university pack
    assert any(f.endswith(".pdf") for f in hits["Kestrel"]) and "search/search_index.json" in hits["Kestrel"]
    assert "export-board.csv" in hits["covenant_headroom"]
    assert any(f.startswith("units/university/details") for f in hits["17.93"])


def test_the_landing_page_lists_the_editions_and_nothing_else(produced: Path) -> None:
    landing = (produced / "index.html").read_text(encoding="utf-8")
    assert 'href="board/index.html"' in landing and 'href="staff/index.html"' in landing
    assert all(term not in landing for term in TERMS)
    manifest = json.loads((produced / ".scorecard-manifest.json").read_text(encoding="utf-8"))
    assert "index.html" in json.dumps(manifest)
