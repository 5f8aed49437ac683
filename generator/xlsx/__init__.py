"""Excel workbooks we write: owner workbooks (`collect`) and the results export.

Text from content is data, never a formula: every string goes in as a text cell, so a KPI named
`=HYPERLINK(...)` shows as those characters and runs nothing; characters a workbook cannot hold
are escaped, and cells are clipped to Excel's 32,767 characters.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.workbook import Workbook

from generator.folders import replace_file

MAX_CELL_CHARS = 32_767  # Excel's own limit
_ILLEGAL = re.compile(ILLEGAL_CHARACTERS_RE.pattern)


def put(cell: Any, value: object) -> None:
    """Write a value into a cell: numbers as numbers, everything else as text (never a formula)."""
    if value is None or value == "" or isinstance(value, bool | int | float):
        cell.value = value if value != "" else None  # an empty text cell would stop the text beside it overflowing
        return
    text = _ILLEGAL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), str(value))
    cell.value = text[:MAX_CELL_CHARS]
    cell.data_type = "s"  # openpyxl would store a string starting with '=' as a formula


def save_atomically(book: Workbook, path: Path) -> None:
    """Write the workbook beside `path`, then switch it in: a reader never sees half a file."""
    replace_file(path, lambda temporary: book.save(temporary))
