"""Published editions: what a period's scorecard said when it was published, kept in `editions/`.

`scorecard publish` freezes a period as `editions/<period>.json`: the export rows of every
audience's edition (or of the one report without audiences), when it was published, the product
version and a fingerprint of the inputs. A checksum of all that is stored with it, so a file
edited by hand is an error for `check` rather than a silent change of what the board was shown.
Publishing a period again keeps the earlier file as `<period>.r1.json`, `.r2`, ...

Edition files are untrusted input: size-limited, parsed as JSON only, every field type-checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from generator.errors import Problem, UsageError
from generator.folders import replace_file
from generator.model import Location
from generator.results import PublishedEdition

FORMAT = 1
MAX_EDITION_BYTES = 64 * 1024 * 1024  # a 9,000-KPI org's two audiences take about 12 MB
MAX_EDITIONS = 400  # files read from editions/: a century of quarters
MAX_ROWS = 500_000  # rows in one edition, all audiences: a 9,000-KPI org's two audiences have 21,000
_FILE = re.compile(r"^(?P<period>\d{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?)(?:\.r(?P<revision>[1-9]\d{0,3}))?\.json$")
_KEYS = ("format", "checksum", "period", "label", "published_at", "product_version", "inputs", "rows")
_LEVELS = {"unit", "perspective", "objective", "kpi"}
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Written:
    """What `write_edition` did: the file written and the revision the earlier edition became."""

    path: Path
    revision: Path | None


def editions_folder(editions: Path | None, content: Path) -> Path:
    """Return the editions folder: the one given, else `editions/` beside the content folder."""
    return editions if editions is not None else content.parent / "editions"


# --- Writing ----------------------------------------------------------------------------------


def product_version() -> str:
    """Return the installed scorecard-press version."""
    try:
        return version("scorecard-press")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def utc_now() -> str:
    """Return the current time in UTC as ISO 8601 to the second, e.g. 2026-10-14T09:30:00Z."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def input_fingerprint(*folders: Path) -> str:
    """Return a SHA-256 over every regular file's relative path and bytes in the folders, in order."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode("utf-8", "surrogateescape"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def edition_document(
    period: str, label: str, published_at: str, inputs: str, rows: Mapping[str, Rows]
) -> dict[str, Any]:
    """Return the JSON document of an edition, its checksum included."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "checksum": "",
        "period": period,
        "label": label,
        "published_at": published_at,
        "product_version": product_version(),
        "inputs": inputs,
        "rows": dict(rows),
    }
    document["checksum"] = checksum(document)
    return document


def checksum(document: Mapping[str, Any]) -> str:
    """Return the SHA-256 of a document's fields other than the checksum, in a canonical form."""
    fields = {key: value for key, value in document.items() if key != "checksum"}
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def edition_path(folder: Path, period: str) -> Path:
    """Return the file of a period's edition."""
    return folder / f"{period}.json"


def write_edition(folder: Path, document: dict[str, Any], force: bool) -> Written:
    """Write `<folder>/<period>.json`; with `force`, keep an existing one as `<period>.rN.json` first.

    The folder is created if missing; a file the tool did not write (unreadable, or hand-edited)
    is never replaced. Each write is a new file switched in with one rename.
    """
    _check_folder(folder)
    folder.mkdir(exist_ok=True)
    target, revision = edition_path(folder, document["period"]), None
    if os.path.lexists(target):
        if not force:
            raise UsageError(
                f"{target} exists: {document['period']} was published before; nothing was changed "
                "(use --force to publish it again, keeping the earlier edition as a revision)"
            )
        _, problems = read_edition(target)
        if problems:
            raise UsageError(
                f"{target} was not written by scorecard publish ({problems[0].message}); nothing was changed "
                "(move it away, or restore it with git, then publish again)"
            )
        revision = _keep_revision(target)
    text = edition_text(document)

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    replace_file(target, write)
    return Written(target, revision)


def edition_text(document: dict[str, Any]) -> str:
    """Return an edition as JSON with one field, and one row, per line (small files, readable git diffs)."""
    lines = [
        f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, allow_nan=False)},"
        for key, value in document.items()
        if key != "rows"
    ]
    audiences = []
    for audience, rows in document["rows"].items():
        listed = ",\n".join(f"   {json.dumps(row, ensure_ascii=False, allow_nan=False)}" for row in rows)
        audiences.append(
            f"  {json.dumps(audience, ensure_ascii=False)}: [\n{listed}\n  ]"
            if rows
            else f"  {json.dumps(audience)}: []"
        )
    body = ",\n".join(audiences)
    return "{\n" + "\n".join(lines) + '\n "rows": {\n' + body + "\n }\n}\n"


def _check_folder(folder: Path) -> None:
    if os.path.lexists(folder) and not stat.S_ISDIR(folder.lstat().st_mode):
        raise UsageError(f"editions folder '{folder}' is not a folder; nothing was changed (use --editions DIR)")


def _keep_revision(target: Path) -> Path:
    """Link the edition to the first free `<period>.rN.json` (a link never replaces a file)."""
    stem = target.name.removesuffix(".json")
    for number in range(1, 10_000):
        revision = target.with_name(f"{stem}.r{number}.json")
        try:
            os.link(target, revision)
            return revision
        except FileExistsError:
            continue
    raise UsageError(f"{target}: too many revisions; nothing was changed")


# --- Reading and checking ---------------------------------------------------------------------


def read_editions(folder: Path) -> tuple[list[PublishedEdition], list[Problem]]:
    """Read every edition in `folder` (revisions are checked, not returned), oldest period first."""
    if not os.path.lexists(folder):
        return [], []
    _check_folder(folder)
    editions, problems = [], []
    names = sorted(os.listdir(folder))
    for name in names[:MAX_EDITIONS]:
        path = folder / name
        if name.startswith(".") or name.endswith(".tmp"):
            continue  # hidden files, and a write in progress
        if not (match := _FILE.match(name)):
            problems.append(Problem(Location(str(path)), _BAD_NAME))
            continue
        edition, found = read_edition(path)
        problems += found
        if edition is not None and match["revision"] is None:
            if edition.period != match["period"]:
                problems.append(Problem(Location(str(path), 3), f"period '{edition.period}' is not the file's"))
            else:
                editions.append(edition)
    if len(names) > MAX_EDITIONS:
        problems.append(Problem(Location(str(folder)), f"more than {MAX_EDITIONS} files; the rest were not read"))
    return sorted(editions, key=lambda e: e.period), problems


_BAD_NAME = "not an edition file (expected <period>.json or <period>.rN.json, as scorecard publish writes them)"


def read_edition(path: Path) -> tuple[PublishedEdition | None, list[Problem]]:
    """Read and check one edition file; return it, or None and why not."""
    if path.is_symlink():  # never followed: an edition is the file publish wrote, not one elsewhere
        why = f"is a symbolic link (to '{os.readlink(path)}'): not read (restore the edition file with git)"
        return None, [Problem(Location(str(path)), why)]
    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, [Problem(Location(str(path)), f"cannot read the edition: {reason}")]
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else 0
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return None, [Problem(Location(str(path), line), f"not valid JSON ({why}); restore it with git")]
    if problem := _document_problem(document):
        key, message = problem
        return None, [Problem(Location(str(path), _line_of(text, key)), message)]
    if document["checksum"] != checksum(document):
        message = "the checksum does not match its contents: the file was changed by hand; restore it with git"
        return None, [Problem(Location(str(path), _line_of(text, "checksum")), message)]
    fields = {key: document[key] for key in _KEYS if key not in ("format", "checksum")}
    return PublishedEdition(path=str(path), **fields), []


def _read_text(path: Path) -> str:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)  # a link out of editions/ is not followed
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = stream.read(MAX_EDITION_BYTES + 1)
    if len(data) > MAX_EDITION_BYTES:
        raise ValueError(f"larger than {MAX_EDITION_BYTES // (1024 * 1024)} MB")
    return data.decode("utf-8")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _line_of(text: str, key: str) -> int:
    """Return the line of a top-level key as publish writes it, or 1."""
    position = text.find(f'\n "{key}":')
    return text.count("\n", 0, position + 1) + 1 if position >= 0 else 1


def _document_problem(document: Any) -> tuple[str, str] | None:
    """Return (key, why) for the first field of the wrong type, or None."""
    if not isinstance(document, dict):
        return "format", "an edition is a JSON object"
    if missing := [key for key in _KEYS if key not in document]:
        return "format", f"missing field(s): {', '.join(missing)}"
    if document["format"] != FORMAT:
        return "format", f"format {document['format']!r} is not one this version reads (expected {FORMAT})"
    for key in _KEYS[1:-1]:
        if not isinstance(document[key], str) or len(document[key]) > 200:
            return key, f"'{key}' must be text of at most 200 characters"
    if not _TIMESTAMP.match(document["published_at"]):
        return "published_at", "'published_at' must be a UTC time such as 2026-10-14T09:30:00Z"
    rows = document["rows"]
    if not isinstance(rows, dict) or not rows or not all(isinstance(k, str) for k in rows):
        return "rows", "'rows' must map each audience ('' without audiences) to its rows"
    if sum(len(listed) if isinstance(listed, list) else 0 for listed in rows.values()) > MAX_ROWS:
        return "rows", f"more than {MAX_ROWS:,} rows"
    for audience, listed in rows.items():
        if why := _rows_problem(listed):
            return "rows", f"rows of '{audience}': {why}"
    return None


def _rows_problem(rows: Any) -> str | None:
    if not isinstance(rows, list):
        return "not a list"
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or row.get("level") not in _LEVELS or not isinstance(row.get("unit"), str):
            return f"row {number} is not an export row (level and unit)"
        if row["level"] == "kpi" and not isinstance(row.get("kpi"), str):
            return f"row {number}: a KPI row names its kpi"
        for key in ("actual", "target", "red_flag"):
            if not _is_value(row.get(key)):
                return f"row {number}: '{key}' must be a number, text, [low, high] or null"
        if not isinstance(row.get("name"), str | None) or not isinstance(row.get("note"), str | None):
            return f"row {number}: 'name' and 'note' must be text or null"
    return None


def _is_value(value: Any) -> bool:
    if isinstance(value, list):
        return len(value) == 2 and all(_is_number(v) for v in value)
    return value is None or _is_number(value) or (isinstance(value, str) and len(value) <= 200)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
