"""The command line: exit codes 0 (fine), 1 (data errors), 2 (usage errors), and its outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import _print_problems, main
from generator.errors import BuildError, Problem
from generator.model import Location
from tests.conftest import FIXTURES, Tree

MINIMAL = ["--content", str(FIXTURES / "minimal/content"), "--measures", str(FIXTURES / "minimal/measures")]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_check_passes_and_summarises() -> None:
    code, out, err = run("check", *MINIMAL)
    assert code == 0
    assert out.startswith("OK: 3 units, 9 KPIs, 12 measures; latest period 2026-Q2; 1 warning.")
    assert "warning: kpi 'satisfaction' of unit 'root' has no value for 2026-Q2 (latest value: 2026-Q1)" in err


def test_check_strict_turns_warnings_into_errors() -> None:
    code, _, err = run("check", "--strict", *MINIMAL)
    assert code == 1 and err.count("has no value for 2026-Q2") == 1
    assert "root.yaml:28: error: kpi 'satisfaction' of unit 'root' has no value" in err
    assert err.rstrip().endswith("1 error in content or measures.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["export", "--period", "2026-Q5"],
            "error: --period '2026-Q5' is not a quarter (expected YYYY-Qn, e.g. 2026-Q2)",
        ),
        (
            ["export", "--period", "2030-Q1"],
            "error: --period 2030-Q1 has no data (measures run from 2026-Q1 to 2026-Q2)",
        ),
        (["export", "--format", "xml"], "Invalid value for '--format'"),
        (
            ["check", "--content", "/nonexistent"],
            "error: content folder '/nonexistent' does not exist (use --content DIR)",
        ),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, _, err = run(*args, *MINIMAL) if "--content" not in args else run(*args)
    assert code == 2 and message in err


def test_export_defaults_to_the_latest_period_as_json() -> None:
    code, out, _ = run("export", *MINIMAL)
    rows = json.loads(out)
    assert code == 0 and {r["period"] for r in rows} == {"2026-Q2"}


def test_export_writes_csv_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    code, _, err = run("export", "--period", "2026-Q1", "--format", "csv", "-o", str(target), *MINIMAL)
    assert code == 0 and f"Wrote 20 rows for 2026-Q1 to {target}." in err
    assert target.read_text().splitlines()[0].startswith("level,unit,perspective,objective,kpi,name,period")


@pytest.mark.parametrize("example", [".", "examples/agency"])
def test_bundled_examples_pass_check(example: str) -> None:
    from tests.conftest import ROOT

    base = ROOT / example
    code, out, _ = run("check", "--content", str(base / "content"), "--measures", str(base / "measures"))
    assert code == 0 and out.startswith("OK: ")


def test_check_counts_the_statuses_set_by_hand() -> None:
    from tests.conftest import ROOT

    base = ROOT / "examples/agency"
    code, out, _ = run("check", "--content", str(base / "content"), "--measures", str(base / "measures"))
    assert code == 0 and out == (
        "OK: 4 units, 20 KPIs, 180 measures; latest period 2026-Q2 "
        "(1 status set by hand: see the data-quality page); 0 warnings.\n"
    )


def test_export_carries_manual_statuses_and_their_note() -> None:
    from tests.conftest import ROOT

    base = ROOT / "examples/agency"
    code, out, _ = run("export", "--content", str(base / "content"), "--measures", str(base / "measures"))
    rows = {(r["unit"], r["kpi"]): r for r in json.loads(out) if r["level"] == "kpi"}
    fcr = rows[("contact-centre", "first_call_resolution")]
    assert code == 0 and (fcr["status"], fcr["score"], fcr["manual"]) == ("amber", 5.0, True)
    assert fcr["note"].startswith("Since the February telephony upgrade a scheduled callback counts as resolved")
    assert rows[("contact-centre", "abandoned_calls")]["manual"] is False


def test_warning_for_a_templated_kpi_points_at_the_template() -> None:
    code, _, err = run("check", "--period", "2026-Q1", *MINIMAL)
    template = FIXTURES / "minimal/content/templates/team.yaml"
    assert code == 0
    assert f"{template}:9: warning: kpi 'total_tickets' of unit 'team-b' has no value for 2026-Q1" in err


def _project(tree: Tree, **files: str) -> list[str]:
    project = tree(**files)
    return ["--content", str(project / "content"), "--measures", str(project / "measures")]


@pytest.mark.parametrize("command", [["check"], ["export"], ["export", "--format", "csv"]])
def test_a_nan_target_fails_every_command_with_its_line(tree: Tree, command: list[str]) -> None:
    root = (FIXTURES / "minimal/content/units/root.yaml").read_text().replace("target: 100", "target: .nan")
    args = _project(tree, **{"content__units__root.yaml": root})
    code, out, err = run(*command, *args)
    assert code == 1 and "NaN" not in out and "Traceback" not in err
    assert "content/units/root.yaml:16: error: objective 'grow' kpi 'income': target: nan is not a finite number" in err


def test_check_warns_about_a_formula_that_divides_by_zero_and_strict_fails(tree: Tree) -> None:
    teams = (FIXTURES / "minimal/measures/teams.csv").read_text(encoding="utf-8-sig")
    args = _project(
        tree,
        **{
            "measures__teams.csv": teams.replace(
                " team-b , total_tickets , 2026-04 , 20 ", "team-b,total_tickets,2026-04,0"
            )
        },
    )
    warning = "content/templates/team.yaml:22: warning: kpi 'cost_per_ticket' of unit 'team-b' has no value for 2026-Q2: its formula divides by zero"
    code, out, err = run("check", *args)
    assert code == 0 and out.startswith("OK: ") and any(line.endswith(warning) for line in err.splitlines())
    code, _, err = run("check", "--strict", *args)
    assert code == 1 and any(line.endswith(warning.replace("warning:", "error:")) for line in err.splitlines())


def test_a_2000_deep_hierarchy_is_one_error_without_a_traceback(tree: Tree) -> None:
    project = tree()
    parent = "root"
    for i in range(2000):
        (project / f"content/units/u{i}.yaml").write_text(f"id: u{i}\nname: U{i}\nparent: {parent}\n", encoding="utf-8")
        parent = f"u{i}"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "export"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "content/units/u50.yaml:1: error: unit 'u50': 51 levels below the root (below 'u49'); at most 50 are allowed "
        "(pages, navigation and packs nest one level per unit)"
    )


def _check(project: Path) -> tuple[int, str, str]:
    return run("check", "--content", str(project / "content"), "--measures", str(project / "measures"))


def test_check_lists_at_most_200_errors_then_counts_the_rest(tree: Tree) -> None:
    rows = "".join(f"ghost,income,2026-Q1,{n}\n" for n in range(1000))
    code, _, err = _check(tree(**{"measures__ghost.csv": "unit,kpi,period,value\n" + rows}))
    lines = err.splitlines()
    assert code == 1 and len(lines) == 202
    assert lines[199].endswith("measures/ghost.csv:201: error: unit: unknown unit 'ghost'")
    assert lines[200:] == ["... and 800 more errors", "1000 errors in content or measures."]


def test_printed_problems_are_capped_for_warnings_too(capsys: pytest.CaptureFixture[str]) -> None:
    warnings = [Problem(Location("m.csv", n), "stale", "warning") for n in range(1, 251)]
    _print_problems(warnings)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 201 and lines[-1] == "... and 50 more warnings"


def test_control_characters_from_data_are_escaped_when_printed(tree: Tree) -> None:
    project = tree(**{"measures__x.csv": "unit,kpi,period,value\n\x1b[2J\u202eevil\x07,income,2026-Q1,1\n"})
    (project / "measures/bad\nname\x1b[31m.csv").write_bytes(b"unit,kpi,period,value\nroot,income,2026-Q1,caf\xe9\n")
    code, _, err = _check(project)
    assert code == 1 and "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert f"{project}/measures/x.csv:2: error: unit: unknown unit '\\x1b[2J\\u202eevil\\x07'" in err.splitlines()
    assert (
        f"{project}/measures/bad\\nname\\x1b[31m.csv:2: error: is not UTF-8 text (byte 0xe9 in column 24; save the file as UTF-8)"
        in err.splitlines()
    )


def test_usage_errors_escape_control_characters() -> None:
    code, _, err = run("check", "--content", "no\x1b[31mwhere")
    assert code == 2 and "error: content folder 'no\\x1b[31mwhere' does not exist (use --content DIR)" in err


def test_check_reports_a_fifo_without_opening_it(tree: Tree) -> None:
    project = tree()
    os.mkfifo(project / "measures/x.csv")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # only a safety net: opening the FIFO would block forever
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "measures/x.csv: error: is not a regular file (a FIFO, socket or device): not read" in result.stderr


def test_build_publishes_nothing_from_outside_the_project(tree: Tree, tmp_path: Path) -> None:
    project = tree()
    (project / "mkdocs.yml").write_text("site_name: T\ntheme: {name: material}\n")
    (project / "docs").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", project / "docs/leak.txt")
    code, _, err = run(
        "build", "--no-pdf", "--config", str(project / "mkdocs.yml"), "--out", str(project / "site"),
        "--content", str(project / "content"), "--measures", str(project / "measures"),
    )  # fmt: skip
    assert code == 2 and err.splitlines()[-2:] == [
        "error: 1 file(s) the build will not copy into the site:",
        f"  {project}/docs/leak.txt: a symbolic link to '{tmp_path}/secret.txt', outside the project folder; copy the file in instead",
    ]
    assert not (project / "site").exists()


def test_error_messages_keep_their_lines_but_escape_other_control_characters() -> None:
    assert str(BuildError("MkDocs failed:\n  page 'x\x1b[2J\r'")) == "MkDocs failed:\n  page 'x\\x1b[2J\\r'"


def test_a_status_set_by_hand_for_a_data_lag_is_not_reported_missing(tree: Tree) -> None:
    root = (FIXTURES / "minimal/measures/root.csv").read_text(encoding="utf-8").replace(",note\n", ",note,status\n")
    root = root.replace("\n", ",\n").replace(",note,status,\n", ",note,status\n")
    root = root.replace(
        "root,satisfaction,2026-Q2,,,", "root,satisfaction,2026-Q2,,Data lag: survey results due in July,amber"
    )
    args = _project(tree, **{"measures__root.csv": root})
    code, out, err = run("check", "--strict", *args)
    assert code == 0 and "satisfaction" not in err, err
    assert out.startswith("OK: ") and "(1 status set by hand: see the data-quality page); 0 warnings." in out


def test_a_failed_write_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    code, _, err = run("export", *MINIMAL, "-o", str(tmp_path / "missing" / "x.json"))
    assert (code, err) == (2, f"error: cannot write '{tmp_path}/missing/x.json': No such file or directory\n")
    with open("/dev/full", "w") as full:  # a full disk
        done = subprocess.run(
            [sys.executable, "-m", "generator", "schema"], stdout=full, stderr=subprocess.PIPE, text=True, check=False
        )
    assert (done.returncode, done.stderr) == (1, "error: cannot write the output: No space left on device\n")
    for args in (["--help"], ["--version"], ["check", "--help"]):  # click writes these itself
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "generator", *args], stdout=full, stderr=subprocess.PIPE, text=True, check=False
            )
        assert (done.returncode, done.stderr) == (1, "error: cannot write the output: No space left on device\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["export", "-o", "{project}/content/organization.yaml"],
            "error: -o '{project}/content/organization.yaml' is inside the content folder '{project}/content'; nothing was changed (write outputs elsewhere)",
        ),
        (
            ["export", "--format", "csv", "-o", "{project}/measures/root.csv"],
            "error: -o '{project}/measures/root.csv' is inside the measures folder '{project}/measures'; nothing was changed (write outputs elsewhere)",
        ),
        (
            ["export", "-o", "{project}/mkdocs.yml"],
            "error: -o '{project}/mkdocs.yml' exists and is not a .json file; nothing was changed (an export replaces only a .json file: name a new file or one ending in .json)",
        ),
        (
            ["pdf", "--out", "{project}/content/packs"],
            "error: --out '{project}/content/packs' is inside the content folder '{project}/content'; nothing was changed (write outputs elsewhere)",
        ),
    ],
)
def test_outputs_never_replace_the_projects_inputs(tree: Tree, args: list[str], message: str) -> None:
    project = tree(**{"mkdocs.yml": "site_name: T\n"})
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    code, _, err = run(
        *[a.format(project=project) for a in args],
        "--content",
        str(project / "content"),
        "--measures",
        str(project / "measures"),
    )
    assert (code, err) == (2, message.format(project=project) + "\n")
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_a_content_path_that_is_a_file_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, _, err = run("check", "--content", str(tmp_path / "notes.txt"))
    assert (code, err) == (2, f"error: content folder '{tmp_path}/notes.txt' is not a folder (use --content DIR)\n")


def test_export_replaces_a_link_never_the_file_it_points_to(tree: Tree) -> None:
    project = tree()
    organization = project / "content/organization.yaml"
    before = organization.read_bytes()
    os.symlink(organization, project / "org.json")
    os.link(project / "measures/root.csv", project / "hard.csv")
    paths = ["--content", str(project / "content"), "--measures", str(project / "measures")]
    assert run("export", *paths, "-o", str(project / "org.json"))[0] == 0
    assert run("export", *paths, "--format", "csv", "-o", str(project / "hard.csv"))[0] == 0
    assert organization.read_bytes() == before and not (project / "org.json").is_symlink()
    assert (project / "measures/root.csv").read_text(encoding="utf-8").startswith("unit,kpi,period,value,note")
    assert json.loads((project / "org.json").read_text(encoding="utf-8"))[0]["level"] == "unit"
