"""The command line: exit codes 0 (fine), 1 (data errors), 2 (usage errors), and its outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
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
