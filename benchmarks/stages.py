"""Time the library's stages in sequence on one input tree, in a process of its own.

Prints one JSON object: seconds per stage, peak memory of this process, counts. Run as
`python -m benchmarks.stages FOLDER [--profile N]`; FOLDER holds content/ and measures/.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.compute import compute_report
from generator.export import export_rows, write_csv
from generator.load import load_input
from generator.pipeline import bulk_allocation, choose_period, period_warnings
from generator.validate import validate_input


class Stopwatch:
    """Run steps one after the other, keeping each one's wall time (and, if asked, a profile)."""

    def __init__(self, profile_top: int = 0) -> None:
        self.seconds: dict[str, float] = {}
        self.profiles: dict[str, str] = {}
        self.profile_top = profile_top

    def run(self, name: str, step: Callable[[], Any]) -> Any:
        """Run `step`, record its time under `name`, and return its result."""
        profiler = cProfile.Profile() if self.profile_top else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = step()
        if profiler:
            profiler.disable()
        self.seconds[name] = time.perf_counter() - start
        if profiler:
            self.profiles[name] = _top(profiler, self.profile_top)
        return result


def _top(profiler: cProfile.Profile, count: int) -> str:
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs().sort_stats("tottime").print_stats(count)
    lines = stream.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(line for line in lines[start:] if line.strip())


def time_core(folder: Path, profile_top: int = 0) -> dict[str, Any]:
    """Load, validate, compute and export `folder`; return timings, peak memory and counts."""
    watch = Stopwatch(profile_top)
    with bulk_allocation():  # as make_report does in the CLI
        raw = watch.run("load", lambda: load_input(folder / "content", folder / "measures"))
        scorecard, warnings = watch.run("validate", lambda: validate_input(raw))
        report = watch.run("compute", lambda: compute_report(scorecard, choose_period(scorecard, None)))
    warnings += period_warnings(report)
    watch.run("export", lambda: write_csv(export_rows(report), io.StringIO()))
    return {
        "seconds": watch.seconds,
        "profiles": watch.profiles,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "units": len(scorecard.units),
        "kpis": len(scorecard.kpi_index()),
        "measures": len(scorecard.measures),
        "periods": len(report.periods),
        "period": str(report.period),
        "warnings": len(warnings),
    }


def time_build(folder: Path, config: Path, work: Path) -> dict[str, Any]:
    """Run the steps of `build_site` one by one, as it does them, and time each.

    `build_site` reports only its total, so the steps are called here in its order:
    make_report (load, validate, compute), render (pages, assets, config), MkDocs, link check.
    """
    from generator.build import check_links, copy_assets, run_mkdocs, write_config, write_pages
    from generator.render import RenderOptions, site_nav
    from generator.site_config import read_site_config

    watch, site = Stopwatch(), work / "site"
    with bulk_allocation():  # as make_report does in build_site
        raw = watch.run("load", lambda: load_input(folder / "content", folder / "measures"))
        scorecard, warnings = watch.run("validate", lambda: validate_input(raw))
        report = watch.run("compute", lambda: compute_report(scorecard, choose_period(scorecard, None)))
    watch.run("period warnings", lambda: period_warnings(report))
    docs = work / "docs"
    shutil.rmtree(work, ignore_errors=True)
    docs.mkdir(parents=True)
    pages = watch.run("render", lambda: write_pages(report, docs, RenderOptions(packs=False)))
    watch.run(
        "assets and config",
        lambda: (
            copy_assets(docs),
            write_config(read_site_config(config), work / "mkdocs.yml", docs, site, site_nav(report)),
        ),
    )
    watch.run("mkdocs", lambda: run_mkdocs(work / "mkdocs.yml"))
    watch.run("link check", lambda: check_links(site))
    return {
        "seconds": watch.seconds,
        "pages": pages,  # write_pages returns how many it wrote
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    """Print the stage timings of one tree as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--profile", type=int, default=0, help="Also profile each stage; keep the N hottest functions.")
    parser.add_argument("--build", type=Path, metavar="WORK", help="Time the build's steps instead, working in WORK.")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml for --build.")
    args = parser.parse_args()
    if args.build:
        json.dump(time_build(args.folder, args.config, args.build), sys.stdout)
    else:
        json.dump(time_core(args.folder, args.profile), sys.stdout)


if __name__ == "__main__":
    main()
