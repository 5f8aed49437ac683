"""Pages rendered in two processes (a forked child renders half the units) equal a one-process render."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

import generator.build as build
from generator.errors import BuildError, UsageError
from generator.pipeline import make_report
from generator.render import RenderOptions
from generator.results import Report
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = RenderOptions(packs=True, built="2026-11-23 12:00 UTC")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Split every render in two, and count the renders that did fork."""
    calls: list[int] = []
    render_in_two = build._render_in_two

    def counted(*args: Any) -> list[str]:
        calls.append(1)
        return render_in_two(*args)

    monkeypatch.setattr(build, "SPLIT_FROM", 0)
    monkeypatch.setattr(build, "_render_in_two", counted)
    return calls


def _example() -> Report:
    report, _ = make_report(ROOT / "content", ROOT / "measures", None, editions=ROOT / "editions")
    return report


def _council() -> Report:
    report, _ = make_report(FIXTURES / "annual-council" / "content", FIXTURES / "annual-council" / "measures", None)
    return report


@pytest.mark.parametrize("report", [_example, _council], ids=["example", "annual-council"])
def test_two_processes_write_the_docs_folder_of_one_byte_for_byte(
    report: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    made = report()
    assert build._can_fork()
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    with monkeypatch.context() as single:
        single.setattr(build, "SPLIT_FROM", 10**9)
        count = build.write_pages(made, one, OPTIONS)
    assert forked == []
    assert build.write_pages(made, two, OPTIONS) == count
    assert forked == [1]
    assert count == len(_files(one)) > 10
    assert _files(two) == _files(one)
    if report is _example:  # with the editions' pages and the period menu
        assert {"archive.md", "restatements.md"} <= set(_files(one))


def test_a_clash_with_a_user_page_reads_as_in_one_process(tmp_path: Path, forked: list[int]) -> None:
    units = tmp_path / "units" / "council"  # rendered by the child, the home page by the parent
    units.mkdir(parents=True)
    (tmp_path / "index.md").write_text("# Mine\n", encoding="utf-8")
    (units / "index.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        build.write_pages(_council(), tmp_path, OPTIONS)
    assert str(raised.value) == (
        "your pages use paths the build generates: index.md, units/council/index.md (rename them in your docs_dir)"
    )
    assert forked == [1]
    assert (units / "index.md").read_text(encoding="utf-8") == (tmp_path / "index.md").read_text(encoding="utf-8")


def _fail_in_child(monkeypatch: pytest.MonkeyPatch, fail: Any) -> None:
    render_site = build.render_site

    def failing(report: Report, options: RenderOptions, share: tuple[int, int]) -> Any:
        if share == (1, 2):
            fail()
        return render_site(report, options, share)

    monkeypatch.setattr(build, "render_site", failing)


def test_an_error_in_the_child_is_raised_by_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    def fail() -> None:
        raise BuildError("units/x.yaml:3: something the child found")

    _fail_in_child(monkeypatch, fail)
    with pytest.raises(BuildError, match=r"^units/x.yaml:3: something the child found$"):
        build.write_pages(_council(), tmp_path, OPTIONS)
    assert forked == [1]


def test_a_child_killed_stops_the_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]
) -> None:
    _fail_in_child(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(BuildError) as raised:
        build.write_pages(_council(), tmp_path, OPTIONS)
    assert str(raised.value) == (
        "the process rendering half the pages ended with code -9; the build stopped and the previous site is unchanged"
    )


def test_few_units_render_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(build, "_render_in_two", lambda *args: calls.append(1) or [])
    report = _council()
    assert len(report.scorecard.units) < build.SPLIT_FROM
    assert build.write_pages(report, tmp_path, OPTIONS) > 0
    assert calls == []


# --- MkDocs in two processes: a forked child renders and lays out the second half of the pages ---


def _site(content: Path, measures: Path, out: Path, **options: Any) -> list[str]:
    said: list[str] = []
    build.build_site(content, measures, out / "site", work=out / "work", pdf=False, progress=said.append, **options)
    return said


@pytest.fixture
def mkdocs_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the MkDocs runs that forked a child."""
    calls: list[int] = []
    child = build._mkdocs_child

    def counted(*args: Any) -> Any:
        calls.append(1)
        return child(*args)

    monkeypatch.setattr(build, "_mkdocs_child", counted)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    return calls


@pytest.mark.parametrize(
    ("content", "options"),
    [
        (ROOT / "content", {"audience": "board", "editions": ROOT / "editions"}),
        (FIXTURES / "linked-commentary" / "content", {}),
    ],
    ids=["example", "linked-commentary"],
)
def test_mkdocs_in_two_processes_builds_the_site_of_one_byte_for_byte(
    content: Path, options: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_forks: list[int]
) -> None:
    assert build._can_fork()
    measures = content.parent / "measures"
    monkeypatch.setattr(build, "SPLIT_FROM", 10**6)
    _site(content, measures, tmp_path / "one", **options)
    assert mkdocs_forks == []
    monkeypatch.setattr(build, "SPLIT_FROM", 0)
    _site(content, measures, tmp_path / "two", **options)
    assert mkdocs_forks == [1]
    one, two = _files(tmp_path / "one" / "site"), _files(tmp_path / "two" / "site")
    assert len(one) > 50 and one == two


def test_an_error_in_the_mkdocs_child_stops_the_build_and_keeps_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_forks: list[int]
) -> None:
    content, measures = FIXTURES / "linked-commentary" / "content", FIXTURES / "linked-commentary" / "measures"
    _site(content, measures, tmp_path)
    before = _files(tmp_path / "site")

    def fail(*_: Any) -> None:
        raise BuildError("units/x.md: something the child found")

    monkeypatch.setattr(build, "SPLIT_FROM", 0)
    monkeypatch.setattr(build.PageCache, "_hand_over", fail)  # runs only in the child
    (tmp_path / "work").rename(tmp_path / "old-work")  # a cold build: every page is rendered again
    with pytest.raises(BuildError, match=r"^units/x.md: something the child found$"):
        _site(content, measures, tmp_path)
    assert mkdocs_forks == [1]
    assert _files(tmp_path / "site") == before


def test_the_mkdocs_child_killed_stops_the_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_forks: list[int]
) -> None:
    monkeypatch.setattr(build, "SPLIT_FROM", 0)
    monkeypatch.setattr(build.PageCache, "_hand_over", lambda *_: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(BuildError) as raised:
        _site(FIXTURES / "linked-commentary" / "content", FIXTURES / "linked-commentary" / "measures", tmp_path)
    assert str(raised.value) == (
        "the process laying out half the pages ended with code -9; the build stopped and the previous site is unchanged"
    )
