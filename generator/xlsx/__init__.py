"""Excel workbooks we write: owner workbooks (`collect`) and the results export.

Text from content is data, never a formula: every string goes in as a text cell, so a KPI named
`=HYPERLINK(...)` shows as those characters and runs nothing; characters a workbook cannot hold
are escaped, and cells are clipped to Excel's 32,767 characters.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook.workbook import Workbook

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
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # a new file: ours
    os.close(handle)
    temporary = Path(name)
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it 0600: give it the mode any new file gets
        book.save(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask
