"""Building the site: the example end to end, strict links, the previous site kept on failure, Zensical."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.build import build_site
from generator.errors import BuildError

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


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("example")
    build_site(ROOT / "content", ROOT / "measures", tmp / "site", config=ROOT / "mkdocs.yml",
               work=tmp / "build", pdf=False)
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
    out.mkdir()
    (out / "marker.txt").write_text("previous site", encoding="utf-8")
    with pytest.raises(BuildError, match="missing.md"):
        build_site(MINIMAL / "content", MINIMAL / "measures", out, config=config, work=tmp_path / "b", pdf=False)
    assert (out / "marker.txt").read_text(encoding="utf-8") == "previous site"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site-")] == []


@pytest.mark.slow
def test_rebuild_replaces_the_site_and_adds_user_pages(tmp_path: Path) -> None:
    out = tmp_path / "site"
    config = _config(tmp_path, nav=[{"About": "about.md"}])
    (tmp_path / "pages" / "about.md").write_text("# About\n\nBack [home](index.md).\n", encoding="utf-8")
    out.mkdir()
    (out / "stale.txt").write_text("old", encoding="utf-8")
    result = build_site(MINIMAL / "content", MINIMAL / "measures", out, config=config, work=tmp_path / "b", pdf=False)
    assert result.period == "2026-Q2" and result.pages == 13
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
    assert "sp-scorecard" in page and "plotly.min.js" in page


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    from generator.errors import UsageError

    with pytest.raises(UsageError, match="does not exist"):
        build_site(MINIMAL / "content", MINIMAL / "measures", tmp_path / "site", config=tmp_path / "nope.yml",
                   work=tmp_path / "b", pdf=False)


def test_cli_build_prints_a_summary(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    config = _config(tmp_path)
    args = ["build", "--content", str(MINIMAL / "content"), "--measures", str(MINIMAL / "measures"),
            "--out", str(tmp_path / "site"), "--config", str(config), "--no-pdf"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Built" in result.output and "13 pages" in result.output
    shutil.rmtree(tmp_path / "site")


def test_a_user_page_clashing_with_a_generated_page_is_refused(tmp_path: Path) -> None:
    from generator.build import write_pages
    from generator.errors import UsageError
    from generator.render import RenderOptions
    from tests.conftest import FIXTURES, report_for

    (tmp_path / "changes.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match="your pages use paths the build generates: changes.md"):
        write_pages(report_for(FIXTURES / "minimal", "2026-Q2"), tmp_path, RenderOptions())
