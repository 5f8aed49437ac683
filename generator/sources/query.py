"""Run the `.sql` files of the measures folder: DuckDB by default, a SQLAlchemy database when named.

A query is untrusted like any input: DuckDB runs it with file access limited to the measures
folder, one SELECT only (no COPY, ATTACH, INSTALL), a time limit and a row limit. A database named
in `measures/sources.yaml` gets its credentials from environment variables only; they are never
written anywhere, error messages included. It is only read: one SELECT (checked by DuckDB's
parser), in a read-only transaction where the database has one (SQLite opened read-only,
PostgreSQL/Oracle/MySQL `SET TRANSACTION READ ONLY`), always rolled back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import os
import re
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Problem
from generator.load import RawDocument, RawRow
from generator.model import Location
from generator.sources import MAX_CELL_CHARS, MAX_RESULT_CHARS, MAX_ROWS, header_problem, known_columns

QUERY_SECONDS = 120.0  # DuckDB queries are interrupted after this
_CHUNK = 10_000  # rows fetched at a time: the text limit is checked between chunks
_DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": "2GB",
    "temp_directory": "",
}
_SOURCE_KEYS = {"url", "username_env", "password_env"}
# URL query parameters that carry a secret: password=, sslpassword=, pwd=, api_key=, access_token=, ...
_SECRET_NAME = re.compile(r"pass|pwd|secret|token|credential|(^|_|api|access|private)key$")
_SECRET_IN_VALUE = re.compile(r"(^|;)\s*(pwd|password)\s*=", re.IGNORECASE)  # odbc_connect=...;PWD=...


@dataclass(frozen=True)
class Query:
    """A `.sql` file: its path and text."""

    path: str
    text: str


@dataclass(frozen=True)
class Source:
    """A database named in sources.yaml for one `.sql` file."""

    url: str
    username_env: str = ""
    password_env: str = ""


class _Failed(Exception):
    """A query that could not run; the message is for a person and holds no secret."""


def run_queries(
    queries: list[Query], config: RawDocument | None, measures: Path, problems: list[Problem]
) -> list[RawRow]:
    """Run every query and return its result rows; report what fails at its file."""
    sources = _read_sources(config, problems) if config is not None else {}
    names = {Path(q.path).name for q in queries}
    for name in sorted(sources.keys() - names):
        where = config.where((name,)) if config else Location("")
        problems.append(Problem(where, f"'{name}': no such .sql file in the measures folder"))
    rows: list[RawRow] = []
    for query in queries:
        name = Path(query.path).name
        source = sources.get(name)
        if name in sources and source is None:
            continue  # its entry in sources.yaml is wrong, and reported there
        try:
            names_, records = _run_database(query, source) if source else _run_duckdb(query, measures)
        except _Failed as exc:
            problems.append(Problem(Location(query.path), str(exc)))
            continue
        rows += _raw_rows(query.path, names_, records, problems)
    return rows


# --- DuckDB ------------------------------------------------------------------------------------


def _run_duckdb(query: Query, measures: Path) -> tuple[list[str], list[Sequence[Any]]]:
    import duckdb

    # No extension downloads, bounded memory, and no spilling to a temporary folder (it would be written
    # into the measures folder, the query's current folder).
    con = duckdb.connect(":memory:", config=_DUCKDB_CONFIG)
    try:
        statement = _one_select(con, query.text)
        # Only the measures folder is readable, and nothing can change that. Relative paths resolve
        # against it (see _inside); './' must not be listed: DuckDB expands it to the folder current
        # when the setting is made (the project's, holding .env and the like), not when a file is read.
        con.execute(f"SET allowed_directories=[{_quote(str(measures.resolve()) + os.sep)}]")
        con.execute("SET enable_external_access=false")
        con.execute("SET lock_configuration=true")
        timer = threading.Timer(QUERY_SECONDS, con.interrupt)
        timer.start()
        try:
            with _inside(measures):
                cursor = con.execute(statement)
                names = [d[0] for d in cursor.description or ()]
                return names, _fetch(cursor)
        finally:
            timer.cancel()
    except duckdb.InterruptException:
        raise _Failed(f"query ran longer than {QUERY_SECONDS:g} s and was stopped") from None
    except duckdb.Error as exc:
        reason = _first_line(str(exc))
        if isinstance(exc, duckdb.PermissionException):
            reason += " (a query reads files inside the measures folder only, by paths relative to it)"
        raise _Failed(f"query failed: {reason}") from None
    finally:
        con.close()


def _one_select(con: Any, text: str) -> str:
    import duckdb

    statements = con.extract_statements(text)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(s.type.name for s in statements) or "none"
        raise _Failed(
            f"expected one SELECT query (found: {kinds}); a measures query reads, it never writes or attaches"
        )
    return str(statements[0].query)


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """Run with `folder` as the current folder: DuckDB reads relative paths from there.

    DuckDB resolves relative paths against the process's folder and ignores `file_search_path`
    once external access is off; the CLI is single-threaded, so the switch is safe for its length.
    """
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- SQLAlchemy --------------------------------------------------------------------------------


def _read_sources(doc: RawDocument, problems: list[Problem]) -> dict[str, Source | None]:
    """Return the database of each named `.sql` file (None when its entry is wrong, and reported)."""
    sources: dict[str, Source | None] = {}
    for name, entry in doc.data.items():
        where = doc.where((name,))
        sources[str(name)] = None
        if not str(name).endswith(".sql") or not isinstance(entry, dict):
            problems.append(
                Problem(where, f"'{name}': expected `<file>.sql:` with `url:` (and `password_env:`) below it")
            )
            continue
        if unknown := sorted(set(entry) - _SOURCE_KEYS):
            problems.append(
                Problem(
                    doc.where((name, unknown[0])),
                    f"unknown key(s) {', '.join(map(str, unknown))} (allowed: password_env, url, username_env)",
                )
            )
            continue
        if problem := _source_problem(entry):
            problems.append(Problem(doc.where((name, "url")), problem))
            continue
        sources[str(name)] = Source(
            str(entry["url"]), str(entry.get("username_env", "")), str(entry.get("password_env", ""))
        )
    return sources


def _source_problem(entry: dict[str, Any]) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not isinstance(entry.get("url"), str):
        return "url: expected a SQLAlchemy URL, e.g. postgresql+psycopg://reporting@db.example.org/finance"
    try:
        url = make_url(entry["url"])
    except ArgumentError:
        return "url: not a SQLAlchemy URL (expected e.g. postgresql+psycopg://reporting@db.example.org/finance)"
    if url.password is not None:
        return "url: holds a password; remove it and name the environment variable holding it in `password_env`"
    if name := next((str(k) for k, v in url.query.items() if _credential(str(k), v)), ""):
        return (
            f"url: its query string holds a credential ({name}=...); remove it and name the environment "
            "variable holding the password in `password_env`"
        )
    return ""


def _credential(name: str, value: str | tuple[str, ...]) -> bool:
    """Return whether a URL query parameter looks like a secret (by its name, or an ODBC string holding PWD=)."""
    name = name.lower()
    values = (value,) if isinstance(value, str) else value
    return bool(_SECRET_NAME.search(name) or any(_SECRET_IN_VALUE.search(v) for v in values))


def _run_database(query: Query, source: Source) -> tuple[list[str], list[Sequence[Any]]]:
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    _one_read(query.text)
    url, secrets = _connect_url(source)
    shown = _shown(source.url)
    timer: threading.Timer | None = None
    try:
        engine = sqlalchemy.create_engine(_read_only_url(url), poolclass=NullPool)
        with engine.connect() as connection:
            try:
                _read_only_transaction(connection)
                timer = threading.Timer(QUERY_SECONDS, _cancel, [connection.connection.dbapi_connection])
                timer.start()
                result = connection.execution_options(stream_results=True).exec_driver_sql(query.text)
                names = list(result.keys())
                return names, _fetch(result)
            finally:
                with contextlib.suppress(sqlalchemy.exc.SQLAlchemyError):  # closing rolls back as well
                    connection.rollback()  # whatever the database let through is never kept
    except (sqlalchemy.exc.SQLAlchemyError, ImportError) as exc:
        if timer is not None and timer.finished.is_set():
            raise _Failed(f"query ran longer than {QUERY_SECONDS:g} s and was stopped") from None
        raise _Failed(_hide(f"query failed on {shown}: {_reason(exc)}", secrets)) from None
    finally:
        if timer is not None:
            timer.cancel()


def _one_read(text: str) -> None:
    """Refuse anything but one read query, classified by DuckDB's parser (a PostgreSQL grammar).

    A database's own guard comes on top (see _read_only_url, _read_only_transaction): the parser
    sees `WITH d AS (DELETE ... RETURNING *) SELECT ...` as a SELECT.
    """
    import duckdb

    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise _Failed(
            f"not read as one SELECT query ({_first_line(str(exc))}); write it in standard SQL, or keep "
            "SQL only your database understands in a view and select from the view"
        ) from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(s.type.name for s in statements) or "none"
        raise _Failed(f"expected one SELECT query (found: {kinds}); a measures query reads, it never writes")


def _connect_url(source: Source) -> tuple[Any, list[str]]:
    """Return the source's URL with the user name and password from the environment, and those secrets."""
    from sqlalchemy.engine import make_url

    secrets, url = [], make_url(source.url)
    for variable, part in ((source.username_env, "username"), (source.password_env, "password")):
        if variable:
            if not (value := os.environ.get(variable)):
                raise _Failed(f"environment variable {variable} ({part} of the database in sources.yaml) is not set")
            secrets.append(value)
            url = url.set(username=value) if part == "username" else url.set(password=value)
    if url.get_backend_name() == "sqlite" and (url.username or url.password):
        raise _Failed("a SQLite database takes no user name or password: remove username_env and password_env")
    return url, secrets


def _read_only_url(url: Any) -> Any:
    """Open a SQLite file read-only (a wrong path is an error then, not a new empty database)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return url
    if str(url.query.get("uri", "")).lower() in ("true", "1"):
        return url.update_query_dict({"mode": "ro"})
    return url.set(database="file:" + urllib.parse.quote(url.database)).update_query_dict({"mode": "ro", "uri": "true"})


def _read_only_transaction(connection: Any) -> None:
    """Make the transaction read-only where the database can: a SELECT calling a function that writes fails."""
    backend = connection.dialect.name
    if backend == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
    elif backend in ("postgresql", "oracle"):
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    elif backend in ("mysql", "mariadb"):
        connection.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")  # the connection is not pooled


def _shown(url: str) -> str:
    """Return the URL as messages show it: the password and every query value masked."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    masked = parsed.set(query={k: "***" for k in parsed.query})
    return str(masked.render_as_string(hide_password=True)).replace("%2A%2A%2A", "***")


def _cancel(connection: Any) -> None:
    """Stop the running statement, where the driver can (sqlite3 `interrupt`, psycopg `cancel`)."""
    for name in ("interrupt", "cancel"):
        if callable(stop := getattr(connection, name, None)):
            stop()
            return


def _reason(exc: Exception) -> str:
    if isinstance(exc, ImportError):
        return f"its database driver is not installed ({exc.name or exc})"
    return _first_line(str(getattr(exc, "orig", None) or exc))


def _hide(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


# --- Results -----------------------------------------------------------------------------------


def _fetch(cursor: Any) -> list[Sequence[Any]]:
    records: list[Sequence[Any]] = []
    chars = 0
    while chunk := cursor.fetchmany(_CHUNK):
        records += chunk
        if len(records) > MAX_ROWS:
            raise _Failed(f"query returns more than {MAX_ROWS:,} rows (the limit for one source)")
        chars += sum(len(cell) for record in chunk for cell in record if isinstance(cell, str))
        if chars > MAX_RESULT_CHARS:
            raise _Failed(f"query returns more than {MAX_RESULT_CHARS // 10**6} MB of text (the limit for one source)")
    return records


def _raw_rows(path: str, names: list[str], records: list[Sequence[Any]], problems: list[Problem]) -> list[RawRow]:
    header = [name.strip().lower() for name in names]
    if problem := header_problem(header):
        problems.append(Problem(Location(path), f"result: {problem}"))
        return []
    columns = known_columns(header)
    names, positions = list(columns), list(columns.values())
    rows = []
    for number, record in enumerate(records, start=1):
        cells = dict(zip(names, [_cell(record[i]) for i in positions], strict=True))
        row = RawRow(path, number, cells, line_name="result row")
        if max(map(len, cells.values())) > MAX_CELL_CHARS:
            too_long = next(n for n, c in cells.items() if len(c) > MAX_CELL_CHARS)
            problems.append(Problem(row.where(too_long), f"{too_long}: longer than {MAX_CELL_CHARS:,} characters"))
            continue
        rows.append(row)
    return rows


def _cell(value: Any) -> str:
    kind = type(value)  # exact types first: a million rows make four million calls
    if kind is str:
        return str(value).strip()
    if value is None:
        return ""
    if kind is float:
        return repr(value)
    if kind is bool:
        return "true" if value else "false"  # not a number: validation says so
    if kind is int or isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"
