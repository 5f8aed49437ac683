"""Render board packs: context -> HTML (Jinja) -> PDF (WeasyPrint), in one or two processes."""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from generator.errors import BuildError, UsageError
from generator.model import Scorecard
from generator.pdf.cache import PackCache, copy_pack, fingerprint
from generator.pdf.context import build_pack
from generator.pdf.drawing import chart_data_uris, svg_data_uri
from generator.pdf.fetcher import PackFetcher, without_attachments
from generator.pdf.lifetime import die_with_parent
from generator.pdf.views import Pack
from generator.present import strategy_map_svg
from generator.resources import TEMPLATES as SITE_TEMPLATES
from generator.results import Report

TEMPLATES = SITE_TEMPLATES / "pdf"
WORKERS = 2  # the machines we target have two cores
# PDF/UA-1: tagged (headings, tables, lists for screen readers), with a title and language
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
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
    if cache is None:
        return _render(report, units, depth, out_dir, workers, produced)
    store = PackCache(cache)
    keys = {unit: fingerprint(build_pack(report, unit, depth, produced), depth) for unit in units}
    done = {unit: reused for unit in units if (reused := _reuse(store, keys[unit], report, unit, out_dir))}
    for result in _render(report, [u for u in units if u not in done], depth, out_dir, workers, produced):
        store.store(keys[result.unit], result.path, result.pages)
        done[result.unit] = result
    if unit_ids is None:  # a full run: entries no pack uses any more go
        store.keep_only(set(keys.values()))
    return [done[unit] for unit in units]


def _render(
    report: Report, units: list[str], depth: int, out_dir: Path, workers: int, produced: dt.date
) -> list[PackResult]:
    if not units:
        return []
    if len(units) == 1 or workers < 2:
        return [write_pack(report, unit, depth, out_dir, produced) for unit in units]
    return _render_in_pool(report, units, depth, out_dir, workers, produced)


def _reuse(store: PackCache, key: str, report: Report, unit_id: str, out_dir: Path) -> PackResult | None:
    start = time.perf_counter()
    if (cached := store.find(key)) is None:
        return None
    path = pack_path(out_dir, report, unit_id)
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
    start = time.perf_counter()
    pack = build_pack(report, unit_id, depth, produced or dt.date.today())
    document = render_document(pack, chart_data_uris(pack.charts))
    path = pack_path(out_dir, report, unit_id)
    document.write_pdf(path, **PDF_OPTIONS)
    result = PackResult(unit_id, path, len(document.pages), time.perf_counter() - start)
    _log.info("wrote %s (%d pages) in %.2f s", path, result.pages, result.seconds)
    return result


def render_document(pack: Pack, svgs: dict[str, str]) -> weasyprint.Document:
    """Lay out the pack's HTML into pages; it may read only our templates and the charts drawn for it."""
    svgs = {**svgs, "strategy-map": svg_data_uri(map_svg(pack).encode())}
    html = _environment().get_template("pack.html").render(pack=pack, svgs=svgs)
    page = weasyprint.HTML(string=html, base_url=str(TEMPLATES), url_fetcher=PackFetcher(TEMPLATES, svgs.values()))
    return without_attachments(page.render(stylesheets=[_stylesheet()], font_config=_fonts()))


def map_svg(pack: Pack) -> str:
    """Return the shared strategy map SVG with print colours (the site's CSS variables do not reach it)."""
    svg = str(strategy_map_svg(pack.strategy_map))
    if "xmlns=" not in svg.split(">", 1)[0]:  # inline in the site's HTML; a standalone image needs it
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    style = (TEMPLATES / "strategy-map.css").read_text(encoding="utf-8")
    head_end = svg.index(">") + 1
    return f"{svg[:head_end]}<style>{style}</style>{svg[head_end:]}"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


@cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@cache
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(
        filename=str(TEMPLATES / "pack.css"), font_config=_fonts(), url_fetcher=PackFetcher(TEMPLATES)
    )


# --- Two processes ------------------------------------------------------------------------

_worker: tuple[Report, int, Path, dt.date] | None = None


def _render_in_pool(
    report: Report, units: list[str], depth: int, out_dir: Path, workers: int, produced: dt.date
) -> list[PackResult]:
    # spawn, not fork: the caller may already run threads, which fork would copy half-alive
    context = multiprocessing.get_context("spawn")
    biggest_first = sorted(units, key=lambda u: -_size(report.scorecard, u))
    try:
        with ProcessPoolExecutor(
            min(workers, len(units)), context, initializer=_start_worker, initargs=(report, depth, out_dir, produced)
        ) as pool:
            done = dict(zip(biggest_first, pool.map(_worker_pack, biggest_first), strict=True))
    except BrokenProcessPool:  # a worker died (out of memory, killed)
        raise BuildError(
            "a process writing PDF packs stopped before it finished (out of memory, or killed); "
            "the previous site is unchanged (try again, or build without packs: --no-pdf)"
        ) from None
    return [done[u] for u in units]


def _size(sc: Scorecard, unit_id: str) -> int:
    return sum(len(o.kpis) for o in sc.units[unit_id].objectives)


def _start_worker(report: Report, depth: int, out_dir: Path, produced: dt.date) -> None:
    global _worker
    die_with_parent()  # a killed build leaves no worker behind
    _worker = (report, depth, out_dir, produced)


def _worker_pack(unit_id: str) -> PackResult:
    assert _worker is not None, "worker not initialised"
    report, depth, out_dir, produced = _worker
    return write_pack(report, unit_id, depth, out_dir, produced)
