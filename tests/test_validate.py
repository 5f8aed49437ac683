"""Bad input: every case gets a message naming file, line and what was expected; all in one run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build_site
from generator.cli import main
from generator.errors import DataError
from generator.load import load_input
from generator.model import MAX_DEPTH
from generator.validate import validate_input
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
        "content/units/root.yaml:15: error: objective 'grow' kpi 'income': unknown polarity 'up' (expected 'higher', 'lower', 'range' or 'none')",
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
                TEAM_YAML, "        weight: 0", "        weight: 0\n        formula: cost_per_ticket * 2"
            )
        },
        "content/templates/team.yaml:15: error: kpi 'cost': circular formula (cost -> cost_per_ticket -> cost)",
    ),
    "non-numeric value": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-Q4,12O\n"},
        "measures/extra.csv:2: error: value: '12O' is not a number (expected e.g. 42 or 97.5; n/a for not applicable; blank for missing)",
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
    # --- Numbers: finite, at most 1e100, never text or true/false ---------------------------------
    "nan target": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "target: 100", "target: .nan")},
        "content/units/root.yaml:16: error: objective 'grow' kpi 'income': target: nan is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "infinite red flag": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "red_flag: 80", "red_flag: -.inf")},
        "content/units/root.yaml:17: error: objective 'grow' kpi 'income': red_flag: -inf is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "infinite target of a period": (
        {"content__units__root.yaml": _edit(ROOT_YAML, '"2026-Q2": 85', '"2026-Q2": .inf')},
        "content/units/root.yaml:33: error: objective 'happy' kpi 'satisfaction': target '2026-Q2': inf is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "nan in an overridden band": (
        {
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  total_tickets: {target: [1, .nan]}\n"
        },
        "content/units/team-a.yaml:6: error: override 'total_tickets': target item 2: nan is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "infinite weight": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "weight: 0", "weight: .inf")},
        "content/templates/team.yaml:21: error: objective 'deliver' kpi 'cost': weight: inf is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "infinite tolerance": (
        {"content__organization.yaml": "name: Test Org\ndefault_tolerance: .inf\n"},
        "content/organization.yaml:2: error: default_tolerance: inf is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "number beyond 1e100": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "red_flag: 80", "red_flag: -1.0e+200")},
        "content/units/root.yaml:17: error: objective 'grow' kpi 'income': red_flag: -1e+200 is out of range (numbers are at most 1e100 in size)",
    ),
    "number written as text": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "target: 100", 'target: "100"')},
        "content/units/root.yaml:16: error: objective 'grow' kpi 'income': target: '100' is not a number (expected a number such as 42 or 97.5, without quotes)",
    ),
    "yes as a number": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "weight: 0", "weight: yes")},
        "content/templates/team.yaml:21: error: objective 'deliver' kpi 'cost': weight: True is not a number (expected a number such as 42 or 97.5, without quotes)",
    ),
    "negative weight": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML, "    owner: Ada\n    kpis:", "    owner: Ada\n    weight: -2\n    kpis:"
            )
        },
        "content/units/root.yaml:9: error: objective 'grow': weight: -2 is negative (expected 0 or more)",
    ),
    "tolerance above its bound": (
        {"content__organization.yaml": "name: Test Org\ndefault_tolerance: 50\n"},
        "content/organization.yaml:2: error: default_tolerance: input should be less than or equal to 10 (got 50)",
    ),
    "csv value inf": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-Q4,inf\n"},
        "measures/extra.csv:2: error: value: 'inf' is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "csv value nan": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-Q4,nan\n"},
        "measures/extra.csv:2: error: value: 'nan' is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "csv value overflowing to infinity": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-Q4,1e999\n"},
        "measures/extra.csv:2: error: value: '1e999' is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "csv target Infinity": (
        {"measures__extra.csv": "unit,kpi,period,value,target\nroot,income,2025-Q4,1,-Infinity\n"},
        "measures/extra.csv:2: error: target: '-Infinity' is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "csv value beyond 1e100": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,2025-Q4,2e100\n"},
        "measures/extra.csv:2: error: value: '2e100' is out of range (numbers are at most 1e100 in size)",
    ),
    "negative value of a roll-up weight": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML,
                "        rollup: sum\n        target: 50",
                "        rollup: sum\n        target: 50\n      - {id: cost, name: Cost, owner: Ada, rollup: average, rollup_weight: total_tickets}",
            ),
            "measures__extra.csv": "unit,kpi,period,value\nteam-a,total_tickets,2026-05,-30\n",
        },
        "measures/extra.csv:2: error: value: -30 is negative, but kpi 'total_tickets' weighs the roll-up of kpi 'cost' in unit 'root' (weights are 0 or more)",
    ),
    # --- Years: 1900-2200, measures within 30 years of the median ---------------------------------
    "year far in the future": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,9999-Q4,1\n"},
        "measures/extra.csv:2: error: period: '9999-Q4' is implausible: year 9999 is outside 1900-2200",
    ),
    "year far from the other measures": (
        {"measures__extra.csv": "unit,kpi,period,value\nroot,income,1990-Q4,1\n"},
        "measures/extra.csv:2: error: period: '1990-Q4' is 36 years from the median year of the measures (2026); expected within 30 years of it (a typo?)",
    ),
    "target period year": (
        {"content__units__root.yaml": _edit(ROOT_YAML, '"2026-Q2": 85', '"2026-Q2": 85, 9999: 90')},
        "content/units/root.yaml:28: error: kpi 'satisfaction': target period '9999' is implausible: year 9999 is outside 1900-2200",
    ),
    "milestone year": (
        {
            "content__units__team-b.yaml": "id: team-b\nname: Team B\nparent: root\ntemplate: team\ninitiatives:\n"
            "  - id: move\n    name: Move\n    milestones: [{name: Done, due: 9999-12-31}]\n"
        },
        "content/units/team-b.yaml:8: error: initiative 'move' milestone 'Done': due: year 9999 is outside 1900-2200",
    ),
    "commentary folder year": (
        {"content__commentary__9999-Q1__root.md": "## Summary\nText.\n"},
        "content/commentary/9999-Q1/root.md: error: commentary folder '9999-Q1' is implausible: year 9999 is outside 1900-2200",
    ),
    # --- Overrides: located in the unit file, never a traceback -----------------------------------
    "override breaking the kpi": (
        {
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  total_tickets: {target: [1, 2]}\n"
        },
        "content/units/team-a.yaml:6: error: override 'total_tickets': polarity 'higher' needs a single number, not [low, high]",
    ),
    "override red flag on the wrong side": (
        {
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  cost: {red_flag: 5}\n"
        },
        "content/units/team-a.yaml:6: error: override 'cost': red_flag 5.0 is below target 10.0 (for polarity 'lower' it must be at or above)",
    ),
    "override unknown field": (
        {
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  cost: {targt: 5}\n"
        },
        "content/units/team-a.yaml:6: error: override 'cost': unknown field 'targt' (did you mean 'target'?)",
    ),
    "override of an unknown kpi": (
        {
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  total_ticket: {target: 5}\n"
        },
        "content/units/team-a.yaml:6: error: override 'total_ticket': template 'team' has no KPI 'total_ticket' (did you mean 'total_tickets'?)",
    ),
    "override key that is no kpi id": (
        {
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  Total-Tickets: {target: 5}\n"
        },
        "content/units/team-a.yaml:6: error: overrides: key 'Total-Tickets' is not a valid KPI id (expected snake_case: lower-case letters, digits and '_', starting with a letter)",
    ),
    "kpi id rule": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "      - id: income", "      - id: Net-income")},
        "content/units/root.yaml:10: error: objective 'grow' kpi 'Net-income': id: 'Net-income' is not a valid KPI id (expected snake_case: lower-case letters, digits and '_', starting with a letter)",
    ),
    "unit id rule": (
        {"content__units__team-b.yaml": "id: Team B\nname: Team B\nparent: root\n"},
        "content/units/team-b.yaml:1: error: id: 'Team B' is not a valid id (expected lower-case letters, digits, '-' and '_')",
    ),
    # --- Structure --------------------------------------------------------------------------------
    "no perspectives": (
        {"content__organization.yaml": "name: Test Org\nperspectives: []\n"},
        "content/organization.yaml:2: error: perspectives: expected at least 1 item (got [])",
    ),
    "duplicate perspective": (
        {
            "content__organization.yaml": "name: Test Org\nperspectives:\n  - {id: financial, name: F}\n  - {id: financial, name: G}\n"
        },
        "content/organization.yaml:2: error: perspectives: duplicate perspective id 'financial'",
    ),
    "formula constant overflowing to infinity": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "cost / total_tickets", "cost * 1e999")},
        "content/templates/team.yaml:22: error: kpi 'cost_per_ticket': formula 'cost * 1e999': '1e999' is not a finite number (expected a number such as 42 or 97.5)",
    ),
    "formula nested too deeply": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "cost / total_tickets", "cost" + "+cost" * 250)},
        "content/templates/team.yaml:22: error: kpi 'cost_per_ticket': formula '"
        + "cost"
        + "+cost" * 250
        + "': nests more than 200 operations",
    ),
    "no units": (
        {"content__units__root.yaml": None, "content__units__team-a.yaml": None, "content__units__team-b.yaml": None},
        "content/units: error: no units (expected one YAML file per unit, the root without a `parent`)",
    ),
    "formula over a categorical kpi": (
        {
            "content__templates__team.yaml": _edit(TEAM_YAML, "cost / total_tickets", "cost / audit")
            + "      - {id: audit, name: Audit, owner: Cy, type: categorical, levels: [{name: ok, status: green}]}\n"
        },
        "content/templates/team.yaml:22: error: kpi 'cost_per_ticket': formula needs numbers, but 'audit' is categorical",
    ),
    "roll-up weighted by a categorical kpi": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML,
                "        rollup: sum\n        target: 50",
                "        rollup: sum\n        target: 50\n      - {id: cost, name: Cost, owner: Ada, rollup: average, rollup_weight: audit}",
            ),
            "content__templates__team.yaml": TEAM_YAML
            + "      - {id: audit, name: Audit, owner: Cy, type: categorical, levels: [{name: ok, status: green}]}\n",
        },
        "content/units/root.yaml:23: error: kpi 'cost': rollup_weight needs numbers, but 'audit' is categorical in units 'team-a' and 'team-b'",
    ),
    "text written as a number": (
        {"content__units__team-b.yaml": "id: team-b\nname: 2024\nparent: root\ntemplate: team\n"},
        'content/units/team-b.yaml:2: error: name: 2024 is not text (write it in quotes: "2024")',
    ),
    "a list where text is expected": (
        {"content__units__team-b.yaml": "id: team-b\nname: Team B\nowner: [Ada, Bo]\nparent: root\ntemplate: team\n"},
        "content/units/team-b.yaml:3: error: owner: expected text (got ['Ada', 'Bo'])",
    ),
    "null where a list is expected": (
        {"content__units__team-b.yaml": "id: team-b\nname: Team B\nparent: root\ntemplate: team\ninitiatives: ~\n"},
        "content/units/team-b.yaml:5: error: initiatives: expected a list (got None)",
    ),
    "an override that is no mapping": (
        {
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  cost: 5\n"
        },
        "content/units/team-a.yaml:6: error: overrides 'cost': expected a mapping of `key: value` (got 5)",
    ),
    # --- Commentary front matter ------------------------------------------------------------------
    "front matter that does not parse": (
        {"content__commentary__2026-Q2__root.md": '---\nauthor: Ada\ntitle: "Q2\n---\n## Summary\nText.\n'},
        "content/commentary/2026-Q2/root.md:3: error: front matter: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)",
    ),
    "front matter that is a list": (
        {"content__commentary__2026-Q2__root.md": "---\n- Ada\n---\n## Summary\nText.\n"},
        "content/commentary/2026-Q2/root.md:2: error: front matter: expected `key: value` lines with single values or lists of them, e.g. `author: Dana Whitfield`",
    ),
    "front matter with an unknown key": (
        {"content__commentary__2026-Q2__root.md": "---\nauthor: Ada\nautor: Bo\n---\n## Summary\nText.\n"},
        "content/commentary/2026-Q2/root.md:3: error: front matter: unknown key 'autor' (did you mean 'author'?) (allowed: author, restricted_to)",
    ),
    "manual status without a note": (
        {"measures__extra.csv": "unit,kpi,period,value,status\nroot,income,2025-Q4,90,green\n"},
        "measures/extra.csv:2: error: status: 'green' is set by hand: say why in the `note` column (readers see it)",
    ),
    "unknown manual status": (
        {"measures__extra.csv": "unit,kpi,period,value,status,note\nroot,income,2025-Q4,90,gren,data lag\n"},
        "measures/extra.csv:2: error: status: 'gren' is not a status (expected green, amber or red)",
    ),
    "manual status in capitals": (
        {"measures__extra.csv": "unit,kpi,period,value,status,note\nroot,income,2025-Q4,90,Green,data lag\n"},
        "measures/extra.csv:2: error: status: 'Green' is not a status (expected green, amber or red; write 'green')",
    ),
    "status bands with a green band of 100%": (
        {"content__organization.yaml": "name: Org\nstatus_bands: {green: 1, red: 5}\n"},
        "content/organization.yaml:2: error: status_bands: green 1, red 5: bands are fractions of the target "
        "(0.05 for 5%); green is below 1, red at most 10",
    ),
    "zero target with status bands": (
        {
            "content__organization.yaml": "name: Org\nstatus_bands: {green: 0.05, red: 0.1}\n",
            "content__units__root.yaml": _edit(ROOT_YAML, '"2026-Q2": 85', '"2026-Q2": 0'),
        },
        "content/units/root.yaml:28: error: kpi 'satisfaction': a target of 0 with status bands (green 5%, red 10%): "
        "the bands are percentages of the target, and a percentage of 0 is 0; give an explicit `red_flag`",
    ),
    "zero target in the measures with status bands": (
        {
            "content__organization.yaml": "name: Org\nstatus_bands: {green: 0.05, red: 0.1}\n",
            "measures__extra.csv": "unit,kpi,period,value,target\nroot,satisfaction,2025-Q4,80,0\n",
        },
        "measures/extra.csv:2: error: target: 0 for kpi 'satisfaction', whose status bands are percentages of the "
        "target (green 5%, red 10%): a percentage of 0 is 0; give the KPI an explicit `red_flag`",
    ),
    "status bands green above red": (
        {"content__organization.yaml": "name: Org\nstatus_bands: {green: 0.2, red: 0.1}\n"},
        "content/organization.yaml:2: error: status_bands: green 0.2 is above red 0.1 (expected green <= red)",
    ),
    "status bands written as percentages": (
        {"content__organization.yaml": "name: Org\nstatus_bands: {green: 5, red: 10}\n"},
        "content/organization.yaml:2: error: status_bands: green 5, red 10: bands are fractions of the target "
        "(0.05 for 5%); green is below 1, red at most 10",
    ),
    "front matter author that is not text": (
        {"content__commentary__2026-Q2__root.md": "---\nauthor: 42\n---\n## Summary\nText.\n"},
        "content/commentary/2026-Q2/root.md:2: error: front matter: author: expected text (got 42)",
    ),
    # --- Hostile tester, issue 9: published as body text before ---------------------------------
    "front matter never closed": (
        {"content__commentary__2026-Q2__root.md": "---\nauthor: a\n## Summary\nText.\n"},
        "content/commentary/2026-Q2/root.md:1: error: front matter: opened by '---' but never closed "
        "(end it with a line '---' before the first section)",
    ),
    "value below the plausible minimum, with the fraction hint": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML, '        unit: "%"\n', '        unit: "%"\n        min: 50\n        max: 100\n'
            ),
            "measures__extra.csv": "unit,kpi,period,value\nroot,satisfaction,2025-Q4,0.85\n",
        },
        "measures/extra.csv:2: error: value: 0.85 for kpi 'satisfaction' is below the minimum 50 (plausible values: "
        "50 to 100); a fraction? 0.85 is 85%: write 85",
    ),
    "CSV target above the plausible maximum": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML, '        unit: "%"\n', '        unit: "%"\n        max: 100\n'
            ),
            "measures__extra.csv": "unit,kpi,period,value,target\nroot,satisfaction,2025-Q4,85,850\n",
        },
        "measures/extra.csv:2: error: target: 850 for kpi 'satisfaction' is above the maximum 100 (plausible values: "
        "at most 100)",
    ),
    "a percentage filed on a fraction KPI": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML,
                '        unit: "%"\n',
                '        unit: ""\n        min: 0\n        max: 1\n        target: 0.8\n',
            ),
        },
        "measures/root.csv:4: error: value: 82 for kpi 'satisfaction' is above the maximum 1 (plausible values: 0 to 1); "
        "a percentage? 82% is 0.82: write 0.82",
    ),
    "YAML target outside the bounds, at its line": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML, '        unit: "%"\n', '        unit: "%"\n        min: 0\n        max: 1\n'
            )
        },
        "content/units/root.yaml:35: error: kpi 'satisfaction': target 80 is above the maximum 1 (plausible values: "
        "0 to 1); a percentage? 80% is 0.8: write 0.8",
    ),
    "override target outside the template's bounds": (
        {
            "content__templates__team.yaml": _edit(
                TEAM_YAML, "        target: 25", "        target: 25\n        min: 0\n        max: 40"
            ),
            "content__units__team-a.yaml": "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  total_tickets:\n    target: 300\n",
        },
        "content/units/team-a.yaml:7: error: override 'total_tickets': target 300 is above the maximum 40 (plausible "
        "values: 0 to 40)",
    ),
    "bounds the wrong way round": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML, '        unit: "%"\n', '        unit: "%"\n        min: 100\n        max: 0\n'
            )
        },
        "content/units/root.yaml:28: error: objective 'happy' kpi 'satisfaction': min 100 is above max 0",
    ),
    "polarity none with a target": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML,
                "        polarity: higher\n        target: 100",
                "        polarity: none\n        target: 100",
            )
        },
        "content/units/root.yaml:10: error: objective 'grow' kpi 'income': polarity 'none' is a reference measure, "
        "never rated: remove target, red_flag and status_bands",
    ),
    "polarity none given a target by an override": (
        {
            "content__templates__team.yaml": _edit(TEAM_YAML, "        target: 25\n", "        polarity: none\n"),
        },
        "content/units/team-a.yaml:6: error: override 'total_tickets': polarity 'none' is a reference measure, never "
        "rated: remove target, red_flag and status_bands",
    ),
    "polarity none set by hand in the measures": (
        {
            "content__units__root.yaml": _edit(
                ROOT_YAML,
                "        polarity: higher\n        target: 100\n        red_flag: 80",
                "        polarity: none",
            ),
            "measures__extra.csv": "unit,kpi,period,value,status,note\nroot,income,2025-Q4,5,green,fine\n",
        },
        "measures/extra.csv:2: error: status: kpi 'income' has polarity 'none' (a reference measure, never rated): "
        "leave status empty",
    ),
    "an information-only level given a score": (
        {
            "content__units__root.yaml": ROOT_YAML + "      - id: licence\n        name: Licence\n        owner: Bo\n"
            "        type: categorical\n        levels:\n          - {name: held, status: none, score: 5}\n",
        },
        "content/units/root.yaml:39: error: objective 'happy' kpi 'licence' level 'held': status none (information "
        "only) takes no score",
    ),
    "commentary KPI heading without an id": (
        {"content__commentary__2026-Q2__root.md": "## Summary\nText.\n## KPI:\n### Analysis\nWhich?\n"},
        "content/commentary/2026-Q2/root.md:3: error: section '## KPI:' names no kpi (write '## KPI: <kpi-id>')",
    ),
    "commentary objective heading without an id": (
        {"content__commentary__2026-Q2__root.md": "## Summary\nText.\n\n## objective\nWhich?\n"},
        "content/commentary/2026-Q2/root.md:4: error: section '## objective' names no objective "
        "(write '## Objective: <objective-id>')",
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
    # The bad value belongs to the broken unit, whose measures are not checked again
    expected = ("unknown key with suggestion", "unknown parent", "formula with unknown kpi")
    assert sorted(errors) == sorted(CASES[name][1] for name in expected)


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


# --- Ids that Windows file shares cannot hold ---------------------------------------------------

RESERVED = "is a reserved name on Windows file shares, where sites are published (con, prn, aux, nul, com0-com9, lpt0-lpt9); choose another id"
ID_PLACES = {
    "unit": (
        {"content__units__team-b.yaml": "id: NAME\nname: Team B\nparent: root\n"},
        "content/units/team-b.yaml:1: error: id: ",
    ),
    "kpi": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "      - id: income", "      - id: NAME")},
        "content/units/root.yaml:10: error: objective 'grow' kpi 'NAME': id: ",
    ),
    "objective": (
        {"content__units__root.yaml": _edit(ROOT_YAML, "  - id: grow", "  - id: NAME")},
        "content/units/root.yaml:5: error: objective 'NAME': id: ",
    ),
    "initiative": (
        {
            "content__units__team-b.yaml": "id: team-b\nname: Team B\nparent: root\ninitiatives:\n  - {id: NAME, name: I}\n"
        },
        "content/units/team-b.yaml:5: error: initiative 'NAME': id: ",
    ),
    "template": (
        {"content__templates__team.yaml": _edit(TEAM_YAML, "id: team", "id: NAME")},
        "content/templates/team.yaml:1: error: id: ",
    ),
    "perspective": (
        {"content__organization.yaml": "name: Org\nperspectives:\n  - {id: NAME, name: P}\n"},
        "content/organization.yaml:3: error: perspective 'NAME': id: ",
    ),
}


@pytest.mark.parametrize("name", ["con", "prn", "aux", "nul", "com0", "com9", "lpt1", "lpt9"])
@pytest.mark.parametrize("place", ID_PLACES)
def test_windows_reserved_names_are_refused_as_ids(tree: Tree, place: str, name: str) -> None:
    files, prefix = ID_PLACES[place]
    project = tree(**{path: text.replace("NAME", name) for path, text in files.items()})
    assert f"{prefix.replace('NAME', name)}'{name}' {RESERVED}" in errors_of(project)


def test_names_that_only_start_like_reserved_ones_are_fine(tree: Tree) -> None:
    project = tree(**{"content__units__console.yaml": "id: console\nname: Console\nparent: root\n"})
    assert "console" in load_tree(project).units


# --- Hierarchies: deep, cyclic ------------------------------------------------------------------


def _chain(project: Path, length: int, first_parent: str = "root") -> None:
    parent = first_parent
    for i in range(length):
        (project / f"content/units/u{i}.yaml").write_text(f"id: u{i}\nname: U{i}\nparent: {parent}\n", encoding="utf-8")
        parent = f"u{i}"


def test_a_unit_deeper_than_50_levels_is_an_error_once_per_branch(tree: Tree) -> None:
    project = tree()
    _chain(project, 2000)  # deep enough to overflow any recursion over the tree
    assert errors_of(project) == [
        "content/units/u50.yaml:1: error: unit 'u50': 51 levels below the root (below 'u49'); at most 50 are allowed "
        "(pages, navigation and packs nest one level per unit)"
    ]


def test_a_unit_50_levels_deep_is_fine(tree: Tree) -> None:
    project = tree()
    _chain(project, 50)
    assert load_tree(project).depth("u49") == 50


def test_a_long_cycle_is_reported_once_and_shortened(tree: Tree) -> None:
    project = tree()
    _chain(project, 2000, first_parent="u1999")
    (project / "content/units/below.yaml").write_text("id: below\nname: B\nparent: u7\n", encoding="utf-8")
    assert errors_of(project) == [
        "content/units/u0.yaml:1: error: unit 'u0': cycle in `parent` "
        "(u0 -> u1999 -> u1998 -> u1997 -> u1996 -> u1995 -> u1994 -> ... -> u1 -> u0 (2000 units))"
    ]


def test_drives_and_formulas_in_long_chains_are_checked_without_recursion(tree: Tree) -> None:
    kpis = "".join(f"      - {{id: k{i}, name: K, owner: x, formula: k{i + 1} + 1}}\n" for i in range(3000))
    drives = "".join(f"  - {{id: o{i}, name: O, perspective: financial, drives: [o{i + 1}]}}\n" for i in range(3000))
    unit = (
        "id: chain\nname: Chain\nparent: root\nobjectives:\n  - id: o\n    name: O\n    perspective: financial\n"
        f"    kpis:\n{kpis}      - {{id: k3000, name: K, owner: x, formula: k0 * 2}}\n"
        f"{drives}  - {{id: o3000, name: O, perspective: financial, drives: [o0]}}\n"
    )
    assert errors_of(tree(**{"content__units__chain.yaml": unit})) == [
        "content/units/chain.yaml:9: error: kpi 'k0': circular formula "
        "(k0 -> k1 -> k2 -> k3 -> k4 -> k5 -> k6 -> ... -> k3000 -> k0 (3001 in all))",
        "content/units/chain.yaml:3010: error: objective 'o0': cycle in `drives` "
        "(o0 -> o1 -> o2 -> o3 -> o4 -> o5 -> o6 -> ... -> o3000 -> o0 (3001 in all))",
    ]


# --- Templates: a mistake reported once, at its line ----------------------------------------------


def _many_units(count: int) -> dict[str, str]:
    return {f"content__units__t{i}.yaml": f"id: t{i}\nname: T{i}\nparent: root\ntemplate: team\n" for i in range(count)}


def test_a_template_mistake_is_reported_once_not_per_unit(tree: Tree) -> None:
    template = TEAM_YAML + "      - {id: cost, name: Cost again, owner: Cy}\n"
    errors = errors_of(tree(**_many_units(40), **{"content__templates__team.yaml": template}))
    assert errors == [
        "content/templates/team.yaml:28: error: kpi 'cost': duplicate KPI id (ids are unique per unit: measures name unit and KPI)"
    ]


def test_a_template_problem_of_some_units_names_them(tree: Tree) -> None:
    template = _edit(TEAM_YAML, "        weight: 0", "        weight: 0\n        rollup: sum")
    files = {
        **_many_units(5),
        "content__templates__team.yaml": template,
        "measures__teams.csv": "unit,kpi,period,value\n",
    }
    files["content__units__sub.yaml"] = "id: sub\nname: Sub\nparent: t0\ntemplate: team\n"  # t0 has a child with 'cost'
    errors = errors_of(tree(**files))
    assert errors == [
        "content/templates/team.yaml:15: error: kpi 'cost': rollup 'sum' but no child unit has a KPI 'cost' "
        "(in units 'sub', 't1', 't2' and 4 more)"
    ]


def test_template_warnings_are_reported_once(tree: Tree) -> None:
    files = {**_many_units(30), "content__templates__team.yaml": TEAM_YAML.replace("        owner: Cy\n", "")}
    project = tree(**files)
    _, warnings = validate_input(load_input(project / "content", project / "measures"))
    no_owner = [w for w in warnings if "has no owner" in w.message]
    assert [f"{w.where.line}: {w.message}" for w in no_owner] == [
        "9: kpi 'total_tickets' has no owner",
        "14: kpi 'cost' has no owner",
        "20: kpi 'cost_per_ticket' has no owner",
    ]


def test_a_broken_template_does_not_cascade_into_measures_errors(tree: Tree) -> None:
    errors = errors_of(tree(**{"content__templates__team.yaml": _edit(TEAM_YAML, "polarity: lower", "polarity: down")}))
    assert errors == [
        "content/templates/team.yaml:18: error: objective 'deliver' kpi 'cost': unknown polarity 'down' (expected 'higher', 'lower', 'range' or 'none')"
    ]


@pytest.mark.slow
def test_a_hierarchy_at_the_depth_limit_builds_a_site(tree: Tree, tmp_path: Path) -> None:
    """The bound leaves room: pages, navigation and the org tree nest one level per unit."""
    project = tree()
    _chain(project, MAX_DEPTH)
    (tmp_path / "pages").mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Deep\ndocs_dir: pages\ntheme: {name: material}\n", encoding="utf-8")
    build_site(
        project / "content", project / "measures", tmp_path / "site", config=config, work=tmp_path / "b", pdf=False
    )
    assert (tmp_path / "site" / "units" / f"u{MAX_DEPTH - 1}" / "index.html").is_file()


def test_a_unit_file_failing_the_schema_does_not_cascade_into_its_measures(tree: Tree) -> None:
    errors = errors_of(tree(**{"content__units__team-b.yaml": "id: con\nname: Team B\nparent: root\ntemplate: team\n"}))
    assert errors == [f"content/units/team-b.yaml:1: error: id: 'con' {RESERVED}"]


BANDED_ORG = "name: Org\nstatus_bands: {green: 0.05, red: 0.1}\n"


def test_a_zero_target_is_fine_with_an_explicit_red_flag_or_without_bands(tree: Tree) -> None:
    zero = _edit(ROOT_YAML, "        target: 100\n        red_flag: 80", "        target: 0\n        red_flag: -5")
    load_tree(tree(**{"content__organization.yaml": BANDED_ORG, "content__units__root.yaml": zero}))
    load_tree(tree(**{"content__units__root.yaml": _edit(ROOT_YAML, '"2026-Q2": 85', '"2026-Q2": 0')}))


def test_a_range_edge_of_zero_with_bands_is_an_error_and_categorical_kpis_take_no_bands(tree: Tree) -> None:
    kpis = """
      - id: inflation
        name: Inflation
        owner: Ada
        polarity: range
        target: [0, 2]
      - id: audit
        name: Audit
        owner: Ada
        type: categorical
        levels: [{name: clean, status: green}]
        status_bands: {green: 0.05, red: 0.1}
"""
    root = _edit(ROOT_YAML, "    kpis:\n      - id: income", "    kpis:" + kpis.rstrip() + "\n      - id: income")
    errors = errors_of(tree(**{"content__organization.yaml": BANDED_ORG, "content__units__root.yaml": root}))
    assert errors == [
        "content/units/root.yaml:15: error: objective 'grow' kpi 'audit': a categorical KPI takes its status from "
        "`levels`, not target/red_flag/status_bands",
    ]
    root = _edit(root, "        status_bands: {green: 0.05, red: 0.1}\n", "")
    errors = errors_of(tree(**{"content__organization.yaml": BANDED_ORG, "content__units__root.yaml": root}))
    assert errors == [
        "content/units/root.yaml:10: error: kpi 'inflation': a target of 0 (an edge of its band) with status bands "
        "(green 5%, red 10%): the bands are percentages of the target, and a percentage of 0 is 0; "
        "give an explicit `red_flag`",
    ]


def test_a_zero_target_in_a_template_is_reported_once_at_the_template(tree: Tree) -> None:
    template = _edit(TEAM_YAML, "        target: 0.5", "        target: 0")
    errors = errors_of(tree(**{"content__organization.yaml": BANDED_ORG, "content__templates__team.yaml": template}))
    assert errors == [
        "content/templates/team.yaml:22: error: kpi 'cost_per_ticket': a target of 0 with status bands (green 5%, "
        "red 10%): the bands are percentages of the target, and a percentage of 0 is 0; give an explicit `red_flag`",
    ]


def test_an_empty_value_is_not_reported_and_yields_to_a_value_given_elsewhere(tree: Tree) -> None:
    # root.csv has satisfaction 2026-Q2 empty and income 2026-Q1 = 90; extra.csv comes first (sorted)
    project = tree(
        **{
            "measures__extra.csv": "unit,kpi,period,value,note\n"
            "root,satisfaction,2026-Q2,80,late figure\n"
            "root,income,2026-Q1,,survey not run\n"
        }
    )
    sc = load_tree(project)
    values = {(m.kpi, str(m.raw_period)): (m.value, m.note) for m in sc.measures}
    assert values[("satisfaction", "2026-Q2")] == (80.0, "late figure")
    assert values[("income", "2026-Q1")] == (90.0, "")


# --- Files that look like input but are not read (hostile tester, issue 9) ----------------------


def test_files_that_look_like_input_but_are_ignored_are_warned_about(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = (FIXTURES / "minimal/measures/teams.csv").read_text()
    project = tree(
        **{
            "measures__sub__x.csv": csv,
            "measures__sub__deeper__y.CSV": csv,
            "measures__.old__z.csv": csv,  # hidden: kept aside on purpose
            "measures__X.CSV": csv,
            "measures__notes.txt": "not a measures file",
            "content__commentary__2026-Q2__it.MD": "## Summary\nText.\n",
            "content__commentary__2026-Q2__team-a.txt": "## Summary\nText.\n",
            "content__commentary__root.md": "## Summary\nText.\n",
            "content__units__team-c.YAML": "id: team-c\n",
            "content__units__more__team-d.yml": "id: team-d\n",
        }
    )
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--content", "content", "--measures", "measures"])
    assert result.exit_code == 0, result.output
    warnings = sorted(line for line in result.stderr.splitlines() if "ignored" in line)
    assert warnings == [
        "content/commentary/2026-Q2/it.MD: warning: file ignored: only names ending in '.md' (lower case) are read "
        "(rename it to 'it.md')",
        "content/commentary/2026-Q2/team-a.txt: warning: file ignored: only names ending in '.md' (lower case) are "
        "read (rename it to 'team-a.md')",
        "content/commentary/root.md: warning: file ignored: commentary goes in a folder per quarter "
        "(move it to content/commentary/YYYY-Qn/root.md)",
        "content/units/more/team-d.yml: warning: file ignored: only files directly in 'content/units' are read "
        "(move it there, or start the folder's name with '.' to keep it aside)",
        "content/units/team-c.YAML: warning: file ignored: only names ending in '.yaml' or '.yml' (lower case) are "
        "read (rename it to 'team-c.yaml')",
        "measures/X.CSV: warning: file ignored: only names ending in '.csv', '.xlsx' or '.sql' (lower case) are "
        "read (rename it to 'X.csv')",
        "measures/sub/x.csv: warning: file ignored (with 1 more in 'measures/sub'): only files directly in "
        "'measures' are read (move them there, or start the folder's name with '.' to keep it aside)",
    ]


def _fraction_warnings(project: Path) -> list[str]:
    _, warnings = validate_input(load_input(project / "content", project / "measures"))
    return [str(w).replace(str(project) + "/", "") for w in warnings if "fraction" in w.message]


def test_a_fraction_on_a_percent_kpi_is_a_warning_at_its_csv_line(tree: Tree) -> None:
    bounded = _edit(ROOT_YAML, '        unit: "%"\n', '        unit: "%"\n        min: 0\n        max: 100\n')
    project = tree(
        **{
            "content__units__root.yaml": bounded,
            "measures__extra.csv": "unit,kpi,period,value\nroot,satisfaction,2025-Q4,90\nroot,satisfaction,2026-Q3,0.9999\n",
        }
    )
    assert _fraction_warnings(project) == [
        "measures/extra.csv:3: warning: value: 0.9999 for kpi 'satisfaction' is at most 1 while its other values are "
        "percentages (median 86); a fraction? 0.9999 is 99.99%: write 99.99"
    ]


@pytest.mark.parametrize(
    "unit, values",
    [
        ('unit: "%"', "0.9999,0.98"),  # every value a fraction: nothing to compare with
        ('unit: "%"', "0,95"),  # 0% is a real value
        ('unit: "count"', "0.9999,95"),  # not a percentage
        ('unit: "%"', "0.8,2.85"),  # a small percentage among small ones (a budget variance)
    ],
)
def test_no_fraction_warning_without_the_slip(tree: Tree, unit: str, values: str) -> None:
    root = _edit(ROOT_YAML, '        unit: "%"\n', f"        {unit}\n")
    first, second = values.split(",")
    csv = f"unit,kpi,period,value\nroot,satisfaction,2025-Q4,{first}\nroot,satisfaction,2026-Q3,{second}\n"
    project = tree(**{"content__units__root.yaml": root, "measures__extra.csv": csv})
    measures = project / "measures/root.csv"  # only the two values above
    measures.write_text(measures.read_text().replace("root,satisfaction,2026-Q1,82,\n", ""))
    assert _fraction_warnings(project) == []


@pytest.mark.parametrize(
    "cadence, moved",
    [
        ("annual", "a folder per year (move it to content/commentary/YYYY/root.md)"),
        ("monthly", "a folder per month (move it to content/commentary/YYYY-MM/root.md)"),
        ("quarterly", "a folder per quarter (move it to content/commentary/YYYY-Qn/root.md)"),
        (
            "weekly",
            "a folder per quarter (move it to content/commentary/YYYY-Qn/root.md)",
        ),  # unknown: an error elsewhere
    ],
)
def test_a_loose_commentary_file_is_told_the_folder_of_the_cadence(tree: Tree, cadence: str, moved: str) -> None:
    organization = f"name: Test Org\nfiscal_year_start: 1\ncadence: {cadence}\n"
    project = tree(**{"content__organization.yaml": organization, "content__commentary__root.md": "## Summary\n"})
    raw = load_input(project / "content", project / "measures")
    assert [str(p).replace(f"{project}/", "") for p in raw.problems] == [
        f"content/commentary/root.md: warning: file ignored: commentary goes in {moved}"
    ]
