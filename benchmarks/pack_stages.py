"""Where a pack's time goes, and what reuse saves: `python -m benchmarks.pack_stages FOLDER OUT [--sample N]`.

Times each step of a pack for a sample of units in one warm process (context, charts drawn as SVG, the pack's
JSON, Typst layout and PDF writing), then a sample of packs on both cores, then the same packs
again from the cache (nothing changed). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from generator.pipeline import make_report

STEPS = ("context", "charts", "json", "typst")


def time_steps(report: Any, units: list[str], out: Path) -> dict[str, float]:
    """Return the median seconds of each step of a pack over the units (after one warm-up pack)."""
    from generator.pdf.context import build_pack
    from generator.pdf.drawing import draw_charts
    from generator.pdf.render import compile_pack, pack_json

    times: dict[str, list[float]] = {step: [] for step in STEPS}
    out.mkdir(parents=True, exist_ok=True)
    for n, unit in enumerate([units[0], *units]):
        t0 = time.perf_counter()
        pack = build_pack(report, unit, 1, dt.date.today())
        t1 = time.perf_counter()
        svgs = {key: svg.decode() for key, svg in draw_charts(pack.charts).items()}
        t2 = time.perf_counter()
        data = pack_json(pack, svgs)
        t3 = time.perf_counter()
        (out / f"{unit}.pdf").write_bytes(compile_pack(data, unit))
        t4 = time.perf_counter()
        if n:  # the first is the warm-up
            for step, seconds in zip(STEPS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                times[step].append(seconds)
    return {step: statistics.median(values) for step, values in times.items() if values}


def main() -> None:
    """Print the timings as JSON."""
    from generator.pdf import render_packs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sample", type=int, default=30)
    args = parser.parse_args()
    report, _ = make_report(args.folder / "content", args.folder / "measures", None)
    units = list(report.scorecard.units)
    step = max(1, len(units) // args.sample)
    sample = units[::step][: args.sample]
    result: dict[str, Any] = {"units": len(units), "sample": len(sample)}
    result["steps"] = time_steps(report, sample[:6], args.out / "steps")
    cache = args.out / "cache"
    for run in ("first", "again"):
        start = time.perf_counter()
        packs = render_packs(report, args.out / run, sample, cache=cache)
        result[run] = {"seconds": time.perf_counter() - start, "reused": sum(p.reused for p in packs)}
    json.dump(result, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
