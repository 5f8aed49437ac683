"""Published editions: what a period's scorecard said when it was published, kept in `editions/`.

`scorecard publish` freezes a period as `editions/<period>.json`: the export rows of every
audience's edition (or of the one report without audiences), when it was published, the product
version and a fingerprint of the inputs, and (format 2) each audience's `pages`: the definitions,
history and commentary its archived pages show (`generator.snapshot`). A checksum of all that is
stored with it, so a file edited by hand is an error for `check` rather than a silent change of
what the board was shown. Publishing a period again keeps the earlier file as `<period>.r1.json`.

Format 1 files (rows only, as publish wrote them before) are still read: their archived pages lay the rows over
today's content and say so. Format 2's checksum is over the file's text (its checksum blanked),
so a build checks it and reads the rows without parsing the pages, which only an archive being
rendered and `check` need: pages are the last field, on lines of their own.

Edition files are untrusted input: size-limited, parsed as JSON only, every field type-checked.
"""

from __future__ import annotations

import dataclasses
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

from generator.errors import DataError, Problem, UsageError
from generator.folders import replace_file
from generator.model import Location
from generator.results import PublishedEdition, Report
from generator.snapshot import SnapshotError, report_from_pages

FORMAT = 2  # what publish writes
FORMATS = (1, 2)  # what this version reads
MAX_EDITION_BYTES = 256 * 1024 * 1024  # a 9,000-KPI org with 20 quarters: 23 MB an audience (BENCHMARKS.md)
MAX_EDITIONS = 400  # files read from editions/: a century of quarters
MAX_ROWS = 500_000  # rows in one edition, all audiences: a 9,000-KPI org's two audiences have 21,000
_FILE = re.compile(r"^(?P<period>\d{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?)(?:\.r(?P<revision>[1-9]\d{0,3}))?\.json$")
_KEYS = ("format", "checksum", "period", "label", "published_at", "product_version", "inputs", "rows")
_PAGES = '\n "pages": '  # where format 2's pages start: after the rows, at the start of a line
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
    period: str,
    label: str,
    published_at: str,
    inputs: str,
    rows: Mapping[str, Rows],
    pages: Mapping[str, dict[str, Any]],
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
        "pages": dict(pages),
    }
    document["checksum"] = text_checksum(edition_text(document))
    return document


def text_checksum(text: str) -> str:
    """Return the SHA-256 of an edition's text (format 2) with its checksum's value left out."""
    start = text.find('\n "checksum": "') + len('\n "checksum": "')
    end = text.find('"', start)
    blank = text[:start] + text[end:] if start >= len('\n "checksum": "') and end >= 0 else text
    return "sha256:" + hashlib.sha256(blank.encode("utf-8", "surrogatepass")).hexdigest()


def checksum(document: Mapping[str, Any]) -> str:
    """Return the SHA-256 of a format 1 document's fields other than the checksum, in a canonical form."""
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
    """Return an edition as JSON with one field, and one row or item, per line (small files, readable git diffs)."""
    lines = [f" {json.dumps(key)}: {_json(value)}," for key, value in document.items() if key not in ("rows", "pages")]
    rows = _block({a: _lines(listed, "   ") for a, listed in document["rows"].items()}, "  ", "[", "]")
    text = "{\n" + "\n".join(lines) + '\n "rows": ' + rows
    if "pages" in document:
        audiences = {a: _pages_text(pages) for a, pages in document["pages"].items()}
        text += "," + _PAGES + _block(audiences, "  ", "{", "}", True)
    return text + "\n}\n"


def _pages_text(pages: dict[str, Any]) -> str:
    """Return one audience's pages: lists of records one a line, other sections on their own line."""
    fields = [
        f"   {json.dumps(key)}: " + (f"[\n{_lines(value, '    ')}\n   ]" if key in _LISTED and value else _json(value))
        for key, value in pages.items()
    ]
    return "{\n" + ",\n".join(fields) + "\n  }"


_LISTED = ("units", "commentary", "results", "restatements")


def _block(items: Mapping[str, str], indent: str, opening: str, closing: str, whole: bool = False) -> str:
    """Return `{` the items, one `"key": value` each, `}`; a value is lines (or, `whole`, text to put as is)."""
    body = ",\n".join(
        f"{indent}{json.dumps(key, ensure_ascii=False)}: "
        + (value if whole else f"{opening}\n{value}\n{indent}{closing}" if value else f"{opening}{closing}")
        for key, value in items.items()
    )
    return "{\n" + body + "\n }"


def _lines(values: list[Any], indent: str) -> str:
    return ",\n".join(f"{indent}{_json(value)}" for value in values)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _check_folder(folder: Path) -> None:
    if os.path.lexists(folder) and not stat.S_ISDIR(folder.lstat().st_mode):
        raise UsageError(f"editions folder '{folder}' is not a folder; nothing was changed (use --editions DIR)")


def revision_path(folder: Path, period: str, number: int) -> Path:
    """Return where revision `number` of a period's edition is kept: `<period>.rN.json`."""
    return folder / f"{period}.r{number}.json"


def next_revision(folder: Path, period: str) -> int:
    """Return the number the next revision of a period's edition gets: the first free one."""
    return next((n for n in range(1, 10_000) if not os.path.lexists(revision_path(folder, period, n))), 10_000)


def _keep_revision(target: Path) -> Path:
    """Link the edition to the first free `<period>.rN.json` (a link never replaces a file)."""
    period = target.name.removesuffix(".json")
    for number in range(next_revision(target.parent, period), 10_000):
        revision = revision_path(target.parent, period, number)
        try:
            os.link(target, revision)
            return revision
        except FileExistsError:
            continue
    raise UsageError(f"{target}: too many revisions; nothing was changed")


# --- Reading and checking ---------------------------------------------------------------------


def read_editions(folder: Path) -> tuple[list[PublishedEdition], list[Problem]]:
    """Read every edition in `folder`, each with its earlier publications (rN files) as `revisions`, oldest period first."""
    if not os.path.lexists(folder):
        return [], []
    _check_folder(folder)
    editions: dict[str, PublishedEdition] = {}
    revisions: dict[str, list[PublishedEdition]] = {}
    problems: list[Problem] = []
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
        if edition is None:
            continue
        if edition.period != match["period"]:
            line = _line_of(_read_text(path), "period")
            problems.append(Problem(Location(str(path), line), _other_period(edition.period, name)))
        elif match["revision"] is None:
            editions[edition.period] = edition
        else:
            number = int(match["revision"])
            revisions.setdefault(edition.period, []).append(dataclasses.replace(edition, revision=number))
    for period, earlier in sorted(revisions.items()):
        if period not in editions:
            message = (
                f"a revision of {period} without the edition itself ({period}.json): not shown; restore it with git"
            )
            problems.append(Problem(Location(str(folder / f"{period}.r{earlier[0].revision}.json")), message))
            continue
        earlier.sort(key=lambda e: e.revision)
        editions[period] = dataclasses.replace(editions[period], revisions=tuple(earlier))
    if len(names) > MAX_EDITIONS:
        problems.append(Problem(Location(str(folder)), f"more than {MAX_EDITIONS} files; the rest were not read"))
    return sorted(editions.values(), key=lambda e: e.period), problems


def _other_period(period: str, name: str) -> str:
    """Say that a file holds another period than its name (e.g. a copy saved under another name)."""
    return (
        f"period '{period}' is not the file's ('{name}' must hold the period its name gives); restore the file with git"
    )


_BAD_NAME = "not an edition file (expected <period>.json or <period>.rN.json, as scorecard publish writes them)"


def read_edition(path: Path) -> tuple[PublishedEdition | None, list[Problem]]:
    """Read and check one edition file (its pages are checked by `check_pages`); return it, or None and why not."""
    if path.is_symlink():  # never followed: an edition is the file publish wrote, not one elsewhere
        why = f"is a symbolic link (to '{os.readlink(path)}'): not read (restore the edition file with git)"
        return None, [Problem(Location(str(path)), why)]
    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, [Problem(Location(str(path)), f"cannot read the edition: {reason}")]
    pages = text.find(_PAGES)
    head = text[:pages].removesuffix(",") + "\n}" if pages >= 0 else text  # format 2: everything but the pages
    try:
        document = _parse(head)
    except ValueError as exc:
        return None, [
            Problem(
                Location(str(path), getattr(exc, "lineno", 0)), f"not valid JSON ({exc.args[0]}); restore it with git"
            )
        ]
    if problem := _document_problem(document, pages >= 0):
        key, message = problem
        return None, [Problem(Location(str(path), _line_of(text, key)), message)]
    if document["checksum"] != (text_checksum(text) if document["format"] == 2 else checksum(document)):
        message = "the checksum does not match its contents: the file was changed by hand; restore it with git"
        return None, [Problem(Location(str(path), _line_of(text, "checksum")), message)]
    fields = {key: document[key] for key in _KEYS if key not in ("checksum",)}
    return PublishedEdition(path=str(path), checksum=document["checksum"], **fields), []


def _parse(text: str) -> Any:
    """Parse JSON; a ValueError (with `lineno` where known) says why not."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        error = ValueError(exc.msg)
        error.lineno = exc.lineno  # type: ignore[attr-defined]
        raise error from None
    except RecursionError as exc:
        raise ValueError(str(exc)) from None


def read_pages(edition: PublishedEdition) -> dict[str, Any]:
    """Return each audience's pages of a format 2 edition (read again from its file if not in memory).

    Raise DataError if the file is not the one read before (changed since) or its pages do not parse.
    """
    if edition.pages is not None:
        return edition.pages
    path = Path(edition.path)
    problem = Problem(Location(edition.path), "changed while the site was built; build again")
    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError, ValueError):
        raise DataError([problem]) from None
    if text_checksum(text) != edition.checksum:
        raise DataError([problem])
    try:
        document = _parse(text)
    except ValueError as exc:
        raise DataError(
            [
                Problem(
                    Location(edition.path, getattr(exc, "lineno", 0)),
                    f"not valid JSON ({exc.args[0]}); restore it with git",
                )
            ]
        ) from None
    pages = document.get("pages") if isinstance(document, dict) else None
    if not isinstance(pages, dict) or set(pages) != set(edition.rows):
        raise DataError([Problem(Location(edition.path, _line_of(text, "pages")), _PAGES_SHAPE)])
    return pages


_PAGES_SHAPE = "'pages' must map each audience of 'rows' to what its archived pages show"


def edition_report(edition: PublishedEdition, audience: str) -> Report:
    """Return the report an archived edition's pages show for one audience (a key of its rows); raise DataError."""
    pages = read_pages(edition)
    try:
        return report_from_pages(pages[audience], edition, audience or None)
    except SnapshotError as exc:
        line = _pages_line(edition, audience, exc.section, exc.item)
        item = f"{exc.section} item {exc.item + 1}" if exc.item is not None else exc.section
        where = f"pages of '{audience}', " if audience else "pages, "
        raise DataError([Problem(Location(edition.path, line), f"{where}{item}: {exc.message}")]) from None


def check_pages(editions: list[PublishedEdition]) -> list[Problem]:
    """Return the problems of the format 2 editions' pages (`check`: what an archive would meet when rendered)."""
    problems: list[Problem] = []
    for edition in editions:
        if edition.format < 2:
            continue
        for audience in edition.rows:
            try:
                edition_report(edition, audience)
            except DataError as exc:
                problems += exc.problems
                break
    return problems


def _pages_line(edition: PublishedEdition, audience: str, section: str, item: int | None) -> int:
    """Return the line of an audience's section (or of its item) as publish writes them, or 0."""
    if edition.pages is not None:
        return 0  # not written yet
    try:
        text = _read_text(Path(edition.path))
    except (OSError, UnicodeDecodeError, ValueError):
        return 0
    start = text.find(f"\n  {json.dumps(audience, ensure_ascii=False)}: {{", text.find(_PAGES))
    at = text.find(f"\n   {json.dumps(section)}: ", start) if start >= 0 else -1
    if at < 0:
        return text.count("\n", 0, start + 1) + 1 if start >= 0 else _line_of(text, "pages")
    return text.count("\n", 0, at + 1) + 1 + (item + 1 if item is not None else 0)


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


def _document_problem(document: Any, pages: bool) -> tuple[str, str] | None:
    """Return (key, why) for the first field of the wrong type, or None."""
    if not isinstance(document, dict):
        return "format", "an edition is a JSON object"
    if document.get("format") not in FORMATS and "format" in document:
        return "format", _unknown_format(document)
    if missing := [key for key in _KEYS if key not in document] + (
        ["pages"] if document.get("format") == 2 and not pages else []
    ):
        return "format", f"missing field(s): {', '.join(missing)}"
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


def _unknown_format(document: dict[str, Any]) -> str:
    value = document["format"]
    if not isinstance(value, int) or isinstance(value, bool):
        shown = json.dumps(value, ensure_ascii=True)[:20]
        return f"'format' must be a whole number (1 or {FORMAT}), not {shown}; restore the file with git"
    written = document.get("product_version")
    if value > FORMAT and isinstance(written, str) and _newer(written, product_version()):
        return (
            f"format {value} is newer than this version reads (1 or {FORMAT}): it was written by scorecard-press "
            f"{written[:40]}, newer than this one ({product_version()}); upgrade scorecard-press to build with it"
        )
    return (
        f"format {str(value)[:20]} is not one scorecard-press writes (this version, {product_version()}, "
        f"reads 1 or {FORMAT}); the file was changed by hand: restore it with git"
    )


def _newer(version_text: str, than: str) -> bool:
    """Return whether a version such as 0.2.0 is newer than another (False when either is not numbers and dots)."""
    parts = [re.fullmatch(r"\d{1,6}(?:\.\d{1,6}){0,5}", v.strip()) for v in (version_text, than)]
    if not all(parts):
        return False
    first, second = (tuple(int(n) for n in v.strip().split(".")) for v in (version_text, than))
    return first > second


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
