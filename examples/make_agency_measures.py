"""Write the Regional Licensing Agency example measures, deterministically.

Run from the repository root:  python examples/make_agency_measures.py
It rewrites examples/agency/measures/*.csv; running it again gives the same bytes.

The agency's fiscal year starts in October and is named by the year it ends in, so the
quarters 2024-Q3 .. 2026-Q2 run from April 2024 to March 2026, and 2026-Q2 is January-March
2026. Monthly values are written with calendar months (YYYY-MM); annual values with the fiscal
year (YYYY). The story: a new case management system went live on 12 January 2026 and the
backlog it caused dominates 2026-Q2.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "agency" / "measures"
FISCAL_YEAR_START = 10
QUARTERS = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
HEADER = ["unit", "kpi", "period", "value", "note", "status"]

rng = random.Random(2026)


def months_of(quarter: str) -> list[str]:
    """Return the calendar months YYYY-MM of a fiscal quarter (FY named by its end year)."""
    fiscal_year, q = (int(x) for x in quarter.split("-Q"))
    result = []
    for k in range(3):
        month0 = FISCAL_YEAR_START - 1 + (q - 1) * 3 + k
        year = fiscal_year - 1 + month0 // 12
        result.append(f"{year}-{month0 % 12 + 1:02d}")
    return result


class Sheet:
    """Rows of one measures file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[list[str]] = []

    def add(
        self, unit: str, kpi: str, period: str, value: float | None, decimals: int = 1, note: str = "", status: str = ""
    ) -> None:
        """Add a row; `status` sets the KPI's status by hand, and `note` must then say why."""
        self.rows.append([unit, kpi, period, "" if value is None else f"{value:.{decimals}f}", note, status])

    def quarterly(
        self,
        unit: str,
        kpi: str,
        values: list,
        decimals: int = 1,
        notes: dict | None = None,
        statuses: dict | None = None,
    ) -> None:
        for quarter, value in zip(QUARTERS, values, strict=True):
            self.add(
                unit, kpi, quarter, value, decimals, (notes or {}).get(quarter, ""), (statuses or {}).get(quarter, "")
            )

    def monthly_average(
        self,
        unit: str,
        kpi: str,
        values: list,
        decimals: int,
        spread: float,
        cap: float | None = None,
        months: dict | None = None,
        notes: dict | None = None,
    ) -> None:
        """Split each quarterly average into three months that average to it."""
        months, notes = months or {}, notes or {}
        for quarter, value in zip(QUARTERS, values, strict=True):
            names = months_of(quarter)
            if all(m in months for m in names):
                split = [months[m] for m in names]
            else:
                width = spread if cap is None else min(spread, (cap - value) * 0.4)
                split = [round(value + rng.uniform(-width, width), decimals) for _ in range(2)]
                split.append(round(3 * value - split[0] - split[1], decimals))
            for month, v in zip(names, split, strict=True):
                self.add(unit, kpi, month, v, decimals, notes.get(month, ""))

    def write(self) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(self.rows)
        (OUT / self.name).write_text(buffer.getvalue(), encoding="utf-8")


TRANSACTIONS = [410000, 382000, 351000, 446000, 421000, 394000, 362000, 452000]
COST_PER_TRANSACTION = [6.90, 6.80, 7.10, 6.60, 6.50, 6.40, 6.70, 6.95]
COMPLAINTS_PER_1000 = [2.4, 2.2, 2.3, 1.9, 1.8, 1.7, 1.9, 2.7]


def agency(sheet: Sheet) -> None:
    a = "agency"
    sheet.quarterly(a, "transactions", TRANSACTIONS, decimals=0)
    sheet.quarterly(
        a,
        "operating_cost",
        [round(c * t, -3) for c, t in zip(COST_PER_TRANSACTION, TRANSACTIONS, strict=True)],
        decimals=0,
        notes={"2026-Q2": "Includes EUR 210k overtime and agency staff to clear the backlog"},
    )
    sheet.quarterly(
        a,
        "complaints",
        [round(r * t / 1000) for r, t in zip(COMPLAINTS_PER_1000, TRANSACTIONS, strict=True)],
        decimals=0,
        notes={"2026-Q2": "62% of complaints about delays after the case management go-live"},
    )
    sheet.quarterly(a, "budget_variance", [-1.2, 0.4, 1.1, 1.8, -0.6, 0.9, 1.6, 2.7])
    sheet.quarterly(a, "citizen_satisfaction", [77.5, 78.8, 79.4, 80.6, 81.2, 82.0, 80.3, 75.9])
    sheet.quarterly(
        a,
        "digital_uptake",
        [54.2, 56.1, 57.8, 59.4, 61.0, 62.3, 64.1, 66.8],
        notes={
            "2026-Q2": "Trade licence renewals online from March",
        },
    )
    sheet.quarterly(
        a,
        "service_standard_met",
        [89.5, 90.8, 91.2, 92.0, 91.5, 92.4, 91.8, 83.6],
        notes={
            "2026-Q2": "Case management go-live 12 January; two weeks of reduced output",
        },
    )
    for kpi, values, decimals in (
        ("staff_engagement", {"2024": 61, "2025": 66}, 0),
        ("sick_days", {"2024": 9.1, "2025": 7.8}, 1),
    ):
        for year, value in values.items():
            sheet.add(a, kpi, year, value, decimals)


def units(sheet: Sheet) -> None:
    lo = "licensing-operations"
    sheet.quarterly(
        lo,
        "processed_within_10_days",
        [88.0, 90.5, 91.8, 92.5, 91.0, 93.1, 92.4, 72.3],
        notes={
            "2026-Q2": "Output fell 40% in the two weeks after go-live; recovering from March",
        },
    )
    sheet.quarterly(
        lo,
        "backlog_applications",
        [2900, 2600, 2300, 2150, 2400, 2050, 2200, 5350],
        decimals=0,
        notes={
            "2026-Q2": "Peak of 7,100 on 6 February",
        },
    )
    sheet.quarterly(
        lo,
        "decision_error_rate",
        [2.4, 2.2, 2.0, 1.8, 1.9, 1.7, 1.6, 2.9],
        notes={
            "2026-Q2": "Mostly wrong licence-category mapping in the new system's templates",
        },
    )
    sheet.quarterly(lo, "caseworkers_accredited", [72, 75, 79, 83, 86, 88, 89, 86], decimals=0)
    cc = "contact-centre"
    # The new telephony platform counts a callback as resolved, which flatters the figure: the head of
    # the contact centre holds the status at amber until the measure is re-baselined (a manual status).
    sheet.quarterly(
        cc,
        "first_call_resolution",
        [76.0, 78.0, 80.0, 81.5, 82.0, 82.8, 82.1, 80.4],
        notes={
            "2026-Q2": "Since the February telephony upgrade a scheduled callback counts as resolved, which "
            "flatters the figure; held at amber until the measure is re-baselined with the CRM team (June)",
        },
        statuses={"2026-Q2": "amber"},
    )


def monthly(sheet: Sheet) -> None:
    cc = "contact-centre"
    sheet.monthly_average(
        cc,
        "average_wait_minutes",
        [6.8, 5.9, 5.2, 4.6, 4.4, 4.1, 4.5, 9.2],
        decimals=1,
        spread=0.8,
        months={"2026-01": 6.1, "2026-02": 8.9, "2026-03": 12.6},
        notes={"2026-03": "Progress-chasing calls about delayed applications: +35% call volume"},
    )
    sheet.monthly_average(cc, "abandoned_calls", [9.5, 8.2, 7.6, 6.9, 6.4, 6.0, 6.6, 11.3], decimals=1, spread=0.7)
    sheet.monthly_average(
        "digital-services",
        "portal_availability",
        [99.62, 99.71, 99.55, 99.80, 99.85, 99.78, 99.82, 99.74],
        decimals=2,
        spread=0.1,
        cap=100.0,
    )
    # Portal analytics were lost for one quarter while the tag manager was replaced: a missing value.
    completion = [68.0, 70.0, 72.0, None, 76.0, 77.5, 78.2, 79.6]
    sheet.quarterly(
        "digital-services",
        "online_completion_rate",
        completion,
        notes={
            "2025-Q2": "No analytics January-March 2025 (tag manager replaced)",
        },
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    quarterly, by_month = Sheet("agency.csv"), Sheet("channels.csv")
    agency(quarterly)
    units(quarterly)
    monthly(by_month)
    quarterly.write()
    by_month.write()


if __name__ == "__main__":
    main()
