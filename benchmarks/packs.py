"""Time PDF packs: one unit cold, a few more warm in the same session, then every unit on all cores.

Run as `python -m benchmarks.packs FOLDER OUT [--all]`; prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from generator.compute import compute_report
from generator.load import load_input
from generator.pipeline import choose_period
from generator.validate import validate_input

SAMPLE = 4  # units timed one by one after the first


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_packs(folder: Path, out: Path, every_unit: bool, limit: int = 0) -> dict[str, Any]:
    """Return the time of one pack cold, the next ones warm, and (if asked) all packs in the pool."""
    from generator.pdf.render import render_packs, write_pack

    scorecard, _ = validate_input(load_input(folder / "content", folder / "measures"))
    report = compute_report(scorecard, choose_period(scorecard, None))
    units = list(scorecard.units)
    # The second level is a typical board-pack unit: children below it, its own scorecard.
    sample = [u for u in units if scorecard.depth(u) == 1][:1] + units[-SAMPLE:]
    result: dict[str, Any] = {"sample": sample}
    (out / "one").mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    first = write_pack(report, sample[0], 1, out / "one")
    result["first"] = time.perf_counter() - start
    following = [write_pack(report, unit, 1, out / "one") for unit in sample[1:]]
    result["next"] = statistics.median(r.seconds for r in following)
    result["pages"] = [first.pages, *(r.pages for r in following)]
    if every_unit:
        cpu, start = _cpu_seconds(), time.perf_counter()
        # A large organisation's every pack takes long: a spread-out sample stands for them, extrapolated.
        step = max(1, len(units) // limit) if limit else 1
        packs = render_packs(report, out / "all", units[::step] if step > 1 else None, 1)
        result["all_units"] = len(units)
        result["all_seconds"] = time.perf_counter() - start
        result["all_cpu_seconds"] = _cpu_seconds() - cpu
        result["all_count"] = len(packs)
        result["all_mb"] = sum(p.path.stat().st_size for p in packs) / 1e6
    result["cores"] = os.cpu_count()
    return result


def main() -> None:
    """Print the pack timings of one tree as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--all", action="store_true", help="Also write every unit's pack on all cores.")
    parser.add_argument("--limit", type=int, default=0, help="With --all, write about N packs spread over the tree.")
    args = parser.parse_args()
    json.dump(time_packs(args.folder, args.out, args.all, args.limit), sys.stdout)


if __name__ == "__main__":
    main()
