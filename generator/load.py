"""Read YAML, CSV and Markdown into raw records that remember their file and line.

Nothing here judges the content beyond syntax; `validate` does that with the locations kept here.
Every file is untrusted: it is read only if it is a regular file inside the content or measures
folder and not too large, as UTF-8; YAML without tags and with bounded nesting and alias
expansion; CSV with one record per line. Whatever is refused becomes a Problem at its file and line.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import io
import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem
from generator.model import Location, number_problem
from generator.periods import ID_FORMS, PERIOD_NOUNS

Loc = tuple[str | int, ...]

# Limits far above any real scorecard (the largest unit file of the 9,000-KPI benchmark is 9 KB,
# its measures 9 MB in all), low enough that a wrong or hostile file cannot exhaust memory.
MAX_DOCUMENT_BYTES = 1_000_000  # a YAML or Markdown file
MAX_CSV_BYTES = 100_000_000
# Rows of all measures CSV files: each costs about 1 KB in memory until validated (the 9,000-KPI
# benchmark has 241,126), so a million keeps a run near 1 GB.
MAX_CSV_ROWS = 1_000_000
MAX_DEPTH = 50  # nesting levels in a YAML file; a unit file uses 8
MAX_VALUES = 200_000  # values in a YAML file, counting each use of an alias again (alias bombs)


@dataclass
class RawDocument:
    """A parsed YAML file with the line of every key and list item."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """Return the line of the deepest known element on the path `loc`."""
        for end in range(len(loc), -1, -1):
            if (line := self.lines.get(tuple(loc[:end]))) is not None:
                return line
        return 1

    def where(self, loc: Loc = ()) -> Location:
        """Return the location of the element at `loc`."""
        return Location(self.path, self.line_of(loc))


@dataclass
class RawRow:
    """One data row of a measures file (CSV, workbook or query), with surrounding whitespace removed."""

    path: str
    line: int  # CSV: the line; workbook: the sheet's row; query: the result row
    cells: dict[str, str]
    sheet: str | None = None  # workbook rows: the sheet they are on
    columns: dict[str, str] | None = None  # workbook rows: the column letter of each cell
    line_name: str = ""  # what a line is called where it is not one: "result row" (of a query)

    def where(self, column: str = "") -> Location:
        """Return where the row (or its cell in `column`) is, as the user would look for it."""
        if self.sheet is None or self.columns is None:
            return Location(self.path, self.line, f"{self.line_name} {self.line}" if self.line_name else "")
        letter = self.columns.get(column) or min(self.columns.values(), key=lambda c: (len(c), c))
        return Location(self.path, self.line, f"{sheet_reference(self.sheet)}!{letter}{self.line}")


def sheet_reference(name: str) -> str:
    """Return a sheet name as a formula writes it: `Scorecard`, or `'Q3 data'` quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


@dataclass
class RawText:
    """A Markdown file: commentary."""

    path: str
    text: str


@dataclass
class RawInput:
    """Everything read from the content and measures folders."""

    organization: RawDocument | None
    units: list[RawDocument]
    templates: list[RawDocument]
    rows: list[RawRow]
    commentary: list[RawText]
    problems: list[Problem]
    unreadable: list[str] = field(default_factory=list)  # YAML files that did not parse


def load_input(content: Path, measures: Path) -> RawInput:
    """Read every definition, measure and commentary file; collect syntax problems."""
    files = _Files((Path(os.path.realpath(content)), Path(os.path.realpath(measures))), [])
    org_path = content / "organization.yaml"
    organization = _load_yaml(org_path, files) if os.path.lexists(org_path) else None
    if not os.path.lexists(org_path):
        files.problems.append(
            Problem(Location(str(org_path)), "file missing (expected the organisation's name, mission, vision)")
        )
    unit_paths = files.list(content / "units", "*.y*ml")
    units = [d for p in unit_paths if (d := _load_yaml(p, files))]
    templates = [d for p in files.list(content / "templates", "*.y*ml") if (d := _load_yaml(p, files))]
    rows = _load_measures(measures, files)
    commentary = [
        RawText(str(p), text)
        for folder in files.list(content / "commentary", "*")
        if folder.is_dir()
        for p in files.list(folder, "*.md")
        if (text := files.read(p, MAX_DOCUMENT_BYTES)) is not None
    ]
    unreadable = sorted({str(p) for p in unit_paths} - {d.path for d in units})
    _warn_ignored(content, measures, files, _cadence(organization))
    return RawInput(organization, units, templates, rows, commentary, files.problems, unreadable)


# --- Files ---------------------------------------------------------------------------------

_YAML_NAMES = (".yaml", ".yml")
_MEASURES_NAMES = (".csv", ".xlsx", ".sql")
_COMMENTARY_NAMES = (".md",)
_COMMENTARY_LOOKALIKES = (".md", ".markdown", ".txt")
_MAX_WALK = 10_000  # entries looked at below one ignored folder


def _cadence(organization: RawDocument | None) -> str:
    """Return the cadence organization.yaml declares, quarterly when it declares none (or none it knows)."""
    data = organization.data if organization is not None else None
    cadence = data.get("cadence") if isinstance(data, dict) else None
    return cadence if isinstance(cadence, str) and cadence in ID_FORMS else "quarterly"


def _warn_ignored(content: Path, measures: Path, files: _Files, cadence: str) -> None:
    """Warn about files that look like input but are not read: wrong case or extension, or in a subfolder."""
    for folder in (content / "units", content / "templates"):
        _warn_folder(folder, _YAML_NAMES, _YAML_NAMES, files.problems)
    _warn_folder(measures, _MEASURES_NAMES, _MEASURES_NAMES, files.problems)
    commentary = content / "commentary"
    for entry in _entries(commentary):
        if entry.is_dir():
            _warn_folder(entry, _COMMENTARY_NAMES, _COMMENTARY_LOOKALIKES, files.problems)
        elif entry.suffix.lower() in _COMMENTARY_LOOKALIKES:
            files.problems.append(
                Problem(
                    Location(str(entry)),
                    f"file ignored: commentary goes in a folder per {PERIOD_NOUNS[cadence]} "
                    f"(move it to {commentary}/{ID_FORMS[cadence]}/{entry.stem}.md)",
                    "warning",
                )
            )


def _warn_folder(folder: Path, read: tuple[str, ...], lookalikes: tuple[str, ...], problems: list[Problem]) -> None:
    """Warn about the entries of `folder` that `_Files.list` leaves out but that look like input."""
    quoted = [f"'{e}'" for e in read]
    endings = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
    for entry in _entries(folder):
        if entry.is_dir():
            found = _lookalikes_below(entry, lookalikes)
            if found:
                more = f" (with {len(found) - 1} more in '{entry}')" if len(found) > 1 else ""
                problems.append(
                    Problem(
                        Location(str(found[0])),
                        f"file ignored{more}: only files directly in '{folder}' are read "
                        f"(move {'them' if more else 'it'} there, or start the folder's name with '.' to keep it aside)",
                        "warning",
                    )
                )
        elif entry.suffix in read or entry.suffix.lower() not in lookalikes or entry.name.startswith("~$"):
            continue
        else:
            target = entry.suffix.lower() if entry.suffix.lower() in read else read[0]
            problems.append(
                Problem(
                    Location(str(entry)),
                    f"file ignored: only names ending in {endings} (lower case) are read "
                    f"(rename it to '{entry.stem}{target}')",
                    "warning",
                )
            )


def _entries(folder: Path) -> list[Path]:
    """Return the entries of `folder` that are not hidden; none if it cannot be listed (reported elsewhere)."""
    try:
        return sorted(folder / name for name in os.listdir(folder) if not name.startswith("."))
    except OSError:
        return []


def _lookalikes_below(folder: Path, lookalikes: tuple[str, ...]) -> list[Path]:
    """Return the files below `folder` (not in hidden folders) whose extension is one of `lookalikes`."""
    found: list[Path] = []
    seen = 0
    for top, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        seen += len(folders) + len(names)
        found += [Path(top, n) for n in sorted(names) if not n.startswith(".") and Path(n).suffix.lower() in lookalikes]
        if seen > _MAX_WALK:
            break
    return found


class _Refused(Exception):
    """A file or value that is not read, why, and at which line (0: the whole file)."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(reason)
        self.line = line


@dataclass
class _Files:
    """Read input files safely; problems are collected, never raised."""

    roots: tuple[Path, ...]  # links may point only inside these (the content and measures folders)
    problems: list[Problem]
    csv_rows_left: int = field(default_factory=lambda: MAX_CSV_ROWS)

    def list(self, folder: Path, pattern: str) -> list[Path]:
        """Return the entries matching `pattern`, leaving out hidden ones (editor locks, `._x` on macOS shares)."""
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return []  # optional folders
        except NotADirectoryError:
            self.problems.append(Problem(Location(str(folder)), "is not a folder (expected a folder of files)"))
            return []
        except OSError as exc:  # glob would skip an unreadable folder in silence
            self.problems.append(Problem(Location(str(folder)), _os_reason(exc)))
            return []
        return sorted(folder / name for name in names if fnmatch.fnmatch(name, pattern) and not name.startswith("."))

    def read(self, path: Path, limit: int) -> str | None:
        """Return the text of the file, or None after reporting why it cannot be read."""
        try:
            return _decode(_read_bytes(path, limit, self.roots))
        except _Refused as exc:
            self.problems.append(Problem(Location(str(path), exc.line), str(exc)))
            return None

    def read_bytes(self, path: Path, limit: int) -> bytes | None:
        """Return the content of a binary file (a workbook), or None after reporting why it cannot be read."""
        try:
            return _read_bytes(path, limit, self.roots)
        except _Refused as exc:
            self.problems.append(Problem(Location(str(path)), str(exc)))
            return None


def _inspect(path: Path, roots: tuple[Path, ...], where: str) -> os.stat_result:
    """Return the status of what `path` leads to, if it exists inside `roots`."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise _Refused(_vanished(path)) from None
    except OSError as exc:
        raise _Refused(_os_reason(exc)) from None
    real = Path(os.path.realpath(path))
    if not any(real.is_relative_to(root) for root in roots):
        raise _Refused(f"leads to '{real}', {where}: not read (copy the file in)")
    return status


def _read_bytes(path: Path, limit: int, roots: tuple[Path, ...]) -> bytes:
    """Return the content of a regular file inside `roots`; never open anything else (a FIFO would hang)."""
    _check_regular(_inspect(path, roots, "outside the content and measures folders"), limit)
    try:
        with open(path, "rb", opener=_open_nonblocking) as stream:
            _check_regular(os.fstat(stream.fileno()), limit)  # it may have been replaced since
            return _read_at_most(stream, limit)
    except OSError as exc:
        raise _Refused(_os_reason(exc)) from None


def _read_at_most(stream: io.BufferedReader, limit: int) -> bytes:
    # In chunks: read(limit) would allocate the whole limit up front, and the file may be growing.
    chunks, total = [], 0
    while chunk := stream.read(1 << 20):
        total += len(chunk)
        if total > limit:
            raise _Refused(f"is over the {_size(limit)} limit for one file")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_regular(status: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise _Refused("is a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        raise _Refused("is not a regular file (a FIFO, socket or device): not read")
    if status.st_size > limit:
        raise _Refused(f"is {_size(status.st_size)}, over the {_size(limit)} limit for one file")


def _open_nonblocking(path: str, flags: int) -> int:
    # Should a FIFO be swapped in after the check, opening it without O_NONBLOCK would wait forever.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _vanished(path: Path) -> str:
    if path.is_symlink():
        return f"is a broken link (it points to '{os.readlink(path)}', which does not exist)"
    return "cannot be read (it was removed while reading)"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied)"
    return f"cannot be read ({exc.strerror or exc})"


def _size(count: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{count} bytes"


_WIDE_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",  # before UTF-16 LE: it starts with the same two bytes
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def _decode(data: bytes) -> str:
    """Return UTF-8 text without its BOM; refuse other encodings, naming the line."""
    for bom, name in _WIDE_BOMS.items():
        if data.startswith(bom):
            raise _Refused(f"is {name} text (expected UTF-8: save it as UTF-8)", 1)
    if (nul := data.find(b"\0")) >= 0:
        raise _Refused("holds a NUL byte (expected UTF-8 text: is it UTF-16, or not text at all?)", _line_at(data, nul))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8", "replace")) + 1
        raise _Refused(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} in column {column}; save the file as UTF-8)",
            _line_at(data, exc.start),
        ) from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# --- YAML ----------------------------------------------------------------------------------


def _load_yaml(path: Path, files: _Files) -> RawDocument | None:
    text = files.read(path, MAX_DOCUMENT_BYTES)
    if text is None:
        return None
    if not text.strip():
        files.problems.append(Problem(Location(str(path), 1), "file is empty (expected a YAML mapping)"))
        return None
    doc = parse_yaml(text, str(path), files.problems)
    if doc is not None and not isinstance(doc.data, dict):
        files.problems.append(Problem(doc.where(), "expected a YAML mapping of `key: value` at the top"))
        return None
    return doc


def parse_yaml(text: str, path: str, problems: list[Problem]) -> RawDocument | None:
    """Parse YAML text into plain data with the line of each element; report what is refused."""
    try:
        if (line := _too_deep(text)) is not None:
            raise _Refused(_TOO_DEEP, line)
        node = yaml.compose(text, Loader=_FAST_LOADER)
        if node is None:
            raise _Refused("file holds no YAML document (expected a mapping)", 1)
        doc = RawDocument(path, None)
        doc.data = _Builder(doc, problems).value(node, ())
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(path, text, exc))
        return None
    except _Refused as exc:
        problems.append(Problem(Location(path, exc.line), str(exc)))
        return None
    return doc


def _yaml_problem(path: str, text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML forbids; it carries an offset, not a mark
        line = text.count("\n", 0, exc.position) + 1
        return Problem(Location(path, line), f"YAML syntax error: character {exc.character:#04x} ({exc.reason})")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 0
    reason = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    return Problem(Location(path, line), f"YAML syntax error: {reason}" + (f" ({context})" if context else ""))


_TOO_DEEP = f"YAML nested more than {MAX_DEPTH} levels deep (an alias counts as the value it names)"
# libyaml's parser is ~10x faster and keeps line marks; fall back to pure Python without it.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml's composer recurses in C: around 100,000 levels it crashes the interpreter.
_COMPOSER_SAFE_DEPTH = 1_000


def _too_deep(text: str) -> int | None:
    """Return the line where nesting passes MAX_DEPTH, if the text can nest deep enough to matter.

    A level takes a bracket, or (block style) a column of indentation for every two levels, so
    short-lined text with few brackets is safe to compose; `_Builder` checks MAX_DEPTH exactly.
    """
    widest = max(map(len, text.splitlines()), default=0)
    if 2 * (text.count("[") + text.count("{") + widest + 1) <= _COMPOSER_SAFE_DEPTH:
        return None
    depth = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):  # stops early: libyaml slows down at depth
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1 if event.start_mark else 0
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


_TAG = "tag:yaml.org,2002:"
_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used, without its cache
_SCALARS = {
    f"{_TAG}{kind}": getattr(yaml.SafeLoader, f"construct_yaml_{kind}")
    for kind in ("str", "int", "float", "bool", "null")
}
# A value that does not fit its explicit tag (`!!int x`, `!!bool maybe`), or an integer longer than
# Python converts (4,300 digits), fails with these.
_BAD_SCALAR = (ArithmeticError, LookupError, ValueError)


@dataclass
class _Builder:
    """Turn composed nodes into dicts, lists and scalars, recording the line of each."""

    doc: RawDocument
    problems: list[Problem]
    budget: int = MAX_VALUES

    def value(self, node: yaml.Node, loc: Loc) -> Any:
        self._spend(1, node, len(loc) + 1 if isinstance(node, yaml.CollectionNode) else 0)
        self.doc.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, f"{_TAG}map")
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, f"{_TAG}seq")
            return [self.value(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _spend(self, count: int, node: yaml.Node, level: int) -> None:
        """Bound the work: aliases can make a small file expand exponentially, or loop.

        `level` is the nesting level of a collection (the top mapping is 1), as `_too_deep` counts.
        """
        self.budget -= count
        if self.budget < 0:
            raise _Refused(
                f"YAML expands to more than {MAX_VALUES:,} values (aliases `*name` are counted at every use)",
                node.start_mark.line + 1,
            )
        if level > MAX_DEPTH:
            raise _Refused(_TOO_DEEP, node.start_mark.line + 1)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        merged, own = self._pairs(node, len(loc) + 1)
        nodes: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in merged:  # lowest priority first, so later pairs win
            nodes[self._key(key_node)] = (key_node, value_node)
        seen: set[Any] = set()
        for key_node, value_node in own:  # keys written in the mapping override merged ones
            key = self._key(key_node)
            if key in seen:
                self._problem(key_node, f"duplicate key '{key}'")
            seen.add(key)
            nodes[key] = (key_node, value_node)
        result: dict[Any, Any] = {}
        for key, (key_node, value_node) in nodes.items():
            self.doc.lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = self.value(value_node, (*loc, key))
        return result

    def _pairs(self, node: yaml.MappingNode, level: int) -> tuple[list[Any], list[Any]]:
        """Return the pairs merged in by `<<` (lowest priority first) and the mapping's own pairs."""
        merged: list[Any] = []
        own = [(k, v) for k, v in node.value if k.tag != f"{_TAG}merge"]
        for key_node, value_node in node.value:
            if key_node.tag != f"{_TAG}merge":
                continue
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in reversed(sources):  # earlier mappings in `<<: [*a, *b]` win, as in YAML 1.1
                if not isinstance(source, yaml.MappingNode):
                    self._problem(source, "`<<` merges a mapping or a list of mappings")
                    continue
                self._spend(len(source.value), source, level + 1)  # a merge loop nests forever
                inner_merged, inner_own = self._pairs(source, level + 1)
                merged += inner_merged + inner_own
        return merged, own

    def _key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self._problem(node, "a key must be a plain value, not a list or mapping")
            return f"(line {node.start_mark.line + 1})"
        key = self._scalar(node)
        return key if isinstance(key, str | int) else str(key)

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == f"{_TAG}timestamp":
            return node.value  # dates stay text: the schema reads them where a date is expected
        construct = _SCALARS.get(node.tag)
        if construct is None:
            self._check_tag(node, f"{_TAG}str")
            return node.value
        try:
            return construct(_CONSTRUCTOR, node)
        except _BAD_SCALAR:
            self._problem(node, f"'{_clip(node.value)}' is not a valid {node.tag.removeprefix(_TAG)}")
            return node.value

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            tag = node.tag.replace(_TAG, "!!")
            self._problem(
                node,
                f"YAML tag '{tag}' is not supported (remove it: values are plain text, numbers, lists and mappings)",
            )

    def _problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(Location(self.doc.path, node.start_mark.line + 1), message))


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else f"{text[:width]}..."


# --- Measures ------------------------------------------------------------------------------

MAX_WORKBOOK_BYTES = 20_000_000  # 100,000 rows (the row limit) take 2-5 MB
SOURCES_FILE = "sources.yaml"
_UNREAD_SPREADSHEETS = {
    ".xlsm": "a macro-enabled workbook (.xlsm)",
    ".xlsb": "a binary workbook (.xlsb)",
    ".xls": "an old Excel workbook (.xls)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".numbers": "a Numbers spreadsheet (.numbers)",
}


def _load_measures(measures: Path, files: _Files) -> list[RawRow]:
    """Read every measures file by its extension: CSV, Excel workbook (.xlsx), DuckDB query (.sql)."""
    rows = [r for p in files.list(measures, "*.csv") for r in _load_csv(p, files)]
    # Excel keeps `~$name.xlsx` beside a workbook while it is open: a lock file, not a workbook.
    workbooks = [p for p in files.list(measures, "*.xlsx") if not p.name.startswith("~$")]
    queries = files.list(measures, "*.sql")
    for path in (p for p in files.list(measures, "*.*") if p.suffix.lower() in _UNREAD_SPREADSHEETS):
        files.problems.append(
            Problem(
                Location(str(path)),
                f"not read: {_UNREAD_SPREADSHEETS[path.suffix.lower()]} is not a measures format; "
                "save it as an Excel workbook (.xlsx) or CSV",
                "warning",
            )
        )
    if workbooks:  # imported only when needed: openpyxl and DuckDB take a while to import
        from generator.sources.workbook import read_workbook

        for path in workbooks:
            if (data := files.read_bytes(path, MAX_WORKBOOK_BYTES)) is not None:
                rows += read_workbook(str(path), data, files.problems)
    if queries:
        from generator.sources.query import Query, run_queries

        sources = measures / SOURCES_FILE
        config = _load_yaml(sources, files) if os.path.lexists(sources) else None
        texts = [Query(str(p), text) for p in queries if (text := files.read(p, MAX_DOCUMENT_BYTES)) is not None]
        rows += run_queries(texts, config, Path(os.path.realpath(measures)), files.problems)
    return rows


# --- CSV -----------------------------------------------------------------------------------

REQUIRED_COLUMNS = ("unit", "kpi", "period", "value")
OPTIONAL_COLUMNS = ("target", "note", "status", "forecast")


def _load_csv(path: Path, files: _Files) -> list[RawRow]:
    text = files.read(path, MAX_CSV_BYTES)
    if text is None:
        return []
    where = Location(str(path), 1)
    if not text.strip():
        files.problems.append(Problem(where, "file is empty (expected a header: unit,kpi,period,value)"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        files.problems.append(Problem(where, _csv_error(exc)))
        return []
    if not _header_ok(where, header, files.problems):
        return []
    rows, records = _csv_rows(str(path), reader, header, files.problems, files.csv_rows_left)
    files.csv_rows_left -= records
    return rows


def _header_ok(where: Location, header: list[str], problems: list[Problem]) -> bool:
    if missing := [c for c in REQUIRED_COLUMNS if c not in header]:
        problems.append(
            Problem(where, f"missing column(s) {', '.join(missing)} (header must include unit,kpi,period,value)")
        )
        return False
    if twice := sorted({c for c in header if header.count(c) > 1}):
        problems.append(Problem(where, f"column(s) {', '.join(twice)} given more than once in the header"))
        return False
    if unknown := [c or "(blank)" for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]:
        allowed = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        problems.append(Problem(where, f"unknown column(s) {', '.join(unknown)} (allowed: {allowed})"))
    return True


def _csv_rows(
    path: str, reader: Any, header: list[str], problems: list[Problem], room: int
) -> tuple[list[RawRow], int]:
    """Return the file's good rows and how many records it read (bad ones too: each costs a problem)."""
    rows: list[RawRow] = []
    end, records = reader.line_num, 0
    while True:
        start = end + 1
        try:
            record = next(reader, None)
        except csv.Error as exc:  # the reader cannot go on after it
            problems.append(Problem(Location(path, start), _csv_error(exc)))
            return rows, records
        if record is None:
            return rows, records
        if records >= room:
            problems.append(
                Problem(
                    Location(path, start),
                    f"measures CSV files hold more than {MAX_CSV_ROWS:,} rows in all: not read from here "
                    "(keep older periods in an archive folder starting with '.', or aggregate monthly values)",
                )
            )
            return rows, records
        end, records = reader.line_num, records + 1
        if problem := _row_problem(record, header, start, end):
            problems.append(Problem(Location(path, start), problem))
        elif any(cell.strip() for cell in record):
            rows.append(RawRow(path, start, {h: c.strip() for h, c in zip(header, record, strict=True)}))


def _row_problem(record: list[str], header: list[str], start: int, end: int) -> str | None:
    if end > start:
        # Only a quoted cell spans lines; an unclosed quote swallows the rows after it.
        column = next((i for i, cell in enumerate(record) if "\n" in cell or "\r" in cell), 0)
        name = f"'{header[column]}'" if column < len(header) else f"{column + 1}"
        return (
            f'cell {name} opens a quote (") that runs on to line {end}, swallowing the rows between: '
            "close it (cells cannot hold line breaks)"
        )
    if len(record) != len(header) and any(cell.strip() for cell in record):
        return f"row has {len(record)} cells, the header has {len(header)} (truncated or extra comma?)"
    return None


def _csv_error(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters: "
            'is a quote (") opened on this line never closed?'
        )
    return f"CSV syntax error: {exc}"


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Digit groups: 1,234 (English), 1 234 and 1\u202f234 (French, SI), 1'234 (Swiss).
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}([, \u00a0\u202f'])[0-9]{3}(?:\1[0-9]{3})*(?:\.[0-9]+)?")


def parse_number(text: str) -> float:
    """Read a measures cell as a number: digits 0-9, an optional sign, '.' for decimals, an exponent.

    Raise ValueError whose message names the fix for what `float()` would misread or read silently:
    thousands separators, decimal commas, percent signs, digits of other scripts.
    """
    if _NUMBER.fullmatch(text):
        number = float(text)
        if problem := number_problem(number):  # 1e999 reads as inf; beyond 1e100 sums may overflow
            raise ValueError(problem)
        return number
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(number_problem(math.nan))
    raise ValueError(_number_hint(text))


def _number_hint(text: str) -> str:
    plain = "is not a plain number: write"
    digits = "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)
    if digits != text:
        return f"{plain} {digits} (digits 0-9 only)" if _NUMBER.fullmatch(digits) else f"{plain} digits 0-9 only"
    if text.endswith("%") and _NUMBER.fullmatch(text[:-1]):
        return f"{plain} {text[:-1]} (no '%': the KPI's unit says what the number counts)"
    if grouped := _GROUPED.fullmatch(text):
        bare = text.replace(grouped[1], "")
        if text.count(",") == 1 and "." not in text:
            return f"{plain} {bare} (no thousands separators), or {text.replace(',', '.')} if the comma marks decimals"
        return f"{plain} {bare} (no thousands separators)"
    if text.count(",") == 1 and _NUMBER.fullmatch(text.replace(",", ".")):
        return f"{plain} {text.replace(',', '.')} (decimals take '.')"
    return "is not a number (expected e.g. 42 or 97.5; n/a for not applicable; blank for missing)"


# --- Commentary ----------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_FRONT_MATTER_OPEN = re.compile(r"\A---[ \t]*\r?(?:\n|\Z)")


@dataclass
class FrontMatter:
    """The `---` block at the top of a commentary file, and the Markdown after it."""

    values: dict[str, Any]
    lines: dict[str, int]  # line of each key in the file
    body: str
    offset: int  # lines before the body


class FrontMatterError(Exception):
    """Front matter that is not `key: value` lines; `line` is the line in the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def split_front_matter(text: str) -> FrontMatter:
    """Split off the front matter; raise FrontMatterError when it is not `key: value` lines."""
    match = _FRONT_MATTER.match(text)
    if not match and _FRONT_MATTER_OPEN.match(text):
        raise FrontMatterError(
            1, "front matter: opened by '---' but never closed (end it with a line '---' before the first section)"
        )
    if not match:
        return FrontMatter({}, {}, text, 0)
    block = match[1].removesuffix("\n")  # the newline before the closing ---
    try:
        lines = _flat_keys(block)  # before constructing: no nesting or aliases to expand
        values = yaml.safe_load(block) or {}
    except yaml.YAMLError as exc:
        problem = _yaml_problem("", block, exc)
        raise FrontMatterError(problem.where.line + 1, f"front matter: {problem.message}") from None
    except ValueError as exc:  # a timestamp that is no date, e.g. 2026-06-31
        raise FrontMatterError(2, f"front matter: a date that does not exist ({exc})") from None
    return FrontMatter(values, lines, text[match.end() :], match[0].count("\n"))


def _flat_keys(text: str) -> dict[str, int]:
    """Return the line of each key of a mapping of single values; raise FrontMatterError otherwise."""
    lines: dict[str, int] = {}
    depth, is_key, in_list = 0, True, False
    for event in yaml.parse(text, Loader=yaml.SafeLoader):  # events come without recursion
        line = event.start_mark.line + 2 if event.start_mark else 2  # the opening --- is line 1
        if isinstance(event, yaml.MappingStartEvent) and depth == 0:
            depth = 1
        elif isinstance(event, yaml.SequenceStartEvent) and depth == 1 and not is_key and not in_list:
            in_list = True  # a list of single values, e.g. `restricted_to: [board]`
        elif isinstance(event, yaml.SequenceEndEvent) and in_list:
            in_list, is_key = False, True
        elif in_list and isinstance(event, yaml.ScalarEvent):
            continue
        elif isinstance(event, yaml.CollectionStartEvent | yaml.AliasEvent) or (
            isinstance(event, yaml.ScalarEvent) and depth == 0
        ):
            raise FrontMatterError(
                line,
                "front matter: expected `key: value` lines with single values or lists of them, "
                "e.g. `author: Dana Whitfield`",
            )
        elif isinstance(event, yaml.ScalarEvent):
            if is_key and event.value in lines:
                raise FrontMatterError(line, f"front matter: duplicate key '{event.value}'")
            if is_key:
                lines[event.value] = line
            is_key = not is_key
    return lines
