"""Reading files: BOM, CRLF, whitespace, line numbers."""

from __future__ import annotations

from generator.load import load_input
from tests.conftest import FIXTURES, Tree, load_tree


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


def test_numbers_accept_thousands_separators_and_percent_signs(tree: Tree) -> None:
    project = tree(
        **{"measures__extra.csv": 'unit,kpi,period,value\nroot,income,2025-Q3,"1,250.5"\nroot,income,2025-Q4,97.5%\n'}
    )
    values = sorted(m.value for m in load_tree(project).measures if m.where.path.endswith("extra.csv"))  # type: ignore[type-var]
    assert values == [97.5, 1250.5]


def test_yaml_duplicate_keys_are_errors(tree: Tree) -> None:
    project = tree(**{"content__units__team-b.yaml": "id: team-b\nname: B\nname: C\nparent: root\ntemplate: team\n"})
    raw = load_input(project / "content", project / "measures")
    assert [str(p).replace(f"{project}/", "") for p in raw.problems] == [
        "content/units/team-b.yaml:3: error: duplicate key 'name'"
    ]


def test_missing_organization_file_is_reported(tree: Tree) -> None:
    project = tree(**{"content__organization.yaml": None})
    raw = load_input(project / "content", project / "measures")
    assert any("organization.yaml: error: file missing" in str(p) for p in raw.problems)
