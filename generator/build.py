"""Build the static site: compute, render Markdown, run MkDocs, switch the result into place.

`build_site` is the one coordinating function. The generated Markdown and the derived MkDocs
config stay in the work folder (default `build/`), so `mkdocs build -f build/mkdocs.yml` or
`zensical build -f build/mkdocs.yml` can rebuild the same site by hand (into `build/site/`).
Which folders a build may replace is decided in `folders`; how the new site is switched into
--out, in `publish`; what mkdocs.yml may say, in `site_config`.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly
import yaml

from generator.archive import ArchiveCache, templates_digest
from generator.editions import product_version
from generator.errors import BuildError, Problem, UsageError
from generator.folders import GENERATED, WORK_MARK, BuildFolders, check_site, write_manifest
from generator.freeze import Freezer
from generator.lifetime import die_with_parent
from generator.mkdocs_cache import PageCache, ShareDone, fingerprint
from generator.mkdocs_search import NamedFirst
from generator.mkdocs_stash import RawHtmlStash
from generator.pipeline import Edition, archived_report, choose_editions, make_report
from generator.present import (
    FORMAT_1_NOTICE,
    archived_editions,
    latest_restated,
    period_label,
    published_on,
    replaced_notice,
)
from generator.publish import publish, remove_stale_staging, staging
from generator.render import (
    PERIODS_SCRIPT,
    TEMPLATES,
    Archive,
    RenderOptions,
    archive_folder,
    periods_script,
    render_landing,
    render_site,
    site_nav,
)
from generator.results import PublishedEdition, Report
from generator.site_config import SiteConfig, project_files, read_site_config

ASSETS = "assets/scorecard"  # inside the docs folder and the site
IFRAME_WORKER = f"{ASSETS}/vendor/iframe-worker/shim.js"  # search's worker over file:// (see its NOTICE.txt)
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
    editions: list[str] = field(default_factory=list)  # folders of the audiences' editions, [""] for one
    archives: int = 0  # archived editions in the site (per audience)
    archives_rendered: int = 0  # of which rendered by this build (the others came from the cache)


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
    audience: str | None = None,
    progress: Progress | None = None,
    editions: Path | None = None,
    freezer: Freezer | None = None,
) -> BuildResult:
    """Build the site for a period into `out`; on any failure the previous `out` is left as it was.

    With audiences declared and no `audience`, every audience's edition goes into `out/<audience>/`
    with a landing page at `out/index.html`; with `audience`, that edition alone fills `out`.

    `out` and the work folder's docs/ are replaced only if new, empty or written by an earlier
    build, and never if they are or hold the project's own folders (UsageError, nothing touched).
    A second build into the same `out` or work folder waits for the first to finish.

    `editions` is the folder of published editions (restatements are shown against them); with a
    `freezer` (scorecard publish), the period is published: its edition file is written just
    before the new site is switched in.
    """
    say, started = progress or (lambda _: None), time.perf_counter()
    # Check mkdocs.yml; check that --out and the work folder are not the project's and hold nothing else
    site_config = read_site_config(config)
    folders = BuildFolders.plan(out, work, content, measures, site_config)
    folders.check()
    # Wait for any other build into the same folders; put back or remove what killed builds left
    with _no_os_errors(), folders.locked(say):
        notes = remove_stale_staging(folders.site)
        folders.check()  # again: the folders may have changed while this build waited
        # Load and validate content and measures, compute every quarter, and filter it per audience
        say("Computing the scorecard")
        report, warnings = make_report(content, measures, period, editions=editions)
        # Publishing: freeze the period's numbers, so the site shows it among the published
        report = freezer.freeze(report) if freezer is not None else report
        audiences = choose_editions(report, audience)
        # Render, build with MkDocs and check every edition beside --out, then switch them in at once
        commit = freezer.commit if freezer is not None else None
        staged = _Staged(audiences, site_config, folders, site_url, pdf, commit, report)
        pages, packs = _stage_and_publish(staged, say)
    seconds = time.perf_counter() - started
    shares = [e.folder for e in audiences]
    counts = staged.archives
    return BuildResult(
        out, str(report.period), pages, packs, seconds, warnings, notes, shares, counts["shown"], counts["rendered"]
    )


@contextlib.contextmanager
def _no_os_errors() -> Iterator[None]:
    """Turn a failure of the file system (no space, no permission, a name too long) into a message."""
    try:
        yield
    except OSError as exc:
        where = f"'{exc.filename}': " if exc.filename else ""
        raise BuildError(f"{where}{exc.strerror or exc}; the build stopped and the previous site is unchanged") from exc


@dataclass(frozen=True)
class _Staged:
    """What the staged part of a build needs."""

    editions: list[Edition]
    config: SiteConfig
    folders: BuildFolders
    site_url: str | None
    pdf: bool
    commit: Callable[[], None] | None = None  # publish: write the edition file before the switch
    full: Report | None = None  # the report before audiences: archived editions are computed from it
    archives: dict[str, int] = field(default_factory=lambda: {"shown": 0, "rendered": 0})  # counted by the build
    archives_cached: list[Path] = field(default_factory=list)  # archived sites linked in from the cache


def _stage_and_publish(build: _Staged, say: Progress) -> tuple[int, int]:
    """Build every edition in a staging folder beside --out, then switch it in; return pages and packs."""
    folders, pages, packs = build.folders, 0, 0
    with staging(folders.site) as stage:
        site = stage / "site"
        for edition in build.editions:
            written, packed = _build_edition(build, edition, site / edition.folder if edition.folder else site, say)
            pages, packs = pages + written, packs + packed
        if len(build.editions) > 1:
            write_landing(site, build.editions)
        # Check local links in the HTML, including those in raw HTML that MkDocs does not see
        # (archived editions from the cache were checked when they were rendered: thousands of pages)
        check_links(site, skip=set(build.archives_cached))
        # List what the build wrote, so the next build may replace it; then switch it in
        say("Publishing")
        write_manifest(site)
        check_site(folders.site, f"--out '{folders.out}'")  # again: nothing may have been added meanwhile
        if build.commit is not None:
            build.commit()  # the edition first: a site that says "published" has its edition file
        publish(site, folders.site)
    return pages, packs


def _build_edition(build: _Staged, edition: Edition, site: Path, say: Progress) -> tuple[int, int]:
    """Render one edition's pages, build them with MkDocs into `site`, write its packs; return both counts."""
    folders, report = build.folders, edition.report
    name = f" of the {edition.audience.name} edition" if edition.audience and edition.folder else ""
    # Render every page as Markdown into a fresh docs folder, after the user's own pages
    say(f"Rendering pages{name}")
    docs = folders.fresh_docs()
    copy_user_pages(build.config, docs)
    pages = write_pages(report, docs, RenderOptions(packs=build.pdf, built=build_time()))
    # Copy the stylesheet, charts.js and the plotly.js bundle that matches the installed plotly
    copy_assets(docs)
    if report.editions:  # the period menu of the archived pages, which are cached: read from here
        (docs / ASSETS / PERIODS_SCRIPT).write_text(periods_script(report), encoding="utf-8")
    write_manifest(docs, WORK_MARK)  # what the build wrote: a file added later is not deleted unasked
    # On disk the config builds into the work folder's site/, for `mkdocs build -f` by hand
    by_hand = folders.docs.parent / "site"
    site_url = _edition_url(build.site_url or build.config.settings.get("site_url"), edition.folder)
    mkdocs_yml = write_config(build.config, folders.config, folders.docs, by_hand, site_nav(report), site_url)
    # Build with MkDocs in strict mode: any warning, such as a broken link, fails the build
    say(f"Running MkDocs on {pages} pages{name}")
    # Pages whose Markdown did not change since the last build are reused from the work folder
    # (not with plugins of the user's: we cannot tell what their output depends on)
    folder = folders.work / "page-cache" / (edition.audience.id if edition.audience else "all")
    reuse = PageCache(folder, _page_fingerprint(build.config, mkdocs_yml), say) if cacheable(build.config) else None
    run_mkdocs(mkdocs_yml, site, reuse, split=len(report.scorecard.units) >= SPLIT_FROM)
    # Write the PDF board packs into the staged site
    # Packs whose inputs did not change since the last build are reused from the work folder
    cache = folders.work / "pack-cache" / (edition.audience.id if edition.audience else "all")
    packs = _write_packs(report, site / "packs", cache, say) if build.pdf else 0
    # Every earlier published period under archive/<period>/, from the cache where unchanged
    archived, archived_packs = _build_archives(build, edition, site, say)
    return pages + archived, packs + archived_packs


KNOWN_PLUGINS = {"search", "offline", "material/search", "material/offline"}


def cacheable(cfg: SiteConfig) -> bool:
    """Return whether pages may be reused: not with a plugin of the user's, whose output we cannot fingerprint."""
    plugins = cfg.settings.get("plugins")
    listed = (
        [] if plugins is None else list(plugins) if isinstance(plugins, list) else [{k: v} for k, v in plugins.items()]
    )
    names = {p if isinstance(p, str) else next(iter(p), "") for p in listed}
    return names <= KNOWN_PLUGINS


def _page_fingerprint(cfg: SiteConfig, mkdocs_yml: Path) -> str:
    """Return what every page of the site depends on besides its Markdown (see mkdocs_cache)."""
    overrides = [
        f"{relative} {hashlib.sha256(source.read_bytes()).hexdigest()}"
        for source, relative in (
            project_files(cfg.custom_dir, cfg.project) if cfg.custom_dir and cfg.custom_dir.is_dir() else []
        )
    ]
    extra = [product_version(), templates_digest(), *sorted(overrides)]
    return fingerprint(mkdocs_yml.read_text(encoding="utf-8"), extra)


def _build_archives(build: _Staged, edition: Edition, site: Path, say: Progress) -> tuple[int, int]:
    """Put every earlier published period's site under `site/archive/<period>/`; return pages and packs rendered."""
    report, pages, packs = edition.report, 0, 0
    # the earlier periods, the latest too once restated, and each one's earlier publications (rN)
    shown = archived_editions(report) + [e for e in report.editions if e.period == str(report.period)]
    latest = [e for e in shown if e.period == str(report.period)]
    archives = [e for e in shown if e not in latest or latest_restated(report)]
    for published in archives + [r for e in shown for r in e.revisions]:
        cache = ArchiveCache(build.folders.docs.parent / "archive", edition, published)
        key = cache.key(_archive_inputs(build, published))
        if not cache.holds(key):
            rendered = _render_archive(build, edition, published, cache, say)
            if rendered is None:
                continue  # the edition has no rows for this audience (declared after it was published)
            pages, packs = pages + rendered[0], packs + rendered[1]
            build.archives["rendered"] += 1
            cache.seal(key)
        else:
            build.archives_cached.append(site / archive_folder(published.period, published.revision))
        cache.copy_to(site / archive_folder(published.period, published.revision))
        build.archives["shown"] += 1
    return pages, packs


def _archive_inputs(build: _Staged, published: PublishedEdition) -> list[bytes]:
    """Return what an archived edition's pages depend on: edition, templates, version, settings.

    The edition by its contents, not its file: `scorecard publish --force` of an earlier period
    writes the new file only once the site is built.
    """
    settings = yaml.safe_dump(build.config.settings, sort_keys=True).encode()
    if published.format >= 2:  # its checksum covers the whole file
        edition = published.checksum.encode()
    else:
        fields = {f.name: getattr(published, f.name) for f in dataclasses.fields(published) if f.name != "path"}
        edition = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return [
        edition,
        templates_digest().encode(),
        product_version().encode(),
        settings,
        f"{build.pdf} {build.site_url}".encode(),
    ]


def _render_archive(
    build: _Staged, edition: Edition, published: PublishedEdition, cache: ArchiveCache, say: Progress
) -> tuple[int, int] | None:
    """Render, build and pack one archived edition into the cache; None if it has no rows for the audience."""
    assert build.full is not None
    past = archived_report(build.full, published, edition.audience)
    if past is None:
        return None
    say(f"Rendering the archived edition {published.period}")
    docs, site = cache.fresh()
    copy_user_pages(build.config, docs)
    notice = FORMAT_1_NOTICE if published.format < 2 else ""
    if published.revision:
        notice = " ".join(filter(None, [replaced_notice(edition.report, published), notice]))
    archive = Archive(published.period, published_on(published.published_at), period_label(edition.report), notice)
    pages = write_pages(past, docs, RenderOptions(packs=build.pdf, archive=archive))
    copy_assets(docs)
    base = _edition_url(build.site_url or build.config.settings.get("site_url"), edition.folder)
    site_url = (
        f"{(base or 'http://localhost:8000/').rstrip('/')}/{archive_folder(published.period, published.revision)}"
    )
    mkdocs_yml = write_config(build.config, cache.folder / "mkdocs.yml", docs, site, site_nav(past, True), site_url)
    run_mkdocs(mkdocs_yml, site)
    shutil.rmtree(docs)  # only the built site is reused: the Markdown doubled the cache's size
    audience = edition.audience.id if edition.audience else "all"
    pack_cache = build.folders.work / "pack-cache" / f"{audience}-archive-{published.period}"
    packs = _write_packs(past, site / "packs", pack_cache, say) if build.pdf else 0
    return pages, packs


def _edition_url(site_url: str | None, folder: str) -> str | None:
    if not folder:
        return site_url
    return f"{(site_url or 'http://localhost:8000/').rstrip('/')}/{folder}/"


def write_landing(site: Path, editions: list[Edition]) -> None:
    """Write the page that lists the editions side by side (`index.html` of the site)."""
    report = editions[0].report
    listed = [(e.folder, e.audience.name, e.audience.description) for e in editions if e.audience]
    text = render_landing(report.scorecard.organization.name, period_label(report), listed)
    (site / "index.html").write_text(text, encoding="utf-8")


def _write_packs(report: Report, folder: Path, cache: Path, say: Progress) -> int:
    from generator.pdf import write_packs  # WeasyPrint takes a second to import: only when packs are wanted

    say("Writing PDF packs")
    folder.mkdir(parents=True, exist_ok=True)
    return len(write_packs(report, folder, cache=cache))


# Pages render in two processes from this many units on (already 0.17 -> 0.13 s at 10 units; BENCHMARKS.md)
SPLIT_FROM = 10


def write_pages(report: Report, docs: Path, options: RenderOptions) -> int:
    """Render every page and write it under `docs`; return how many.

    With many units and fork available, a forked child renders and writes half the units while
    this process does the other half: the child shares the computed report copy-on-write.
    """
    before = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()}  # the user's pages
    if len(report.scorecard.units) >= SPLIT_FROM and _can_fork():
        paths = _render_in_two(report, docs, options, before)
    else:
        paths = _write_share(report, docs, options, (0, 1), before)
    if clashes := sorted(path for path in paths if path in before):
        names = ", ".join(clashes[:5]) + (" ..." if len(clashes) > 5 else "")
        raise UsageError(f"your pages use paths the build generates: {names} (rename them in your docs_dir)")
    return len(paths)


def _write_share(
    report: Report, docs: Path, options: RenderOptions, share: tuple[int, int], skip: set[str]
) -> list[str]:
    """Render one share of the pages and write those not in `skip`; return every page's path."""
    pages = render_site(report, options, share)
    for page in pages:
        if page.path not in skip:  # a clash with the user's pages: reported once every share is done
            target = docs / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.text, encoding="utf-8")
    return [page.path for page in pages]


# Threads that may run while we fork: the CLI's spinner (rich) only takes rich's lock and writes
# to stderr, which the child never uses (it gets its own std streams). Any other thread, as in
# `scorecard serve`, may hold a lock the child needs: render in one process then.
_FORK_SAFE_THREADS = {"_RefreshThread"}


def _can_fork() -> bool:
    """Fork only where it exists and no other thread could hold a lock the child needs."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    safe = all(type(t).__name__ in _FORK_SAFE_THREADS for t in others)
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and safe
        and threading.current_thread() is threading.main_thread()
    )


def _render_in_two(report: Report, docs: Path, options: RenderOptions, skip: set[str]) -> list[str]:
    """Render share 1 of 2 in a forked child and share 0 here; return every page's path."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    gc.freeze()  # the child's collections then leave the report's objects (and their pages) untouched
    try:
        child = context.Process(target=_child_share, args=(report, docs, options, skip, send), daemon=True)
        child.start()
    finally:
        gc.unfreeze()
    send.close()
    try:
        mine = _write_share(report, docs, options, (0, 2), skip)
        try:
            outcome = receive.recv()
        except EOFError:  # the child ended without a word: killed, or out of memory
            child.join()
            outcome = BuildError(
                f"the process rendering half the pages ended with code {child.exitcode};"
                " the build stopped and the previous site is unchanged"
            )
    except BaseException:
        child.kill()  # this half failed: the other half is of no use
        raise
    finally:
        receive.close()
        child.join()
    if isinstance(outcome, BaseException):
        raise outcome
    return mine + list(outcome)


def _child_share(report: Report, docs: Path, options: RenderOptions, skip: set[str], send: Any) -> None:
    """In the forked child: render and write share 1 of 2, send back its paths or the error raised."""
    die_with_parent()
    # Streams of our own: the parent's may have been locked by its spinner thread at the fork
    sys.stdout, sys.stderr = open(os.dup(1), "w", closefd=True), open(os.dup(2), "w", closefd=True)  # noqa: SIM115
    try:
        outcome: Any = _write_share(report, docs, options, (1, 2), skip)
    except BaseException as exc:  # noqa: BLE001 (handed to the parent, which raises it as one process would)
        outcome = exc
    try:
        send.send(outcome)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:  # an error that does not pickle: its words
        send.send(BuildError(f"rendering pages failed: {exc!r}"))
    finally:
        send.close()


def build_time() -> str:
    """Return when the site is built, as readers see it; SOURCE_DATE_EPOCH (reproducible builds) wins."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)
    return f"{moment:%d %b %Y %H:%M} UTC"


def copy_assets(docs: Path, templates: Path = TEMPLATES) -> None:
    """Copy our CSS and JavaScript, and plotly.js once for every chart of the site."""
    target = docs / ASSETS
    shutil.copytree(templates / "assets", target, dirs_exist_ok=True)
    shutil.copyfile(PLOTLY_JS, target / "plotly.min.js")


def copy_user_pages(cfg: SiteConfig, docs: Path) -> None:
    """Copy the user's own pages (mkdocs.yml `docs_dir`) so their `nav` entries resolve.

    Only regular files inside the project are copied: a link out of it is refused, not followed.
    """
    if not cfg.docs_dir.is_dir():
        return
    for source, relative in project_files(cfg.docs_dir, cfg.project):
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def write_config(
    cfg: SiteConfig, target: Path, docs: Path, site: Path, nav: list[Any], site_url: str | None = None
) -> Path:
    """Write the MkDocs config: the user's settings, our nav first, our assets, strict mode."""
    settings = copy.deepcopy(cfg.settings)
    settings.update(
        # Relative to the config file: Zensical wants docs_dir inside the project folder
        docs_dir=os.path.relpath(docs.resolve(), target.parent.resolve()),
        site_dir=os.path.relpath(site.resolve(), target.parent.resolve()),
        nav=nav + list(settings.get("nav") or []),
        use_directory_urls=False,  # links to page.html work over file://
        strict=True,
        extra_css=[f"{ASSETS}/extra.css", *(settings.get("extra_css") or [])],
        # charts.js loads plotly.min.js itself, and only on a page that has a chart
        extra_javascript=[f"{ASSETS}/charts.js", f"{ASSETS}/tables.js", *(settings.get("extra_javascript") or [])],
        plugins=_with_offline_search(settings.get("plugins")),
    )
    # The offline plugin would add a CDN copy of this shim unless one is named: ours, vendored
    extra: dict[str, Any] = settings["extra"] if isinstance(settings.get("extra"), dict) else {}
    settings["extra"] = {**extra, "polyfills": [IFRAME_WORKER, *(extra.get("polyfills") or [])]}
    # mkdocs-material's instant navigation works only where site_url matches the address served
    settings["site_url"] = site_url or settings.get("site_url") or "http://localhost:8000/"
    if cfg.custom_dir is not None:
        settings["theme"]["custom_dir"] = str(cfg.custom_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)
    target.write_text(f"{GENERATED.format(config=cfg.path)}\n{text}", encoding="utf-8")
    return target


def _with_offline_search(plugins: Any) -> list[Any]:
    """Return the user's plugins (MkDocs' default: search) plus offline, so search works over file://."""
    if plugins is None:
        plugins = ["search"]
    listed = list(plugins) if isinstance(plugins, list) else [{k: v} for k, v in plugins.items()]
    names = {p if isinstance(p, str) else next(iter(p), "") for p in listed}
    listed = [_keeping_stop_words(p) for p in listed]
    return listed + (["offline"] if "search" in names and "offline" not in names else [])


def _keeping_stop_words(plugin: Any) -> Any:
    """Give the search plugin an empty pipeline unless the user chose one: names such as "In" or "IT" stay findable."""
    if plugin == "search":
        return {"search": {"pipeline": []}}
    if isinstance(plugin, dict) and set(plugin) == {"search"}:
        options = plugin["search"] if isinstance(plugin["search"], dict) else {}
        return {"search": {"pipeline": [], **options}}
    return plugin


class _Collector(logging.Handler):
    """Keep MkDocs' warnings so a failed build says why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(
    config_file: Path, site: Path | None = None, cache: PageCache | None = None, split: bool = False
) -> None:
    """Run MkDocs in-process (no interpreter start-up), into `site` if given; raise BuildError on warnings.

    With a `cache`, pages whose Markdown is unchanged reuse their HTML and search entries. With
    `split` too (and fork usable), a forked child renders and lays out half the pages that changed
    while this process renders the other half, then serves the child's from the cache.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    collector, logger = _Collector(), logging.getLogger("mkdocs")
    logger.addHandler(collector)
    child = None
    try:
        config = _mkdocs_config(config_file, site, cache)
        if cache is not None and split and _can_fork():
            child, cache.partner = _mkdocs_child(config_file, cache)
        build(config)
        if cache is not None:
            cache.save()
    except MkDocsException as exc:
        details = "\n  ".join(collector.messages) or str(exc)
        raise BuildError(f"MkDocs failed, the previous site is unchanged:\n  {details}") from exc
    finally:
        logger.removeHandler(collector)
        if child is not None:
            child.kill()  # done, or of no use once this process failed
            child.join()


def _mkdocs_config(config_file: Path, site: Path | None, cache: PageCache | None) -> Any:
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site) if site else None)
    config.plugins["scorecard-raw-html"] = RawHtmlStash()  # in-process only: Zensical needs no help
    config.plugins["scorecard-named-first"] = NamedFirst()
    if cache is not None:
        config.plugins["scorecard-page-cache"] = cache
    return config


def _mkdocs_child(config_file: Path, cache: PageCache) -> tuple[Any, Callable[[], dict[str, dict[str, Any]]]]:
    """Fork the child rendering share 1 of 2; return it and how to wait for its pages' records."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    gc.freeze()
    try:
        child = context.Process(target=_mkdocs_share, args=(config_file, cache, send), daemon=True)
        child.start()
    finally:
        gc.unfreeze()
    send.close()
    cache.share = (0, 2)

    def records() -> dict[str, dict[str, Any]]:
        try:
            outcome = receive.recv()
        except EOFError:  # the child ended without a word: killed, or out of memory
            child.join()
            raise BuildError(
                f"the process laying out half the pages ended with code {child.exitcode};"
                " the build stopped and the previous site is unchanged"
            ) from None
        finally:
            receive.close()
        if isinstance(outcome, BaseException):
            raise outcome
        done, warnings = outcome
        for message in warnings:  # counted by MkDocs' strict mode here, as if this process had met them
            logging.getLogger("mkdocs.commands.build").warning(message)
        return dict(done)

    return child, records


def _mkdocs_share(config_file: Path, cache: PageCache, send: Any) -> None:
    """In the forked child: render share 1 of 2 into a scratch site and send back the records or the error."""
    from mkdocs.commands.build import build

    die_with_parent()
    sys.stdout, sys.stderr = open(os.dup(1), "w", closefd=True), open(os.dup(2), "w", closefd=True)  # noqa: SIM115
    collector, logger = _Collector(), logging.getLogger("mkdocs")
    logger.addHandler(collector)
    scratch = Path(tempfile.mkdtemp(prefix="scorecard-share-"))
    try:
        cache.share = (1, 2)
        cache.handover = lambda done: send.send((done, collector.messages))
        build(_mkdocs_config(config_file, scratch / "site", cache))
        send.send(BuildError("the process laying out half the pages stopped before its share was done"))
    except ShareDone:
        pass
    except BaseException as exc:  # noqa: BLE001 (handed to the parent, which raises it as one process would)
        try:
            send.send(
                exc if not collector.messages else BuildError("MkDocs failed:\n  " + "\n  ".join(collector.messages))
            )
        except (pickle.PicklingError, TypeError, AttributeError):
            send.send(BuildError(f"laying out pages failed: {exc!r}"))
    finally:
        send.close()
        shutil.rmtree(scratch, ignore_errors=True)


def check_links(site: Path, skip: set[Path] | None = None) -> None:
    """Raise BuildError naming every local link or asset in the HTML that points nowhere (folders in `skip` aside)."""
    broken = [
        f"{page.relative_to(site)}: {target}"
        for page in sorted(_html_pages(site, skip or set()))
        for target in _local_links(page)
        if not (page.parent / target).exists()
    ]
    if broken:
        listed = "\n  ".join(broken[:20]) + (f"\n  ... and {len(broken) - 20} more" if len(broken) > 20 else "")
        raise BuildError(f"{len(broken)} broken link(s), the previous site is unchanged:\n  {listed}")


def _html_pages(folder: Path, skip: set[Path]) -> Iterator[Path]:
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            if entry not in skip:
                yield from _html_pages(entry, skip)
        elif entry.suffix == ".html":
            yield entry


def _local_links(page: Path) -> set[str]:
    return set(_LOCAL_LINK.findall(page.read_text(encoding="utf-8")))
