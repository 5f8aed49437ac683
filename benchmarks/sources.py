"""Reading 1 million measure rows: a CSV file through our loader, and the same rows as a Parquet
extract through a `.sql` query run by DuckDB (plus DuckDB alone, to show where the time goes).

`python -m benchmarks.sources [--rows N] [--work DIR]` prints the figures as JSON; `benchmarks/run`
calls it and writes them into BENCHMARKS.md. Every reading runs in its own child process, so its
peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from benchmarks import measure

ROOT = Path(__file__).resolve().parent.parent
READINGS = {
    "csv": "CSV through the loader (rows checked, trimmed)",
    "parquet": "Parquet through a .sql query (DuckDB, then rows)",
    "duckdb-csv": "DuckDB alone: read_csv, fetch all",
    "duckdb-parquet": "DuckDB alone: read_parquet, fetch all",
}


def generate(folder: Path, rows: int) -> dict[str, int]:
    """Write the same rows as measures/m.csv (CSV tree) and extract.parquet + m.sql (Parquet tree)."""
    import duckdb

    for name in ("csv", "parquet"):
        (folder / name / "content").mkdir(parents=True, exist_ok=True)
        (folder / name / "measures").mkdir(parents=True, exist_ok=True)
    # 1,000 units x 100 KPIs x 10 months; values with one decimal, deterministic
    table = (
        f"SELECT 'u' || (i // 1000) AS unit, 'k' || (i % 100) AS kpi, "
        f"'2026-' || lpad(((i // 100) % 10 + 1)::VARCHAR, 2, '0') AS period, "
        f"round(((i * 7919) % 100000) / 100.0, 1) AS value FROM range({rows}) t(i)"
    )
    csv_path = folder / "csv/measures/m.csv"
    parquet_path = folder / "parquet/measures/extract.parquet"
    duckdb.sql(f"COPY ({table}) TO '{csv_path}' (HEADER, DELIMITER ',')")
    duckdb.sql(f"COPY ({table}) TO '{parquet_path}' (FORMAT parquet)")
    (folder / "parquet/measures/m.sql").write_text("SELECT * FROM read_parquet('extract.parquet')\n")
    return {"csv_bytes": csv_path.stat().st_size, "parquet_bytes": parquet_path.stat().st_size}


def read(kind: str, folder: Path) -> tuple[float, int]:
    """Read the rows one way in this process; return the seconds and the rows read."""
    import duckdb

    from generator.load import load_input

    start = time.perf_counter()
    if kind in ("csv", "parquet"):
        raw = load_input(folder / kind / "content", folder / kind / "measures")
        count = len(raw.rows)
    elif kind == "duckdb-csv":
        count = len(duckdb.sql(f"SELECT * FROM read_csv('{folder}/csv/measures/m.csv')").fetchall())
    else:
        count = len(duckdb.sql(f"SELECT * FROM read_parquet('{folder}/parquet/measures/extract.parquet')").fetchall())
    return time.perf_counter() - start, count


def bench(work: Path, rows: int, repeat: int = 3) -> dict[str, object]:
    """Generate the rows, then time each reading `repeat` times in a fresh child; keep the best."""
    sizes = generate(work, rows)
    figures: dict[str, object] = {"rows": rows, **sizes}
    for kind in READINGS:
        best: tuple[float, float, int] | None = None
        for _ in range(repeat):
            run = measure.run(
                [sys.executable, "-m", "benchmarks.sources", "--child", kind, str(work)], cwd=ROOT
            ).check()
            seconds, count = json.loads(run.stdout)
            if best is None or seconds < best[0]:
                best = (seconds, run.peak_rss_mb, count)
        assert best is not None and best[2] == rows, f"{kind}: read {best and best[2]} rows, expected {rows}"
        figures[kind] = {"seconds": best[0], "peak_rss_mb": best[1]}
    return figures


def main(argv: list[str] | None = None) -> None:
    """Print the figures as JSON (or, as a child, one reading's seconds and rows)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sources", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks/work/sources")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(read(options.child[0], Path(options.child[1]))))
        return
    print(json.dumps(bench(options.work, options.rows), indent=1))


if __name__ == "__main__":
    main()
