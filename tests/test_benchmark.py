"""The benchmark runs on the small size and writes its report (no timing assertions)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchmarks.synth import SIZES, level_sizes, make_tree, write_org

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("units", "depth", "expected"),
    [(10, 3, [1, 3, 6]), (60, 4, [1, 4, 12, 43]), (300, 5, [1, 4, 15, 58, 222]), (1, 1, [1])],
)
def test_level_sizes_sum_to_the_units(units: int, depth: int, expected: list[int]) -> None:
    assert level_sizes(units, depth) == expected


def test_tree_has_the_asked_depth_and_every_parent_exists() -> None:
    units = make_tree(SIZES["large"])
    ids = {u.id for u in units}
    assert len(units) == 300
    assert max(u.level for u in units) == 4
    assert all(u.parent in ids for u in units if u.parent is not None)


def test_generation_is_deterministic(tmp_path: Path) -> None:
    write_org(SIZES["small"], tmp_path / "a", seed=7)
    write_org(SIZES["small"], tmp_path / "b", seed=7)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


@pytest.mark.slow
def test_benchmark_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    command = [str(ROOT / "benchmarks/run"), "--sizes", "small", "--work", str(tmp_path / "work"), "--out", str(out),
               "--pack-limit", "2", "--source-rows", "20000"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## Machine",
        "## Sizes",
        "## Core stages",
        "## `scorecard build`",
        "## The site",
        "## PDF packs",
        "## Measures from Parquet and CSV",
    ):
        assert heading in text
    assert "| KPIs | 200 |" in text
