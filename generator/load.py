"""Read YAML, CSV and Markdown into raw records that remember their file and line.

Nothing here judges the content beyond syntax; `validate` does that with the locations kept here.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem
from generator.model import Location

Loc = tuple[str | int, ...]


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
    """One data row of a measures CSV, with surrounding whitespace removed."""

    path: str
    line: int
    cells: dict[str, str]


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
    problems: list[Problem] = []
    org_path = content / "organization.yaml"
    organization = _load_yaml(org_path, problems) if org_path.exists() else None
    if organization is None and not org_path.exists():
        problems.append(
            Problem(Location(str(org_path)), "file missing (expected the organisation's name, mission, vision)")
        )
    unit_paths = _files(content / "units", "*.y*ml")
    units = [d for p in unit_paths if (d := _load_yaml(p, problems))]
    templates = [d for p in _files(content / "templates", "*.y*ml") if (d := _load_yaml(p, problems))]
    rows = [r for p in _files(measures, "*.csv") for r in _load_csv(p, problems)]
    commentary = [RawText(str(p), _read_text(p, problems)) for p in _files(content / "commentary", "*/*.md")]
    unreadable = sorted({str(p) for p in unit_paths} - {d.path for d in units})
    return RawInput(organization, units, templates, rows, commentary, problems, unreadable)


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _read_text(path: Path, problems: list[Problem]) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(Location(str(path)), f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return ""


# --- YAML ----------------------------------------------------------------------------------


def _load_yaml(path: Path, problems: list[Problem]) -> RawDocument | None:
    text = _read_text(path, problems)
    if not text.strip():
        problems.append(Problem(Location(str(path), 1), "file is empty (expected a YAML mapping)"))
        return None
    try:
        node = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(str(path), exc))
        return None
    if node is None:
        problems.append(Problem(Location(str(path), 1), "file holds no YAML document (expected a mapping)"))
        return None
    doc = RawDocument(str(path), None)
    doc.data = _construct(node, (), doc, problems)
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.where(), "expected a YAML mapping of `key: value` at the top"))
        return None
    return doc


def _yaml_problem(path: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 0
    reason = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"YAML syntax error: {reason}" + (f" ({context})" if context else "")
    return Problem(Location(path, line), text)


_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used
# libyaml's parser is ~10x faster and keeps line marks; fall back to pure Python without it.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _construct(node: yaml.Node, loc: Loc, doc: RawDocument, problems: list[Problem]) -> Any:
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        _CONSTRUCTOR.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _CONSTRUCTOR.construct_object(key_node, deep=True)
            key = str(key) if not isinstance(key, str | int) else key
            if key in result:
                problems.append(Problem(Location(doc.path, key_node.start_mark.line + 1), f"duplicate key '{key}'"))
            doc.lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, (*loc, key), doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, i), doc, problems) for i, item in enumerate(node.value)]
    return _CONSTRUCTOR.construct_object(node, deep=True)


# --- CSV -----------------------------------------------------------------------------------

REQUIRED_COLUMNS = ("unit", "kpi", "period", "value")
OPTIONAL_COLUMNS = ("target", "note")


def _load_csv(path: Path, problems: list[Problem]) -> list[RawRow]:
    text = _read_text(path, problems)
    where = Location(str(path), 1)
    if not text.strip():
        problems.append(Problem(where, "file is empty (expected a header: unit,kpi,period,value)"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader)]
    if missing := [c for c in REQUIRED_COLUMNS if c not in header]:
        problems.append(
            Problem(where, f"missing column(s) {', '.join(missing)} (header must include unit,kpi,period,value)")
        )
        return []
    if unknown := [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]:
        allowed = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        problems.append(Problem(where, f"unknown column(s) {', '.join(unknown)} (allowed: {allowed})"))
    return list(_csv_rows(str(path), reader, header, problems))


def _csv_rows(path: str, reader: Any, header: list[str], problems: list[Problem]) -> Any:
    line = reader.line_num
    for record in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                Problem(
                    Location(path, start),
                    f"row has {len(record)} cells, the header has {len(header)} (truncated or extra comma?)",
                )
            )
            continue
        yield RawRow(path, start, {h: c.strip() for h, c in zip(header, record, strict=True)})


# --- Commentary ----------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


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
    if not match:
        return FrontMatter({}, {}, text, 0)
    try:
        lines = _flat_keys(match[1])  # before constructing: no nesting or aliases to expand
        values = yaml.safe_load(match[1]) or {}
    except yaml.YAMLError as exc:
        problem = _yaml_problem("", exc)
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
