"""Owner workbooks for `scorecard collect`: one row per value to report, only the input cells open.

The workbook is the measures format itself (unit, kpi, period, value, note) with read-only
context to the right, so a returned file goes into measures/ as it is. Files are written into a
folder beside whatever else is there; an existing workbook is replaced only when an earlier
`collect` wrote it (a document property says so).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.collection import Assignment, DueValue
from generator.errors import ScorecardError
from generator.model import NOT_APPLICABLE
from generator.periods import Period
from generator.xlsx import put, save_atomically

MARK = "scorecard-press"  # custom document property naming the workbooks collect wrote
MARK_VALUE = "collect"
DATA_SHEET = "Scorecard"
INPUT_COLUMNS = ("unit", "kpi", "period", "value", "note")
CONTEXT_COLUMNS = (
    "KPI name",
    "unit of measure",
    "target for the period",
    "red flag",
    "polarity",
    "last four values",
    "description",
)
_WIDTHS = (16, 24, 10, 14, 30, 32, 12, 14, 12, 18, 44, 60)
_POLARITY = {
    "higher": "higher is better",
    "lower": "lower is better",
    "range": "inside the target band",
    "none": "reference measure (no better direction)",
}
_INPUT = PatternFill("solid", fgColor="FFF4C2")
_CONTEXT = PatternFill("solid", fgColor="EEEEEE")
_HEADER = Font(bold=True)
_MAX_NAME = 60


@dataclass(frozen=True)
class WrittenWorkbook:
    """A workbook collect wrote, and whether it replaced an earlier one."""

    path: Path
    assignment: Assignment
    replaced: bool


def write_owner_workbooks(
    assignments: list[Assignment],
    period: Period,
    period_label: str,
    organization: str,
    out: Path,
    *,
    missing_only: bool = False,
    measures: Path | None = None,
) -> list[WrittenWorkbook]:
    """Write one workbook per assignment into `out`; refuse, writing nothing, to replace files not ours.

    Reminders (`missing_only`) are named `<period>-<owner>-missing.xlsx`, and no name is one the
    measures folder already holds: copying the returned files into it never replaces one returned before.
    """
    if out.exists() and not out.is_dir():
        raise ScorecardError(f"--out '{out}' is a file, not a folder")
    taken = {p.name.lower() for p in measures.iterdir()} if measures is not None and measures.is_dir() else set()
    paths = _file_names(assignments, period, out, "-missing" if missing_only else "", taken)
    if refused := [p for p in paths if os.path.lexists(p) and not written_by_collect(p)]:
        listed = ", ".join(str(p) for p in refused)
        raise ScorecardError(
            f"{listed}: exist{'s' if len(refused) == 1 else ''} and collect did not write "
            f"{'it' if len(refused) == 1 else 'them'}: nothing written (move the files away or choose another --out)"
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for assignment, path in zip(assignments, paths, strict=True):
        replaced = os.path.lexists(path)
        save_atomically(_workbook(assignment, period, period_label, organization), path)
        written.append(WrittenWorkbook(path, assignment, replaced))
    return written


def written_by_collect(path: Path) -> bool:
    """Return whether `path` is a regular file that an earlier collect wrote (its document property)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False  # a link or a folder is never ours to replace
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > 100_000:
                return False
            root = ElementTree.fromstring(archive.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return False
    for prop in root:
        if prop.get("name") == MARK:
            return any((child.text or "").startswith(MARK_VALUE) for child in prop)
    return False


def _file_names(
    assignments: list[Assignment], period: Period, out: Path, suffix: str, measures: set[str]
) -> list[Path]:
    """Return `<out>/<period>-<owner><suffix>.xlsx` for each assignment, unique and not in the measures folder."""
    taken = set(measures)
    paths = []
    for assignment in assignments:
        base = f"{period}-{_slug(assignment.key)}{suffix}"
        name, n = base, 1
        while f"{name}.xlsx".lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(f"{name}.xlsx".lower())
        paths.append(out / f"{name}.xlsx")
    return paths


def _slug(text: str) -> str:
    """Return a file-name-safe form of an owner's name: `Dana Whitfield` -> `dana-whitfield`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_MAX_NAME].strip("-")
    return slug or f"owner-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


# --- The workbook ------------------------------------------------------------------------------


def _workbook(assignment: Assignment, period: Period, period_label: str, organization: str) -> Workbook:
    book = Workbook()
    book.properties.creator = "scorecard-press"
    book.properties.title = f"Values to report for {period}: {assignment.label}"[:200]
    book.custom_doc_props.append(StringProperty(name=MARK, value=f"{MARK_VALUE} {period}"))
    instructions = book.active
    assert instructions is not None
    _instructions(instructions, assignment, period_label, organization)
    values = book.create_sheet(DATA_SHEET)
    levels = book.create_sheet("Levels")
    _values(values, assignment.values, levels)
    levels.sheet_state = "hidden"
    levels.protection.sheet = True
    return book


def _instructions(sheet: Worksheet, assignment: Assignment, period_label: str, organization: str) -> None:
    sheet.title = "Instructions"
    lines: list[tuple[str, str | int]] = [
        (f"{organization}: values to report for {period_label}", ""),
        ("", ""),
        ("For", assignment.label),
        ("Values asked", len(assignment.values)),
        ("", ""),
        ("How to fill it in", ""),
        (
            "1.",
            f"Open the sheet '{DATA_SHEET}'. Each row is one value: a KPI in one period (a monthly KPI has a row per month).",
        ),
        (
            "2.",
            "Type the value in the yellow 'value' cell: a plain number such as 97.5, without % or thousands separators; for a KPI with levels, pick one from the list. "
            "Type n/a when the KPI does not apply this period (it is then neither missing nor rated).",
        ),
        ("3.", "No figure yet? Leave 'value' empty and say why in 'note'. A note is optional otherwise."),
        (
            "4.",
            "The other columns are locked: the grey ones show the KPI's target, red flag and last values to help you.",
        ),
        ("5.", "Save the file as .xlsx, keeping its name, and send it back to the strategy office."),
        ("", ""),
        (
            "For the strategy office",
            "Put the returned file into measures/ as it is, then run `scorecard check` and `scorecard build`.",
        ),
    ]
    for row, (label, text) in enumerate(lines, start=1):
        put(sheet.cell(row, 1), label)
        put(sheet.cell(row, 2), text)
        sheet.cell(row, 1).alignment = Alignment(vertical="top")
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(6, 1).font = _HEADER
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 110
    sheet.protection.sheet = True


def _values(sheet: Worksheet, values: tuple[DueValue, ...], levels: Worksheet) -> None:
    for column, title in enumerate(INPUT_COLUMNS + CONTEXT_COLUMNS, start=1):
        put(sheet.cell(1, column), title)
        sheet.cell(1, column).font = _HEADER
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS[column - 1]
    # a number or n/a; Excel reads D2 relative to each cell the rule covers (rows are added in order from D2)
    number = DataValidation(
        type="custom",
        formula1=f'OR(ISNUMBER(D2),LOWER(TRIM(D2))="{NOT_APPLICABLE}")',  # size is checked on reading
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a number",
        error="Type a plain number such as 97.5 (no %, no thousands separators), n/a, or leave the cell empty.",
    )
    note = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="10000", allow_blank=True)
    sheet.add_data_validation(number)
    sheet.add_data_validation(note)
    lists: dict[tuple[str, ...], DataValidation] = {}
    for row, due in enumerate(values, start=2):
        _value_row(sheet, row, due)
        validation = number if not due.levels else _level_list(sheet, levels, lists, due.levels)
        validation.add(f"D{row}")
        note.add(f"E{row}")
    sheet.freeze_panes = "D2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # owners may widen a column
    sheet.protection.formatRows = False


def _value_row(sheet: Worksheet, row: int, due: DueValue) -> None:
    cells = (
        due.unit,
        due.kpi,
        str(due.period),
        None,
        None,
        due.name,
        due.unit_of_measure,
        due.target,
        due.red_flag,
        "one of the levels, best first" if due.levels else _POLARITY.get(due.polarity, due.polarity),
        "; ".join(due.history),
        due.description,
    )
    for column, value in enumerate(cells, start=1):
        cell = sheet.cell(row, column)
        put(cell, value)
        if column in (4, 5):
            cell.protection = Protection(locked=False)
            cell.fill = _INPUT
        elif column > len(INPUT_COLUMNS):
            cell.fill = _CONTEXT
            cell.alignment = Alignment(vertical="top", wrap_text=column == len(cells))
    sheet.cell(row, 3).number_format = "@"  # a period stays text: Excel would read 2026-10 as a date


def _level_list(
    sheet: Worksheet, levels: Worksheet, lists: dict[tuple[str, ...], DataValidation], names: tuple[str, ...]
) -> DataValidation:
    """Return the validation offering a categorical KPI's levels, kept on the hidden Levels sheet."""
    if names not in lists:
        column = get_column_letter(len(lists) + 1)
        offered = names if NOT_APPLICABLE in names else (*names, NOT_APPLICABLE)  # n/a: not applicable this period
        for row, name in enumerate(offered, start=1):
            put(levels[f"{column}{row}"], name)
        lists[names] = DataValidation(
            type="list",
            formula1=f"Levels!${column}$1:${column}${len(offered)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not a level",
            error="Pick one of the KPI's levels (or n/a) from the list, or leave the cell empty.",
        )
        sheet.add_data_validation(lists[names])
    return lists[names]
