"""Write the Northbridge University example measures (measures/*.csv), deterministically.

Run from the repository root:  python examples/make_university_measures.py
Running it again rewrites the same files byte for byte (fixed seed, no clock).

Each series is written as nine quarterly values, 2024-Q3 .. 2026-Q3, chosen so the example
tells a story: most KPIs green, a few amber or red in 2026-Q3, some recoveries and some new
reds since 2026-Q2. Monthly KPIs are split into three months around the quarter's value
(or given month by month where the story needs it). `None` writes a blank value (missing).
measures/university.csv is written as Excel writes CSV: UTF-8 with a BOM and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "measures"
QUARTERS = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
HEADER = ["unit", "kpi", "period", "value", "note"]

# Ticket volume by calendar month, relative to an average month (enrolment peak in September).
SEASON = {1: 1.10, 2: 1.00, 3: 0.95, 4: 0.85, 5: 0.95, 6: 0.80, 7: 0.65, 8: 0.70, 9: 1.55, 10: 1.30, 11: 1.05, 12: 0.75}

rng = random.Random(20260930)


def months_of(quarter: str) -> list[str]:
    """Return the three YYYY-MM months of a calendar quarter YYYY-Qn."""
    year, q = quarter.split("-Q")
    return [f"{year}-{3 * (int(q) - 1) + k:02d}" for k in (1, 2, 3)]


def fmt(value: float | str | None, decimals: int) -> str:
    """Format a value with the KPI's decimals; blank for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:.{decimals}f}"


class Sheet:
    """Rows of one measures file."""

    def __init__(self, name: str, excel: bool = False) -> None:
        self.name, self.excel = name, excel
        self.rows: list[list[str]] = []

    def add(
        self, unit: str, kpi: str, period: str, value: float | str | None, decimals: int = 1, note: str = ""
    ) -> None:
        self.rows.append([unit, kpi, period, fmt(value, decimals), note])

    def quarterly(self, unit: str, kpi: str, values: list, decimals: int = 1, notes: dict | None = None) -> None:
        """Add one row per quarter; `values` may be shorter than the nine quarters (stale KPI)."""
        notes = notes or {}
        for quarter, value in zip(QUARTERS, values, strict=False):  # shorter: stale KPI
            self.add(unit, kpi, quarter, value, decimals, notes.get(quarter, ""))

    def annual(self, unit: str, kpi: str, values: dict, decimals: int = 1, notes: dict | None = None) -> None:
        notes = notes or {}
        for year, value in values.items():
            self.add(unit, kpi, year, value, decimals, notes.get(year, ""))

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
            m1, m2, m3 = months_of(quarter)
            if all(m in months for m in (m1, m2, m3)):
                split = [months[m] for m in (m1, m2, m3)]
            else:
                width = spread if cap is None else min(spread, (cap - value) * 0.4)
                d1, d2 = rng.uniform(-width, width), rng.uniform(-width, width)
                split = [round(value + d1, decimals), round(value + d2, decimals)]
                split.append(round(3 * value - split[0] - split[1], decimals))
            for month, v in zip((m1, m2, m3), split, strict=True):
                v = months.get(month, v)
                self.add(unit, kpi, month, v, decimals, notes.get(month, ""))

    def write(self) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n" if self.excel else "\n")
        writer.writerow(HEADER)
        writer.writerows(self.rows)
        data = buffer.getvalue().encode("utf-8")
        (OUT / self.name).write_bytes(b"\xef\xbb\xbf" + data if self.excel else data)


def ticket_months(base: float, growth: float = 0.0) -> dict[str, int]:
    """Return resolved tickets per month for the nine quarters: base x season x trend x noise."""
    result = {}
    for i, quarter in enumerate(QUARTERS):
        for month in months_of(quarter):
            trend = 1 + growth * i / 4
            result[month] = round(base * SEASON[int(month[5:])] * trend * rng.uniform(0.95, 1.05))
    return result


# --- University and Student Services (the planning office's Excel export) ----------------


def university(sheet: Sheet) -> None:
    u = "university"
    sheet.quarterly(
        u,
        "operating_surplus",
        [3.6, 4.1, 3.8, 3.4, 3.1, 3.5, 3.2, 2.4, 2.1],
        notes={
            "2026-Q2": "Pay award of 3.5% agreed in May, backdated to January",
            "2026-Q3": "Energy contract renewed at +18%; international deposits 9% below budget",
        },
    )
    sheet.quarterly(u, "cash_days", [118, 124, 121, 115, 109, 117, 112, 106, 101], decimals=0)
    sheet.quarterly(
        u,
        "research_income",
        [6210000, 6480000, 6390000, 6720000, 6150000, 6940000, 7080000, 6420000, 7240000],
        decimals=0,
        notes={
            "2026-Q2": "Two EU awards delayed to Q3 by grant-agreement preparation",
            "2026-Q3": "Includes EUR 0.9m Horizon Europe consortium award (NORTHSEA-H2)",
        },
    )
    sheet.annual(u, "top_quartile_outputs", {"2024": 53.2, "2025": 56.1})
    sheet.annual(
        u,
        "retention_rate",
        {"2024": 90.4, "2025": 88.7},
        notes={
            "2025": "2024 entrants; continuation fell in Computing and Nursing",
        },
    )
    sheet.annual(u, "graduate_employment", {"2024": 78.9, "2025": 81.3})
    sheet.quarterly(
        u,
        "student_satisfaction",
        [83.0, 84.1, 82.5, 83.4, 81.2, 84.1, 83.6, 82.9, 78.6],
        notes={
            "2026-Q3": "Pulse at enrolment (n=1,140 returning students); enrolment queues and paper forms dominate comments",
        },
    )
    sheet.quarterly(
        u,
        "self_service_transactions",
        [71, 73, 74, 76, 78, 80, 81, 82, 74.5],
        notes={
            "2026-Q3": "Enrolment ran on the legacy forms: new enrolment module slipped to October",
        },
    )
    sheet.quarterly(u, "admin_cost_ratio", [23.4, 23.1, 22.8, 22.6, 22.3, 21.9, 21.7, 21.6, 21.8])
    # Stale: the last room survey was in 2026-Q1 (no survey in the summer quarters either).
    sheet.quarterly(
        u,
        "space_utilisation",
        [None, 62, 64, 60, None, 63, 58],
        decimals=0,
        notes={
            "2024-Q3": "No survey in the summer vacation",
            "2025-Q3": "No survey in the summer vacation",
            "2026-Q1": "Sensor contract ended in March; manual survey planned for autumn term",
        },
    )
    sheet.quarterly(
        u,
        "staff_engagement",
        [68, 69, 71, 70, 69, 72, 71, 66, 60],
        decimals=0,
        notes={
            "2026-Q2": "Pulse ran during the pay negotiations",
            "2026-Q3": "Pulse ran during consultation on the professional services restructure (response rate 48%)",
        },
    )
    sheet.quarterly(u, "teaching_qualified_staff", [66, 67, 69, 70, 71, 73, 74, 76, 77], decimals=0)


def student_services(sheet: Sheet) -> None:
    s = "student-services"
    sheet.quarterly(
        s,
        "wellbeing_wait_days",
        [9, 12, 11, 8, 7, 13, 14, 17, 13],
        decimals=0,
        notes={
            "2026-Q2": "Two counsellor vacancies; referrals up 22% in the exam season",
            "2026-Q3": "Two locum counsellors from 6 July",
        },
    )
    sheet.quarterly(
        s,
        "at_risk_contacted",
        [78, 84, None, 88, 91, 93, 92, 94, 91],
        decimals=0,
        notes={
            "2024-Q3": "Pilot schools only",
            "2025-Q1": "Early-alert feed down January-March during the data warehouse migration",
        },
    )
    sheet.quarterly(
        s,
        "enquiry_first_contact",
        [72, 74, 76, 77, 71, 76, 78, 77, 69.5],
        notes={
            "2026-Q3": "Enrolment peak: 41% of enquiries were about enrolment holds only Registry can lift",
        },
    )
    sheet.annual(s, "mhfa_trained_staff", {"2024": 64, "2025": 83}, decimals=0)


# --- IT department --------------------------------------------------------------------------

TEAM_TICKETS = {  # unit -> resolved tickets per month (computed once, used twice)
    "desk-city": ticket_months(3600, -0.02),
    "desk-riverside": ticket_months(2200, -0.02),
    "desk-medical": ticket_months(1500, 0.01),
    "it-infrastructure": ticket_months(950),
    "it-applications": ticket_months(720, 0.03),
    "it-security": ticket_months(380, 0.05),
}
# Cost per ticket (EUR) the support cost is derived from: amber in 2026-Q3 (surge staffing).
COST_PER_TICKET = [24.8, 23.9, 23.1, 22.6, 23.4, 22.2, 21.6, 21.4, 23.8]


def it_department(sheet: Sheet) -> None:
    u = "it"
    for i, quarter in enumerate(QUARTERS):
        resolved = sum(t[m] for t in TEAM_TICKETS.values() for m in months_of(quarter))
        note = (
            "Includes EUR 72k enrolment surge staffing (temporary analysts, extended hours)"
            if quarter == "2026-Q3"
            else ""
        )
        sheet.add(u, "support_cost", quarter, round(COST_PER_TICKET[i] * resolved, -2), 0, note)
    sheet.quarterly(
        u,
        "it_spend_variance",
        [-2.1, 1.4, -3.2, 0.8, 2.5, 4.1, 3.2, 3.8, 7.4],
        notes={
            "2026-Q3": "Student records system overspend (EUR 255k) and network hardware price rises",
        },
    )
    sheet.quarterly(
        u,
        "projects_on_time_budget",
        [75, 80, 83, 85, 82, 81, 80, 71, 59],
        decimals=0,
        notes={
            "2026-Q2": "5 of 17 projects off baseline",
            "2026-Q3": "7 of 17 off baseline: SIS enrolment release, ITSM go-live, Medical School network",
        },
    )
    sheet.quarterly(
        u,
        "major_security_incidents",
        [0, 0, 1, 0, 0, 0, 0, 1, 0],
        decimals=0,
        notes={
            "2025-Q1": "Two staff mailboxes compromised by phishing; reported to the data protection authority",
            "2026-Q2": "Ransomware on a research lab workstation, contained in 6 h; no data lost",
        },
    )
    sheet.quarterly(u, "sla_attainment", [94.1, 95.3, 95.8, 96.2, 94.6, 96.0, 96.4, 95.9, 95.2])
    sheet.quarterly(
        u,
        "first_contact_resolution",
        [68.5, 70.4, 71.2, 72.5, 71.8, 73.0, 73.9, 75.3, 72.6],
        notes={
            "2026-Q1": "Target raised to 75% for 2026",
            "2026-Q3": "Six temporary analysts in September resolved fewer tickets at first contact",
        },
    )
    sheet.quarterly(u, "user_satisfaction", [84.2, 85.6, 86.1, 86.8, 85.2, 87.0, 87.4, 86.5, 85.4])
    sheet.quarterly(
        u,
        "p1_mttr",
        [4.6, 3.8, 3.5, 3.9, 5.1, 3.6, 3.3, 7.4, 3.7],
        notes={
            "2026-Q2": "3 P1s: 19 h finance-system outage (vendor database bug, 12 May), 11 h Riverside Wi-Fi outage",
            "2026-Q3": "5 P1s; longest the 9 h storage controller failure on 14 September",
        },
    )
    sheet.quarterly(u, "incidents_within_sla", [88.4, 90.6, 91.2, 91.8, 89.1, 91.5, 92.3, 90.8, 90.3])
    sheet.quarterly(u, "change_success_rate", [93.8, 94.6, 95.4, 96.1, 95.7, 96.5, 96.2, 95.1, 95.6])
    sheet.quarterly(
        u,
        "emergency_changes",
        [7.2, 6.4, 5.5, 4.8, 4.6, 4.1, 4.4, 6.3, 9.1],
        notes={
            "2026-Q3": "11 emergency changes of 121; 7 were fixes to Medical School Wi-Fi controllers",
        },
    )
    sheet.annual(u, "training_days", {"2024": 3.6, "2025": 5.4})
    sheet.quarterly(u, "staff_turnover", [13.5, 12.8, 12.1, 11.4, 10.6, 9.8, 9.1, 8.7, 9.4])
    sheet.quarterly(u, "staff_utilisation", [88, 86, 84, 83, 82, 81, 83, 84, 84], decimals=0)
    sheet.quarterly(u, "supported_platforms", [86, 87, 88, 90, 91, 92, 94, 95, 96], decimals=0)


def it_monthly(sheet: Sheet) -> None:
    sheet.monthly_average(
        "it",
        "critical_availability",
        [99.82, 99.76, 99.71, 99.85, 99.64, 99.81, 99.79, 99.83, 99.52],
        decimals=2,
        spread=0.08,
        cap=100.0,
        months={"2026-07": 99.86, "2026-08": 99.65, "2026-09": 99.05},
        notes={"2026-09": "Storage controller failure 14 Sep: VLE and student records down 9 h in enrolment week"},
    )
    for quarter in QUARTERS:
        for month in months_of(quarter):
            resolved = sum(t[month] for t in TEAM_TICKETS.values())
            sheet.add("it", "tickets_received", month, round(resolved * rng.uniform(1.005, 1.03)), 0)
    sheet.monthly_average(
        "it-infrastructure",
        "network_availability",
        [99.93, 99.95, 99.91, 99.94, 99.92, 99.96, 99.94, 99.81, 99.72],
        decimals=2,
        spread=0.03,
        cap=100.0,
        months={"2026-07": 99.93, "2026-08": 99.61, "2026-09": 99.62},
        notes={"2026-08": "Medical School Wi-Fi controller faults after the refresh cut-over"},
    )
    sheet.monthly_average(
        "it-applications",
        "core_app_availability",
        [99.86, 99.82, 99.88, 99.91, 99.75, 99.89, 99.90, 99.70, 99.74],
        decimals=2,
        spread=0.05,
        cap=100.0,
        months={
            "2026-04": 99.88,
            "2026-05": 99.33,
            "2026-06": 99.89,
            "2026-07": 99.95,
            "2026-08": 99.96,
            "2026-09": 99.31,
        },
        notes={
            "2026-05": "Finance system down 19 h (vendor database bug)",
            "2026-09": "Storage controller failure 14 Sep",
        },
    )
    for unit in ("it-infrastructure", "it-applications", "it-security"):
        for month, value in TEAM_TICKETS[unit].items():
            sheet.add(unit, "tickets_resolved", month, value, 0)


def it_teams(sheet: Sheet) -> None:
    d = "it-service-desk"
    sheet.quarterly(d, "desk_within_sla", [90.5, 92.4, 93.1, 93.6, 91.2, 93.8, 94.0, 93.5, 92.6])
    sheet.quarterly(
        d,
        "reopened_incidents",
        [5.8, 5.2, 4.9, 4.6, 5.1, 4.4, 4.2, 4.6, 6.3],
        notes={
            "2026-Q3": "Temporary analysts closed tickets before the user confirmed the fix",
        },
    )
    sheet.quarterly(d, "knowledge_linked", [24, 26, 29, 31, 33, 36, 41, 44, 42], decimals=0)
    i = "it-infrastructure"
    sheet.quarterly(i, "escalations_within_sla", [88.2, 89.5, 90.4, 91.2, 90.1, 91.8, 92.0, 89.4, 90.6])
    sheet.quarterly(
        i,
        "change_success_rate",
        [93.5, 94.8, 95.6, 96.3, 95.9, 96.8, 96.1, 94.2, 95.4],
        notes={
            "2026-Q2": "Two failed firmware upgrades on Riverside Wi-Fi controllers",
        },
    )
    sheet.quarterly(i, "servers_supported_os", [91, 91, 92, 93, 94, 95, 95, 96, 95], decimals=0)
    a = "it-applications"
    sheet.quarterly(a, "escalations_within_sla", [87.5, 88.9, 90.2, 91.0, 89.6, 91.3, 91.9, 90.7, 91.4])
    sheet.quarterly(
        a,
        "releases_on_schedule",
        [80, 83, 86, 88, 85, 87, 84, 76, 62],
        decimals=0,
        notes={
            "2026-Q2": "Data migration dress rehearsal 2 postponed",
            "2026-Q3": "SIS enrolment and fees release moved from 28 Aug to 26 Oct (migration defects)",
        },
    )
    sheet.quarterly(a, "apps_supported_versions", [84, 85, 86, 88, 89, 90, 91, 92, 91], decimals=0)
    s = "it-security"
    sheet.quarterly(
        s,
        "iso27001_audit",
        [
            "compliant",
            "minor-findings",
            "compliant",
            "minor-findings",
            "compliant",
            "compliant",
            "minor-findings",
            "major-nonconformity",
            "minor-findings",
        ],
        notes={
            "2026-Q2": "Surveillance audit 19-21 May: privileged access not reviewed for two quarters",
            "2026-Q3": "Internal follow-up: privileged access review done; finance-system review still manual",
        },
    )
    sheet.quarterly(
        s,
        "phishing_click_rate",
        [9.2, 8.1, 7.4, 6.3, 5.8, 4.9, 4.6, 6.7, 4.3],
        notes={
            "2026-Q2": "Spear-phishing scenario themed on the pay award",
        },
    )
    sheet.quarterly(s, "critical_vulns_patched", [82, 86, 89, 92, 94, 96, 97, 95, 96], decimals=0)


def campus_desks(sheet: Sheet) -> None:
    fcr = {
        "desk-city": [70.5, 72.1, 73.4, 74.6, 73.8, 76.2, 77.0, 78.1, 74.1],
        "desk-riverside": [72.0, 73.5, 74.8, 75.9, 75.2, 77.4, 78.3, 79.0, 77.6],
        "desk-medical": [58.0, 59.5, 61.2, 62.0, 60.1, 63.5, 64.2, 62.8, 58.3],
    }
    satisfaction = {
        "desk-city": [84.0, 85.5, 86.2, 87.0, 85.1, 87.3, 88.0, 86.9, 84.8],
        "desk-riverside": [86.5, 87.2, 88.1, 88.4, 87.0, 88.9, 89.2, 84.1, 86.2],
        "desk-medical": [82.0, 83.1, 84.0, 85.2, 84.1, 85.6, 86.0, 85.4, 85.1],
    }
    wait = {
        "desk-city": [11.2, 10.4, 9.8, 9.1, 13.5, 9.4, 8.7, 8.2, 18.7],
        "desk-riverside": [7.5, 6.8, 6.5, 6.1, 8.9, 6.3, 6.0, 5.8, 8.4],
        "desk-medical": [6.2, 5.9, 5.5, 5.4, 7.1, 5.2, 5.0, 5.3, 7.4],
    }
    wait_months: dict[str, dict[str, float | None]] = {
        "desk-city": {"2026-07": 7.2, "2026-08": 10.1, "2026-09": 38.8},
        "desk-riverside": {"2025-11": None},
    }
    wait_notes = {
        "desk-city": {"2026-09": "Enrolment week queues up to 90 min; two of six temporary analysts withdrew"},
        "desk-riverside": {"2025-11": "Queue kiosk out of service all month: no data"},
    }
    notes = {
        "desk-riverside": {"2026-Q2": "Riverside Wi-Fi outage in May drove complaints"},
        "desk-medical": {"2026-Q3": "New NHS trust smartcard system: tickets passed to the trust"},
    }
    for unit in ("desk-city", "desk-riverside", "desk-medical"):
        sheet.monthly_average(unit, "first_contact_resolution", fcr[unit], decimals=1, spread=1.5)
        sheet.quarterly(unit, "user_satisfaction", satisfaction[unit], notes=notes.get(unit))
        sheet.monthly_average(
            unit,
            "walk_in_wait",
            wait[unit],
            decimals=1,
            spread=1.2,
            months=wait_months.get(unit),
            notes=wait_notes.get(unit),
        )
        for month, value in TEAM_TICKETS[unit].items():
            sheet.add(unit, "tickets_resolved", month, value, 0)
    sheet.quarterly(
        "desk-medical",
        "placement_access_ready",
        [94, 95.5, 96.8, 97.2, 96.0, 98.1, 98.6, 98.9, 98.2],
        notes={
            "2026-Q3": "September placements: 612 students, 11 smartcards not ready on day one",
        },
    )


def main() -> None:
    sheets = {
        "university": Sheet("university.csv", excel=True),
        "it-department": Sheet("it-department.csv"),
        "it-monthly": Sheet("it-monthly.csv"),
        "it-teams": Sheet("it-teams.csv"),
        "campus-desks": Sheet("campus-desks.csv"),
    }
    university(sheets["university"])
    student_services(sheets["university"])
    it_department(sheets["it-department"])
    it_monthly(sheets["it-monthly"])
    it_teams(sheets["it-teams"])
    campus_desks(sheets["campus-desks"])
    OUT.mkdir(exist_ok=True)
    for sheet in sheets.values():
        sheet.write()


if __name__ == "__main__":
    main()
