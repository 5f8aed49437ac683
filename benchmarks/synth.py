"""Synthetic organisations for the benchmark: a content/ + measures/ tree of any size.

Deterministic for a seed. Every unit gets K KPIs over objectives in all four perspectives;
leaf siblings share a template; non-leaf units roll their `cases` up from their children; every
unit has a calculated KPI, a categorical one, an annual one, a range one and an unrated one.
Measures cover Q quarters (some monthly, a few values missing); the last two quarters carry
commentary. Usage: `python -m benchmarks.synth large benchmarks/work/large`.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.periods import Period

PERSPECTIVES = ("financial", "customer", "internal", "learning")
LAST_PERIOD = Period(2026, 3)
MISSING_RATE = 0.03  # share of values left blank
STALE_RATE = 0.02  # share of KPIs whose last quarter is not reported yet


@dataclass(frozen=True)
class Size:
    """Shape of a synthetic organisation."""

    name: str
    units: int
    depth: int
    kpis: int  # per unit
    quarters: int


SIZES = {
    "small": Size("small", 10, 3, 20, 8),
    "medium": Size("medium", 60, 4, 25, 12),
    "large": Size("large", 300, 5, 30, 20),
}

_NOUNS = (
    "cost", "revenue", "satisfaction", "throughput", "backlog", "cycle time", "defects", "uptime",
    "attrition", "training hours", "response time", "first-time fix", "complaints", "utilisation",
    "on-time delivery", "accuracy", "adoption", "engagement", "energy use", "waste",
)  # fmt: skip
_SPECIALS = 7  # cases, cost, cost_per_case, audit_rating, budget_variance, engagement, volume


@dataclass(frozen=True)
class UnitSpec:
    """One unit of the generated tree."""

    id: str
    name: str
    parent: str | None
    level: int


def level_sizes(units: int, depth: int) -> list[int]:
    """Split `units` over `depth` levels growing geometrically from a single root."""
    if depth == 1:
        return [1]
    ratio = _growth_ratio(units, depth)
    sizes = [1] + [max(1, round(ratio**level)) for level in range(1, depth)]
    sizes[-1] += units - sum(sizes)
    return sizes


def _growth_ratio(units: int, depth: int) -> float:
    low, high = 1.0, float(units)
    for _ in range(60):  # bisection: sum(r**k for k < depth) == units
        middle = (low + high) / 2
        low, high = (middle, high) if sum(middle**k for k in range(depth)) < units else (low, middle)
    return low


def make_tree(size: Size) -> list[UnitSpec]:
    """Return the units, parents first; each level's units spread evenly over the level above."""
    units = [UnitSpec("u0", "Organisation", None, 0)]
    previous = units
    for level, count in enumerate(level_sizes(size.units, size.depth)[1:], start=1):
        current = [
            UnitSpec(f"u{level}-{i:03d}", f"Unit {level}.{i + 1}", previous[i * len(previous) // count].id, level)
            for i in range(count)
        ]
        units += current
        previous = current
    return units


# --- Definitions ---------------------------------------------------------------------------


def _objective_ids(size: Size) -> dict[str, list[str]]:
    per = max(1, math.ceil(size.kpis / 16))
    return {p: [f"{p[:3]}-{n + 1}" for n in range(per)] for p in PERSPECTIVES}


def _kpi(kpi_id: str, name: str, rng: random.Random, **fields: Any) -> dict[str, Any]:
    return {"id": kpi_id, "name": name, "owner": f"Owner {rng.randint(1, 400)}", "description": f"{name}.", **fields}


def _generic_kpi(n: int, rng: random.Random) -> dict[str, Any]:
    noun = _NOUNS[n % len(_NOUNS)]
    polarity = rng.choice(("higher", "higher", "lower"))
    target = float(rng.choice((50, 80, 90, 95, 120, 200)))
    spread = rng.choice((0.05, 0.1, 0.15))
    red = target * (1 - spread) if polarity == "higher" else target * (1 + spread)
    monthly = rng.random() < 0.25
    kpi = _kpi(
        f"k{n:02d}_{noun.replace(' ', '_').replace('-', '_')}",
        f"{noun.capitalize()} {n}",
        rng,
        unit=rng.choice(("%", "h", "EUR", "count")),
        polarity=polarity,
        target=target,
        red_flag=round(red, 2),
        frequency="monthly" if monthly else "quarterly",
        aggregation="average",
    )
    if rng.random() < 0.1:
        kpi["target"] = {"2020": target, "2025": round(target * 1.05, 2)}
    return kpi


def _special_kpis(rollup: bool, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    cases = _kpi("cases", "Cases handled", rng, unit="count", decimals=0, frequency="monthly", aggregation="sum")
    cases |= {"target": 300.0 * (8 if rollup else 1)} | ({"rollup": "sum"} if rollup else {})
    return {
        "financial": [
            _kpi("cost", "Cost", rng, unit="EUR", decimals=0, aggregation="sum", weight=0),
            _kpi("cost_per_case", "Cost per case", rng, unit="EUR", decimals=2, polarity="lower",
                 formula="cost / cases", target=40.0, red_flag=48.0),
            _kpi("budget_variance", "Spend vs budget", rng, unit="%", polarity="range",
                 target=[-5.0, 5.0], red_flag=[-10.0, 10.0]),
        ],
        "customer": [_kpi("volume_tracked", "Enquiries (tracked)", rng, unit="count", decimals=0)],
        "internal": [
            cases,
            _kpi("audit_rating", "Audit rating", rng, type="categorical", levels=[
                {"name": "compliant", "status": "green"},
                {"name": "needs improvement", "status": "amber"},
                {"name": "non-compliant", "status": "red"},
            ]),
        ],
        "learning": [_kpi("engagement", "Staff engagement", rng, unit="%", frequency="annual", target=70.0)],
    }  # fmt: skip


def make_objectives(size: Size, rollup: bool, parent: str | None, rng: random.Random) -> list[dict[str, Any]]:
    """Return the objectives of one scorecard with `size.kpis` KPIs over all perspectives."""
    ids = _objective_ids(size)
    objectives: dict[str, dict[str, Any]] = {}
    for p_index, perspective in enumerate(PERSPECTIVES):
        for o_index, oid in enumerate(ids[perspective]):
            obj: dict[str, Any] = {"id": oid, "name": f"{perspective.capitalize()} objective {o_index + 1}",
                                   "perspective": perspective, "owner": f"Owner {rng.randint(1, 400)}",
                                   "description": "What success looks like.", "kpis": []}  # fmt: skip
            if parent is not None:
                obj["supports"] = [f"{parent}/{rng.choice(ids[perspective])}"]
            if p_index > 0:  # strategy map: each perspective drives the one above
                obj["drives"] = [ids[PERSPECTIVES[p_index - 1]][o_index % len(ids[PERSPECTIVES[p_index - 1]])]]
            objectives[oid] = obj
    for perspective, kpis in _special_kpis(rollup, rng).items():
        for n, kpi in enumerate(kpis):
            objectives[ids[perspective][n % len(ids[perspective])]]["kpis"].append(kpi)
    slots = [oid for p in PERSPECTIVES for oid in ids[p]]
    for n in range(size.kpis - _SPECIALS):
        objectives[slots[n % len(slots)]]["kpis"].append(_generic_kpi(n, rng))
    return list(objectives.values())


def make_initiatives(objective_ids: list[str], rng: random.Random) -> list[dict[str, Any]]:
    """Return two or three initiatives with milestones around the reporting period."""
    result = []
    for n in range(rng.randint(2, 3)):
        start_year = rng.choice((2025, 2026))
        milestones = [
            {"name": f"Milestone {m + 1}", "due": f"{start_year + m // 3}-{(m * 4) % 12 + 1:02d}-15", "done": m < 2}
            for m in range(4)
        ]
        budget = float(rng.randint(20, 500) * 1000)
        result.append({
            "id": f"init-{n + 1}", "name": f"Initiative {n + 1}", "owner": f"Owner {rng.randint(1, 400)}",
            "objectives": rng.sample(objective_ids, 2), "start": f"{start_year}-01-01",
            "end": f"{start_year + 1}-12-31", "budget": budget, "spent": round(budget * rng.random(), 0),
            "milestones": milestones,
        })  # fmt: skip
    return result


# --- Writing -------------------------------------------------------------------------------


def write_org(size: Size, folder: Path, seed: int = 1) -> dict[str, int]:
    """Write content/ and measures/ for `size` into `folder` (replaced); return counts."""
    rng = random.Random(f"{seed}-{size.name}")
    if folder.exists():
        shutil.rmtree(folder)
    content, measures = folder / "content", folder / "measures"
    for sub in ("units", "templates"):
        (content / sub).mkdir(parents=True)
    measures.mkdir(parents=True)
    _dump(content / "organization.yaml", {"name": f"Synthetic {size.name} organisation", "mission": "Serve.",
                                           "vision": "Serve better.", "fiscal_year_start": 1})  # fmt: skip
    units = make_tree(size)
    parents = {u.parent for u in units}
    templated = _template_groups(units, parents)
    counts = {"units": len(units), "kpis": 0, "values": 0, "templates": 0}
    scorecards: dict[str, list[dict[str, Any]]] = {}
    for parent, _children in templated.items():
        objectives = make_objectives(size, False, parent, rng)
        _dump(content / "templates" / f"t-{parent}.yaml",
              {"id": f"t-{parent}", "name": f"Shared scorecard under {parent}", "objectives": objectives})  # fmt: skip
        scorecards[f"t-{parent}"] = objectives
        counts["templates"] += 1
    for unit in units:
        doc: dict[str, Any] = {"id": unit.id, "name": unit.name} | ({"parent": unit.parent} if unit.parent else {})
        doc["owner"] = f"Head of {unit.name}"
        if unit.parent in templated:
            doc |= _templated(f"t-{unit.parent}", scorecards, rng)
            objectives = scorecards[f"t-{unit.parent}"]
        else:
            objectives = make_objectives(size, unit.id in parents, unit.parent, rng)
            doc["objectives"] = objectives
        doc["initiatives"] = make_initiatives([o["id"] for o in objectives], rng)
        _dump(content / "units" / f"{unit.id}.yaml", doc)
        kpis = [k for o in objectives for k in o["kpis"]]
        counts["kpis"] += len(kpis)
        counts["values"] += _write_measures(measures / f"{unit.id}.csv", unit.id, kpis, size, rng)
        _write_commentary(content / "commentary", unit.id, objectives, rng)
    return counts


def _template_groups(units: list[UnitSpec], parents: set[str | None]) -> dict[str, list[UnitSpec]]:
    """Leaf siblings (two or more under one parent, all leaves) share one template."""
    groups: dict[str, list[UnitSpec]] = {}
    for unit in units:
        if unit.parent is not None:
            groups.setdefault(unit.parent, []).append(unit)
    return {p: kids for p, kids in groups.items() if len(kids) > 1 and not any(k.id in parents for k in kids)}


def _templated(template: str, scorecards: dict[str, list[dict[str, Any]]], rng: random.Random) -> dict[str, Any]:
    kpis = [k for o in scorecards[template] for k in o["kpis"] if k.get("polarity", "higher") == "higher"]
    kpis = [k for k in kpis if isinstance(k.get("target"), float) and "red_flag" in k]
    overrides = {k["id"]: {"target": k["target"] * 1.02, "red_flag": k["red_flag"]} for k in rng.sample(kpis, 2)}
    return {"template": template, "overrides": overrides}


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _write_measures(path: Path, unit_id: str, kpis: list[dict[str, Any]], size: Size, rng: random.Random) -> int:
    quarters = [LAST_PERIOD.shift(-k) for k in reversed(range(size.quarters))]
    rows: list[tuple[str, str, str, str]] = []
    for kpi in kpis:
        if "formula" in kpi or "rollup" in kpi:
            continue
        stale = rng.random() < STALE_RATE
        for quarter in quarters[:-1] if stale else quarters:
            rows += [(unit_id, kpi["id"], period, value) for period, value in _values(kpi, quarter, rng)]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(("unit", "kpi", "period", "value"))
        writer.writerows(rows)
    return sum(1 for row in rows if row[3] != "")


def _values(kpi: dict[str, Any], quarter: Period, rng: random.Random) -> list[tuple[str, str]]:
    frequency = kpi.get("frequency", "quarterly")
    if frequency == "annual":
        return [(str(quarter.year), _value(kpi, rng))] if quarter.quarter == 4 else []
    if frequency == "monthly":
        months = [(quarter.quarter - 1) * 3 + m + 1 for m in range(3)]
        return [(f"{quarter.year}-{m:02d}", _value(kpi, rng)) for m in months]
    return [(str(quarter), _value(kpi, rng))]


def _value(kpi: dict[str, Any], rng: random.Random) -> str:
    if rng.random() < MISSING_RATE:
        return ""
    if kpi.get("type") == "categorical":
        return rng.choices([level["name"] for level in kpi["levels"]], weights=(6, 3, 1))[0]
    target = kpi.get("target", 100.0)
    if isinstance(target, dict):
        target = list(target.values())[-1]
    if isinstance(target, list):
        return f"{rng.gauss(0, 5):.2f}"
    if kpi["id"] == "cases":
        return str(rng.randint(60, 140))
    if kpi["id"] == "cost":
        return str(rng.randint(9000, 15000))
    return f"{target * rng.gauss(1.0, 0.08):.2f}"


def _write_commentary(folder: Path, unit_id: str, objectives: list[dict[str, Any]], rng: random.Random) -> None:
    for quarter in (LAST_PERIOD.previous(), LAST_PERIOD):
        if rng.random() < 0.3:
            continue
        obj = rng.choice(objectives)
        kpi = rng.choice(obj["kpis"]) if obj["kpis"] else None
        text = f"---\nauthor: Head of {unit_id}\n---\n## Summary\n### Analysis\nA steady quarter.\n"
        text += "### Actions\n- Keep the backlog down (owner, end of quarter).\n"
        text += f"\n## Objective: {obj['id']}\n### Analysis\nOn track overall.\n"
        if kpi:
            text += f"\n## KPI: {kpi['id']}\n### Analysis\nMoved with seasonal demand.\n### Actions\n- Review.\n"
        (folder / str(quarter)).mkdir(parents=True, exist_ok=True)
        (folder / str(quarter) / f"{unit_id}.md").write_text(text, encoding="utf-8")


def main() -> None:
    """Write one size's tree: `python -m benchmarks.synth SIZE FOLDER [--seed N]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    counts = write_org(SIZES[args.size], args.folder, args.seed)
    print(", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
