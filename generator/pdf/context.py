"""Build a board pack's template context from the report and the display layer: pure, no I/O, no clock."""

from __future__ import annotations

import datetime as dt
import re

from generator.charts import TrendChart, trend_chart
from generator.model import Commentary, Kpi, Unit
from generator.pdf.views import (
    ChildView,
    DataRow,
    DataTable,
    MapLink,
    Note,
    ObjectiveView,
    Pack,
    PerspectiveView,
    Summary,
)
from generator.periods import Period
from generator.present import (
    DASH,
    TREND_LEGEND,
    ChangeDisplay,
    KpiDisplay,
    RestatementDisplay,
    StatusView,
    by_move,
    change_display,
    edition_name,
    format_date,
    format_number,
    format_target,
    initiative_display,
    kpi_display,
    label_of,
    late_note,
    less_often_note,
    not_applicable_legend,
    objective_status,
    own_kpi_rules,
    own_unit_rule,
    period_end,
    period_label,
    period_words,
    perspective_status,
    recent,
    restatement_displays,
    rule_differs,
    short_label_of,
    status_counts,
    status_view,
    strategy_map,
    unexplained_by_owner,
    unit_rule,
    unit_status,
    units_below,
)
from generator.results import Change, Report, Status, as_number
from generator.usertext import render_markdown

_EXCEPTION_ORDER = {Status.RED: 0, Status.AMBER: 1}


def build_pack(report: Report, unit_id: str, depth: int, produced: dt.date) -> Pack:
    """Return the context of one unit's pack, with children's summaries down to `depth` levels."""
    sc = report.scorecard
    unit = sc.units[unit_id]
    kpis = unit_kpis(report, unit)
    perspectives = build_perspectives(report, unit, kpis)
    objectives = [o for p in perspectives for o in p.objectives]
    return Pack(
        organisation=sc.organization.name,
        unit_id=unit.id,
        unit_name=unit.name,
        unit_owner=unit.owner,
        mission=render_markdown(unit.mission),
        period=str(report.period),
        period_label=period_label(report),
        data_date=format_date(period_end(report)),
        produced=format_date(produced),
        summary=build_summary(report, unit),
        exceptions=exceptions(kpis),
        objective_exceptions=objective_exceptions(objectives),
        no_data=tuple(k for k in kpis if k.status.status is Status.NO_DATA),
        perspectives=perspectives,
        map_links=map_links(unit),
        strategy_map=strategy_map(report, unit, lambda objective_id: f"#obj-{objective_id}"),
        charted=tuple(k for k in kpis if k.has_chart),
        initiatives=tuple(
            initiative_display(unit, i, period_end(report), sc.organization.currency) for i in unit.initiatives
        ),
        children=build_children(report, unit, depth),
        periods=tuple(short_label_of(report, p) for p in recent(report, list(report.periods))),
        words=period_words(report),
        tables=build_tables(report, unit),
        less_often=less_often_note(report, [k for o in unit.objectives for k in o.kpis]),
        charts=chart_specs(report, unit),
        notes=kpi_notes(report, unit),
        objectives={k.key: o for o in objectives for k in o.kpis},
        trend_legend=TREND_LEGEND,
        edition=edition_name(report),
        rule=unit_rule(report, unit.id),
        rule_differs=rule_differs(report, unit.id),
        own_rules=own_kpi_rules(report, unit.id),
        late=late_note(report, unit.id),
        below=units_below(report, unit.id),
        scores=sc.scores(unit.id),
        not_applicable=not_applicable_legend(report),
        stretched=any(k.stretch for k in kpis),
        projected_misses=tuple(k for k in kpis if k.forecast is not None and k.forecast.misses),
        unexplained=unexplained_by_owner(report, set(sc.subtree(unit.id))),
        restatements=pack_restatements(report, unit, depth),
    )


def pack_restatements(report: Report, unit: Unit, depth: int) -> tuple[RestatementDisplay, ...]:
    """Return the restatements of earlier published periods in the unit and the children the pack shows."""
    units = {unit.id} | {c.id for c in _below(report, unit, depth)}
    return tuple(
        d
        for d in restatement_displays(report)
        if d.restatement.unit in units and d.restatement.period != str(report.period)
    )


# --- KPIs ----------------------------------------------------------------------------------


def unit_kpis(report: Report, unit: Unit) -> list[KpiDisplay]:
    """Return the unit's KPIs of the period in scorecard order."""
    return [kpi_display(report, unit.id, kpi) for obj in unit.objectives for kpi in obj.kpis]


def exceptions(kpis: list[KpiDisplay]) -> tuple[KpiDisplay, ...]:
    """Return the red KPIs, then the amber ones, worst score first within each."""
    flagged = [k for k in kpis if k.status.status in _EXCEPTION_ORDER]
    return tuple(sorted(flagged, key=lambda k: (_EXCEPTION_ORDER[k.status.status], _score_key(k))))


def objective_exceptions(objectives: list[ObjectiveView]) -> tuple[ObjectiveView, ...]:
    """Return the red objectives, then the amber ones, worst score first within each."""
    flagged = [o for o in objectives if o.status.status in _EXCEPTION_ORDER]
    return tuple(sorted(flagged, key=lambda o: (_EXCEPTION_ORDER[o.status.status], _score(o.status))))


def _score_key(kpi: KpiDisplay) -> float:
    return _score(kpi.status) if kpi.status.scored else 0.0


def _score(status: StatusView) -> float:
    return float(status.score) if status.scored and status.score != DASH else 0.0


# --- Commentary ----------------------------------------------------------------------------


def _note(commentary: Commentary | None, kind: str, target: str = "") -> Note | None:
    section = commentary.about(kind, target) if commentary else None
    if section is None or not (section.analysis or section.actions or section.body):
        return None
    analysis = section.analysis or section.body
    return Note(render_markdown(analysis), render_markdown(section.actions), commentary.author if commentary else "")


def kpi_notes(report: Report, unit: Unit) -> dict[str, Note]:
    """Return the period's commentary about each of the unit's KPIs, by KPI key."""
    commentary = report.scorecard.commentary.get((unit.id, report.period))
    notes = {f"{unit.id}/{k.id}": _note(commentary, "kpi", k.id) for o in unit.objectives for k in o.kpis}
    return {key: note for key, note in notes.items() if note is not None}


# --- Summary -------------------------------------------------------------------------------


def build_summary(report: Report, unit: Unit) -> Summary:
    """Return the executive summary: ratings, counts and what changed since the previous period."""
    result = report.current.units[unit.id]
    previous = report.previous.units[unit.id] if report.previous else None
    below = units_below(report, unit.id)  # a unit that only groups units counts theirs, changes too
    changes = report.changes_in(report.scorecard.subtree(unit.id) if below else [unit.id])
    highlighted = {id(c) for c in changes.new_reds + changes.recoveries}
    counts = below.counts if below else status_counts(result.counts)
    return Summary(
        overall=unit_status(report, unit.id),
        perspectives=perspective_ratings(report, unit.id),
        counts=counts,
        total_kpis=sum(c.count for c in counts),
        previous_period=label_of(report, report.period.previous()),
        # where scores are off there is no earlier composite to compare with
        previous_overall=status_view(previous.status, previous.score)
        if previous and report.scorecard.scores(unit.id)
        else None,
        new_reds=tuple(_change(report, c) for c in changes.new_reds),
        recoveries=tuple(_change(report, c) for c in changes.recoveries),
        other_changes=tuple(_change(report, c) for c in by_move(changes.status_changes) if id(c) not in highlighted),
        note=_note(report.scorecard.commentary.get((unit.id, report.period)), "unit"),
    )


def _change(report: Report, change: Change) -> ChangeDisplay:
    sc = report.scorecard
    return change_display(change, sc.units[change.unit].name, sc.scores(change.unit))


def perspective_ratings(report: Report, unit_id: str) -> tuple[tuple[str, StatusView], ...]:
    """Return the name and status of each perspective the unit uses (as the site's tiles: no empty 'No data' rows)."""
    sc = report.scorecard
    used = {o.perspective for o in sc.units[unit_id].objectives}
    return tuple((p.name, perspective_status(report, unit_id, p.id)) for p in sc.perspectives(unit_id) if p.id in used)


# --- Scorecard and strategy map ------------------------------------------------------------


def build_perspectives(report: Report, unit: Unit, kpis: list[KpiDisplay]) -> tuple[PerspectiveView, ...]:
    """Return perspective -> objective -> KPI, in the unit's perspective order (perspectives it uses)."""
    by_key = {k.key: k for k in kpis}
    commentary = report.scorecard.commentary.get((unit.id, report.period))
    views = []
    for persp in report.scorecard.perspectives(unit.id):
        objectives = tuple(
            ObjectiveView(
                id=o.id,
                name=o.name,
                owner=o.owner,
                perspective=persp.name,
                status=objective_status(report, unit.id, o.id),
                kpis=tuple(by_key[f"{unit.id}/{k.id}"] for k in o.kpis),
                note=_note(commentary, "objective", o.id),
            )
            for o in unit.objectives
            if o.perspective == persp.id
        )
        if objectives:  # as on the site: a perspective the unit does not use is left out, not "No data"
            status = perspective_status(report, unit.id, persp.id)
            views.append(PerspectiveView(persp.id, persp.name, persp.description, status, objectives))
    return tuple(views)


def map_links(unit: Unit) -> tuple[MapLink, ...]:
    """Return the unit's cause-and-effect links between objectives, by name."""
    names = {o.id: o.name for o in unit.objectives}
    return tuple(MapLink(o.name, names[d]) for o in unit.objectives for d in o.drives if d in names)


# --- Charts --------------------------------------------------------------------------------


def chart_specs(report: Report, unit: Unit) -> dict[str, TrendChart]:
    """Return a trend chart per KPI with numbers: recent periods, bands, and the year-end forecast if any."""
    specs = {}
    for obj in unit.objectives:
        for kpi in obj.kpis:
            history = recent(report, report.kpi_history(unit.id, kpi.id))
            if any(as_number(h.actual) is not None for h in history):
                forecast = report.current.kpis[(unit.id, kpi.id)].forecast
                labels = [axis_label(report, r.period) for r in history]
                ahead = [axis_label(report, p) for p, _, _ in forecast.path] if forecast else []
                specs[f"{unit.id}/{kpi.id}"] = trend_chart(kpi, history, labels, forecast, ahead)
    return specs


def axis_label(report: Report, period: Period) -> str:
    """Return a period's label on a print chart's axis, on two short lines: 'Q3\nFY26'.

    A chart 84 mm wide holds 13 months (21 px each) of 9 px text: 'FY2026' (38 px) would crowd its
    neighbours, so the year keeps its last two digits ('FY26', "Sep\n'26").
    """
    words = short_label_of(report, period).split(" ", 1)
    if len(words) == 1:
        return words[0]  # 'FY2022': annual windows are short enough for the whole year
    first, year = words
    return f"{first}\n{_YEAR.sub(_two_digits, year)}"


_YEAR = re.compile(r"^(FY)?\d\d(\d\d)$")


def _two_digits(year: re.Match[str]) -> str:
    return (year[1] or "'") + year[2]  # FY2026 -> FY26, 2026 -> '26


# --- Children ------------------------------------------------------------------------------


def build_children(report: Report, unit: Unit, depth: int) -> tuple[ChildView, ...]:
    """Return summaries of the unit's descendants down to `depth` levels, in tree order."""
    sc, base = report.scorecard, report.scorecard.depth(unit.id)
    return tuple(child_view(report, child, sc.depth(child.id) - base, unit) for child in _below(report, unit, depth))


def _below(report: Report, unit: Unit, depth: int) -> list[Unit]:
    sc, base = report.scorecard, report.scorecard.depth(unit.id)
    return [
        u for u in sc.units.values() if unit.id in {a.id for a in sc.ancestors(u.id)} and sc.depth(u.id) - base <= depth
    ]


def child_view(report: Report, child: Unit, level: int, top: Unit) -> ChildView:
    """Return one child unit's summary: ratings, counts, exceptions and commentary."""
    sc = report.scorecard
    result = report.current.units[child.id]
    lineage = [a.name for a in reversed(sc.ancestors(child.id))]
    start = lineage.index(top.name) if top.name in lineage else 0
    return ChildView(
        anchor=f"unit-{child.id}",
        name=child.name,
        path=" › ".join([*lineage[start:], child.name]),
        level=level,
        owner=child.owner,
        overall=unit_status(report, child.id),
        perspectives=perspective_ratings(report, child.id),
        counts=status_counts(result.counts),
        exceptions=exceptions(unit_kpis(report, child)),
        note=_note(sc.commentary.get((child.id, report.period)), "unit"),
        rule=own_unit_rule(report, child.id),
        late=late_note(report, child.id),
    )


# --- Appendix ------------------------------------------------------------------------------


def build_tables(report: Report, unit: Unit) -> tuple[DataTable, ...]:
    """Return one table per perspective: each KPI's values over the recent periods."""
    sc, periods = report.scorecard, recent(report, list(report.periods))
    tables = []
    for persp in sc.perspectives(unit.id):
        rows = tuple(
            DataRow(
                name=kpi.name,
                unit_of_measure=kpi.unit,
                target=_plain_target(kpi, report.current.kpis[(unit.id, kpi.id)].target),
                values=tuple(_plain(kpi, report.reported_in(p, (unit.id, kpi.id)).actual) for p in periods),
            )
            for obj in unit.objectives
            if obj.perspective == persp.id
            for kpi in obj.kpis
        )
        if rows:
            tables.append(DataTable(persp.name, rows))
    return tuple(tables)


def _plain(kpi: Kpi, value: float | str | None) -> str:
    # The unit of measure has its own column, so columns of numbers stay narrow and aligned.
    return value if isinstance(value, str) else format_number(value, kpi.decimals)


def _plain_target(kpi: Kpi, target: float | tuple[float, float] | None) -> str:
    return format_target(kpi.model_copy(update={"unit": ""}), target)
