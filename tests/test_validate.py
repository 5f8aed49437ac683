"""Bad input: every case gets a message naming file, line and what was expected; all in one run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import DataError
from tests.conftest import FIXTURES, Tree, load_tree

ROOT_YAML = (FIXTURES / "minimal/content/units/root.yaml").read_text()
TEAM_YAML = (FIXTURES / "minimal/content/templates/team.yaml").read_text()


def errors_of(project: Path) -> list[str]:
    """Return the error lines as the CLI prints them, with paths relative to the project."""
    with pytest.raises(DataError) as info:
        load_tree(project)
    return [str(p).replace(f"{project}/", "") for p in info.value.problems]


def _edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


CASES = {
    "yaml syntax": (
        {"content__units__team-b.yaml": "id: team-b\nname: [Team B\nparent: root\n"},
        "content/units/team-b.yaml:3: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)",
    ),
    "unknown key with suggestion": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "        decimals: 0", "        decimls: 0")},
        "content/units/root.yaml:13: error: objective 'grow' kpi 'income': unknown field 'decimls' (did you mean 'decimals'?)",
    ),
    "unknown polarity": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML, "polarity: higher\n        target: 100", "polarity: up\n        target: 100"
            )
        },
        "content/units/root.yaml:15: error: objective 'grow' kpi 'income': unknown polarity 'up' (expected 'higher', 'lower' or 'range')",
    ),
    "duplicate unit id": (
        {"content__units__zz.yaml": "id: team-b\nname: Copy\nparent: root\n"},
        "content/units/zz.yaml:1: error: duplicate unit id 'team-b' (also in content/units/team-b.yaml:1)",
    ),
    "duplicate kpi id": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "      - id: satisfaction", "      - id: income")},
        "content/units/root.yaml:28: error: kpi 'income': duplicate KPI id (ids are unique per unit: measures name unit and KPI)",
    ),
    "parent cycle": (
        {
            "content__units__x.yaml": "id: x\nname: X\nparent: y\n",
            "content__units__y.yaml": "id: y\nname: Y\nparent: x\n",
        },
        "content/units/x.yaml:1: error: unit 'x': cycle in `parent` (x -> y -> x)",
    ),
    "drives cycle": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML, "    owner: Ada\n    kpis:", "    owner: Ada\n    drives: [happy]\n    kpis:"
            )
        },
        "content/units/root.yaml:5: error: objective 'grow': cycle in `drives` (grow -> happy -> grow)",
    ),
    "unknown parent": (
        {"content__units__team-b.yaml": "id: team-b\nname: Team B\nparent: rot\ntemplate: team\n"},
        "content/units/team-b.yaml:1: error: unit 'team-b': unknown parent 'rot' (did you mean 'root'?)",
    ),
    "unknown supported objective": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "root/grow", "root/groww")},
        "content/templates/team.yaml:4: error: objective 'deliver': supports 'root/groww': unit 'root' has no objective 'groww' (did you mean 'grow'?)",
    ),
    "unknown kpi in measures": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,incme,2026-Q1,5\n"},
        "measures/extra.csv:2: error: kpi: unit 'root' has no KPI 'incme' (did you mean 'income'?)",
    ),
    "formula does not parse": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "cost / total_tickets", "cost / ")},
        "content/templates/team.yaml:22: error: kpi 'cost_per_ticket': formula 'cost /': does not parse (expected arithmetic over KPI ids, e.g. `cost / tickets * 100`)",
    ),
    "formula with unknown kpi": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "cost / total_tickets", "cost / tickets")},
        "content/templates/team.yaml:22: error: kpi 'cost_per_ticket': formula refers to unknown KPI 'tickets' (did you mean 'total_tickets'?)",
    ),
    "formula calling a function": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "cost / total_tickets", "__import__('os')")},
        "content/templates/team.yaml:22: error: kpi 'cost_per_ticket': formula '__import__('os')': '__import__('os')' is not allowed (only KPI ids, numbers, + - * / and parentheses)",
    ),
    "circular formula": (
        {
            "content__templates__team.yaml": _edit(
                _edit(TEAM_YAML, "        weight: 0", "        weight: 0\n        formula: cost_per_ticket * 2"),
                "cost / total_tickets",
                "cost / total_tickets",
            )
        },
        "content/templates/team.yaml:15: error: kpi 'cost': circular formula (cost -> cost_per_ticket -> cost)",
    ),
    "non-numeric value": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-Q4,12O\n"},
        "measures/extra.csv:2: error: value: '12O' is not a number (expected e.g. 42 or 97.5; blank for missing)",
    ),
    "unknown period format": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,Q4 2025,12\n"},
        "measures/extra.csv:2: error: period: 'Q4 2025' is not a period (expected YYYY-Qn (fiscal quarter), YYYY-MM (month) or YYYY (fiscal year))",
    ),
    "period not matching frequency": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-11,12\n"},
        "measures/extra.csv:2: error: period: '2025-11' does not fit quarterly KPI 'income' (expected YYYY-Qn)",
    ),
    "duplicate measure rows": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2026-Q1,91\n"},
        "measures/root.csv:2: error: duplicate value for unit 'root' kpi 'income' period 2026-Q1 (first given at measures/extra.csv:2)",
    ),
    "empty yaml": (
        {"content__units__team-b.yaml": ""},
        "content/units/team-b.yaml:1: error: file is empty (expected a YAML mapping)",
    ),
    "empty csv": (
        {"measures__extra.csv": ""},
        "measures/extra.csv:1: error: file is empty (expected a header: unit,kpi,period,value)",
    ),
    "truncated csv": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-Q4,1\nroot,inc"},
        "measures/extra.csv:3: error: row has 2 cells, the header has 4 (truncated or extra comma?)",
    ),
    "truncated yaml": (
        {
            "content__units__team-b.yaml": 'id: team-b\nname: Team B\nparent: root\nobjectives:\n  - id: x\n    name: "X\n'
        },
        "content/units/team-b.yaml:7: error: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)",
    ),
    "measures for a calculated kpi": (
        {"measures__extra.csv": "unit,kpi,period,value\nteam-a,cost_per_ticket,2026-Q1,1\n"},
        "measures/extra.csv:2: error: kpi 'cost_per_ticket' of unit 'team-a' is computed by a formula; remove its measures",
    ),
    "red flag on the wrong side": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "red_flag: 80", "red_flag: 120")},
        "content/units/root.yaml:10: error: kpi 'income': red_flag 120.0 is above target 100.0 (for polarity 'higher' it must be at or below)",
    ),
    "commentary about an unknown kpi": (
        {"content__commentary__2026-Q2__root.md": "## KPI: incom\n### Analysis\nText.\n"},
        "content/commentary/2026-Q2/root.md:1: error: section 'KPI: incom': unit 'root' has no kpi 'incom' (did you mean 'income'?)",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_reported_with_file_and_line(tree: Tree, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    files, expected = CASES[case]
    project = tree(**files)
    assert expected in errors_of(project)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert expected in result.stderr.splitlines()
    assert "Traceback" not in result.output


def test_every_error_is_reported_in_one_run(tree: Tree) -> None:
    files: dict[str, str] = {}
    for name in ("unknown key with suggestion", "unknown parent", "non-numeric value", "formula with unknown kpi"):
        files.update(CASES[name][0])
    errors = errors_of(tree(**files))
    for name in ("unknown key with suggestion", "unknown parent", "formula with unknown kpi"):
        assert CASES[name][1] in errors
    assert len(errors) >= 3  # the bad value sits in the broken unit, so it is not re-reported


def test_broken_unit_does_not_cascade_into_unknown_unit_errors(tree: Tree) -> None:
    errors = errors_of(tree(**CASES["unknown polarity"][0]))
    assert errors == [CASES["unknown polarity"][1]]


def test_cli_prints_errors_without_traceback_and_exits_1(tree: Tree) -> None:
    project = tree(**CASES["yaml syntax"][0], **CASES["non-numeric value"][0])
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--content", "content", "--measures", "measures"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/units/team-b.yaml:3: error: YAML syntax error" in result.stderr
    assert "measures/extra.csv:2: error: value: '12O' is not a number" in result.stderr
    assert result.stderr.rstrip().endswith("2 errors in content or measures.")
