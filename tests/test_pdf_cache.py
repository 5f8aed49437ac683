"""Packs whose inputs did not change are reused; a changed unit re-renders its pack and its ancestors'."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.pdf import render_packs
from generator.pdf.cache import PackCache, fingerprint
from generator.pdf.context import build_pack
from generator.pipeline import make_report

pytestmark = pytest.mark.pdf
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(MINIMAL, project)
    return project


def _render(project: Path, out: Path, cache: Path) -> dict[str, bool]:
    """Write every pack; return, per unit, whether it was rendered (not reused)."""
    report, _ = make_report(project / "content", project / "measures", None)
    return {r.unit: not r.reused for r in render_packs(report, out, workers=1, cache=cache)}


def test_an_unchanged_run_reuses_every_pack_and_a_change_renders_the_unit_and_its_ancestors(tmp_path: Path) -> None:
    project, cache = _project(tmp_path), tmp_path / "cache"
    assert _render(project, tmp_path / "first", cache) == {"root": True, "team-a": True, "team-b": True}
    assert _render(project, tmp_path / "second", cache) == {"root": False, "team-a": False, "team-b": False}
    for name in ("2026-Q2-root.pdf", "2026-Q2-team-a.pdf", "2026-Q2-team-b.pdf"):
        assert (tmp_path / "second" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()
    teams = project / "measures" / "teams.csv"
    teams.write_text(
        teams.read_text(encoding="utf-8-sig").replace(
            "team-a,total_tickets,2026-04,8", "team-a,total_tickets,2026-04,28"
        )
    )
    assert _render(project, tmp_path / "third", cache) == {"root": True, "team-a": True, "team-b": False}


def test_a_damaged_cache_is_rendered_again(tmp_path: Path) -> None:
    project, cache = _project(tmp_path), tmp_path / "cache"
    _render(project, tmp_path / "first", cache)
    first, *rest = sorted(cache.glob("*.pdf"))
    first.write_bytes(first.read_bytes()[:-100])  # cut short
    rest[0].with_suffix(".json").write_text("{not json")
    rendered = _render(project, tmp_path / "second", cache)
    assert sorted(rendered.values()) == [False, True, True]
    assert len(list(cache.glob("*.pdf"))) == 3  # entries of the run, nothing else


def test_the_fingerprint_follows_the_content_and_the_depth(tmp_path: Path) -> None:
    report, _ = make_report(MINIMAL / "content", MINIMAL / "measures", None)
    day = dt.date(2026, 7, 1)
    root = fingerprint(build_pack(report, "root", 1, day), 1)
    assert root == fingerprint(build_pack(report, "root", 1, day), 1)
    assert root == fingerprint(build_pack(report, "root", 1, day + dt.timedelta(days=1)), 1)  # tomorrow too
    assert root != fingerprint(build_pack(report, "root", 0, day), 0)
    assert root != fingerprint(build_pack(report, "team-a", 1, day), 1)
    assert PackCache(tmp_path).find(root) is None
