"""Build the static site: compute, render Markdown, run MkDocs, swap the result into place.

`build_site` is the one coordinating function. The generated Markdown and the derived MkDocs
config stay in the work folder (default `build/`), so `mkdocs build -f build/mkdocs.yml` or
`zensical build -f build/mkdocs.yml` can rebuild the same site by hand.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly
import yaml

from generator.errors import BuildError, DataError, Problem, UsageError
from generator.load import unsafe_files
from generator.mkdocs_stash import RawHtmlStash
from generator.pipeline import make_report
from generator.render import TEMPLATES, Page, RenderOptions, render_site, site_nav
from generator.results import Report

ASSETS = "assets/scorecard"  # inside the docs folder and the site
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
_LOCAL_LINK = re.compile(r'(?:href|src)="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]+)')

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build produced, for the CLI's summary."""

    out: Path
    period: str
    pages: int
    packs: int
    seconds: float
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_site(
    content: Path,
    measures: Path,
    out: Path = Path("site"),
    *,
    period: str | None = None,
    config: Path = Path("mkdocs.yml"),
    work: Path = Path("build"),
    pdf: bool = True,
    site_url: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the site for a period into `out`; on any failure the previous `out` is left as it was."""
    say, started = progress or (lambda _: None), time.perf_counter()
    # Load and validate content and measures, then compute every quarter up to the period
    say("Computing the scorecard")
    report, warnings = make_report(content, measures, period)
    pdf_module, notes = _pdf_module(pdf)
    # Render every page as Markdown into a fresh docs folder, after the user's own pages
    say("Rendering pages")
    docs = _fresh_folder(work / "docs")
    _copy_user_pages(config, docs)
    pages = write_pages(report, docs, RenderOptions(packs=pdf_module is not None))
    # Copy the stylesheet, charts.js and the plotly.js bundle that matches the installed plotly
    copy_assets(docs)
    # Derive the MkDocs config from the user's mkdocs.yml, adding the generated nav and assets
    staging = _staging_folder(out)
    try:
        mkdocs_yml = write_config(config, work / "mkdocs.yml", docs, staging / "site", site_nav(report), site_url)
        # Build with MkDocs in strict mode: any warning, such as a broken link, fails the build
        say(f"Running MkDocs on {len(pages)} pages")
        run_mkdocs(mkdocs_yml)
        # Write the PDF board packs into the staged site
        packs = _write_packs(pdf_module, report, staging / "site" / "packs", say)
        # Check local links in the HTML, including those in raw HTML that MkDocs does not see
        check_links(staging / "site")
        # Swap the new site into place: only now is the previous site replaced
        say("Publishing")
        swap_folder(staging / "site", out, staging / "previous")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(out, str(report.period), len(pages), packs, time.perf_counter() - started, warnings, notes)


def _pdf_module(wanted: bool) -> tuple[Any, list[str]]:
    """Return generator.pdf when packs are wanted and it exists (it is built in parallel)."""
    if not wanted:
        return None, []
    try:
        return importlib.import_module("generator.pdf"), []
    except ModuleNotFoundError as exc:
        if exc.name != "generator.pdf":
            raise
        return None, ["PDF packs skipped: generator.pdf is not available in this version"]


def _write_packs(module: Any, report: Report, folder: Path, say: Progress) -> int:
    if module is None:
        return 0
    say("Writing PDF packs")
    folder.mkdir(parents=True, exist_ok=True)
    return len(module.write_packs(report, folder))


def _fresh_folder(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _staging_folder(out: Path) -> Path:
    """Return a new folder beside `out` (same file system, so the swap is a rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=out.parent))


def write_pages(report: Report, docs: Path, options: RenderOptions) -> list[Page]:
    """Render every page and write it under `docs`; return the pages."""
    pages = render_site(report, options)
    if clashes := sorted(page.path for page in pages if (docs / page.path).exists()):
        names = ", ".join(clashes[:5]) + (" ..." if len(clashes) > 5 else "")
        raise UsageError(f"your pages use paths the build generates: {names} (rename them in your docs_dir)")
    for page in pages:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.text, encoding="utf-8")
    return pages


def copy_assets(docs: Path, templates: Path = TEMPLATES) -> None:
    """Copy our CSS and JavaScript, and plotly.js once for every chart of the site."""
    target = docs / ASSETS
    shutil.copytree(templates / "assets", target, dirs_exist_ok=True)
    shutil.copyfile(PLOTLY_JS, target / "plotly.min.js")


def _copy_user_pages(config: Path, docs: Path) -> None:
    """Copy the user's own pages (mkdocs.yml `docs_dir`) so their `nav` entries resolve."""
    user_docs = config.parent / str(read_user_config(config).get("docs_dir", "docs"))
    if user_docs.is_dir():
        if problems := unsafe_files(user_docs, config.parent):  # nothing from outside the project is published
            raise DataError(problems)
        shutil.copytree(user_docs, docs, dirs_exist_ok=True)


def read_user_config(config: Path) -> dict[str, Any]:
    """Read the user's mkdocs.yml (plain YAML: no `!!python` tags)."""
    if not config.is_file():
        raise UsageError(f"MkDocs config '{config}' does not exist (use --config FILE)")
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{config}: not plain YAML ({exc}); remove !!python tags and fix the syntax") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{config}: expected a mapping of MkDocs settings")
    return data


def write_config(
    user_config: Path, target: Path, docs: Path, site: Path, nav: list[Any], site_url: str | None = None
) -> Path:
    """Write the MkDocs config: the user's settings, our nav first, our assets, strict mode."""
    cfg = read_user_config(user_config)
    cfg.update(
        # Relative to the config file: Zensical wants docs_dir inside the project folder
        docs_dir=os.path.relpath(docs.resolve(), target.parent.resolve()),
        site_dir=os.path.relpath(site.resolve(), target.parent.resolve()),
        nav=nav + list(cfg.get("nav") or []),
        use_directory_urls=False,  # links to page.html work over file://
        strict=True,
        extra_css=[f"{ASSETS}/extra.css", *cfg.get("extra_css", [])],
        extra_javascript=[f"{ASSETS}/plotly.min.js", f"{ASSETS}/charts.js", *cfg.get("extra_javascript", [])],
    )
    # mkdocs-material's instant navigation works only where site_url matches the address served
    cfg["site_url"] = site_url or cfg.get("site_url") or "http://localhost:8000/"
    theme = cfg.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((user_config.parent / theme["custom_dir"]).resolve())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


class _Collector(logging.Handler):
    """Keep MkDocs' warnings so a failed build says why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path) -> None:
    """Run MkDocs in-process (no interpreter start-up); raise BuildError listing its warnings."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collector, logger = _Collector(), logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_file))
        config.plugins["scorecard-raw-html"] = RawHtmlStash()  # in-process only: Zensical needs no help
        build(config)
    except MkDocsException as exc:
        details = "\n  ".join(collector.messages) or str(exc)
        raise BuildError(f"MkDocs failed, the previous site is unchanged:\n  {details}") from exc
    finally:
        logger.removeHandler(collector)


def check_links(site: Path) -> None:
    """Raise BuildError naming every local link or asset in the HTML that points nowhere."""
    broken = [
        f"{page.relative_to(site)}: {target}"
        for page in sorted(site.rglob("*.html"))
        for target in _local_links(page)
        if not (page.parent / target).exists()
    ]
    if broken:
        listed = "\n  ".join(broken[:20]) + (f"\n  ... and {len(broken) - 20} more" if len(broken) > 20 else "")
        raise BuildError(f"{len(broken)} broken link(s), the previous site is unchanged:\n  {listed}")


def _local_links(page: Path) -> set[str]:
    return set(_LOCAL_LINK.findall(page.read_text(encoding="utf-8")))


def swap_folder(new: Path, out: Path, trash: Path) -> None:
    """Replace `out` with `new` by two renames; `trash` receives the previous site."""
    if out.exists():
        out.rename(trash)
    new.rename(out)


# --- Preview ----------------------------------------------------------------------------------


def serve_folder(folder: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """Serve a folder over http in a background thread (the folder may be swapped meanwhile)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        """Keep the console for build messages."""


def latest_change(paths: Iterable[Path]) -> float:
    """Return the newest modification time of any file under the given paths."""
    times = [
        p.stat().st_mtime
        for path in paths
        if path.exists()
        for p in ([path] if path.is_file() else path.rglob("*"))
        if p.is_file()
    ]
    return max(times, default=0.0)
