"""Reading files: BOM, CRLF, whitespace, line numbers, and every file or value the loader refuses."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import load
from generator.errors import DataError
from generator.load import load_input, parse_number
from tests.conftest import FIXTURES, Tree, load_tree

TEAM_B = "id: team-b\nname: B\nparent: root\ntemplate: team\n"
HEADER = "unit,kpi,period,value,note\n"


def problems_of(project: Path) -> list[str]:
    """Return the loader's problems as the CLI prints them, with paths relative to the project."""
    raw = load_input(project / "content", project / "measures")
    return [str(p).replace(f"{project}/", "") for p in raw.problems]


def errors_of(project: Path) -> list[str]:
    """Return every error of load and validation, with paths relative to the project."""
    with pytest.raises(DataError) as info:
        load_tree(project)
    return [str(p).replace(f"{project}/", "") for p in info.value.problems]


def test_csv_with_bom_crlf_and_whitespace_is_read_cleanly() -> None:
    raw = load_input(FIXTURES / "minimal/content", FIXTURES / "minimal/measures")
    rows = [r for r in raw.rows if r.path.endswith("teams.csv")]
    assert rows[0].cells == {"unit": "team-a", "kpi": "total_tickets", "period": "2026-01", "value": "10"}
    padded = next(r for r in rows if r.cells["unit"] == "team-b" and r.cells["kpi"] == "total_tickets")
    assert padded.cells["period"] == "2026-04" and padded.line == 8
    assert raw.problems == []


def test_yaml_keeps_the_line_of_every_key() -> None:
    raw = load_input(FIXTURES / "minimal/content", FIXTURES / "minimal/measures")
    root = next(d for d in raw.units if d.path.endswith("root.yaml"))
    assert root.line_of(("objectives", 0, "kpis", 0, "polarity")) == 15
    assert root.line_of(("objectives", 1)) == 23
    assert root.line_of(("objectives", 0, "kpis", 0, "nonexistent")) == 10


def test_blank_lines_in_csv_are_skipped_and_blank_values_are_missing(tree: Tree) -> None:
    project = tree(**{"measures__extra.csv": "unit,kpi,period,value,note\n\nroot,income,2025-Q4,,late\n"})
    sc = load_tree(project)
    measure = next(m for m in sc.measures if m.where.path.endswith("extra.csv"))
    assert measure.value is None and measure.note == "late" and measure.where.line == 3


def test_yaml_duplicate_keys_are_errors(tree: Tree) -> None:
    project = tree(**{"content__units__team-b.yaml": "id: team-b\nname: B\nname: C\nparent: root\ntemplate: team\n"})
    assert problems_of(project) == ["content/units/team-b.yaml:3: error: duplicate key 'name'"]


def test_missing_organization_file_is_reported(tree: Tree) -> None:
    project = tree(**{"content__organization.yaml": None})
    raw = load_input(project / "content", project / "measures")
    assert any("organization.yaml: error: file missing" in str(p) for p in raw.problems)


# --- Numbers in measures -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [("42", 42.0), ("-0.5", -0.5), ("+3", 3.0), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1.5E-05", 1.5e-05)],
)
def test_plain_numbers_are_read(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,234", "is not a plain number: write 1234 (no thousands separators), or 1.234 if the comma marks decimals"),
        ("1,234,567.5", "is not a plain number: write 1234567.5 (no thousands separators)"),
        ("1 234", "is not a plain number: write 1234 (no thousands separators)"),
        ("1'234", "is not a plain number: write 1234 (no thousands separators)"),
        ("97,5", "is not a plain number: write 97.5 (decimals take '.')"),
        ("95%", "is not a plain number: write 95 (no '%': the KPI's unit says what the number counts)"),
        ("٣", "is not a plain number: write 3 (digits 0-9 only)"),
        ("１２", "is not a plain number: write 12 (digits 0-9 only)"),
        ("١,٢٣٤", "is not a plain number: write digits 0-9 only"),
        ("1e400", "is not a finite number (expected a number such as 42 or 97.5)"),
        ("nan", "is not a finite number (expected a number such as 42 or 97.5)"),
        ("inf", "is not a finite number (expected a number such as 42 or 97.5)"),
        ("2e100", "is out of range (numbers are at most 1e100 in size)"),
        ("1_000", "is not a number (expected e.g. 42 or 97.5; n/a for not applicable; blank for missing)"),
        ("0x10", "is not a number (expected e.g. 42 or 97.5; n/a for not applicable; blank for missing)"),
        ("²", "is not a number (expected e.g. 42 or 97.5; n/a for not applicable; blank for missing)"),
    ],
)
def test_numbers_that_float_would_misread_are_refused_with_the_fix(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_number(text)
    assert str(info.value) == reason


def test_refused_numbers_are_reported_at_their_row(tree: Tree) -> None:
    project = tree(
        **{
            "measures__extra.csv": 'unit,kpi,period,value,target\nroot,income,2025-Q3,"1,234",95%\nroot,income,2025-Q4,١٢,\n'
        }
    )
    assert errors_of(project) == [
        "measures/extra.csv:2: error: target: '95%' is not a plain number: write 95 (no '%': the KPI's unit says what the number counts)",
        "measures/extra.csv:2: error: value: '1,234' is not a plain number: write 1234 (no thousands separators), or 1.234 if the comma marks decimals",
        "measures/extra.csv:3: error: value: '١٢' is not a plain number: write 12 (digits 0-9 only)",
    ]


# --- YAML ----------------------------------------------------------------------------------


def _billion_laughs(levels: int, key: str = "a") -> str:
    lines = [f"{key}0: &{key}0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{key}{i}: &{key}{i} [{', '.join([f'*{key}{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _merge_bomb(levels: int) -> str:
    lines = ["m0: &m0 {k: 1}"]
    lines += [f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


YAML_CASES = {
    "custom tag": (
        TEAM_B + "description: !foo bar\n",
        "content/units/team-b.yaml:5: error: YAML tag '!foo' is not supported (remove it: values are plain text, numbers, lists and mappings)",
    ),
    "python tag": (
        TEAM_B + "description: !!python/object/apply:os.system [ls]\n",
        "content/units/team-b.yaml:5: error: YAML tag '!!python/object/apply:os.system' is not supported (remove it: values are plain text, numbers, lists and mappings)",
    ),
    "tag on the whole mapping": (
        "!!python/object:os.system\n" + TEAM_B,
        "content/units/team-b.yaml:1: error: YAML tag '!!python/object:os.system' is not supported (remove it: values are plain text, numbers, lists and mappings)",
    ),
    "set tag": (
        TEAM_B + "description: !!set {a, b}\n",
        "content/units/team-b.yaml:5: error: YAML tag '!!set' is not supported (remove it: values are plain text, numbers, lists and mappings)",
    ),
    "value not fitting its tag": (
        TEAM_B + "description: !!int ''\n",
        "content/units/team-b.yaml:5: error: '' is not a valid int",
    ),
    "integer too long for Python": (
        TEAM_B + "description: " + "9" * 5000 + "\n",
        "content/units/team-b.yaml:5: error: '9999999999999999999999999999999999999999...' is not a valid int",
    ),
    "control character": (
        "id: team-b\nname: B\x1b[31m\n",
        "content/units/team-b.yaml:2: error: YAML syntax error: character 0x1b (control characters are not allowed)",
    ),
    "deep flow nesting that crashed libyaml": (
        TEAM_B + "description: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "content/units/team-b.yaml:5: error: YAML nested more than 50 levels deep (an alias counts as the value it names)",
    ),
    "deep flow nesting": (
        TEAM_B + "description: " + "[" * 60 + "]" * 60 + "\n",
        "content/units/team-b.yaml:5: error: YAML nested more than 50 levels deep (an alias counts as the value it names)",
    ),
    "deep block nesting": (
        TEAM_B + "description:\n" + "".join(" " * i + "-\n" for i in range(1, 200)),
        "content/units/team-b.yaml:55: error: YAML nested more than 50 levels deep (an alias counts as the value it names)",
    ),
    "deep block nesting with long lines": (
        TEAM_B + "description:\n" + "".join(" " * i + "-\n" for i in range(1, 700)),
        "content/units/team-b.yaml:55: error: YAML nested more than 50 levels deep (an alias counts as the value it names)",
    ),
    "alias to itself": (
        TEAM_B + "description: &loop [*loop]\n",
        "content/units/team-b.yaml:5: error: YAML nested more than 50 levels deep (an alias counts as the value it names)",
    ),
    "billion laughs": (
        TEAM_B + _billion_laughs(9),
        "content/units/team-b.yaml:5: error: YAML expands to more than 200,000 values (aliases `*name` are counted at every use)",
    ),
    "merge-key bomb": (
        TEAM_B + _merge_bomb(9),
        "content/units/team-b.yaml:5: error: YAML expands to more than 200,000 values (aliases `*name` are counted at every use)",
    ),
    "merge of a scalar": (
        TEAM_B + "description: {<<: 5}\n",
        "content/units/team-b.yaml:5: error: `<<` merges a mapping or a list of mappings",
    ),
    "list as a key": (
        TEAM_B + "? [a, b]\n: c\n",
        "content/units/team-b.yaml:5: error: a key must be a plain value, not a list or mapping",
    ),
}


@pytest.mark.parametrize("case", YAML_CASES, ids=list(YAML_CASES))
def test_yaml_that_cannot_be_read_safely_is_reported_at_its_line(tree: Tree, case: str) -> None:
    text, expected = YAML_CASES[case]
    project = tree(**{"content__units__team-b.yaml": text})
    assert expected in problems_of(project)


def test_alias_bomb_is_stopped_before_it_takes_memory(tree: Tree) -> None:
    project = tree(**{"content__units__team-b.yaml": TEAM_B + _billion_laughs(9) + _merge_bomb(9)})
    tracemalloc.start()
    try:
        load_input(project / "content", project / "measures")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20  # the 9-level bomb expands to 387 million strings; 7 levels took 1.2 GB before


def test_merge_keys_still_work_and_keys_written_in_the_mapping_win(tree: Tree) -> None:
    text = "base: &base {name: Base, owner: Ann}\nother: &other {name: Other, parent: root}\n"
    text += "<<: [*base, *other]\nid: team-b\nowner: Bo\ntemplate: team\n"
    raw = load_input(tree(**{"content__units__team-b.yaml": text}) / "content", FIXTURES / "minimal/measures")
    doc = next(d for d in raw.units if d.path.endswith("team-b.yaml"))
    assert raw.problems == []
    assert {k: doc.data[k] for k in ("name", "owner", "parent")} == {"name": "Base", "owner": "Bo", "parent": "root"}
    assert doc.line_of(("name",)) == 1 and doc.line_of(("owner",)) == 5


def test_dates_stay_text_until_the_schema_reads_them(tree: Tree) -> None:
    initiative = "initiatives:\n  - id: move\n    name: Move\n    description: 2026-06-30\n    start: 2026-06-30\n"
    project = tree(**{"content__units__team-b.yaml": TEAM_B + initiative})
    move = load_tree(project).units["team-b"].initiatives[0]
    assert (move.description, move.start) == ("2026-06-30", dt.date(2026, 6, 30))


def test_impossible_dates_are_reported_at_their_line(tree: Tree) -> None:
    initiative = "initiatives:\n  - id: move\n    name: Move\n    end: 2026-06-31\n"
    project = tree(**{"content__units__team-b.yaml": TEAM_B + initiative})
    assert errors_of(project) == [
        "content/units/team-b.yaml:8: error: initiative 'move': end: input should be a valid date or datetime, "
        "day value is outside expected range (got '2026-06-31')"
    ]


# --- CSV -----------------------------------------------------------------------------------

CSV_CASES = {
    "unclosed quote at the end": (
        HEADER + 'root,income,2025-Q3,1,"oops\nroot,income,2025-Q4,2,\nroot,income,2026-Q3,3,\n',
        "measures/extra.csv:2: error: cell 'note' opens a quote (\") that runs on to line 4, swallowing the rows between: close it (cells cannot hold line breaks)",
    ),
    "unclosed quote closed by a later one": (
        HEADER + 'root,income,2025-Q3,"1\nroot,income,2025-Q4,2,"late"\nroot,income,2026-Q3,3,\n',
        "measures/extra.csv:2: error: cell 'value' opens a quote (\") that runs on to line 3, swallowing the rows between: close it (cells cannot hold line breaks)",
    ),
    "cell over the csv module's limit": (
        HEADER + 'root,income,2025-Q3,1,"' + "x" * 200_000 + "\n",
        'measures/extra.csv:2: error: a cell is longer than 131,072 characters: is a quote (") opened on this line never closed?',
    ),
    "header cell over the limit": (
        '"' + "x" * 200_000 + "\n",
        'measures/extra.csv:1: error: a cell is longer than 131,072 characters: is a quote (") opened on this line never closed?',
    ),
    "duplicate columns": (
        "unit,kpi,period,value,Value\nroot,income,2025-Q3,1,2\n",
        "measures/extra.csv:1: error: column(s) value given more than once in the header",
    ),
    "blank column name": (
        "unit,kpi,period,value,\nroot,income,2025-Q3,1,\n",
        "measures/extra.csv:1: error: unknown column(s) (blank) (allowed: unit, kpi, period, value, target, note, status, forecast)",
    ),
}


@pytest.mark.parametrize("case", CSV_CASES, ids=list(CSV_CASES))
def test_csv_that_would_be_misread_is_reported_at_its_line(tree: Tree, case: str) -> None:
    text, expected = CSV_CASES[case]
    assert problems_of(tree(**{"measures__extra.csv": text})) == [expected]


def test_rows_after_an_unclosed_quote_are_not_read_silently(tree: Tree) -> None:
    project = tree(**{"measures__extra.csv": CSV_CASES["unclosed quote at the end"][0]})
    assert [r.line for r in load_input(project / "content", project / "measures").rows if "extra" in r.path] == []
    assert CSV_CASES["unclosed quote at the end"][1] in errors_of(project)


# --- Files ---------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


FILE_CASES: dict[str, tuple[Callable[[Path], object], str]] = {
    "folder named like a YAML file": (
        lambda p: (p / "content/units/x.yaml").mkdir(),
        "content/units/x.yaml: error: is a folder, not a file",
    ),
    "folder named like a CSV file": (
        lambda p: (p / "measures/x.csv").mkdir(),
        "measures/x.csv: error: is a folder, not a file",
    ),
    "FIFO": (
        lambda p: os.mkfifo(p / "measures/x.csv"),
        "measures/x.csv: error: is not a regular file (a FIFO, socket or device): not read",
    ),
    "FIFO as commentary": (
        lambda p: os.mkfifo(p / "content/commentary/2026-Q2/team-a.md"),
        "content/commentary/2026-Q2/team-a.md: error: is not a regular file (a FIFO, socket or device): not read",
    ),
    "broken link": (
        lambda p: os.symlink("gone.yaml", p / "content/units/x.yaml"),
        "content/units/x.yaml: error: is a broken link (it points to 'gone.yaml', which does not exist)",
    ),
    "organization.yaml as a broken link": (
        lambda p: ((p / "content/organization.yaml").unlink(), os.symlink("gone", p / "content/organization.yaml")),
        "content/organization.yaml: error: is a broken link (it points to 'gone', which does not exist)",
    ),
    "link to itself": (
        lambda p: os.symlink("x.yaml", p / "content/units/x.yaml"),
        "content/units/x.yaml: error: cannot be read (Too many levels of symbolic links)",
    ),
    "templates is a file": (
        lambda p: shutil.rmtree(p / "content/templates") or (p / "content/templates").write_text("x"),
        "content/templates: error: is not a folder (expected a folder of files)",
    ),
    "latin-1 CSV": (
        lambda p: _write(p / "measures/x.csv", (HEADER + "root,income,2025-Q3,5,café\n").encode("latin-1")),
        "measures/x.csv:2: error: is not UTF-8 text (byte 0xe9 in column 26; save the file as UTF-8)",
    ),
    "latin-1 YAML": (
        lambda p: _write(p / "content/units/team-b.yaml", "id: team-b\nname: Équipe\n".encode("latin-1")),
        "content/units/team-b.yaml:2: error: is not UTF-8 text (byte 0xc9 in column 7; save the file as UTF-8)",
    ),
    "UTF-16 with a byte-order mark": (
        lambda p: _write(p / "measures/x.csv", HEADER.encode("utf-16")),
        "measures/x.csv:1: error: is UTF-16 text (expected UTF-8: save it as UTF-8)",
    ),
    "UTF-32 with a byte-order mark": (
        lambda p: _write(p / "content/units/team-b.yaml", TEAM_B.encode("utf-32")),
        "content/units/team-b.yaml:1: error: is UTF-32 text (expected UTF-8: save it as UTF-8)",
    ),
    "UTF-16 without a byte-order mark": (
        lambda p: _write(p / "content/commentary/2026-Q2/root.md", "## Summary\n".encode("utf-16-le")),
        "content/commentary/2026-Q2/root.md:1: error: holds a NUL byte (expected UTF-8 text: is it UTF-16, or not text at all?)",
    ),
    "NUL byte in a CSV": (
        lambda p: _write(p / "measures/x.csv", (HEADER + "root,income,2025-Q3,1\0,\n").encode()),
        "measures/x.csv:2: error: holds a NUL byte (expected UTF-8 text: is it UTF-16, or not text at all?)",
    ),
}


@pytest.mark.parametrize("case", FILE_CASES, ids=list(FILE_CASES))
def test_files_that_cannot_be_read_are_reported_without_opening_them(tree: Tree, case: str) -> None:
    make, expected = FILE_CASES[case]
    project = tree()
    make(project)
    assert expected in problems_of(project)


def test_links_are_followed_only_inside_the_content_and_measures_folders(tree: Tree, tmp_path: Path) -> None:
    project = tree()
    outside = tmp_path / "outside"
    _write(outside / "2026-Q3/root.md", b"## Summary\nsecret\n")
    _write(outside / "secret.csv", HEADER.encode() + b"root,income,2025-Q3,1,\n")
    os.symlink(outside / "2026-Q3", project / "content/commentary/2026-Q3")
    os.symlink(outside / "secret.csv", project / "measures/x.csv")
    os.symlink("root.csv", project / "measures/inside.csv")
    raw = load_input(project / "content", project / "measures")
    refused = "outside the content and measures folders: not read (copy the file in)"
    assert problems_of(project) == [
        f"measures/x.csv: error: leads to '{outside}/secret.csv', {refused}",
        f"content/commentary/2026-Q3/root.md: error: leads to '{outside}/2026-Q3/root.md', {refused}",
    ]
    assert [t.path for t in raw.commentary] == [str(project / "content/commentary/2026-Q2/root.md")]
    assert len([r for r in raw.rows if r.path.endswith("inside.csv")]) == 4  # a link inside is followed


def test_hidden_files_are_ignored(tree: Tree) -> None:
    project = tree()
    _write(project / "content/units/._team-b.yaml", b"\0\5\26\7Mac OS X resource fork")
    os.symlink("user@host.1234:1", project / "content/units/.#team-b.yaml")  # an Emacs lock
    assert problems_of(project) == []


def test_files_over_the_size_limit_are_not_read(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_CSV_BYTES", 1_000)
    monkeypatch.setattr(load, "MAX_DOCUMENT_BYTES", 1_500)
    project = tree(**{"measures__big.csv": HEADER + "root,income,2025-Q3,1,\n" * 60})
    _write(project / "content/units/team-b.yaml", TEAM_B.encode() + b"# padding\n" * 200)
    assert problems_of(project) == [
        "content/units/team-b.yaml: error: is 2 KB, over the 1.5 KB limit for one file",
        "measures/big.csv: error: is 1.4 KB, over the 1 KB limit for one file",
    ]


def test_unreadable_files_are_reported(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, for whom chmod 000 blocks nothing: refuse the open instead.
    project = tree()
    target = str(project / "measures/root.csv")
    real_open = os.open

    def refusing_open(path: str, flags: int, *args: int) -> int:
        if os.fspath(path) == target:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing_open)
    assert problems_of(project) == ["measures/root.csv: error: cannot be read (permission denied)"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_files_without_read_permission_are_reported(tree: Tree) -> None:
    project = tree()
    (project / "measures/root.csv").chmod(0)
    assert problems_of(project) == ["measures/root.csv: error: cannot be read (permission denied)"]


def test_unreadable_folders_are_reported(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tree()
    target = project / "content/units"
    real_listdir = os.listdir

    def refusing_listdir(path: Path) -> list[str]:
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", refusing_listdir)
    assert problems_of(project) == ["content/units: error: cannot be read (permission denied)"]


# --- Front matter: closed, empty, or never closed (hostile tester, issue 9) ---------------------


@pytest.mark.parametrize(
    ("text", "values", "body", "offset"),
    [
        ("---\nauthor: a\n---\n## Summary\nx", {"author": "a"}, "## Summary\nx", 3),
        ("---\nauthor: a\n---", {"author": "a"}, "", 2),  # closed at the end of the file
        ("---\n---\n## Summary\n", {}, "## Summary\n", 2),
        ("## Summary\n---\nx\n", {}, "## Summary\n---\nx\n", 0),  # a rule, not front matter
    ],
)
def test_front_matter_is_split_off(text: str, values: dict[str, str], body: str, offset: int) -> None:
    front = load.split_front_matter(text)
    assert (front.values, front.body, front.offset) == (values, body, offset)


@pytest.mark.parametrize("text", ["---\nauthor: a\n## Summary\nText.\n", "---", "---  \nauthor: a\n"])
def test_front_matter_never_closed_is_an_error_at_line_1(text: str) -> None:
    with pytest.raises(load.FrontMatterError) as info:
        load.split_front_matter(text)
    assert (info.value.line, str(info.value)) == (
        1,
        "front matter: opened by '---' but never closed (end it with a line '---' before the first section)",
    )


def test_measures_csv_rows_are_bounded_in_all_files(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_CSV_ROWS", 5)  # a million in use: each row costs about 1 KB until validated
    rows = "".join(f"ghost,income,2026-Q{q},1\n" for q in (1, 2, 3))
    project = tree(
        **{"measures__a.csv": "unit,kpi,period,value\n" + rows, "measures__b.csv": "unit,kpi,period,value\n" + rows}
    )
    raw = load.load_input(project / "content", project / "measures")
    limit = (
        "error: measures CSV files hold more than 5 rows in all: not read from here "
        "(keep older periods in an archive folder starting with '.', or aggregate monthly values)"
    )
    assert [str(p).replace(f"{project}/", "") for p in raw.problems] == [
        f"measures/b.csv:4: {limit}",
        f"measures/root.csv:2: {limit}",
        f"measures/teams.csv:2: {limit}",
    ]  # every file not read in full is named
    assert len(raw.rows) == 5
