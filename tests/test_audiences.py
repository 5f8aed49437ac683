"""Audiences: restrictions are inherited and checked, and an edition holds nothing restricted from it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.audiences import RESTRICTED, edition, lone_restricted_warnings, visibility
from generator.cli import main
from generator.errors import DataError
from generator.pdf.context import build_pack
from generator.present import export_rows
from generator.render import render_site, site_nav
from generator.results import Report, Status
from generator.scoring import weighted_mean
from tests.conftest import ROOT, Tree, load_tree, report_for

AUDIENCES = """
name: Test Org
mission: Serve.
vision: Be great.
fiscal_year_start: 1
audiences:
  - {id: board, name: Board, description: Council.}
  - {id: staff, name: All staff}
"""
# team-b (and all it holds) and team-a's cost are the board's; so is a section of the commentary.
RESTRICTED_FILES = {
    "content__organization.yaml": AUDIENCES,
    "content__units__team-b.yaml": "id: team-b\nname: Team B\nparent: root\ntemplate: team\nrestricted_to: [board]\n",
    "content__units__team-a.yaml": (
        "id: team-a\nname: Team A\nparent: root\ntemplate: team\noverrides:\n  total_tickets: {target: 30}\n"
    ),
    "content__commentary__2026-Q2__root.md": (
        "---\nauthor: Ada Lovelace\n---\n## Summary\n### Analysis\nA good quarter.\n\n"
        "## KPI: income\nrestricted_to: [board]\n### Analysis\nIncome rose on the Zanzibar deal.\n"
    ),
}


def _project(tree: Tree, **files: str) -> Path:
    return tree(**{**RESTRICTED_FILES, **files})


def _report(project: Path) -> Report:
    return report_for(project, "2026-Q2")


def test_a_restricted_unit_restricts_everything_it_holds(tree: Tree) -> None:
    seen = visibility(load_tree(_project(tree)))
    assert seen.units == {"root": None, "team-a": None, "team-b": frozenset({"board"})}
    assert not seen.objective("staff", "team-b", "deliver") and not seen.kpi("staff", "team-b", "cost")
    assert seen.kpi("board", "team-b", "cost") and seen.kpi("staff", "team-a", "cost")


def test_the_staff_edition_holds_nothing_of_a_restricted_unit(tree: Tree) -> None:
    full = _report(_project(tree))
    staff = edition(full, "staff")
    assert list(staff.scorecard.units) == ["root", "team-a"]
    assert all(key[0] != "team-b" for period in staff.by_period.values() for key in period.kpis)
    assert all(c.unit != "team-b" for c in staff.changes) and any(c.unit == "team-b" for c in full.changes)
    assert staff.supporters[("root", "grow")] == [("team-a", "deliver")]
    assert staff.scorecard.commentary[("root", full.period)].about("kpi", "income") is None
    assert staff.scorecard.commentary[("root", full.period)].about("unit") is not None
    assert staff.audience == "staff" and edition(full, "board").scorecard.units.keys() == full.scorecard.units.keys()
    # rolled-up and scored as before (rollup_restricted: true): the root's score still counts team-b
    assert staff.current.objectives[("root", "grow")] == full.current.objectives[("root", "grow")]
    text = "\n".join(page.text for page in render_site(staff)) + json.dumps(site_nav(staff))
    assert "Team B" not in text and "team-b" not in text and "Zanzibar" not in text


def test_a_restricted_kpi_leaves_counts_and_formulas(tree: Tree) -> None:
    template = (tree() / "content/templates/team.yaml").read_text(encoding="utf-8")
    restricted = template.replace("        weight: 0\n", "        weight: 0\n        restricted_to: [board]\n")
    full = _report(_project(tree, **{"content__templates__team.yaml": restricted}))
    staff = edition(full, "staff")
    formula = staff.scorecard.kpi("team-a", "cost_per_ticket").formula
    assert formula == f"{RESTRICTED} / total_tickets"
    assert ("team-a", "cost") not in staff.current.kpis
    assert sum(staff.current.units["team-a"].counts.values()) == sum(full.current.units["team-a"].counts.values()) - 1
    assert staff.current.kpis[("team-a", "cost_per_ticket")] == full.current.kpis[("team-a", "cost_per_ticket")]


def test_rollup_restricted_false_leaves_restricted_items_out_of_the_scores(tree: Tree) -> None:
    org = AUDIENCES + "rollup_restricted: false\n"
    full = _report(_project(tree, **{"content__organization.yaml": org}))
    staff, board = edition(full, "staff"), edition(full, "board")
    assert board.current.objectives[("root", "grow")] == full.current.objectives[("root", "grow")]
    # grow = income + total_tickets + the objectives supporting it (team-a's and team-b's): staff lose team-b's
    now = staff.current
    parts = [(now.kpis[("root", k)].score, 1.0) for k in ("income", "total_tickets")]
    parts.append((now.objectives[("team-a", "deliver")].score, 1.0))
    assert now.objectives[("root", "grow")].score == pytest.approx(weighted_mean(parts))
    assert now.objectives[("root", "grow")].score != full.current.objectives[("root", "grow")].score
    # and a rolled-up KPI sums the units the audience sees
    tickets = [staff.by_period[p].kpis[("root", "total_tickets")].actual for p in staff.periods]
    assert tickets == [full.by_period[p].kpis[("team-a", "total_tickets")].actual for p in full.periods]
    assert board.current.kpis[("root", "total_tickets")] == full.current.kpis[("root", "total_tickets")]


def test_a_visible_score_made_of_one_restricted_item_is_warned_about(tree: Tree) -> None:
    root = (tree() / "content/units/root.yaml").read_text(encoding="utf-8")
    root = root.replace("    perspective: financial\n", "    perspective: financial\n    restricted_to: [board]\n", 1)
    project = _project(tree, **{"content__units__root.yaml": root})
    warnings = [str(p).replace(f"{project}/", "") for p in lone_restricted_warnings(_report(project))]
    assert [w for w in warnings if "its score" in w] == [
        "content/units/root.yaml:1: warning: perspective 'financial' of unit 'root': its score in the 'staff' "
        "edition comes from one item restricted from it (objective 'grow'), so the score reveals it "
        "(add a visible item, or set `rollup_restricted: false` in organization.yaml)"
    ]


def test_a_visible_value_with_one_restricted_part_is_warned_about(tree: Tree) -> None:
    # root's total_tickets sums team-a (shown) and team-b (the board's): the difference is team-b's
    project = _project(tree)
    warnings = [str(p).replace(f"{project}/", "") for p in lone_restricted_warnings(_report(project))]
    assert warnings == [
        "content/units/root.yaml:18: warning: kpi 'total_tickets' of unit 'root': its value in the 'staff' edition "
        "includes one item restricted from it (unit 'team-b'), and the edition shows the other parts, so the value "
        "reveals it (set `rollup_restricted: false` in organization.yaml, or restrict this KPI too)"
    ]
    organization = AUDIENCES + "rollup_restricted: false\n"
    assert lone_restricted_warnings(_report(_project(tree, **{"content__organization.yaml": organization}))) == []
    # a formula of one restricted input shows it, inverted, whatever rollup_restricted says
    team = (tree() / "content/templates/team.yaml").read_text(encoding="utf-8")
    team = team.replace("        weight: 0\n", "        weight: 0\n        restricted_to: [board]\n", 1)
    project = _project(tree, **{"content__organization.yaml": organization, "content__templates__team.yaml": team})
    warnings = [str(p).replace(f"{project}/", "") for p in lone_restricted_warnings(_report(project))]
    assert warnings == [
        "content/templates/team.yaml:23: warning: kpi 'cost_per_ticket' of unit 'team-a': its value in the 'staff' "
        "edition includes one item restricted from it (kpi 'cost'), and the edition shows the other parts, so the "
        "value reveals it (restrict this KPI too, or compute it without the restricted input)"
    ]


UNKNOWN = {
    "a unit": (
        {
            "content__units__team-b.yaml": "id: team-b\nname: Team B\nparent: root\ntemplate: team\nrestricted_to: [bord]\n"
        },
        "content/units/team-b.yaml:5: error: unit 'team-b': restricted_to: unknown audience 'bord' (did you mean 'board'?)",
    ),
    "a KPI": (
        {
            "content__templates__team.yaml": "id: team\nname: T\nobjectives:\n  - id: deliver\n    name: D\n"
            "    perspective: internal\n    kpis:\n      - id: cost\n        name: Cost\n        target: 1\n"
            "        restricted_to: [staff, council]\n"
        },
        "content/templates/team.yaml:11: error: kpi 'cost': restricted_to: unknown audience 'council' "
        "(declared: board, staff)",
    ),
    "commentary front matter": (
        {
            "content__commentary__2026-Q2__root.md": "---\nauthor: Ada\nrestricted_to: [boards]\n---\n## Summary\nText.\n"
        },
        "content/commentary/2026-Q2/root.md:3: error: restricted_to: unknown audience 'boards' (did you mean 'board'?)",
    ),
    "a commentary section": (
        {
            "content__commentary__2026-Q2__root.md": "## Summary\nText.\n\n## KPI: income\n\nrestricted_to: managers\nText.\n"
        },
        "content/commentary/2026-Q2/root.md:6: error: restricted_to: unknown audience 'managers' (declared: board, staff)",
    ),
    "the root unit": (
        {"content__units__root.yaml": "id: root\nname: Root\nrestricted_to: [board]\n"},
        "content/units/root.yaml:3: error: unit 'root': the root unit opens every edition and cannot be "
        "restricted (restrict its objectives, KPIs or child units instead)",
    ),
}


@pytest.mark.parametrize("case", UNKNOWN, ids=list(UNKNOWN))
def test_unknown_audiences_are_errors_at_their_line(tree: Tree, case: str) -> None:
    files, expected = UNKNOWN[case]
    project = _project(tree, **files)
    with pytest.raises(DataError) as info:
        load_tree(project)
    assert expected in [str(p).replace(f"{project}/", "") for p in info.value.problems]


def test_restricted_to_without_declared_audiences_says_so(tree: Tree) -> None:
    project = tree(**{"content__units__team-b.yaml": RESTRICTED_FILES["content__units__team-b.yaml"]})
    with pytest.raises(DataError) as info:
        load_tree(project)
    assert [str(p).replace(f"{project}/", "") for p in info.value.problems] == [
        "content/units/team-b.yaml:5: error: unit 'team-b': restricted_to: unknown audience 'board' "
        "(organization.yaml declares no `audiences:`)"
    ]


def test_export_takes_an_audience(tree: Tree) -> None:
    project = _project(tree)
    args = ["export", "--content", str(project / "content"), "--measures", str(project / "measures")]
    staff = CliRunner().invoke(main, [*args, "--audience", "staff", "--period", "2026-Q2"])
    board = CliRunner().invoke(main, [*args, "--audience", "board", "--period", "2026-Q2"])
    assert staff.exit_code == 0 and board.exit_code == 0
    assert {r["unit"] for r in json.loads(staff.stdout)} == {"root", "team-a"}
    assert {r["unit"] for r in json.loads(board.stdout)} == {"root", "team-a", "team-b"}
    wrong = CliRunner().invoke(main, [*args, "--audience", "staf"])
    assert wrong.exit_code == 2
    assert wrong.stderr == "error: --audience 'staf' is not declared in organization.yaml (did you mean 'staff'?)\n"


def test_an_edition_keeps_statuses_of_what_it_shows(tree: Tree) -> None:
    full = _report(_project(tree))
    staff = edition(full, "staff")
    for key, result in staff.current.kpis.items():
        assert result == full.current.kpis[key]
    assert staff.current.units["root"].status is full.current.units["root"].status
    assert Status.GREEN in staff.current.units["root"].counts


def _build(project: Path, out: Path, *extra: str) -> Result:
    args = ["build", "--no-pdf", "--content", str(project / "content"), "--measures", str(project / "measures")]
    return CliRunner().invoke(main, [*args, "--out", str(out), "--config", str(ROOT / "mkdocs.yml"), *extra])


@pytest.mark.slow
def test_build_writes_every_edition_side_by_side_or_one_when_asked(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tree)
    monkeypatch.chdir(tmp_path)  # the work folder build/ is relative to the current one
    both = _build(project, tmp_path / "site")
    assert both.exit_code == 0, both.output
    summary = both.stdout.splitlines()[-1]
    assert summary.startswith(f"Built {tmp_path}/site/ for 2026-Q2: 25 pages in 2 editions ")  # 5 + 3 a unit: 14 + 11
    assert f"({tmp_path}/site/board/, {tmp_path}/site/staff/)" in summary
    assert (tmp_path / "site/board/units/team-b/index.html").is_file()
    assert not (tmp_path / "site/staff/units/team-b").exists()
    staff_files = [p for p in (tmp_path / "site/staff").rglob("*") if p.is_file() and "assets" not in p.parts]
    assert not [
        p for p in staff_files if "team-b" in p.read_text(errors="replace") or "Team B" in p.read_text(errors="replace")
    ]
    one = _build(project, tmp_path / "staff-only", "--audience", "staff")
    assert one.exit_code == 0, one.output
    assert "All staff edition" in (tmp_path / "staff-only/index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "staff-only/units/team-b").exists() and not (tmp_path / "staff-only/staff").exists()


def test_a_restricted_kpis_manual_status_and_missing_values_stay_in_their_edition(tree: Tree) -> None:
    teams = (tree() / "measures/teams.csv").read_text(encoding="utf-8-sig").splitlines()
    manual = {"team-b,cost,2026-Q2,14": 'team-b,cost,2026-Q2,14,red,"Quokka contract dispute"'}
    rows = [teams[0] + ",status,note", *(manual.get(line, line + ",,") for line in teams[1:])]
    full = _report(_project(tree, **{"measures__teams.csv": "\n".join(rows) + "\n"}))
    assert full.current.kpis[("team-b", "cost")].manual
    board, staff = edition(full, "board"), edition(full, "staff")
    board_quality = {p.path: p.text for p in render_site(board)}["quality.md"]
    assert "## Statuses set by hand" in board_quality and "Quokka contract dispute" in board_quality
    assert "Tickets handled (Team B)" in board_quality  # team-b's months still to report
    staff_pages = {p.path: p.text for p in render_site(staff)}
    assert "## Statuses set by hand" not in staff_pages["quality.md"]
    assert "Tickets handled (Team A)" in staff_pages["quality.md"]
    text = "\n".join(staff_pages.values())
    assert "Quokka" not in text and "Team B" not in text and "team-b" not in text
    rows = export_rows(staff)
    assert not any(row["manual"] for row in rows) and "Quokka" not in repr(rows) and "team-b" not in repr(rows)
    assert any(row["manual"] and row["note"] == "Quokka contract dispute" for row in export_rows(board))
    pack = build_pack(staff, "root", 2, dt.date(2026, 7, 1))
    assert "Quokka" not in repr(pack) and "team-b" not in repr(pack)


def test_one_audience_may_be_written_without_a_list(tree: Tree) -> None:
    team_b = "id: team-b\nname: Team B\nparent: root\ntemplate: team\nrestricted_to: board\n"
    seen = visibility(load_tree(_project(tree, **{"content__units__team-b.yaml": team_b})))
    assert seen.units["team-b"] == frozenset({"board"})


def test_an_item_no_edition_shows_is_warned_about_once(tree: Tree) -> None:
    from generator.audiences import unseen_warnings

    # team-b is the board's; a staff-only objective inside it narrows to nobody, and so does its KPI
    team = (tree() / "content/templates/team.yaml").read_text(encoding="utf-8")
    team = team.replace("    supports: [root/grow]\n", "    supports: [root/grow]\n    restricted_to: [staff]\n", 1)
    project = _project(tree, **{"content__templates__team.yaml": team})
    assert [str(p).replace(f"{project}/", "") for p in unseen_warnings(load_tree(project))] == [
        "content/templates/team.yaml:4: warning: objective 'deliver' of unit 'team-b' is in no edition: its "
        "`restricted_to` shares no audience with what holds it (restrictions narrow down the tree)"
    ]
