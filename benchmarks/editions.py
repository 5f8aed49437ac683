"""Cost of archived editions in `scorecard build`: N published periods, a cold build, then a warm one.

Usage: `python -m benchmarks.editions medium benchmarks/work/editions-medium --archived 8`. The
editions are frozen from computed reports (what `scorecard publish` writes, without building a site
each time); then `build --no-pdf` runs twice: the first renders every archived edition, the second
takes them from the cache. Prints the timings as Markdown table rows.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.synth import SIZES, write_org
from generator.freeze import Freezer
from generator.pipeline import make_report

ROOT = Path(__file__).resolve().parents[1]


def publish_periods(project: Path, archived: int) -> list[str]:
    """Freeze the `archived` periods before the latest as editions/<period>.json; return them."""
    content, measures, editions = project / "content", project / "measures", project / "editions"
    latest, _ = make_report(content, measures, None)
    periods = [str(p) for p in latest.periods[-archived - 1 : -1]]
    for period in periods:
        report, _ = make_report(content, measures, period)
        freezer = Freezer(editions, content, measures, now="2026-10-20T09:30:00Z")
        freezer.freeze(report)
        freezer.commit()
    return periods


def timed_build(project: Path) -> tuple[float, str]:
    """Run `scorecard build --no-pdf` in the project; return wall seconds and its summary line."""
    scorecard = Path(sys.executable).parent / "scorecard"
    start = time.perf_counter()
    run = subprocess.run([str(scorecard), "build", "--no-pdf"], cwd=project, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, run.stdout.strip().splitlines()[-1]


def main() -> None:
    """Generate, publish, build cold and warm; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--archived", type=int, default=8)
    args = parser.parse_args()
    if args.folder.exists():
        shutil.rmtree(args.folder)
    write_org(SIZES[args.size], args.folder)
    shutil.copyfile(ROOT / "mkdocs.yml", args.folder / "mkdocs.yml")
    start = time.perf_counter()
    periods = publish_periods(args.folder, args.archived)
    frozen = time.perf_counter() - start
    size = sum(p.stat().st_size for p in (args.folder / "editions").iterdir())
    cold, cold_line = timed_build(args.folder)
    warm, warm_line = timed_build(args.folder)
    site = sum(p.stat().st_size for p in (args.folder / "site").rglob("*") if p.is_file())
    print(f"| editions | {len(periods)} ({periods[0]} to {periods[-1]}), {size / 1e6:.1f} MB, frozen in {frozen:.1f} s |")
    print(f"| build, cold cache | {cold:.1f} s ({cold_line}) |")
    print(f"| build, warm cache | {warm:.1f} s ({warm_line}) |")
    print(f"| site size | {site / 1e6:.0f} MB (archived pages are hard links to build/archive/) |")


if __name__ == "__main__":
    main()
