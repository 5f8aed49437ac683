"""Parse commentary Markdown into sections and check what each section is about."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.errors import Problem
from generator.errors import suggest as _hint
from generator.load import FrontMatter, FrontMatterError, RawText, split_front_matter
from generator.model import (
    Commentary,
    CommentSection,
    Location,
    Scorecard,
    Unit,
)
from generator.periods import ID_FORMS, PERIOD_NOUNS, parse_period, year_problem
from generator.validate.audiences import unknown_audience

# --- Commentary ----------------------------------------------------------------------------

_SECTION = re.compile(r"^##\s+(?:(summary|unit)|(objective|kpi)\s*:\s*(\S+))\s*$", re.I)
_SECTION_WITHOUT_ID = re.compile(r"^##\s+(objective|kpi)\s*:?\s*$", re.I)
_PART = re.compile(r"^###\s+(analysis|actions)\s*$", re.I)


def check_commentary(
    texts: list[RawText], sc: Scorecard, problems: list[Problem], broken: set[str]
) -> dict[tuple[str, Any], Commentary]:
    result: dict[tuple[str, Any], Commentary] = {}
    for raw in texts:
        path = Path(raw.path)
        cadence = sc.organization.cadence
        period = parse_period(path.parent.name, cadence)
        if period is None or year_problem(period.year):
            problems.append(
                Problem(
                    Location(raw.path),
                    f"commentary folder '{path.parent.name}' is not a {PERIOD_NOUNS[cadence]} "
                    f"(expected commentary/{ID_FORMS[cadence]}/<unit-id>.md)"
                    if period is None
                    else f"commentary folder '{path.parent.name}' is implausible: {year_problem(period.year)}",
                )
            )
            continue
        if path.stem in broken:
            continue
        if path.stem not in sc.units:
            problems.append(
                Problem(Location(raw.path), f"commentary for unknown unit '{path.stem}'{_hint(path.stem, sc.units)}")
            )
            continue
        audiences = [a.id for a in sc.organization.audiences]
        result[(path.stem, period)] = parse_commentary(raw, sc.units[path.stem], period, problems, audiences)
    return result


def parse_commentary(
    raw: RawText, unit: Unit, period: Any, problems: list[Problem], audiences: list[str] | None = None
) -> Commentary:
    """Split commentary Markdown into sections by `## Summary`, `## Objective: id`, `## KPI: id`."""
    declared = audiences or []
    front = _front_matter(raw, problems)
    restricted = _audiences(
        front.values.get("restricted_to"), Location(raw.path, front.lines.get("restricted_to", 2)), declared, problems
    )
    body, offset = front.body, front.offset
    sections: list[tuple[str, str, str, int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] = {"body": []}
    part = "body"
    for number, line in enumerate(body.splitlines(), start=offset + 1):
        if match := _SECTION_WITHOUT_ID.match(line):
            kind = match[1].lower()
            heading = "KPI" if kind == "kpi" else "Objective"
            problems.append(
                Problem(
                    Location(raw.path, number),
                    f"section '{line.strip()}' names no {kind} (write '## {heading}: <{kind}-id>')",
                )
            )
            current, part = {"body": []}, "body"
            sections.append(("none", "", line, number, current))  # its text is not published
        elif match := _SECTION.match(line):
            kind = "unit" if match[1] else match[2].lower()
            current, part = {"body": []}, "body"
            sections.append((kind, match[3] or "", line.lstrip("# ").strip(), number, current))
        elif (match := _PART.match(line)) and sections:
            part = match[1].lower()
            current.setdefault(part, [])
        elif not sections:
            if line.strip() and not line.startswith("# "):
                current, part = {"body": [line]}, "body"
                sections.append(("unit", "", "Summary", number, current))
        else:
            current.setdefault(part, []).append(line)
    objectives = {o.id for o in unit.objectives}
    kpis = {k.id for o in unit.objectives for k in o.kpis}
    parsed = []
    for kind, target, title, number, parts in sections:
        if kind == "none":
            continue
        known = objectives if kind == "objective" else kpis
        if kind != "unit" and target not in known:
            problems.append(
                Problem(
                    Location(raw.path, number),
                    f"section '{title}': unit '{unit.id}' has no {kind} '{target}'{_hint(target, known)}",
                )
            )
            continue
        own = _section_audiences(parts, Location(raw.path, number), declared, problems)
        text = {k: "\n".join(v).strip() for k, v in parts.items()}
        section = CommentSection(
            kind,  # type: ignore[arg-type]
            target,
            title,
            text.get("analysis", ""),
            text.get("actions", ""),
            text.get("body", ""),
            own,
        )
        parsed.append(section)
    author = front.values.get("author") or ""
    return Commentary(unit.id, period, author, tuple(parsed), Location(raw.path), restricted)


_FRONT_MATTER_KEYS = ("author", "restricted_to")
_RESTRICTED_LINE = re.compile(r"^restricted_to\s*:\s*(.*)$")


def _section_audiences(
    parts: dict[str, list[str]], heading: Location, known: list[str], problems: list[Problem]
) -> tuple[str, ...] | None:
    """Read a section's `restricted_to: board, staff` line: the first line under its heading."""
    body = parts.get("body", [])
    first = next((i for i, line in enumerate(body) if line.strip()), None)
    if first is None or not (match := _RESTRICTED_LINE.match(body[first].strip())):
        return None
    del body[first]
    ids = [i.strip() for i in match[1].strip().strip("[]").split(",") if i.strip()]
    return _audiences(ids, Location(heading.path, heading.line + 1 + first), known, problems)


def _audiences(value: Any, where: Location, known: list[str], problems: list[Problem]) -> tuple[str, ...] | None:
    """Return the audience ids of a `restricted_to`; report a value that is no list of known ids."""
    if value is None:
        return None
    ids = [value] if isinstance(value, str) else value
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        problems.append(Problem(where, f"restricted_to: expected a list of audience ids, e.g. [board] (got {value!r})"))
        return ()
    for audience in ids:
        if audience not in known:
            problems.append(Problem(where, f"restricted_to: {unknown_audience(audience, known)}"))
    return tuple(ids)


def _front_matter(raw: RawText, problems: list[Problem]) -> FrontMatter:
    """Return the front matter; report one that does not parse, unknown keys and an author that is not text."""
    try:
        front = split_front_matter(raw.text)
    except FrontMatterError as exc:
        problems.append(Problem(Location(raw.path, exc.line), str(exc)))
        return FrontMatter({}, {}, raw.text, 0)
    for key, value in list(front.values.items()):
        where = Location(raw.path, front.lines.get(str(key), 2))
        if key not in _FRONT_MATTER_KEYS:
            allowed = ", ".join(_FRONT_MATTER_KEYS)
            problems.append(
                Problem(
                    where,
                    f"front matter: unknown key '{key}'{_hint(str(key), _FRONT_MATTER_KEYS)} (allowed: {allowed})",
                )
            )
            del front.values[key]
        elif key == "author" and value is not None and not isinstance(value, str):
            problems.append(Problem(where, f"front matter: {key}: expected text (got {value!r})"))
            del front.values[key]
    return front
