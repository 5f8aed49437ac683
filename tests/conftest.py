"""Shared fixtures: fixture trees copied to a temporary folder, and a loader for them."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.compute import compute_report
from generator.load import load_input
from generator.model import Scorecard
from generator.periods import parse_quarter
from generator.results import Report
from generator.validate import validate_input

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

Tree = Callable[..., Path]


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """Copy a fixture tree (default: minimal) to tmp and overwrite or add files given as text."""

    def make(base: str | None = "minimal", **files: str | None) -> Path:
        target = tmp_path / "project"
        if target.exists():
            shutil.rmtree(target)
        if base:
            shutil.copytree(FIXTURES / base, target)
        else:
            (target / "content").mkdir(parents=True)
            (target / "measures").mkdir()
        for name, text in files.items():
            path = target / name.replace("__", "/")
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    return make


def load_tree(project: Path) -> Scorecard:
    """Load and validate a project folder (raises DataError)."""
    scorecard, _ = validate_input(load_input(project / "content", project / "measures"))
    return scorecard


def report_for(project: Path, period: str) -> Report:
    """Load a project and compute its report for a period."""
    quarter = parse_quarter(period)
    assert quarter is not None
    return compute_report(load_tree(project), quarter)


BLANK_CHART = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def pack_text(report: Report, unit_id: str, depth: int = 2) -> str:
    """Return a pack's text as a reader sees it, on one line: laid out by Typst (blank charts), read by pdftotext."""
    import datetime as dt
    import re
    import subprocess
    import tempfile

    from generator.pdf.context import build_pack
    from generator.pdf.render import render_pdf

    pack = build_pack(report, unit_id, depth, dt.date(2026, 11, 23))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.pdf"
        path.write_bytes(render_pdf(pack, dict.fromkeys(pack.charts, BLANK_CHART)))
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    return re.sub(r"\s+", " ", text)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the two-process render tests first: the build forks only when no other thread runs, and the
    browser tests leave Playwright's and their servers' threads behind in this process."""
    items.sort(key=lambda item: item.path.name != "test_split_render.py")  # stable: the rest keep their order
