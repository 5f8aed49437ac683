"""Read measures from an Excel workbook: every sheet whose header has unit, kpi, period, value.

The workbook is untrusted: its archive is checked for size before anything is unpacked
(a small .xlsx can expand a thousandfold), rows and cells are bounded, formulas count by the
value Excel saved with them, and every problem names its cell as `file:Sheet!D14`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from generator.errors import Problem
from generator.load import RawRow, sheet_reference
from generator.model import Location
from generator.sources import MAX_CELL_CHARS, header_problem, known_columns

# openpyxl reads about 8,000 rows a second here (measured: 200,000 rows in 25 s, 200 MB): a workbook
# is what owners fill in (hundreds of rows); bulk data goes in as CSV, or Parquet through a `.sql` file.
MAX_ROWS = 100_000  # rows of one workbook, all its sheets: about 13 s to read
MAX_UNPACKED_BYTES = 100_000_000  # the workbook's XML once unzipped (100,000 rows take 15-30 MB)
MAX_ARCHIVE_ENTRIES = 10_000
MAX_COLUMNS = 200  # columns read per row: measures take six, the collect format twelve
HEADER_ROWS = 20  # rows searched for the header (a title may sit above the table)


def read_workbook(path: str, data: bytes, problems: list[Problem]) -> list[RawRow]:
    """Return the measures rows of every sheet with a measures header; report problems at their cells."""
    if problem := _archive_problem(data):
        problems.append(Problem(Location(path), problem))
        return []
    import openpyxl  # imported here: only projects with workbooks pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a damaged file; it is reported, not ours
        problems.append(
            Problem(Location(path), f"is not a readable Excel workbook ({type(exc).__name__}: {_first_line(exc)})")
        )
        return []
    try:
        rows: list[RawRow] = []
        sheets, room = 0, [MAX_ROWS]  # rows the workbook may still have, over all its sheets
        empty: dict[str, tuple[int, set[int]]] = {}  # per sheet: the value column and its empty rows
        for sheet in book.worksheets:
            try:
                sheet.reset_dimensions()  # a sheet's stored size may be wrong: read every row it holds
                found = _sheet_rows(path, sheet, (room, empty), problems)
            except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a damaged part; it is reported
                problems.append(Problem(Location(path), f"sheet '{sheet.title}' is damaged ({_damage(exc)}): not read"))
                continue
            if found is not None:
                sheets += 1
                rows += found
            if room[0] < 0:
                break
        if empty:
            _uncalculated(path, data, empty, problems)
        if not sheets:
            problems.append(
                Problem(
                    Location(path),
                    "no sheet has the columns unit, kpi, period, value in a header row (the first 20 rows were searched)",
                )
            )
        return rows
    finally:
        book.close()


def _damage(exc: Exception) -> str:
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _archive_problem(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "is not an Excel workbook (.xlsx is a zip archive; an old .xls or a CSV renamed? save as .xlsx)"
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        return f"holds {len(entries):,} parts, over the {MAX_ARCHIVE_ENTRIES:,} limit for a workbook"
    if (size := sum(e.file_size for e in entries)) > MAX_UNPACKED_BYTES:
        return f"unpacks to {size / 1e6:,.0f} MB, over the {MAX_UNPACKED_BYTES // 1_000_000} MB limit for a workbook"
    return ""


def _sheet_rows(
    path: str, sheet: Any, tally: tuple[list[int], dict[str, tuple[int, set[int]]]], problems: list[Problem]
) -> list[RawRow] | None:
    """Return the sheet's rows (taking them from the room left), or None when it holds no measures table."""
    lines = sheet.iter_rows(max_col=MAX_COLUMNS)
    for number, cells in enumerate(lines, start=1):
        header = [_text(c.value).lower() if isinstance(c.value, str) else "" for c in cells]
        if not header_problem(header):
            columns = known_columns(header)
            room, empty = tally
            empty[sheet.title] = (columns["value"], set())
            return _data_rows(path, sheet.title, lines, (number, room, empty[sheet.title][1]), columns, problems)
        if number >= HEADER_ROWS:
            return None
    return None


def _data_rows(
    path: str,
    title: str,
    lines: Any,
    start: tuple[int, list[int], set[int]],
    columns: dict[str, int],
    problems: list[Problem],
) -> list[RawRow]:
    letters = {name: _letter(i) for name, i in columns.items()}
    (header_row, room, empty), rows = start, []
    for number, cells in enumerate(lines, start=header_row + 1):
        room[0] -= 1
        if room[0] < 0:
            where = Location(path, number, f"{sheet_reference(title)}!A{number}")
            problems.append(
                Problem(
                    where,
                    f"workbook has more than {MAX_ROWS:,} rows of values (the limit for a workbook: "
                    "put bulk data in a CSV file, or a Parquet extract read by a .sql file)",
                )
            )
            break
        values = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
        row = RawRow(path, number, {}, title, letters)
        row.cells = {name: _cell_text(name, cell, row, problems) for name, cell in values.items()}
        if not row.cells["value"]:
            empty.add(number)
        if row.cells["value"] or row.cells.get("note"):  # an empty value cell: not reported
            rows.append(row)
    return rows


_FORMULA = re.compile(rb"<(\w+:)?f[ />]")


def _uncalculated(path: str, data: bytes, empty: dict[str, tuple[int, set[int]]], problems: list[Problem]) -> None:
    """Warn about empty value cells holding a formula: saved by a program that does not calculate."""
    if not any(rows for _, rows in empty.values()) or not _has_formulas(data):
        return  # the usual case, and a cheap one: a second reading only when it can find something
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for title, (column, rows) in empty.items():
            book[title].reset_dimensions()
            lines = book[title].iter_rows(min_col=column + 1, max_col=column + 1, max_row=max(rows, default=0))
            for number, (cell, *_) in enumerate(lines, start=1):
                if number in rows and getattr(cell, "data_type", "") == "f":
                    where = Location(path, number, f"{sheet_reference(title)}!{_letter(column)}{number}")
                    problems.append(
                        Problem(
                            where,
                            "value: a formula saved without its result (the program that wrote the file does not "
                            "calculate), read as not reported; open and save the file in Excel or LibreOffice, "
                            "or type the value",
                            "warning",
                        )
                    )
    finally:
        book.close()


def _has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as stream:
                    tail = b""
                    while chunk := stream.read(1 << 20):
                        if _FORMULA.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def _cell_text(name: str, cell: Any, row: RawRow, problems: list[Problem]) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if name == "value" and "%" in (getattr(cell, "number_format", "") or ""):
            problems.append(
                Problem(
                    row.where(name),
                    f"value: the cell shows a percentage but holds {value!r}; type the number the KPI counts "
                    f"(e.g. {value * 100:g}) in a cell formatted as a number",
                )
            )
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return _date_text(name, value, row, problems)
    text = _text(value)
    if len(text) > MAX_CELL_CHARS:
        problems.append(Problem(row.where(name), f"{name}: longer than {MAX_CELL_CHARS:,} characters"))
        return ""
    return text


def _date_text(name: str, value: dt.date, row: RawRow, problems: list[Problem]) -> str:
    # Excel turns a typed 2026-09 into the date 1 September 2026: read it back as the month meant.
    if name == "period" and value.day == 1 and (not isinstance(value, dt.datetime) or value.time() == dt.time()):
        return f"{value.year:04d}-{value.month:02d}"
    if name in ("value", "target"):
        message = f"{name}: a date ({value:%Y-%m-%d}) where a number is expected; type the number, in a cell formatted as a number"
    else:
        message = f"{name}: a date ({value:%Y-%m-%d}) where text is expected; format the column as Text"
    problems.append(Problem(row.where(name), message))
    return ""


def _text(value: Any) -> str:
    return str(value).strip()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "damaged file"
