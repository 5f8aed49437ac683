"""Benchmark the website build, the Markdown tree under other engines, PDF packs and Chromium."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from benchmarks import measure

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "mkdocs.yml"
PAGE_LIMIT_KB = 400
ENGINE_TIMEOUT = 900  # zensical was reported slow on large sites; do not wait forever
_FIGURE = re.compile(r"data-figure=")


def build_available() -> bool:
    """Return whether this checkout has `scorecard build` yet."""
    done = subprocess.run([str(BIN / "scorecard"), "build", "--help"], capture_output=True, check=False)
    return done.returncode == 0


def bench_build(folder: Path, inputs: list[str], options: argparse.Namespace) -> dict[str, Any]:
    """Build the site of one size end to end, time its steps, and measure what it produced."""
    site = folder / "site"
    # The CLI's work folder is build/ under its working directory: keep it inside the size's folder.
    run = measure.run([str(BIN / "scorecard"), "build", "--no-pdf", *inputs, "--out", str(site),
                       "--config", str(CONFIG)], cwd=folder).check()  # fmt: skip
    result: dict[str, Any] = {"total": run.seconds, "peak_rss_mb": run.peak_rss_mb}
    result |= _stages(folder)
    result |= site_stats(site)
    result |= _engines(folder, options.zensical)
    if options.browser:
        result |= browser_timing(site, result["largest_unit_page"])
        details = result["largest_unit_page"].replace("index.html", "details.html")
        result["browser_details"] = browser_timing(site, details)["browser"]
    if options.pdf:
        result |= _packs(folder, every_unit=True, limit=options.pack_limit)
    return result


def _stages(folder: Path) -> dict[str, Any]:
    work = folder / "stages"
    run = measure.run([sys.executable, "-m", "benchmarks.stages", str(folder / "input"), "--build", str(work),
                       "--config", str(CONFIG)], cwd=ROOT).check()  # fmt: skip
    timed = json.loads(run.stdout)
    seconds = timed["seconds"]
    stages = {name: seconds[name] for name in ("load", "validate", "compute", "mkdocs")}
    stages["render"] = seconds["render"] + seconds["assets and config"]
    stages["compute"] += seconds["period warnings"]
    stages["link check"] = seconds["link check"]
    before = sum(v for k, v in stages.items() if k not in ("mkdocs", "link check"))
    return {
        "stages": stages,
        "stages_total": sum(stages.values()),
        "before_mkdocs_share": before / sum(stages.values()),
        "stages_source": "steps of build_site timed in sequence (benchmarks/stages.py --build)",
        "docs": str(work / "docs"),
        "stage_config": str(work / "mkdocs.yml"),
    }


def site_stats(site: Path) -> dict[str, Any]:
    """Count pages, size on disk, the heaviest HTML page and the shared assets."""
    pages = list(site.rglob("*.html"))
    sizes = {page: page.stat().st_size for page in pages}
    largest = max(sizes, key=lambda p: sizes[p])
    units = [p for p in pages if p.parent.parent.name == "units" and p.name == "index.html"]
    shared = [p for p in site.rglob("*") if p.suffix in (".js", ".css") and p.is_file()]
    search = site / "search" / "search_index.json"
    return {
        "pages": len(pages),
        "site_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
        "largest_page": str(largest.relative_to(site)),
        "largest_kb": sizes[largest] / 1000,
        "largest_charts": len(_FIGURE.findall(largest.read_text(encoding="utf-8"))),
        "pages_over_limit": sum(1 for size in sizes.values() if size > PAGE_LIMIT_KB * 1000),
        "shared_kb": sum(p.stat().st_size for p in shared) / 1000,
        "search_kb": search.stat().st_size / 1000 if search.exists() else 0,
        "largest_unit_page": str(max(units, key=lambda p: sizes[p]).relative_to(site)) if units else "",
    }


def _engines(folder: Path, zensical: bool) -> dict[str, Any]:
    """Build the docs folder our build generated with plain mkdocs and with zensical."""
    config = folder / "build" / "mkdocs.yml"
    plain = measure.run([str(BIN / "mkdocs"), "build", "-q", "-f", str(config), "-d", str(folder / "plain-site")])
    result: dict[str, Any] = {"plain_mkdocs": plain.check().seconds, "plain_mkdocs_rss_mb": plain.peak_rss_mb}
    if zensical:
        result["zensical"] = _zensical(folder, config)
    return result


def _zensical(folder: Path, config: Path) -> str:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["site_dir"] = str((folder / "build" / "zensical-site").resolve())  # zensical: inside the project
    copy = folder / "build" / "zensical.yml"
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    command = ["timeout", str(ENGINE_TIMEOUT), str(BIN / "zensical"), "build", "-c", "-f", str(copy)]
    run = measure.run(command, cwd=folder / "build")
    if run.returncode == 124:
        return f"> {ENGINE_TIMEOUT} s (stopped)"
    if run.returncode != 0:
        return f"failed ({(run.stderr or run.stdout).strip().splitlines()[-1:]})"
    pages = len(list((folder / "build" / "zensical-site").rglob("*.html")))
    shutil.rmtree(folder / "build" / "zensical-site", ignore_errors=True)
    return f"{run.seconds:.1f} s ({pages} pages, {run.peak_rss_mb:.0f} MB)"


def browser_timing(site: Path, page: str) -> dict[str, Any]:
    """Time a unit page in Chromium: charts in the first screen drawn, then all after scrolling."""
    run = measure.run([sys.executable, "-m", "benchmarks.browser", str(site), page], cwd=ROOT)
    if run.returncode != 0:
        return {"browser": f"failed: {(run.stderr or run.stdout).strip().splitlines()[-1:]}", "browser_seconds": None}
    timing = json.loads(run.stdout)
    text = (
        f"{timing['first_screen']:.2f} s for the {timing['in_view']} charts on screen; all {timing['charts']} "
        f"after scrolling {timing['all']:.2f} s ({page}, {timing['errors']} console errors)"
    )
    return {"browser": text, "browser_seconds": timing["all"]}


def _packs(folder: Path, every_unit: bool, limit: int = 0) -> dict[str, Any]:
    out = folder / "packs"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "benchmarks.packs", str(folder / "input"), str(out)]
    extra = ["--all", "--limit", str(limit)] if every_unit else []
    run = measure.run([*command, *extra], cwd=ROOT)
    if run.returncode != 0:
        return {"packs_all": f"failed: {(run.stderr or run.stdout).strip().splitlines()[-1:]}"}
    timing = json.loads(run.stdout)
    result = {"pack_first": timing["first"], "pack_next": timing["next"], "packs_peak_rss_mb": run.peak_rss_mb}
    if "all_seconds" in timing:
        cores_used = timing["all_cpu_seconds"] / timing["all_seconds"]
        every = timing["all_units"]
        estimate = timing["all_seconds"] / timing["all_count"] * every
        sampled = f" (sample of {every}; est. {estimate:.0f} s for all)" if timing["all_count"] < every else ""
        result["packs_all"] = (
            f"{timing['all_count']} packs in {timing['all_seconds']:.0f} s{sampled} "
            f"({timing['all_seconds'] / timing['all_count']:.2f} s each; CPU {cores_used:.2f} cores busy; "
            f"{timing['all_mb']:.0f} MB)"
        )
        result["packs_all_cpu"] = cores_used
    return result
