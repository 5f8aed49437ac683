"""The results workbook of `scorecard export --format xlsx`: one sheet per level, ready to filter.

It reads the same rows as the JSON and CSV exports (`export_rows`), so the three cannot disagree;
this module only lays them out: status as a word on its colour, numbers in each KPI's decimals,
filters on and the header frozen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.model import NOT_APPLICABLE
from generator.present import EXPORT_LEVEL_COLUMNS as LEVEL_COLUMNS
from generator.present import NOT_APPLICABLE_WORD
from generator.results import Report, Status
from generator.xlsx import put, save_atomically

SHEETS = {"unit": "Units", "perspective": "Perspectives", "objective": "Objectives", "kpi": "KPIs"}
_FILLS = {
    Status.GREEN: PatternFill("solid", fgColor="C6EFCE"),
    Status.AMBER: PatternFill("solid", fgColor="FFEB9C"),
    Status.RED: PatternFill("solid", fgColor="FFC7CE"),
    Status.NO_DATA: PatternFill("solid", fgColor="EDEDED"),
    Status.NOT_RATED: PatternFill("solid", fgColor="EDEDED"),
}
_NUMBERS = ("actual", "target", "red_flag", "ytd", "stretch", "forecast")
_WIDE = {"name": 40, "owner": 30, "objective": 26, "kpi": 26}


def write_xlsx(report: Report, rows: list[dict[str, Any]], path: Path) -> None:
    """Write the export rows as a workbook with one formatted sheet per level."""
    book = Workbook()
    book.properties.creator = "scorecard-press"
    book.properties.title = f"Scorecard results {report.period}"
    first = book.active
    assert first is not None
    book.remove(first)
    for level, title in SHEETS.items():
        sheet = book.create_sheet(title)
        _sheet(sheet, report, LEVEL_COLUMNS[level], [r for r in rows if r["level"] == level])
    save_atomically(book, path)


def _sheet(sheet: Worksheet, report: Report, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    for column, name in enumerate(columns, start=1):
        put(sheet.cell(1, column), name)
        sheet.cell(1, column).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = _WIDE.get(name, 14)
    for row_number, row in enumerate(rows, start=2):
        decimals = _decimals(report, row)
        for column, name in enumerate(columns, start=1):
            _cell(sheet.cell(row_number, column), name, row[name], decimals)
        if row.get("actual") == NOT_APPLICABLE:  # the word readers see on the site and in packs
            put(sheet.cell(row_number, columns.index("status") + 1), NOT_APPLICABLE_WORD)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"


def _cell(cell: Any, name: str, value: Any, decimals: int) -> None:
    if name in ("status", "forecast_status") and value is not None:
        status = Status(value)
        put(cell, status.label)
        cell.fill = _FILLS[status]
        return
    if isinstance(value, list):  # a [low, high] band
        value = " to ".join(f"{v:,.{decimals}f}" for v in value)
    put(cell, value)
    if name in _NUMBERS and isinstance(value, int | float):
        cell.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    elif name == "score" and value is not None:
        cell.number_format = "0.0"


def _decimals(report: Report, row: dict[str, Any]) -> int:
    if row["level"] != "kpi":
        return 1
    return report.scorecard.kpi(row["unit"], row["kpi"]).decimals
