"""Fuzz `check` with mutated YAML, CSV and Markdown: it exits 0 or 1 with messages, never a traceback;
what it accepts, `export` computes without a traceback too.

Deterministic (hypothesis derandomised, no example database): a failure is the same on every run.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.conftest import FIXTURES

MINIMAL = FIXTURES / "minimal"
FILES = {str(p.relative_to(MINIMAL)): p.read_bytes() for p in sorted(MINIMAL.rglob("*")) if p.is_file()}

# Values that broke, or could break, a loader: tags, aliases, nesting, odd numbers and dates,
# digits of other scripts, control characters, quotes.
YAML_VALUES = [
    "!foo bar",
    "!!python/object/apply:os.system [ls]",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!int x",
    "&a [*a]",
    "*nowhere",
    "&x {<<: *x}",
    "{<<: 5}",
    "[" * 80 + "]" * 80,
    "{a: " * 60 + "1" + "}" * 60,
    "9" * 5000,
    "-1",
    "0",
    "1e308",
    "2026-06-31",
    "2026-02-29",
    "0001-01-01",
    "2026-06-30T25:00:00",
    "١٢",
    "１２",
    "\x1b[31m",
    "\x00",
    "\u202e",
    '"',
    "'",
    '"\\x1b[2J"',
    "? [a]",
    "~",
    "yes",
    "0x1F",
    "1_000",
    "- - -",
    "\t",
    "[]",
    "{}",
    "|\n  block",
]
CSV_CELLS = [
    '"',
    '"unclosed',
    '"1,234"',
    "95%",
    "١٢",
    "１２",
    "1e400",
    "nan",
    "inf",
    "-0",
    "2026-Q5",
    "2026-13",
    "1999-Q1",
    "\x1b[2J",
    "\x00",
    "\r",
    ",,,,,",
    "x" * 140_000,
    "unit,kpi,period,value",
    "value",
    "root",
    "team-a",
    "income",
    "total_tickets",
]
# Once passed `check` and crashed `export` (NaN, infinity), or made `check` compute for seconds (year 9999).
NOT_FINITE_OR_FAR = [".nan", "nan", ".inf", "-.inf", "inf", "1e400", "2e100", "9999-Q4", "9999", "9999-12"]
YAML_VALUES += NOT_FINITE_OR_FAR
CSV_CELLS += NOT_FINITE_OR_FAR

_YAML_VALUE = re.compile(rb"^(\s*(?:- )?[\w-]+: ).+$", re.M)


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """Pick a fixture file and apply one to three mutations to its bytes."""
    name = draw(st.sampled_from(sorted(FILES)))
    data = FILES[name]
    for _ in range(draw(st.integers(1, 3))):
        data = draw(st.sampled_from(_MUTATIONS))(draw, name, data)
    return name, data


def _flip_byte(draw: st.DrawFn, name: str, data: bytes) -> bytes:
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


def _delete_line(draw: st.DrawFn, name: str, data: bytes) -> bytes:
    lines = data.split(b"\n")
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"\n".join(lines)


def _duplicate_line(draw: st.DrawFn, name: str, data: bytes) -> bytes:
    lines = data.split(b"\n")
    at = draw(st.integers(0, len(lines) - 1))
    return b"\n".join([*lines[: at + 1], *lines[at:]])


def _hostile(draw: st.DrawFn, name: str) -> bytes:
    return draw(st.sampled_from(CSV_CELLS if name.endswith(".csv") else YAML_VALUES)).encode()


def _insert_snippet(draw: st.DrawFn, name: str, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    return data[:at] + _hostile(draw, name) + data[at:]


def _replace_value(draw: st.DrawFn, name: str, data: bytes) -> bytes:
    """Replace one YAML value (`key: value`) or one CSV cell with a hostile one."""
    spans = list(_value_spans(name, data))
    if not spans:
        return _insert_snippet(draw, name, data)
    start, end = draw(st.sampled_from(spans))
    return data[:start] + _hostile(draw, name) + data[end:]


def _value_spans(name: str, data: bytes) -> Iterator[tuple[int, int]]:
    if not name.endswith(".csv"):
        yield from ((m.end(1), m.end()) for m in _YAML_VALUE.finditer(data))
        return
    for line in re.finditer(rb"[^\r\n]+", data):
        start = line.start()
        for cell in line[0].split(b","):
            yield start, start + len(cell)
            start += len(cell) + 1


_MUTATIONS = [_flip_byte, _delete_line, _duplicate_line, _insert_snippet, _replace_value, _replace_value]


@st.composite
def one_hostile_value(draw: st.DrawFn) -> tuple[str, bytes]:
    """Replace a single YAML value or CSV cell, so the rest stays valid and validation is reached."""
    name, start, end = draw(st.sampled_from(SLOTS))
    return name, FILES[name][:start] + _hostile(draw, name) + FILES[name][end:]


# Every value of the fixture's YAML and CSV files, drawn alike so that each is reached.
SLOTS = [(name, *span) for name, data in FILES.items() if not name.endswith(".md") for span in _value_spans(name, data)]


FUZZ = settings(
    derandomize=True,  # the same examples on every run
    database=None,
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _crash(project: Path) -> str | None:
    """Run `check`, then `export` if check passed; describe what went wrong, if anything."""
    for command in ("check", "export"):
        args = [command, "--content", str(project / "content"), "--measures", str(project / "measures")]
        result = CliRunner().invoke(main, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            return f"{command}: {result.exception!r}"
        if result.exit_code not in (0, 1) or "Traceback" in result.output:
            return f"{command}: exit {result.exit_code}: {result.output[-300:]}"
        if result.exit_code == 1:
            return None  # refused with messages; only what check accepts goes on to export
    return None


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the fixture; each example changes files in it and puts them back."""
    project = tmp_path_factory.mktemp("fuzz") / "project"
    shutil.copytree(MINIMAL, project)
    return project


@contextmanager
def _changed(project: Path, files: list[tuple[str, bytes]]) -> Iterator[Path]:
    try:
        for name, data in files:
            (project / name).write_bytes(data)
        yield project
    finally:
        for name, _ in files:
            (project / name).write_bytes(FILES[name])


@FUZZ
@given(files=st.lists(mutated_file(), min_size=1, max_size=2))
def test_check_survives_any_mutation_of_valid_input(scratch: Path, files: list[tuple[str, bytes]]) -> None:
    with _changed(scratch, files) as project:
        assert _crash(project) is None


@FUZZ
@given(file=one_hostile_value())
def test_one_hostile_value_is_reported_or_exported(scratch: Path, file: tuple[str, bytes]) -> None:
    with _changed(scratch, [file]) as project:
        assert _crash(project) is None


NUMBERS = [
    "-1", "-0", "0", "1e308", "-1e308", "1.7976931348623157e308", "1e-400", "9" * 400, "0x1F", "0o17", "1_000",
    "+.5", "1,234", '"1,234"', "95%", "١٢", "１２", "", "~", "[]", "{}", "[1, 2]", "2026-06-31", "\x1b[31m", '"', "'",
]  # fmt: skip
NUMBER_SLOTS = [(n, a, b) for n, a, b in SLOTS if re.fullmatch(rb"\s*-?[0-9.]+\s*", FILES[n][a:b])]


def test_every_number_of_the_fixture_survives_every_hostile_value(scratch: Path) -> None:
    """Exhaustive where random draws are thin: each numeric field gets each hostile number-like value."""
    crashes = []
    for name, start, end in NUMBER_SLOTS:
        for value in NUMBERS:
            data = FILES[name][:start] + value.encode() + FILES[name][end:]
            with _changed(scratch, [(name, data)]) as project:
                if crash := _crash(project):
                    crashes.append(f"{name} {FILES[name][start:end]!r} -> {value!r}: {crash}")
    assert crashes == []
