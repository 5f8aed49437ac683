"""Building the site: the example end to end, strict links, the previous site kept on failure, Zensical."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.build import build_site
from generator.cli import main
from generator.errors import BuildError, UsageError
from generator.folders import write_manifest
from generator.publish import remove_stale_staging

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def _config(tmp: Path, nav: list[object] | None = None) -> Path:
    """Write a copy of the root mkdocs.yml whose own pages live in tmp/pages."""
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["docs_dir"] = "pages"
    if nav is not None:
        cfg["nav"] = nav
    (tmp / "pages").mkdir(exist_ok=True)
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


def _earlier_site(out: Path, files: dict[str, str]) -> None:
    """Write a folder as an earlier build leaves it: files, and the manifest listing them."""
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    write_manifest(out)


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("example")
    build_site(
        ROOT / "content",
        ROOT / "measures",
        tmp / "site",
        config=ROOT / "mkdocs.yml",
        work=tmp / "build",
        pdf=False,
        audience="board",
    )  # the board edition has every unit
    return tmp


@pytest.mark.slow
def test_example_site_has_every_unit_and_no_heavy_page(example_site: Path) -> None:
    site = example_site / "site"
    units = sorted(p.stem for p in (ROOT / "content" / "units").glob("*.yaml"))
    for unit in units:
        for page in ("index", "details", "map"):
            assert (site / "units" / unit / f"{page}.html").is_file()
    assert (site / "assets" / "scorecard" / "plotly.min.js").stat().st_size > 1_000_000
    assert max(p.stat().st_size for p in site.rglob("*.html")) < 400_000
    assert "cdn" not in (site / "index.html").read_text(encoding="utf-8").lower()


@pytest.mark.slow
def test_broken_link_fails_and_keeps_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    config = _config(tmp_path, nav=[{"About": "about.md"}])
    (tmp_path / "pages" / "about.md").write_text("# About\n\nSee [the plan](missing.md).\n", encoding="utf-8")
    _earlier_site(out, {"marker.txt": "previous site"})
    with pytest.raises(BuildError, match="missing.md"):
        build_site(MINIMAL / "content", MINIMAL / "measures", out, config=config, work=tmp_path / "b", pdf=False)
    assert (out / "marker.txt").read_text(encoding="utf-8") == "previous site"
    assert [p.name for p in tmp_path.iterdir() if ".scorecard-staging" in p.name] == []


@pytest.mark.slow
def test_rebuild_replaces_the_site_and_adds_user_pages(tmp_path: Path) -> None:
    out = tmp_path / "site"
    config = _config(tmp_path, nav=[{"About": "about.md"}])
    (tmp_path / "pages" / "about.md").write_text("# About\n\nBack [home](index.md).\n", encoding="utf-8")
    _earlier_site(out, {"stale.txt": "old"})
    result = build_site(MINIMAL / "content", MINIMAL / "measures", out, config=config, work=tmp_path / "b", pdf=False)
    assert result.period == "2026-Q2" and result.pages == 14
    assert (out / "about.html").is_file() and not (out / "stale.txt").exists()


@pytest.mark.slow
def test_same_config_and_docs_build_with_zensical(example_site: Path) -> None:
    zensical = Path(sys.executable).parent / "zensical"
    if not zensical.exists():
        pytest.skip("zensical is not installed")
    cfg = yaml.safe_load((example_site / "build" / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["site_dir"] = "zsite"  # Zensical wants site_dir inside the project folder too
    config = example_site / "build" / "zensical.yml"  # beside the generated docs, as Zensical wants
    config.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    run = subprocess.run([str(zensical), "build", "-f", str(config)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    page = (example_site / "build" / "zsite" / "units" / "it" / "index.html").read_text(encoding="utf-8")
    assert "sp-scorecard" in page and "charts.js" in page and "iframe-worker/shim.js" in page


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    from generator.errors import UsageError

    with pytest.raises(UsageError, match="does not exist"):
        build_site(
            MINIMAL / "content",
            MINIMAL / "measures",
            tmp_path / "site",
            config=tmp_path / "nope.yml",
            work=tmp_path / "b",
            pdf=False,
        )


def test_cli_build_prints_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    config = _config(tmp_path)
    monkeypatch.chdir(tmp_path)  # the work folder build/ is relative to the current folder
    args = [
        "build",
        "--content",
        str(MINIMAL / "content"),
        "--measures",
        str(MINIMAL / "measures"),
        "--out",
        str(tmp_path / "site"),
        "--config",
        str(config),
        "--no-pdf",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Built" in result.output and "14 pages" in result.output
    shutil.rmtree(tmp_path / "site")


def test_a_user_page_clashing_with_a_generated_page_is_refused(tmp_path: Path) -> None:
    from generator.build import write_pages
    from generator.errors import UsageError
    from generator.render import RenderOptions
    from tests.conftest import FIXTURES, report_for

    (tmp_path / "changes.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match="your pages use paths the build generates: changes.md"):
        write_pages(report_for(FIXTURES / "minimal", "2026-Q2"), tmp_path, RenderOptions())


# --- What --out may replace -------------------------------------------------------------------

RULE = "nothing was changed (--out must be a new or empty folder, or a site an earlier build wrote)"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (minimal content and measures, mkdocs.yml, pages/) as the current folder."""
    folder = tmp_path / "project"
    shutil.copytree(MINIMAL, folder)
    _config(folder)
    monkeypatch.chdir(folder)
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    """Return every path under folder with a hash of what it holds (a link: where it points)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path.relative_to(folder))] = "folder"
    return found


def _cli_build(*args: str) -> Result:
    return CliRunner().invoke(main, ["build", "--no-pdf", *args])


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (".", "is the current folder"),
        ("/", "is the root of the file system"),
        ("..", "holds the current folder"),
        ("content", "is the content folder 'content'"),
        ("content/site", "is inside the content folder 'content'"),
        ("measures", "is the measures folder 'measures'"),
        ("measures/../content", "is the content folder 'content'"),
        ("pages", "is your pages folder 'pages' (docs_dir in mkdocs.yml)"),
        ("pages/site", "is inside your pages folder 'pages' (docs_dir in mkdocs.yml)"),
        ("build", "holds the work folder 'build/docs'"),
        ("build/docs", "is the work folder 'build/docs'"),
        ("build/docs/site", "is inside the work folder 'build/docs'"),
    ],
)
def test_out_that_is_or_holds_a_folder_of_the_project_is_refused(project: Path, out: str, reason: str) -> None:
    before = _snapshot(project.parent)
    result = _cli_build("--out", out)
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot build into --out '{out}': it {reason}; {RULE}\n"
    assert _snapshot(project.parent) == before


def test_out_that_is_the_home_folder_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = project.parent / "home"
    (home / "Documents").mkdir(parents=True)
    (home / ".bashrc").write_text("# mine\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    before = _snapshot(project.parent)
    result = _cli_build("--out", str(home))
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot build into --out '{home}': it is your home folder; {RULE}\n"
    assert _snapshot(project.parent) == before


def test_out_holding_other_files_is_refused_and_kept(project: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (project / "reports" / name).parent.mkdir(exist_ok=True)
        (project / "reports" / name).write_text(name, encoding="utf-8")
    before = _snapshot(project.parent)
    result = _cli_build("--out", "reports")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot build into --out 'reports': it is not empty and no earlier build wrote it "
        f"(no .scorecard-manifest.json in it): it holds 'a.txt', 'b.txt', 'c.txt' and 1 more; {RULE}\n"
    )
    assert _snapshot(project.parent) == before


def test_a_site_with_files_added_after_the_build_is_kept(project: Path) -> None:
    assert _cli_build().exit_code == 0
    (project / "site" / "units" / "notes.txt").write_text("mine", encoding="utf-8")
    before = _snapshot(project.parent)
    result = _cli_build()
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot build into --out 'site': it holds files no earlier build wrote: 'units/notes.txt'; {RULE}\n"
    )
    assert _snapshot(project.parent) == before


def test_out_that_is_a_symbolic_link_is_refused(project: Path) -> None:
    (project / "published").mkdir()
    (project / "link").symlink_to("published")
    before = _snapshot(project.parent)
    result = _cli_build("--out", "link")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot build into --out 'link': it is a symbolic link (to 'published'); give the folder itself; {RULE}\n"
    )
    assert _snapshot(project.parent) == before


def test_out_that_is_a_file_is_refused(project: Path) -> None:
    (project / "report.pdf").write_bytes(b"%PDF")
    result = _cli_build("--out", "report.pdf")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--out': Directory 'report.pdf' is a file." in result.stderr
    with pytest.raises(UsageError) as caught:  # the library refuses it too, with its own words
        build_site(project / "content", project / "measures", project / "report.pdf", pdf=False)
    assert str(caught.value) == (
        f"cannot build into --out '{project / 'report.pdf'}': it is a file, not a folder; {RULE}"
    )
    assert (project / "report.pdf").read_bytes() == b"%PDF"


def test_an_empty_or_new_out_is_built_and_marked(project: Path) -> None:
    (project / "empty").mkdir()
    for out in ("empty", "new/site"):
        assert _cli_build("--out", out).exit_code == 0
        listed = json.loads((project / out / ".scorecard-manifest.json").read_text(encoding="utf-8"))
        assert listed["written_by"] == "scorecard-press"
        assert set(listed["entries"]) == set(_snapshot(project / out)) - {".scorecard-manifest.json"}


WORK_RULE = "nothing was changed (the work folder must be new, empty, or written by an earlier build)"


def test_a_work_folder_the_build_did_not_write_is_refused(project: Path) -> None:
    (project / "build" / "docs").mkdir(parents=True)
    (project / "build" / "docs" / "thesis.md").write_text("mine", encoding="utf-8")
    before = _snapshot(project.parent)
    result = _cli_build()
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot build into the work folder 'build/docs': it is not empty and no earlier build wrote it "
        f"(no .scorecard-work in it): it holds 'thesis.md'; {WORK_RULE}\n"
    )
    assert _snapshot(project.parent) == before
    shutil.rmtree(project / "build" / "docs")
    (project / "build" / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    result = _cli_build()
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot build into the work folder 'build': it holds a mkdocs.yml that no earlier build wrote "
        f"('build/mkdocs.yml'); {WORK_RULE}\n"
    )
    assert (project / "build" / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"


def test_a_work_folder_holding_the_users_config_is_refused(project: Path) -> None:
    before = _snapshot(project.parent)
    with pytest.raises(UsageError) as caught:
        build_site(Path("content"), Path("measures"), Path("site"), work=Path("."), pdf=False)
    reason = "it holds your MkDocs config 'mkdocs.yml'"
    assert str(caught.value) == f"cannot build into the work folder '.': {reason}; {WORK_RULE}"
    assert _snapshot(project.parent) == before


def test_the_work_folder_is_emptied_but_its_neighbours_are_kept(project: Path) -> None:
    (project / "build" / "pdf").mkdir(parents=True)  # where `scorecard pdf` writes by default
    (project / "build" / "pdf" / "2026-Q2-root.pdf").write_bytes(b"%PDF")
    (project / "pages" / "stale.md").write_text("# Gone soon\n", encoding="utf-8")
    assert _cli_build().exit_code == 0
    docs = project / "build" / "docs"
    assert (docs / "stale.md").is_file()
    (project / "pages" / "stale.md").unlink()
    (project / "pages" / "about.md").write_text("# About\n", encoding="utf-8")
    assert _cli_build().exit_code == 0
    assert (project / "build" / "pdf" / "2026-Q2-root.pdf").read_bytes() == b"%PDF"
    assert (docs / "about.md").is_file() and not (docs / "stale.md").exists()  # the earlier build's copy


# --- Two builds at once, and builds killed at any moment --------------------------------------


def _wait_for_text(path: Path, text: str, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    """Wait until a file shows text; fail if the process ends first or the time runs out."""
    deadline = time.monotonic() + timeout
    while text not in (path.read_text(encoding="utf-8") if path.exists() else ""):
        assert process.poll() is None, f"ended with {process.returncode}: {path.read_text(encoding='utf-8')}"
        assert time.monotonic() < deadline, f"{text!r} not seen in {timeout:.0f} s: {path.read_text(encoding='utf-8')}"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lock", "what"),
    [(".site.scorecard-lock", "into site"), ("build/.scorecard-lock", "using the work folder build")],
)
def test_a_second_build_waits_for_the_first(project: Path, lock: str, what: str) -> None:
    assert _cli_build().exit_code == 0
    before = _snapshot(project / "site")
    (project / "measures" / "root.csv").write_text(
        (project / "measures" / "root.csv").read_text(encoding="utf-8").replace(",105,", ",123,"), encoding="utf-8"
    )
    with (project / lock).open("r+") as held:  # the test is the first build
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"{os.getpid()}\n")
        held.flush()
        log = project.parent / "second.log"
        with log.open("wb") as output:
            second = subprocess.Popen(
                [sys.executable, "-m", "generator", "build", "--no-pdf"], stdout=output, stderr=subprocess.STDOUT
            )
        _wait_for_text(log, f"Waiting for another build {what} (process {os.getpid()}) to finish...", second)
        assert _snapshot(project / "site") == before
    assert second.wait(timeout=300) == 0, log.read_text(encoding="utf-8")
    assert "123 EUR" in (project / "site" / "units" / "root" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def earlier_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose site/ an earlier build wrote (no packs), for the kill tests to copy."""
    folder = tmp_path_factory.mktemp("earlier") / "project"
    shutil.copytree(MINIMAL, folder)
    config = _config(folder)
    build_site(
        folder / "content", folder / "measures", folder / "site", config=config, work=folder / "build", pdf=False
    )
    return folder


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A temporary folder with a short path: Chromium's socket paths must stay under 108 bytes."""
    folder = Path(tempfile.mkdtemp(prefix="sc-"))
    yield folder
    shutil.rmtree(folder)


def _kill_build_at(moment: str, pdf: bool, project: Path, temp: Path) -> dict[str, Any]:
    """Run a build in project that pauses at `moment`, kill -9 it there, return what survived it."""
    pause = project.parent / "pause"
    pause.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "tests" / "kill_hooks"),
        "SCORECARD_TEST_PAUSE": moment,
        "SCORECARD_TEST_PAUSE_DIR": str(pause),
        "TMPDIR": str(temp),  # where a killed Chromium leaves its profile folder
    }
    build = [sys.executable, "-m", "generator", "build", "--pdf" if pdf else "--no-pdf"]
    workers = 2 if moment == "packs" else 1
    reaper = [sys.executable, str(ROOT / "tests" / "reaper.py"), str(pause / "paused-*"), str(workers)]
    run = subprocess.run(
        [*reaper, str(project.parent / "build.log"), "--", *build],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report: dict[str, Any] = json.loads(run.stdout)
    assert "error" not in report, (project.parent / "build.log").read_text(encoding="utf-8")
    return report


def _stagings(project: Path) -> list[Path]:
    return sorted(project.glob(".site.scorecard-staging-*"))


KILL_MOMENTS = [
    pytest.param("render", id="while-a-child-renders-half-the-pages"),
    pytest.param("mkdocs", id="while-mkdocs-runs"),
    pytest.param("mkdocs-child", id="while-a-child-lays-out-half-the-pages"),
    pytest.param("before-switch", id="new-site-ready"),
    pytest.param("after-switch", id="old-site-not-yet-removed"),
    pytest.param("between-renames", id="fallback-between-its-renames"),
    pytest.param("packs", id="while-packs-render", marks=pytest.mark.pdf),
]


@pytest.mark.slow
@pytest.mark.parametrize("moment", KILL_MOMENTS)
def test_a_build_killed_at_any_moment_leaves_a_whole_site_and_no_process(
    earlier_project: Path, tmp_path: Path, short_tmp: Path, moment: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(earlier_project, project, symlinks=True)
    old = _snapshot(project / "site")
    csv = project / "measures" / "root.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",105,", ",123,"), encoding="utf-8")

    survivors = _kill_build_at(moment, moment == "packs", project, short_tmp)

    assert survivors["left"] == [], survivors
    if moment in ("render", "mkdocs-child"):  # killed with the child rendering half the pages
        assert sum(name.startswith("python") for name in survivors["at_kill"]) >= 2, survivors
    if moment == "packs":  # killed with the build and its two pack workers; packs start no browser
        assert sum(name.startswith("python") for name in survivors["at_kill"]) >= 3, survivors
        assert "chromium" not in survivors["at_kill"], survivors
    [staging] = _stagings(project)
    if moment == "after-switch":
        assert _is_whole_site(project / "site") and _shows(project / "site", "123 EUR")
    elif moment == "between-renames":  # documented: --out is missing, the old site is set aside
        assert not (project / "site").exists()
        assert _snapshot(staging / "previous") == old
        assert remove_stale_staging(project / "site") == [
            f"Put back {project / 'site'}, which a build stopped while switching sites had set aside"
        ]
        assert _snapshot(project / "site") == old and _stagings(project) == []
    else:
        assert _snapshot(project / "site") == old
    # The next build removes what the killed one left, and publishes
    result = build_site(
        project / "content",
        project / "measures",
        project / "site",
        config=project / "mkdocs.yml",
        work=project / "build",
        pdf=False,
    )
    assert result.notes == [] and _stagings(project) == []
    assert _is_whole_site(project / "site") and _shows(project / "site", "123 EUR")


def _is_whole_site(site: Path) -> bool:
    listed = json.loads((site / ".scorecard-manifest.json").read_text(encoding="utf-8"))["entries"]
    return set(listed) == set(_snapshot(site)) - {".scorecard-manifest.json"}


def _shows(site: Path, text: str) -> bool:
    return text in (site / "units" / "root" / "index.html").read_text(encoding="utf-8")


def test_a_file_added_to_the_work_folder_is_not_deleted(tmp_path: Path) -> None:
    from generator.errors import UsageError

    config = _config(tmp_path)
    build = functools.partial(
        build_site,
        MINIMAL / "content",
        MINIMAL / "measures",
        tmp_path / "site",
        config=config,
        work=tmp_path / "b",
        pdf=False,
    )
    build()
    (tmp_path / "b/docs/mine.md").write_text("my notes\n", encoding="utf-8")
    with pytest.raises(UsageError, match="it holds files no earlier build wrote: 'mine.md'"):
        build()
    assert (tmp_path / "b/docs/mine.md").read_text(encoding="utf-8") == "my notes\n"


# What a browser fetches by itself: scripts, images, frames, stylesheets, icons, fonts (not a link a reader follows)
_FETCHED = re.compile(
    r'<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc="([^"]*)"'
    r'|<link\b[^>]*\brel="(?:stylesheet|preload|modulepreload|icon|shortcut icon|manifest)"[^>]*\bhref="([^"]*)"'
    r'|url\((?![\'"]?data:)[\'"]?(https?:[^)\'"]*)'
)


@pytest.mark.slow
def test_no_page_fetches_anything_from_another_site(example_site: Path) -> None:
    site = example_site / "site"
    fetched = {
        f"{page.relative_to(site)}: {url}"
        for page in [*site.rglob("*.html"), *site.rglob("*.css")]
        for match in _FETCHED.finditer(page.read_text(encoding="utf-8"))
        for url in match.groups()
        if url and re.match(r"(?i)[a-z][a-z0-9+.-]*:|//", url)
    }
    assert sorted(fetched) == []
    # Search over file:// needs the index as a script and the vendored worker shim, with its licence
    assert (site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = ")
    shim = site / "assets" / "scorecard" / "vendor" / "iframe-worker"
    assert (shim / "shim.js").is_file() and "Permission is hereby granted" in (shim / "LICENSE").read_text(
        encoding="utf-8"
    )
    assert 'src="../../assets/scorecard/vendor/iframe-worker/shim.js"' in (
        site / "units" / "it" / "index.html"
    ).read_text(encoding="utf-8")


@pytest.mark.slow
def test_plotly_is_named_only_by_charts_js(example_site: Path) -> None:
    site = example_site / "site"
    assert not [p for p in site.rglob("*.html") if "plotly.min.js" in p.read_text(encoding="utf-8")]
    assert "plotly.min.js" in (site / "assets" / "scorecard" / "charts.js").read_text(encoding="utf-8")
