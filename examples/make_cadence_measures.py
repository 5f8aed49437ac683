"""Write the measures of the annual (regulator) and monthly (operations) examples, deterministically.

Run from the repository root:  python examples/make_cadence_measures.py
It rewrites examples/regulator/measures/*.csv and examples/operations/measures/*.csv; running it
again gives the same bytes.

Regulator (annual, fiscal year from April): five fiscal years, FY2018-FY2022. Northbrook Water filed
them all; Eastvale Water's FY2022 filing is late, so its latest year is FY2021.

Operations (monthly, fiscal year from July): eighteen calendar months, April 2025 - September 2026,
with a quarterly customer survey (YYYY-Qn, fiscal) carried between surveys.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["unit", "kpi", "period", "value", "note"]
YEARS = [2018, 2019, 2020, 2021, 2022]

rng = random.Random(2022)

# kpi -> value per year (FY2018..FY2022), one story per utility
NORTHBROOK = {
    "average_bill": [398, 404, 409, 417, 431],
    "cost_per_property": [201, 198, 193, 189, 186],
    "customers": [401200, 403900, 406100, 408300, 410400],
    "complaints_per_10k": [26.4, 24.1, 22.8, 21.0, 18.7],
    "water_quality": [99.94, 99.96, 99.95, 99.97, 99.96],
    "leakage": [131, 127, 121, 114, 108],
    "mains_renewed": [0.55, 0.61, 0.58, 0.66, 0.63],
}
EASTVALE = {
    "average_bill": [377, 381, 388, 392],
    "cost_per_property": [176, 179, 181, 183],
    "customers": [254800, 256900, 258300, 259700],
    "complaints_per_10k": [17.2, 18.9, 19.6, 22.3],
    "water_quality": [99.97, 99.98, 99.93, 99.96],
    "leakage": [118, 121, 124, 129],
    "mains_renewed": [0.91, 0.87, 0.84, 0.82],
}
INTERRUPTIONS = {"northbrook": [16.8, 14.9, 13.1, 12.4, 10.9], "eastvale": [9.6, 10.8, 11.9, 12.7]}


def regulator_rows() -> list[list[str]]:
    """Return the utilities' annual and quarterly filings."""
    rows = []
    for unit, values in (("northbrook", NORTHBROOK), ("eastvale", EASTVALE)):
        for kpi, series in values.items():
            rows += [[unit, kpi, str(year), _plain(value), ""] for year, value in zip(YEARS, series, strict=False)]
        rows += [
            [unit, "interruptions", str(y), _plain(v), ""] for y, v in zip(YEARS, INTERRUPTIONS[unit], strict=False)
        ]
    return rows


MONTHS = [f"{2025 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(4, 22)]  # 2025-04 .. 2026-09
SURVEY = {"2025-Q4": 79, "2026-Q1": 81, "2026-Q2": 83, "2026-Q3": 82, "2026-Q4": 86, "2027-Q1": 84}


def operations_rows() -> list[list[str]]:
    """Return eighteen months of operations measures and the quarterly survey."""
    rows = []
    for k, month in enumerate(MONTHS):
        outage = month == "2026-08"  # the crane outage
        rows.append(["warehouse", "order_accuracy", month, f"{99.1 + 0.03 * k + rng.uniform(-0.1, 0.1):.2f}", ""])
        rows.append(["warehouse", "on_time", month, f"{(88.0 if outage else 93.0 + 0.2 * k):.1f}", ""])
        rows.append(["warehouse", "cost_per_order", month, f"{4.7 - 0.03 * k + rng.uniform(-0.08, 0.08):.2f}", ""])
        rows.append(["warehouse", "injuries", month, str(1 if k in (2, 9) else 0), ""])
        note = "crane outage 4-11 August" if outage else ""
        rows.append(["transport", "on_time", month, f"{(86.5 if outage else 92.5 + 0.25 * k):.1f}", note])
        rows.append(["transport", "fuel_per_km", month, f"{32.4 - 0.12 * k + rng.uniform(-0.3, 0.3):.1f}", ""])
        rows.append(["transport", "injuries", month, str(1 if k == 5 else 0), ""])
    rows += [["operations", "satisfaction", quarter, str(value), ""] for quarter, value in SURVEY.items()]
    return rows


def _plain(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _write(path: Path, rows: list[list[str]]) -> None:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(stream.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    _write(ROOT / "examples" / "regulator" / "measures" / "filings.csv", regulator_rows())
    _write(ROOT / "examples" / "operations" / "measures" / "operations.csv", operations_rows())
