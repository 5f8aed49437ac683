"""The page cache: a rebuild reuses unchanged pages and equals a cold build; damage and changes are detected."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator import build as build_module
from generator.build import build_site
from generator.errors import BuildError
from generator.site_config import SiteConfig

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("build/page-cache/board")

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example's content, measures and mkdocs.yml, with a fixed build time."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "measures", tmp_path / "measures")
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["docs_dir"] = "pages"
    (tmp_path / "pages").mkdir()
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return tmp_path


def _build(out: str = "site", work: str = "build") -> list[str]:
    said: list[str] = []
    build_site(
        Path("content"), Path("measures"), Path(out), work=Path(work), pdf=False, audience="board", progress=said.append
    )
    return said


def _files(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _change_one_value(measures: Path) -> str:
    """Add 1 to the last value of the first measures file; return the unit it belongs to."""
    path = sorted(measures.rglob("*.csv"))[0]
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    row = next(r for r in reversed(rows) if r["value"].strip())
    row["value"] = str(float(row["value"]) + 1)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return row["unit"]


def _reused(said: list[str]) -> tuple[int, int]:
    line = next(s for s in said if s.startswith("Reused "))
    words = line.split()
    return int(words[1]), int(words[3])


def _laid_out(said: list[str]) -> int:
    line = next(s for s in said if s.startswith("Reused "))
    return int(line.split("(")[1].split()[0])


def test_a_rebuild_after_one_value_reuses_pages_and_equals_a_cold_build(project: Path) -> None:
    _build()
    before = _files(project / "site")
    unit = _change_one_value(project / "measures")
    said = _build()
    reused, pages = _reused(said)
    incremental = _files(project / "site")
    assert 0 < reused < pages
    assert 0 < _laid_out(said) <= reused  # unchanged pages keep their layout too
    assert incremental != before
    changed = {p for p in incremental if incremental[p] != before.get(p)}
    assert f"units/{unit}/index.html" in changed or any(unit in p for p in changed)
    # A cold build of the same inputs, cache and all, in other folders
    said = _build("cold", "cold-build")
    assert _reused(said)[0] == 0
    assert _files(project / "cold") == incremental


def test_an_unchanged_rebuild_reuses_every_page(project: Path) -> None:
    _build()
    first = _files(project / "site")
    reused, pages = _reused(_build())
    assert reused == pages
    assert _files(project / "site") == first


def test_a_damaged_index_is_detected_and_every_page_rendered_again(project: Path) -> None:
    _build()
    first = _files(project / "site")
    index = project / CACHE / "index.json"
    stored = json.loads(index.read_text(encoding="utf-8"))
    page = next(iter(stored["body"]["pages"].values()))
    page["title"] = "Tampered"  # valid JSON, wrong checksum
    index.write_text(json.dumps(stored), encoding="utf-8")
    said = _build()
    assert f"The page cache {CACHE} is damaged: every page is rendered again" in said
    assert _reused(said)[0] == 0
    assert _files(project / "site") == first
    assert _reused(_build())[0] > 0  # and the cache is whole again


@pytest.mark.parametrize("damage", ["truncated", "missing"])
def test_a_damaged_page_in_the_cache_is_rendered_again(project: Path, damage: str) -> None:
    _build()
    first = _files(project / "site")
    stored = sorted((project / CACHE).glob("*.html"))[0]
    if damage == "missing":
        stored.unlink()
    else:
        stored.write_bytes(stored.read_bytes()[:100])
    said = _build()
    reused, pages = _reused(said)
    assert reused < pages or _laid_out(said) < pages  # a page's HTML or its layout: made again
    assert f"1 page(s) in the page cache {CACHE} were damaged and rendered again" in said
    assert _files(project / "site") == first


def test_changing_a_template_renders_every_page_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build()
    digest = build_module.templates_digest()
    monkeypatch.setattr(build_module, "templates_digest", lambda: digest + "-edited")
    assert _reused(_build())[0] == 0


def test_changing_the_theme_overrides_or_mkdocs_yml_reaches_every_page(project: Path) -> None:
    _build()
    cfg = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["theme"]["custom_dir"] = "overrides"
    cfg["site_name"] = "Renamed scorecard"
    (project / "mkdocs.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block announce %}Override marker{% endblock %}', encoding="utf-8"
    )
    said = _build()
    assert _reused(said)[0] == 0
    pages = list((project / "site").rglob("*.html"))
    assert all("Override marker" in p.read_text(encoding="utf-8") for p in pages if p.name != "404.html")
    assert all("Renamed scorecard" in p.read_text(encoding="utf-8") for p in pages)


def test_a_build_failing_in_mkdocs_keeps_the_previous_site_whole(project: Path) -> None:
    _build()
    first = _files(project / "site")
    _change_one_value(project / "measures")
    (project / "pages" / "broken.md").write_text("[nowhere](missing.md)\n", encoding="utf-8")
    with pytest.raises(BuildError, match="MkDocs failed, the previous site is unchanged"):
        _build()
    assert _files(project / "site") == first
    (project / "pages" / "broken.md").unlink()
    reused, pages = _reused(_build())
    assert 0 < reused < pages


@pytest.mark.parametrize(
    ("plugins", "reused"),
    [
        (None, True),
        (["search"], True),
        (["search", {"offline": {}}], True),
        ({"search": {"lang": "en"}}, True),
        (["search", "macros"], False),  # its output may depend on more than the page's Markdown
        ([{"tags": {}}], False),
    ],
)
def test_pages_are_reused_only_with_plugins_we_know(plugins: object, reused: bool) -> None:
    settings = {} if plugins is None else {"plugins": plugins}
    cfg = SiteConfig(Path("mkdocs.yml"), settings, Path("pages"), None)
    assert build_module.cacheable(cfg) is reused


def test_a_page_retitled_by_its_heading_lays_out_every_page_again(project: Path) -> None:
    # A page listed in the nav without a title is named there by its heading: when that changes,
    # the settings do not, but every page's navigation does; no page may keep its old layout
    cfg = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["nav"] = ["guide.md"]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    (project / "pages" / "guide.md").write_text("# Reading guide\n\nHow we score.\n", encoding="utf-8")
    _build()
    (project / "pages" / "guide.md").write_text("# Scoring handbook\n\nHow we score.\n", encoding="utf-8")
    said = _build()
    reused, pages = _reused(said)
    assert reused == pages - 1 and _laid_out(said) == 0
    incremental = _files(project / "site")
    _build("cold", "cold-build")
    assert _files(project / "cold") == incremental
    assert "Scoring handbook" in (project / "site" / "how-to-read.html").read_text(encoding="utf-8")
