"""The layers: outputs read the display layer, never compute nor one another; one wording everywhere."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from generator.pdf.context import build_pack
from generator.present import MILESTONE_WORDS, initiative_display, kpi_display, period_end
from generator.render import RenderOptions, make_context, render_unit
from tests.conftest import FIXTURES, ROOT, report_for

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
# The outputs: the site, the packs, every export module (generator/export*.py or export*/) and the
# workbooks (generator/xlsx: collect's and the results export's). generator.api and the cli are
# entry points (they run the pipeline), and generator.collection is read by outputs: neither is one.
_EXPORTS = sorted(p.stem if p.suffix else p.name for p in GENERATOR.glob("export*") if p.suffix in ("", ".py"))
_OUTPUTS = ["generator.render", "generator.pdf", "generator.xlsx", *(f"generator.{name}" for name in _EXPORTS)]
# Each output may import neither compute nor another output; the display layer imports no output.
OUTPUTS = {
    **{out: ("generator.compute", "generator.audiences", *(o for o in _OUTPUTS if o != out)) for out in _OUTPUTS},
    "generator.present": ("generator.compute", "generator.audiences", *_OUTPUTS),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(GENERATOR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _modules_of(package: str) -> list[Path]:
    base = GENERATOR.parent.joinpath(*package.split("."))
    return sorted(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]


@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_an_output_imports_neither_compute_nor_another_output(output: str) -> None:
    modules = _modules_of(output)
    assert modules, output
    found = [
        f"{_module_name(path)} imports {name}"
        for path in modules
        for name in sorted(_imports(path))
        if any(name == banned or name.startswith(banned + ".") for banned in OUTPUTS[output])
    ]
    assert found == []


def test_every_output_is_checked() -> None:
    assert {"generator.render", "generator.pdf", "generator.export", "generator.xlsx"} <= set(OUTPUTS)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_same_kpi_reads_the_same_on_the_site_and_in_the_pack() -> None:
    report = report_for(FIXTURES / "minimal", "2026-Q2")
    root = report.scorecard.root
    shown = kpi_display(report, root.id, report.scorecard.kpi(root.id, "income"))
    pack = build_pack(report, root.id, 1, dt.date(2026, 7, 1))
    in_pack = next(k for p in pack.perspectives for o in p.objectives for k in o.kpis if k.id == "income")
    assert in_pack == shown
    site = _text(render_unit(make_context(report, RenderOptions()), root).text)
    row = f"Income {shown.status.icon} {shown.status.word} {shown.status.score} {shown.actual} {shown.target}"
    assert row in site
    assert (shown.status.word, shown.actual, shown.target) == ("On target", "105 EUR", "100 EUR")


def test_milestones_read_the_same_on_the_site_and_in_the_pack() -> None:
    report = report_for(ROOT, "2026-Q2")
    unit = report.scorecard.units["it"]
    pack = build_pack(report, unit.id, 1, dt.date(2026, 7, 1))
    site = _text(render_unit(make_context(report, RenderOptions()), unit).text)
    milestones = [m for i in pack.initiatives for m in i.milestones]
    assert {m.state for m in milestones} == {"done", "overdue", "due"}
    for item in pack.initiatives:
        source = next(i for i in unit.initiatives if i.id == item.id)
        assert item == initiative_display(unit, source, period_end(report), report.scorecard.organization.currency)
        assert item.budget.endswith(" EUR")  # budgets carry their currency, in the pack and on the site
        assert f"Budget {item.budget} · spent {item.spent}" in site
        assert f"{item.name} {item.state_word} · {item.owner} · {item.dates} · {item.counts}" in site
    for m in milestones:
        assert f"{MILESTONE_WORDS[m.state]} {m.name} {m.due}" in site
    # "late" is said of an initiative as a whole (its state), never of a milestone (overdue)
    assert "late (open" not in site and "◆ Late ◆" not in site
