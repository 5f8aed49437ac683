"""Exports: the report's rows (from the display layer, `generator.present`) written as JSON or CSV.

A new format reads the same two things: `COLUMNS` and `export_rows(report)`, one dict per unit,
perspective, objective and KPI with typed values rounded as shown; `csv_cell` makes a value safe
for a spreadsheet.
"""

from __future__ import annotations

import json
from typing import IO, Any

from generator.present import EXPORT_COLUMNS as COLUMNS
from generator.present import EXPORT_LEVEL_COLUMNS as LEVEL_COLUMNS
from generator.present import csv_text, export_rows

__all__ = ["COLUMNS", "LEVEL_COLUMNS", "export_rows", "write_csv", "write_json"]


def write_json(rows: list[dict[str, Any]], stream: IO[str]) -> None:
    """Write rows as a JSON array of objects."""
    json.dump(rows, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def write_csv(rows: list[dict[str, Any]], stream: IO[str]) -> None:
    """Write rows as CSV that a spreadsheet opens without running formulas."""
    stream.write(csv_text(COLUMNS, ([row[c] for c in COLUMNS] for row in rows)))
