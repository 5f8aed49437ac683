"""The benchmark: generate each size, time every stage, write BENCHMARKS.md.

Run `benchmarks/run` (all sizes) or `benchmarks/run --sizes small --out /tmp/B.md`.
Every measurement runs in a child process so that peak memory belongs to one size only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import measure, report, site, sources
from benchmarks.synth import SIZES, Size, write_org

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class SizeResult:
    """Everything measured for one size; the report reads it."""

    size: Size
    counts: dict[str, int]
    generate_seconds: float
    check: measure.Run
    core: dict[str, Any]
    build: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def scorecard(*args: str) -> list[str]:
    """Return the command line of the `scorecard` CLI of this environment."""
    return [str(BIN / "scorecard"), *args]


def bench_size(size: Size, work: Path, options: argparse.Namespace) -> SizeResult:
    """Generate one size, check it, time the core stages and, when available, the build."""
    folder = work / size.name
    start = time.perf_counter()
    counts = write_org(size, folder / "input", options.seed)
    generated = time.perf_counter() - start
    inputs = ["--content", str(folder / "input/content"), "--measures", str(folder / "input/measures")]
    check = measure.run(scorecard("check", *inputs)).check()
    profile = ["--profile", str(options.profile)] if options.profile and size.name == "large" else []
    core_run = measure.run([sys.executable, "-m", "benchmarks.stages", str(folder / "input"), *profile], cwd=ROOT)
    core = json.loads(core_run.check().stdout)
    result = SizeResult(size, counts, generated, check, core)
    if options.build and site.build_available():
        result.build = site.bench_build(folder, inputs, options)
    return result


def machine() -> dict[str, str]:
    """Describe the machine the figures were measured on."""
    memory = next((line.split()[1] for line in _read("/proc/meminfo") if line.startswith("MemTotal")), "0")
    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if "model name" in line), "?")
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{int(memory) / 1024 / 1024:.1f} GB",
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "date": dt.date.today().isoformat(),
    }


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the benchmark's options."""
    parser = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium,large", help="Comma-separated sizes (default all three).")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks/work", help="Folder for generated trees.")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="Report to write.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the synthetic organisations.")
    parser.add_argument("--profile", type=int, default=12, help="Profile the large size's core stages (top N).")
    parser.add_argument("--no-build", dest="build", action="store_false", help="Time the core stages only.")
    parser.add_argument(
        "--pack-limit", type=int, default=20, help="Write about N packs per size in the pool, extrapolated (0: all)."
    )
    parser.add_argument("--no-pdf", dest="pdf", action="store_false", help="Skip the PDF pack timings.")
    parser.add_argument("--no-browser", dest="browser", action="store_false", help="Skip the Chromium chart timing.")
    parser.add_argument("--no-zensical", dest="zensical", action="store_false", help="Skip `zensical build`.")
    parser.add_argument(
        "--no-sources", dest="sources", action="store_false", help="Skip the 1M-row CSV vs Parquet read."
    )
    parser.add_argument("--source-rows", type=int, default=1_000_000, help="Rows of the CSV vs Parquet read.")
    parser.add_argument(
        "--only-sources",
        action="store_true",
        help="Run only the CSV vs Parquet read and replace its section in the existing --out report.",
    )
    args = parser.parse_args(argv)
    unknown = set(args.sizes.split(",")) - set(SIZES)
    if unknown:
        parser.error(f"unknown size(s) {', '.join(sorted(unknown))} (expected {', '.join(SIZES)})")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and write its report."""
    options = parse_args(argv)
    facts = machine()
    if options.only_sources:
        section = report.sources_section(sources.bench(options.work / "sources", options.source_rows), facts)
        options.out.write_text(report.replace_sources_section(options.out.read_text(encoding="utf-8"), section))
        print(f"Wrote the CSV vs Parquet section of {options.out}")
        return
    results = []
    for name in options.sizes.split(","):
        print(f"[{name}] generating, checking and timing ...", flush=True)
        results.append(bench_size(SIZES[name], options.work, options))
        print(f"[{name}] {report.one_line(results[-1])}", flush=True)
    figures = sources.bench(options.work / "sources", options.source_rows) if options.sources else None
    options.out.write_text(report.render(facts, results, figures), encoding="utf-8")
    print(f"Wrote {options.out}")


if __name__ == "__main__":
    main()
