"""Warn, with file and line, about what user Markdown loses when it is sanitised for publishing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.errors import Problem
from generator.load import Loc, RawDocument, RawInput
from generator.model import Commentary, Location
from generator.usertext import check_markdown

_ORGANIZATION_FIELDS = ("mission", "vision")


def markup_warnings(raw: RawInput, commentary: dict[Any, Commentary]) -> list[Problem]:
    """Return a warning for every link, image or HTML tag that user Markdown cannot publish."""
    problems = [
        Problem(where, f"{field}: {dropped.message}", "warning")
        for where, field, text in _yaml_markdown(raw)
        for dropped in check_markdown(text)
    ]
    files = {t.path: t.text for t in raw.commentary}
    for note in commentary.values():
        problems += _commentary_warnings(note, files.get(note.where.path, ""))
    return problems


def _commentary_warnings(note: Commentary, file_text: str) -> list[Problem]:
    problems, cursor = [], 0
    for section in note.sections:
        for part in (section.body, section.analysis, section.actions):
            if not part:
                continue
            # Parts are verbatim slices of the file; identical parts are told apart by order.
            position = file_text.find(part, cursor)
            position = position if position >= 0 else max(file_text.find(part), 0)
            cursor = max(cursor, position + len(part))
            first = file_text.count("\n", 0, position) + 1
            problems += [
                Problem(Location(note.where.path, first + d.line), d.message, "warning") for d in check_markdown(part)
            ]
    return problems


def _yaml_markdown(raw: RawInput) -> Iterator[tuple[Location, str, str]]:
    """Yield (where, field name, text) for each Markdown field of the YAML files."""
    if raw.organization is not None:
        yield from _fields(raw.organization, (), _ORGANIZATION_FIELDS, "")
    for doc in raw.units + raw.templates:
        yield from _fields(doc, (), ("mission",), "")
        objectives = doc.data.get("objectives") if isinstance(doc.data, dict) else None
        for i, objective in enumerate(objectives if isinstance(objectives, list) else []):
            name = f"objective '{objective.get('id')}' " if isinstance(objective, dict) else ""
            yield from _fields(doc, ("objectives", i), ("description",), name)


def _fields(doc: RawDocument, loc: Loc, fields: tuple[str, ...], prefix: str) -> Iterator[tuple[Location, str, str]]:
    node: Any = doc.data
    for key in loc:
        node = node[key]
    if not isinstance(node, dict):
        return
    for field in fields:
        if isinstance(value := node.get(field), str):
            yield doc.where((*loc, field)), f"{prefix}{field}", value
