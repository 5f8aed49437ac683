"""Audiences: who may see which unit, objective, KPI, initiative and commentary, and each edition's report.

An item's `restricted_to` narrows what it holds: a restricted unit restricts its objectives,
KPIs, initiatives, commentary and child units; a commentary section about a restricted objective
or KPI goes with it. `edition` filters the computed report once into what one audience may see;
every output (site, packs, exports) receives that report and nothing else, so no output checks
visibility itself and nothing restricted can reach an edition by a path someone forgot.

Pure: no I/O, no clock. `rollup_restricted: false` recomputes the scores with restricted items
weighted 0, so they count nowhere in that audience's edition.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from generator.compute import compute_report, restate
from generator.errors import Problem
from generator.formula import parse_formula
from generator.model import (
    Commentary,
    CommentSection,
    Kpi,
    Location,
    Objective,
    Scorecard,
    Template,
    Unit,
)
from generator.results import Change, KpiResult, PeriodResult, Report, Status, UnitResult

Audiences = frozenset[str] | None  # None: every audience
RESTRICTED = "restricted"  # what a formula shows instead of an input the reader may not see
_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


@dataclass(frozen=True)
class Visibility:
    """The audiences that may see each item, inheritance applied (None: every audience)."""

    units: dict[str, Audiences]
    objectives: dict[tuple[str, str], Audiences]
    kpis: dict[tuple[str, str], Audiences]
    initiatives: dict[tuple[str, str], Audiences]

    def unit(self, audience: str, unit_id: str) -> bool:
        """Return whether the audience sees the unit."""
        return _sees(self.units.get(unit_id), audience)

    def objective(self, audience: str, unit_id: str, objective_id: str) -> bool:
        """Return whether the audience sees the objective."""
        return _sees(self.objectives.get((unit_id, objective_id)), audience)

    def kpi(self, audience: str, unit_id: str, kpi_id: str) -> bool:
        """Return whether the audience sees the KPI."""
        return _sees(self.kpis.get((unit_id, kpi_id)), audience)


def _sees(audiences: Audiences, audience: str) -> bool:
    return audiences is None or audience in audiences


def _narrow(inherited: Audiences, own: tuple[str, ...] | None) -> Audiences:
    if own is None:
        return inherited
    return frozenset(own) if inherited is None else inherited & frozenset(own)


def visibility(sc: Scorecard) -> Visibility:
    """Return who may see each unit, objective, KPI and initiative (parents before children)."""
    units: dict[str, Audiences] = {}
    objectives: dict[tuple[str, str], Audiences] = {}
    kpis: dict[tuple[str, str], Audiences] = {}
    initiatives: dict[tuple[str, str], Audiences] = {}
    for unit in sc.units.values():  # tree order: the parent is known first
        inherited = units.get(unit.parent) if unit.parent else None
        seen = units[unit.id] = _narrow(inherited, unit.restricted_to)
        for obj in unit.objectives:
            obj_seen = objectives[(unit.id, obj.id)] = _narrow(seen, obj.restricted_to)
            for kpi in obj.kpis:
                kpis[(unit.id, kpi.id)] = _narrow(obj_seen, kpi.restricted_to)
        for item in unit.initiatives:
            initiatives[(unit.id, item.id)] = _narrow(seen, item.restricted_to)
    return Visibility(units, objectives, kpis, initiatives)


def audience_ids(sc: Scorecard) -> list[str]:
    """Return the declared audience ids, in the order of organization.yaml."""
    return [a.id for a in sc.organization.audiences]


# --- One audience's edition ----------------------------------------------------------------


def edition(report: Report, audience: str) -> Report:
    """Return the report as one audience may see it: restricted items and every trace of them gone."""
    sc = report.scorecard
    seen = visibility(sc)
    if not sc.organization.rollup_restricted:
        report = compute_report(_weighted_out(sc, seen, audience), report.period)
    view = _scorecard_for(sc, seen, audience)
    keep_units = set(view.units)
    keep_kpis = {(u.id, k.id) for u in view.units.values() for o in u.objectives for k in o.kpis}
    keep_objectives = {(u.id, o.id) for u in view.units.values() for o in u.objectives}
    by_period = {
        period: _period_for(result, view, keep_units, keep_objectives, keep_kpis)
        for period, result in report.by_period.items()
    }
    changes = tuple(c for c in report.changes if _change_kept(c, keep_units, keep_objectives, keep_kpis))
    supporters = {
        key: [s for s in sources if s in keep_objectives]
        for key, sources in report.supporters.items()
        if key in keep_objectives
    }
    published = tuple(e for e in report.editions if audience in e.rows)  # an edition without it has no archive here
    kept = Report(view, report.period, report.periods, by_period, changes, supporters, audience, editions=published)
    return restate(kept) if published else kept


def _change_kept(change: Change, units: set[str], objectives: set[tuple[str, str]], kpis: set[tuple[str, str]]) -> bool:
    if change.level == "unit":
        return change.unit in units
    return (change.unit, change.id) in (objectives if change.level == "objective" else kpis)


def _period_for(
    result: PeriodResult,
    view: Scorecard,
    units: set[str],
    objectives: set[tuple[str, str]],
    kpis: set[tuple[str, str]],
) -> PeriodResult:
    kept_kpis = {key: r for key, r in result.kpis.items() if key in kpis}
    return PeriodResult(
        result.period,
        {uid: _recounted(r, view.units[uid], kept_kpis) for uid, r in result.units.items() if uid in units},
        {key: r for key, r in result.perspectives.items() if key[0] in units},
        {key: r for key, r in result.objectives.items() if key in objectives},
        kept_kpis,
        {key: r for key, r in result.measured.items() if key in kpis},
        result.between & kpis,
    )


def _recounted(result: UnitResult, unit: Unit, kpis: dict[tuple[str, str], KpiResult]) -> UnitResult:
    """Count only the KPIs the audience sees: a count would otherwise reveal a restricted KPI's status."""
    counts = dict.fromkeys(Status, 0)
    for obj in unit.objectives:
        for kpi in obj.kpis:
            counts[kpis[(unit.id, kpi.id)].status] += 1
    return dataclasses.replace(result, counts=counts)


def _scorecard_for(sc: Scorecard, seen: Visibility, audience: str) -> Scorecard:
    """Return the scorecard without what the audience may not see, and without references to it."""
    units = {uid: u for uid, u in sc.units.items() if seen.unit(audience, uid)}
    hidden_kpis = {key for key in seen.kpis if not seen.kpi(audience, *key)}
    kept = {uid: _unit_for(u, seen, audience, hidden_kpis) for uid, u in units.items()}
    visible_kpis = {(uid, k.id) for uid, u in kept.items() for o in u.objectives for k in o.kpis}
    commentary = {
        key: c
        for key, note in sc.commentary.items()
        if key[0] in kept and (c := _commentary_for(note, kept[key[0]], audience)) is not None
    }
    return Scorecard(
        sc.organization,
        kept,
        {tid: Template(id=t.id, name=t.name, description=t.description) for tid, t in sc.templates.items()},
        tuple(m for m in sc.measures if (m.unit, m.kpi) in visible_kpis),
        commentary,
        {},  # locations name files and ids: outputs never need them
    )


def _unit_for(unit: Unit, seen: Visibility, audience: str, hidden_kpis: set[tuple[str, str]]) -> Unit:
    objectives = tuple(
        _objective_for(unit.id, o, seen, audience, hidden_kpis)
        for o in unit.objectives
        if seen.objective(audience, unit.id, o.id)
    )
    ids = {o.id for o in objectives}
    initiatives = tuple(
        i.model_copy(update={"objectives": tuple(o for o in i.objectives if o in ids)})
        for i in unit.initiatives
        if _sees(seen.initiatives.get((unit.id, i.id)), audience)
    )
    return unit.model_copy(update={"objectives": objectives, "initiatives": initiatives, "overrides": {}})


def _objective_for(
    unit_id: str, objective: Objective, seen: Visibility, audience: str, hidden_kpis: set[tuple[str, str]]
) -> Objective:
    kpis = tuple(_kpi_for(unit_id, k, hidden_kpis) for k in objective.kpis if seen.kpi(audience, unit_id, k.id))
    supports = tuple(ref for ref in objective.supports if seen.objective(audience, *_split(ref)))
    drives = tuple(d for d in objective.drives if seen.objective(audience, unit_id, d))
    return objective.model_copy(update={"kpis": kpis, "supports": supports, "drives": drives})


def _split(ref: str) -> tuple[str, str]:
    unit, _, objective = ref.partition("/")
    return unit, objective


def _kpi_for(unit_id: str, kpi: Kpi, hidden_kpis: set[tuple[str, str]]) -> Kpi:
    """Return the KPI with restricted inputs of its formula named 'restricted'."""
    if not kpi.formula:
        return kpi
    hidden = {k for u, k in hidden_kpis if u == unit_id}
    formula = _NAME.sub(lambda m: RESTRICTED if m[0] in hidden else m[0], kpi.formula)
    return kpi.model_copy(update={"formula": formula})


def _commentary_for(note: Commentary, unit: Unit, audience: str) -> Commentary | None:
    if note.restricted_to is not None and audience not in note.restricted_to:
        return None
    objectives = {o.id for o in unit.objectives}
    kpis = {k.id for o in unit.objectives for k in o.kpis}
    sections = tuple(s for s in note.sections if _section_seen(s, audience, objectives, kpis))
    return dataclasses.replace(note, sections=sections)


def _section_seen(section: CommentSection, audience: str, objectives: set[str], kpis: set[str]) -> bool:
    if section.restricted_to is not None and audience not in section.restricted_to:
        return False
    if section.kind == "objective":
        return section.target in objectives
    return section.target in kpis if section.kind == "kpi" else True


def _weighted_out(sc: Scorecard, seen: Visibility, audience: str) -> Scorecard:
    """Return the scorecard without the units the audience may not see, and its other restricted items weighted 0.

    Units go (their children with them), so roll-ups (`rollup: sum`) and supporting objectives leave
    them out; restricted objectives and KPIs of visible units stay, weighted 0, as formulas may use them.
    """
    units = {}
    for uid, unit in sc.units.items():
        if not seen.unit(audience, uid):
            continue
        objectives = tuple(
            o.model_copy(
                update={
                    "weight": o.weight if seen.objective(audience, uid, o.id) else 0.0,
                    "kpis": tuple(
                        k if seen.kpi(audience, uid, k.id) else k.model_copy(update={"weight": 0.0}) for k in o.kpis
                    ),
                }
            )
            for o in unit.objectives
        )
        units[uid] = unit.model_copy(update={"objectives": objectives})
    measures = tuple(m for m in sc.measures if m.unit in units)
    return dataclasses.replace(sc, units=units, measures=measures, commentary={})


# --- Checks and warnings -------------------------------------------------------------------


def unseen_warnings(sc: Scorecard) -> list[Problem]:
    """Warn about items no edition shows: their `restricted_to` shares no audience with what holds them."""
    if not sc.organization.audiences:
        return []
    seen, problems = visibility(sc), []
    for unit in sc.units.values():
        above = seen.units.get(unit.parent) if unit.parent else None
        items = [(sc.where(unit.id, "restricted"), f"unit '{unit.id}'", seen.units[unit.id], above)]
        for obj in unit.objectives:
            obj_seen = seen.objectives[(unit.id, obj.id)]
            items.append(
                (sc.where(unit.id, obj.id), f"objective '{obj.id}' of unit '{unit.id}'", obj_seen, seen.units[unit.id])
            )
            items += [
                (
                    sc.where(unit.id, "kpi", k.id),
                    f"kpi '{k.id}' of unit '{unit.id}'",
                    seen.kpis[(unit.id, k.id)],
                    obj_seen,
                )
                for k in obj.kpis
            ]
        items += [
            (
                sc.where(unit.id),
                f"initiative '{i.id}' of unit '{unit.id}'",
                seen.initiatives[(unit.id, i.id)],
                seen.units[unit.id],
            )
            for i in unit.initiatives
        ]
        problems += [  # only where the last audience goes: what such an item holds is in no edition either
            Problem(
                where,
                f"{what} is in no edition: its `restricted_to` shares no audience with what holds it "
                "(restrictions narrow down the tree)",
                "warning",
            )
            for where, what, audiences, outer in items
            if audiences is not None and not audiences and (outer is None or outer)
        ]
    return problems


def lone_restricted_warnings(report: Report) -> list[Problem]:
    """Warn where a score or value an audience sees is made of exactly one item restricted from it."""
    sc = report.scorecard
    if not sc.organization.audiences:
        return []
    counted = sc.organization.rollup_restricted  # else restricted items weigh nothing in scores and roll-ups
    seen = visibility(sc)
    problems = []
    for audience in audience_ids(sc):
        for unit in sc.units.values():
            if not seen.unit(audience, unit.id):
                continue
            problems += _lone_in_unit(report, seen, audience, unit) if counted else []
            problems += _revealing_values(report, seen, audience, unit, counted)
    return problems


def _revealing_values(report: Report, seen: Visibility, audience: str, unit: Unit, counted: bool) -> list[Problem]:
    """Warn where a visible KPI's value is made of one restricted part: the visible parts give it away.

    A roll-up shows its visible children beside the total, and a formula shows its other inputs, so
    the one restricted part is the difference (or the inverse) of what the edition shows.
    """
    sc, problems = report.scorecard, []
    for obj in unit.objectives:
        for kpi in obj.kpis:
            if not seen.kpi(audience, unit.id, kpi.id):
                continue
            if kpi.rollup and counted:
                fix = "set `rollup_restricted: false` in organization.yaml, or restrict this KPI too"
                hidden = [
                    f"unit '{c.id}'"
                    for c in sc.children(unit.id)
                    if any(k.id == kpi.id for o in c.objectives for k in o.kpis)
                    and not seen.kpi(audience, c.id, kpi.id)
                ]
            elif kpi.formula:
                names = parse_formula(kpi.formula).names
                fix = "restrict this KPI too, or compute it without the restricted input"
                hidden = [f"kpi '{n}'" for n in sorted(names) if not seen.kpi(audience, unit.id, n)]
            else:
                continue
            if len(hidden) == 1:
                what = f"kpi '{kpi.id}' of unit '{unit.id}'"
                problems.append(_reveals(sc.where(unit.id, "kpi", kpi.id), what, hidden[0], audience, fix))
    return problems


def _reveals(where: Location, what: str, item: str, audience: str, fix: str) -> Problem:
    return Problem(
        where,
        f"{what}: its value in the '{audience}' edition includes one item restricted from it ({item}), and the "
        f"edition shows the other parts, so the value reveals it ({fix})",
        "warning",
    )


def _lone_in_unit(report: Report, seen: Visibility, audience: str, unit: Unit) -> list[Problem]:
    sc, current, problems = report.scorecard, report.current, []
    for obj in unit.objectives:
        if not seen.objective(audience, unit.id, obj.id):
            continue
        parts = [
            (f"kpi '{k.id}'", seen.kpi(audience, unit.id, k.id))
            for k in obj.kpis
            if current.kpis[(unit.id, k.id)].score is not None and k.weight > 0
        ]
        if obj.include_supporting:
            parts += [
                (f"objective '{u}/{o}'", seen.objective(audience, u, o))
                for u, o in report.supporters.get((unit.id, obj.id), [])
                if current.objectives[(u, o)].score is not None and _weight(sc, u, o) > 0
            ]
        if len(parts) == 1 and not parts[0][1]:
            problems.append(
                _lone(sc.where(unit.id, obj.id), f"objective '{obj.id}' of unit '{unit.id}'", parts[0][0], audience)
            )
    for persp in sc.perspectives(unit.id):
        members = [
            o
            for o in unit.objectives
            if o.perspective == persp.id and o.weight > 0 and current.objectives[(unit.id, o.id)].score is not None
        ]
        if len(members) == 1 and not seen.objective(audience, unit.id, members[0].id):
            what = f"perspective '{persp.id}' of unit '{unit.id}'"
            problems.append(_lone(sc.where(unit.id), what, f"objective '{members[0].id}'", audience))
    return problems


def _weight(sc: Scorecard, unit_id: str, objective_id: str) -> float:
    return next((o.weight for o in sc.units[unit_id].objectives if o.id == objective_id), 0.0)


def _lone(where: Location, what: str, item: str, audience: str) -> Problem:
    return Problem(
        where,
        f"{what}: its score in the '{audience}' edition comes from one item restricted from it ({item}), "
        "so the score reveals it (add a visible item, or set `rollup_restricted: false` in organization.yaml)",
        "warning",
    )
