"""Golden files: whole outputs diffed with a readable diff. Refresh with `make golden`."""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

from generator.export import export_rows, write_csv, write_json
from generator.render import RenderOptions, make_context, render_details, render_unit
from tests.conftest import FIXTURES, report_for

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites it instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"golden/{name}", "actual", lineterm="")
        raise AssertionError("output differs from the golden file (make golden refreshes it):\n" + "\n".join(diff))


def test_export_csv_matches_golden() -> None:
    stream = io.StringIO()
    write_csv(export_rows(report_for(FIXTURES / "minimal", "2026-Q2")), stream)
    assert_golden("export-minimal-2026-Q2.csv", stream.getvalue())


def test_export_json_matches_golden() -> None:
    stream = io.StringIO()
    write_json(export_rows(report_for(FIXTURES / "minimal", "2026-Q1")), stream)
    assert_golden("export-minimal-2026-Q1.json", stream.getvalue())


def test_unit_and_details_pages_match_golden() -> None:
    report = report_for(FIXTURES / "minimal", "2026-Q2")
    ctx = make_context(report, RenderOptions())
    root = report.scorecard.root
    assert_golden("unit-root.md", render_unit(ctx, root).text)
    assert_golden("details-root.md", render_details(ctx, root).text)
