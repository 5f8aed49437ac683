"""Exports: one row per level, numbers as shown elsewhere, CSV safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import json

from generator.export import COLUMNS, export_rows, write_csv, write_json
from tests.conftest import FIXTURES, Tree, report_for


def test_rows_cover_every_unit_perspective_objective_and_kpi() -> None:
    rows = export_rows(report_for(FIXTURES / "minimal", "2026-Q2"))
    levels = [r["level"] for r in rows]
    assert levels.count("unit") == 3 and levels.count("kpi") == 9 and levels.count("objective") == 4
    assert levels.count("perspective") == 4  # only the perspectives a unit uses
    income = next(r for r in rows if r["kpi"] == "income")
    assert list(income) == list(COLUMNS)  # every column, in order, and nothing else
    assert (income["actual"], income["target"], income["red_flag"], income["status"]) == (105.0, 100.0, 80.0, "green")
    assert income["score"] == 7.5 and income["period"] == "2026-Q2" and income["trend"] == "improving"


def test_scores_are_rounded_as_displayed() -> None:
    rows = export_rows(report_for(FIXTURES / "minimal", "2026-Q2"))
    assert all(r["score"] is None or round(r["score"], 1) == r["score"] for r in rows)


def test_csv_neutralises_formulas(tree: Tree) -> None:
    root = (
        (FIXTURES / "minimal/content/units/root.yaml")
        .read_text()
        .replace("name: Income", "name: \"=HYPERLINK('http://x')\"")
    )
    rows = export_rows(report_for(tree(**{"content__units__root.yaml": root}), "2026-Q2"))
    stream = io.StringIO()
    write_csv(rows, stream)
    parsed = list(csv.DictReader(io.StringIO(stream.getvalue())))
    names = [r["name"] for r in parsed if r["kpi"] == "income"]
    assert names == ["'=HYPERLINK('http://x')"]
    assert all(not cell.startswith(("=", "+", "@")) for row in parsed for cell in row.values())


def test_negative_numbers_stay_numbers_in_csv() -> None:
    stream = io.StringIO()
    write_csv([dict.fromkeys(COLUMNS) | {"level": "kpi", "actual": -3.5, "name": "-minus"}], stream)
    row = next(csv.DictReader(io.StringIO(stream.getvalue())))
    assert row["actual"] == "-3.5" and row["name"] == "'-minus"


def test_json_round_trips() -> None:
    rows = export_rows(report_for(FIXTURES / "minimal", "2026-Q2"))
    stream = io.StringIO()
    write_json(rows, stream)
    assert json.loads(stream.getvalue()) == rows
