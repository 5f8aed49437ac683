"""Render board packs: context -> JSON -> PDF (a Typst template), in one or two processes."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
import multiprocessing
import re
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import typst

from generator.errors import BuildError, UsageError
from generator.lifetime import die_with_parent
from generator.model import Scorecard
from generator.pdf.cache import PackCache, copy_pack, fingerprint
from generator.pdf.context import build_pack
from generator.pdf.document import FONT_FOLDERS, pack_data
from generator.pdf.drawing import draw_charts
from generator.pdf.views import Pack
from generator.present import strategy_map_svg
from generator.resources import TEMPLATES as SITE_TEMPLATES
from generator.results import Report

TEMPLATES = SITE_TEMPLATES / "pdf"
WORKERS = 2  # the machines we target have two cores
POOL_FROM = 8  # packs from which two processes pay off: each starts Python and its chart drawing (BENCHMARKS.md)
TEMPLATE = "pack.typ"
# PDF/UA-1: tagged (headings, tables, lists for screen readers), with a title and language
PDF_STANDARDS: Final = "ua-1"
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PackResult:
    """A written pack, with its page count and how long it took."""

    unit: str
    path: Path
    pages: int
    seconds: float
    reused: bool = False  # copied from the cache: its inputs had not changed


def write_packs(
    report: Report, out_dir: Path, unit_ids: list[str] | None = None, depth: int = 1, cache: Path | None = None
) -> list[Path]:
    """Write `<out_dir>/<period>-<unit-id>.pdf` for the units (default all); return the paths."""
    return [result.path for result in render_packs(report, out_dir, unit_ids, depth, cache=cache)]


def render_packs(
    report: Report,
    out_dir: Path,
    unit_ids: list[str] | None = None,
    depth: int = 1,
    workers: int = WORKERS,
    cache: Path | None = None,
) -> list[PackResult]:
    """Write the units' packs, in two processes when there are several; return them timed.

    With a `cache` folder, a pack whose inputs did not change since it was last written there is
    copied from it instead of rendered.
    """
    units = select_units(report.scorecard, unit_ids)
    out_dir.mkdir(parents=True, exist_ok=True)
    produced = dt.date.today()
    # Contexts are built here, once: the workers get them, not the report (56 MB pickled for 300 units)
    packs = {unit: build_pack(report, unit, depth, produced) for unit in units}
    paths = {unit: pack_path(out_dir, report, unit) for unit in units}
    if cache is None:
        return _render(packs, paths, workers)
    store = PackCache(cache)
    keys = {unit: fingerprint(pack, depth) for unit, pack in packs.items()}
    done = {unit: reused for unit in units if (reused := _reuse(store, keys[unit], unit, paths[unit]))}
    for result in _render({u: p for u, p in packs.items() if u not in done}, paths, workers):
        store.store(keys[result.unit], result.path, result.pages)
        done[result.unit] = result
    if unit_ids is None:  # a full run: entries no pack uses any more go
        store.keep_only(set(keys.values()))
    return [done[unit] for unit in units]


def _render(packs: dict[str, Pack], paths: dict[str, Path], workers: int) -> list[PackResult]:
    if not packs:
        return []
    if len(packs) < POOL_FROM or workers < 2:
        return [write_built(pack, paths[unit]) for unit, pack in packs.items()]
    return _render_in_pool(packs, paths, workers)


def _reuse(store: PackCache, key: str, unit_id: str, path: Path) -> PackResult | None:
    start = time.perf_counter()
    if (cached := store.find(key)) is None:
        return None
    copy_pack(cached, path)
    result = PackResult(unit_id, path, cached.pages, time.perf_counter() - start, reused=True)
    _log.info("reused %s (%d pages): its inputs did not change", path, result.pages)
    return result


def select_units(sc: Scorecard, unit_ids: list[str] | None) -> list[str]:
    """Return the units asked for, in tree order; raise UsageError naming an unknown one."""
    if unit_ids is None:
        return list(sc.units)
    for unit_id in unit_ids:
        if unit_id not in sc.units:
            close = difflib.get_close_matches(unit_id, sc.units, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known units: {', '.join(sc.units)}"
            raise UsageError(f"unknown unit '{unit_id}' ({hint})")
    return [u for u in sc.units if u in set(unit_ids)]


def pack_path(out_dir: Path, report: Report, unit_id: str) -> Path:
    """Return where a unit's pack goes, e.g. `2026-Q3-it.pdf`."""
    return out_dir / f"{report.period}-{unit_id}.pdf"


def write_pack(report: Report, unit_id: str, depth: int, out_dir: Path, produced: dt.date | None = None) -> PackResult:
    """Build, draw and write one unit's pack."""
    pack = build_pack(report, unit_id, depth, produced or dt.date.today())
    return write_built(pack, pack_path(out_dir, report, unit_id))


def write_built(pack: Pack, path: Path) -> PackResult:
    """Draw the charts of a pack whose context is built, lay it out and write it."""
    start = time.perf_counter()
    pdf = render_pdf(pack, {key: svg.decode() for key, svg in draw_charts(pack.charts).items()})
    path.write_bytes(pdf)
    result = PackResult(pack.unit_id, path, page_count(pdf), time.perf_counter() - start)
    _log.info("wrote %s (%d pages) in %.2f s", path, result.pages, result.seconds)
    return result


def render_pdf(pack: Pack, svgs: dict[str, str]) -> bytes:
    """Lay out the pack (its charts drawn as `svgs`, by KPI key) into a PDF."""
    return compile_pack(pack_json(pack, svgs), pack.unit_id)


def pack_json(pack: Pack, svgs: dict[str, str]) -> str:
    """Return everything the template prints, as JSON: texts, commentary nodes, chart and map SVGs."""
    return json.dumps(pack_data(pack, svgs, map_svg(pack)), ensure_ascii=False)


def compile_pack(data: str, unit_id: str) -> bytes:
    """Compile the template with the pack's JSON, in a folder holding only those two files.

    The data goes to the template as JSON, never as Typst markup, so no text from the content can
    run as Typst code; Typst reads no file outside that folder (its root) and fetches nothing (the
    template imports no package).
    """
    with tempfile.TemporaryDirectory(prefix="pack-") as folder:
        root = Path(folder)
        shutil.copyfile(TEMPLATES / TEMPLATE, root / TEMPLATE)
        (root / "pack.json").write_text(data, encoding="utf-8")
        try:
            pdf = _compile(root, unit_id)
        except typst.TypstError as exc:  # a fault of ours, not of the content: data cannot change the template
            raise BuildError(f"the board pack of {unit_id} could not be laid out: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf


_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF Typst wrote (its page tree's count)."""
    found = _PAGES.search(pdf)
    assert found is not None, "a PDF without a page tree"
    return int(found[1] or found[2])


def map_svg(pack: Pack) -> str:
    """Return the shared strategy map SVG with print colours (the site's CSS variables do not reach it)."""
    svg = str(strategy_map_svg(pack.strategy_map))
    if "xmlns=" not in svg.split(">", 1)[0]:  # inline in the site's HTML; a standalone image needs it
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    style = (TEMPLATES / "strategy-map.css").read_text(encoding="utf-8")
    head_end = svg.index(">") + 1
    return f"{svg[:head_end]}<style>{style}</style>{svg[head_end:]}"


def _compile(root: Path, unit_id: str) -> bytes | list[bytes] | None:
    """Compile as PDF/UA-1; a text no embedded font can show (an emoji, a script we ship no font for)
    fails PDF/UA-1's check, so that pack is compiled again without the claim, its glyphs as boxes."""
    source = str(root / TEMPLATE)
    try:
        return _compiler().compile(input=source, root=str(root), pdf_standards=PDF_STANDARDS)
    except typst.TypstError as exc:
        if _MISSING_GLYPH not in exc.message:
            raise
        _log.warning(
            "warning: the board pack of %s has text its fonts cannot show (%s): it prints as boxes, "
            "and the pack is tagged but not marked PDF/UA-1",
            unit_id,
            "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in exc.message.split(": ", 1)[-1]),
        )
        return _compiler().compile(input=source, root=str(root))


_MISSING_GLYPH = "could not be displayed with font"


@cache
def _compiler() -> typst.Compiler:
    # One per process: loading the fonts is most of a first compile. No system fonts: the same fonts everywhere.
    return typst.Compiler(font_paths=[f for f in FONT_FOLDERS if Path(f).is_dir()], ignore_system_fonts=True)


# --- Two processes ------------------------------------------------------------------------


def _render_in_pool(packs: dict[str, Pack], paths: dict[str, Path], workers: int) -> list[PackResult]:
    # spawn, not fork: the caller may already run threads, which fork would copy half-alive
    context = multiprocessing.get_context("spawn")
    biggest_first = sorted(packs, key=lambda u: -_size(packs[u]))
    try:
        with ProcessPoolExecutor(min(workers, len(packs)), context, initializer=die_with_parent) as pool:
            tasks = [(packs[u], paths[u]) for u in biggest_first]
            done = dict(zip(biggest_first, pool.map(_worker_pack, tasks), strict=True))
    except BrokenProcessPool:  # a worker died (out of memory, killed)
        raise BuildError(
            "a process writing PDF packs stopped before it finished (out of memory or killed); "
            "the previous site is unchanged (try again, or build without packs: --no-pdf)"
        ) from None
    return [done[u] for u in packs]


def _size(pack: Pack) -> int:
    return len(pack.charts) + len(pack.children)


def _worker_pack(task: tuple[Pack, Path]) -> PackResult:
    pack, path = task
    return write_built(pack, path)
