"""Measures from more than CSV: Excel workbooks and SQL queries, read into the same raw rows.

`load` reads each file through its safety checks and hands the content here; every reader
returns `RawRow`s that name their place (`file:Sheet!D14`, `file.sql:result row 3`), so one
validation serves every source.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.load import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

# Rows of one query result (workbooks have their own limit): about 1 KB each in memory until validated,
# as for CSV; the 9,000-KPI benchmark has 241,126 in all
MAX_ROWS = 1_000_000
MAX_RESULT_CHARS = 100_000_000  # text in one query result: a million rows of long notes must not fill memory
MAX_CELL_CHARS = 10_000  # a note longer than this is a mistake (a pasted document)


def header_problem(header: Iterable[str]) -> str:
    """Return why a header cannot be read as measures (missing required columns), or ""."""
    names = list(header)
    if missing := [c for c in REQUIRED_COLUMNS if c not in names]:
        return f"missing column(s) {', '.join(missing)} (expected unit, kpi, period, value; optional target, note, status, forecast)"
    return ""


def known_columns(header: Iterable[str]) -> dict[str, int]:
    """Return the position of each measures column in a header, other columns left out."""
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            positions.setdefault(name, i)
    return positions
