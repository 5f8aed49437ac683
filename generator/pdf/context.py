"""Build a board pack's template context from the computed report: pure, no I/O, no clock."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from generator.charts import trend_figure
from generator.compute import compute_changes
from generator.formatting import (
    DASH,
    STATUS_ICONS,
    TREND_ARROWS,
    TREND_WORDS,
    format_number,
    format_score,
    format_target,
    format_value,
    kpi_status_rule,
    manual_reason,
    status_rule,
)
from generator.model import Commentary, Initiative, Kpi, Scorecard, Unit
from generator.pdf.views import (
    ChangeView,
    ChildView,
    Count,
    DataRow,
    DataTable,
    InitiativeView,
    KpiView,
    MapLink,
    MilestoneView,
    Note,
    ObjectiveView,
    Pack,
    PerspectiveView,
    Rating,
    Summary,
)
from generator.periods import quarter_months
from generator.results import Change, KpiResult, Report, Status, as_number
from generator.strategymap import MapObjective, StrategyMap, layout_strategy_map
from generator.usertext import render_markdown

HISTORY_QUARTERS = 8  # quarters in charts and appendix tables: two years fit a portrait page
CHART_SIZE = {"width": 330, "height": 180}  # px, drawn at print size so chart text stays legible
_COUNTED = (Status.GREEN, Status.AMBER, Status.RED, Status.NO_DATA, Status.NOT_RATED)
_EXCEPTION_ORDER = {Status.RED: 0, Status.AMBER: 1}
_LEVELS = {"unit": "Unit", "objective": "Objective", "kpi": "KPI"}


def build_pack(report: Report, unit_id: str, depth: int, produced: dt.date) -> Pack:
    """Return the context of one unit's pack, with children's summaries down to `depth` levels."""
    sc = report.scorecard
    unit = sc.units[unit_id]
    kpis = unit_kpis(report, unit)
    return Pack(
        organisation=sc.organization.name,
        unit_id=unit.id,
        unit_name=unit.name,
        unit_owner=unit.owner,
        mission=render_markdown(unit.mission),
        period=str(report.period),
        period_label=report.period.label(sc.organization.fiscal_year_start),
        data_date=data_date(report),
        produced=f"{produced:%d %B %Y}",
        summary=build_summary(report, unit),
        exceptions=exceptions(kpis),
        no_data=tuple(k for k in kpis if k.rating.status is Status.NO_DATA),
        perspectives=build_perspectives(report, unit, kpis),
        map_links=map_links(unit),
        strategy_map=strategy_map(report, unit),
        charted=tuple(k for k in kpis if k.has_chart),
        initiatives=tuple(build_initiative(sc, unit, i, report) for i in unit.initiatives),
        children=build_children(report, unit, depth),
        quarters=tuple(str(p) for p in _recent(report.periods)),
        tables=build_tables(report, unit),
        charts=chart_specs(report, unit),
        rule=status_rule(sc.status_bands(unit.id)),
        rule_differs=sc.status_bands(unit.id) != sc.organization.status_bands,
        own_rules=own_rules(report, unit),
    )


def own_rules(report: Report, unit: Unit) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return each status rule other than the unit's, in words, with the names of the KPIs rated by it."""
    general = status_rule(report.scorecard.status_bands(unit.id))
    names: dict[str, list[str]] = {}
    for kpi in (k for o in unit.objectives for k in o.kpis):
        rule = kpi_status_rule(kpi, report.current.kpis[(unit.id, kpi.id)])
        if rule and rule != general:
            names.setdefault(rule, []).append(kpi.name)
    return tuple((rule, tuple(kpis)) for rule, kpis in names.items())


def data_date(report: Report) -> str:
    """Return the last day of the reporting quarter, e.g. '30 September 2026'."""
    return f"{_quarter_end(report):%d %B %Y}"


def rating(status: Status, score: float | None, manual: str = "") -> Rating:
    """Return a status with its icon, word and formatted score; `manual`: why it was set by hand."""
    return Rating(status, STATUS_ICONS[status], status.label, format_score(score), manual)


# --- KPIs ----------------------------------------------------------------------------------


def unit_kpis(report: Report, unit: Unit) -> list[KpiView]:
    """Return the unit's KPIs of the period in scorecard order."""
    note = report.scorecard.commentary.get((unit.id, report.period))
    return [kpi_view(report, unit, obj.name, obj.perspective, kpi, note) for obj in unit.objectives for kpi in obj.kpis]


def kpi_view(
    report: Report, unit: Unit, objective: str, perspective: str, kpi: Kpi, note: Commentary | None
) -> KpiView:
    """Return one KPI formatted with the shared formatting rules."""
    r = report.current.kpis[(unit.id, kpi.id)]
    names = {p.id: p.name for p in report.scorecard.perspectives(unit.id)}
    return KpiView(
        key=f"{unit.id}/{kpi.id}",
        name=kpi.name,
        objective=objective,
        perspective=names.get(perspective, perspective),
        owner=kpi.owner,
        rating=rating(r.status, r.score, manual_reason(r)),
        actual=format_value(kpi, r.actual),
        target=format_target(kpi, r.target),
        red_flag=format_target(kpi, r.red_flag),
        ytd=format_value(kpi, r.ytd),
        trend=f"{TREND_ARROWS[r.trend]} {TREND_WORDS[r.trend]}".strip() or DASH,
        stale=f"latest value {r.latest_period}" if r.stale and r.latest_period else "",
        latest=f"{format_value(kpi, r.latest_value)} in {r.latest_period}" if r.latest_period else "none",
        unit_of_measure=kpi.unit,
        has_chart=_has_numbers(report.kpi_history(unit.id, kpi.id)),
        note=_note(note, "kpi", kpi.id),
    )


def exceptions(kpis: list[KpiView]) -> tuple[KpiView, ...]:
    """Return the red KPIs, then the amber ones, worst score first within each."""
    flagged = [k for k in kpis if k.rating.status in _EXCEPTION_ORDER]
    return tuple(sorted(flagged, key=lambda k: (_EXCEPTION_ORDER[k.rating.status], _score_key(k))))


def _score_key(kpi: KpiView) -> float:
    return float(kpi.rating.score) if kpi.rating.score != DASH else 0.0


def _has_numbers(history: list[KpiResult]) -> bool:
    return any(as_number(r.actual) is not None for r in _recent(history))


def _recent(items: Any) -> Any:
    return items[-HISTORY_QUARTERS:]


# --- Commentary ----------------------------------------------------------------------------


def _note(commentary: Commentary | None, kind: str, target: str = "") -> Note | None:
    section = commentary.about(kind, target) if commentary else None
    if section is None or not (section.analysis or section.actions or section.body):
        return None
    analysis = section.analysis or section.body
    return Note(render_markdown(analysis), render_markdown(section.actions), commentary.author if commentary else "")


# --- Summary -------------------------------------------------------------------------------


def build_summary(report: Report, unit: Unit) -> Summary:
    """Return the executive summary: ratings, counts and what changed since last quarter."""
    result = report.current.units[unit.id]
    previous = report.previous.units[unit.id] if report.previous else None
    changes = compute_changes(report, [unit.id])
    highlighted = {id(c) for c in changes.new_reds + changes.recoveries}
    return Summary(
        overall=rating(result.status, result.score),
        perspectives=perspective_ratings(report, unit.id),
        counts=counts(result.counts),
        total_kpis=sum(result.counts.values()),
        previous_period=str(report.period.previous()),
        previous_overall=rating(previous.status, previous.score) if previous else None,
        new_reds=tuple(change_view(c) for c in changes.new_reds),
        recoveries=tuple(change_view(c) for c in changes.recoveries),
        other_changes=tuple(change_view(c) for c in _by_move(changes.status_changes) if id(c) not in highlighted),
        note=_note(report.scorecard.commentary.get((unit.id, report.period)), "unit"),
    )


def _by_move(changes: tuple[Change, ...]) -> list[Change]:
    return sorted(changes, key=lambda c: -abs(c.score_delta or 0))


def perspective_ratings(report: Report, unit_id: str) -> tuple[tuple[str, Rating], ...]:
    """Return each perspective's name and rating."""
    results = report.current.perspectives
    return tuple(
        (p.name, rating(results[(unit_id, p.id)].status, results[(unit_id, p.id)].score))
        for p in report.scorecard.perspectives(unit_id)
    )


def counts(by_status: dict[Status, int]) -> tuple[Count, ...]:
    """Return the KPI counts per status; not-rated only when there are any."""
    shown = [s for s in _COUNTED if s is not Status.NOT_RATED or by_status.get(s)]
    return tuple(Count(rating(s, None), by_status.get(s, 0)) for s in shown)


def change_view(change: Change) -> ChangeView:
    """Return a status change formatted for the summary."""
    delta = change.score_delta
    return ChangeView(
        level=_LEVELS.get(change.level, change.level),
        name=change.name,
        before=rating(change.before, change.score_before),
        after=rating(change.after, change.score_after),
        delta=DASH if delta is None else f"{delta:+.1f}",
    )


# --- Scorecard and strategy map ------------------------------------------------------------


def build_perspectives(report: Report, unit: Unit, kpis: list[KpiView]) -> tuple[PerspectiveView, ...]:
    """Return perspective -> objective -> KPI, in the unit's perspective order."""
    by_key = {k.key: k for k in kpis}
    views = []
    for persp in report.scorecard.perspectives(unit.id):
        p = report.current.perspectives[(unit.id, persp.id)]
        objectives = tuple(
            ObjectiveView(
                id=o.id,
                name=o.name,
                owner=o.owner,
                rating=_objective_rating(report, unit.id, o.id),
                kpis=tuple(by_key[f"{unit.id}/{k.id}"] for k in o.kpis),
            )
            for o in unit.objectives
            if o.perspective == persp.id
        )
        views.append(PerspectiveView(persp.id, persp.name, persp.description, rating(p.status, p.score), objectives))
    return tuple(views)


def _objective_rating(report: Report, unit_id: str, objective_id: str) -> Rating:
    result = report.current.objectives[(unit_id, objective_id)]
    return rating(result.status, result.score)


def map_links(unit: Unit) -> tuple[MapLink, ...]:
    """Return the unit's cause-and-effect links between objectives, by name."""
    names = {o.id: o.name for o in unit.objectives}
    return tuple(MapLink(o.name, names[d]) for o in unit.objectives for d in o.drives if d in names)


def strategy_map(report: Report, unit: Unit) -> StrategyMap:
    """Return the site's strategy map layout; boxes link to the objective in the pack's scorecard."""
    objectives = []
    for o in unit.objectives:
        r = rating(report.current.objectives[(unit.id, o.id)].status, report.current.objectives[(unit.id, o.id)].score)
        objectives.append(
            MapObjective(o.id, o.name, o.perspective, o.drives, r.status.value, f"{r.icon} {r.word}", r.score)
        )
    perspectives = [(p.id, p.name) for p in report.scorecard.perspectives(unit.id)]
    return layout_strategy_map(perspectives, objectives, lambda objective_id: f"#obj-{objective_id}")


# --- Charts --------------------------------------------------------------------------------


def chart_specs(report: Report, unit: Unit) -> dict[str, dict[str, Any]]:
    """Return a trend chart spec per KPI with numbers, sized and styled for print."""
    specs = {}
    for obj in unit.objectives:
        for kpi in obj.kpis:
            history = _recent(report.kpi_history(unit.id, kpi.id))
            if _has_numbers(history):
                labels = [f"Q{r.period.quarter}<br>{r.period.year}" for r in history]  # upright, never clipped
                specs[f"{unit.id}/{kpi.id}"] = print_figure(trend_figure(kpi, history, labels))
    return specs


def print_figure(figure: dict[str, Any]) -> dict[str, Any]:
    """Return the figure with a fixed print size, the pack's font and a white background."""
    layout = {
        **figure["layout"],
        **CHART_SIZE,
        "font": {"family": "DejaVu Sans", "size": 10, "color": "#222"},
        "margin": {"l": 50, "r": 8, "t": 8, "b": 34},
        "legend": {"orientation": "h", "y": -0.3, "x": 0, "font": {"size": 9}},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "template": "none",
    }
    layout["xaxis"] = {**layout.get("xaxis", {}), "tickfont": {"size": 9}, "showgrid": False, "linecolor": "#888"}
    layout["yaxis"] = {**layout.get("yaxis", {}), "tickfont": {"size": 9}, "gridcolor": "#ddd", "linecolor": "#888"}
    return {"data": figure["data"], "layout": layout}


# --- Initiatives ---------------------------------------------------------------------------


def build_initiative(sc: Scorecard, unit: Unit, initiative: Initiative, report: Report) -> InitiativeView:
    """Return an initiative with budget use and milestone states as of the data date."""
    names = {o.id: o.name for o in unit.objectives}
    budget, spent = initiative.budget, initiative.spent
    share = spent / budget if budget and spent is not None else None
    as_of = _quarter_end(report)
    milestones = tuple(
        milestone_view(m.name, m.due, m.done, as_of) for m in sorted(initiative.milestones, key=lambda m: m.due)
    )
    return InitiativeView(
        name=initiative.name,
        owner=initiative.owner,
        description=initiative.description,
        objectives=", ".join(names.get(o, o) for o in initiative.objectives),
        dates=f"{_date(initiative.start)} to {_date(initiative.end)}",
        budget=format_number(budget, 0),
        spent=format_number(spent, 0),
        spent_share="" if share is None else f"{share:.0%}",
        spent_width=0.0 if share is None else min(share, 1.0) * 100,
        overspent=share is not None and share > 1,
        milestones=milestones,
        milestones_done=f"{sum(m.state == 'done' for m in milestones)} of {len(milestones)} done",
    )


def milestone_view(name: str, due: dt.date, done: bool, as_of: dt.date) -> MilestoneView:
    """Return a milestone as done, overdue (due by the data date, not done) or open."""
    state = "done" if done else "overdue" if due <= as_of else "open"
    words = {"done": "✓ Done", "overdue": "! Overdue", "open": "Due"}
    return MilestoneView(name, _date(due), state, words[state])


def _quarter_end(report: Report) -> dt.date:
    _, (year, month) = quarter_months(report.period, report.scorecard.organization.fiscal_year_start)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(day: dt.date | None) -> str:
    return DASH if day is None else f"{day:%d %b %Y}"


# --- Children ------------------------------------------------------------------------------


def build_children(report: Report, unit: Unit, depth: int) -> tuple[ChildView, ...]:
    """Return summaries of the unit's descendants down to `depth` levels, in tree order."""
    sc = report.scorecard
    base = sc.depth(unit.id)
    below = [
        u for u in sc.units.values() if unit.id in {a.id for a in sc.ancestors(u.id)} and sc.depth(u.id) - base <= depth
    ]
    return tuple(child_view(report, child, sc.depth(child.id) - base, unit) for child in below)


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
        overall=rating(result.status, result.score),
        perspectives=perspective_ratings(report, child.id),
        counts=counts(result.counts),
        exceptions=exceptions(unit_kpis(report, child)),
        note=_note(sc.commentary.get((child.id, report.period)), "unit"),
    )


# --- Appendix ------------------------------------------------------------------------------


def build_tables(report: Report, unit: Unit) -> tuple[DataTable, ...]:
    """Return one table per perspective: each KPI's values over the recent quarters."""
    sc, periods = report.scorecard, _recent(report.periods)
    tables = []
    for persp in sc.perspectives(unit.id):
        rows = tuple(
            DataRow(
                name=kpi.name,
                unit_of_measure=kpi.unit,
                target=_plain_target(kpi, report.current.kpis[(unit.id, kpi.id)].target),
                values=tuple(_plain(kpi, report.by_period[p].kpis[(unit.id, kpi.id)].actual) for p in periods),
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
