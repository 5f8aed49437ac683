"""A unit's details page: one section per objective and KPI, with charts and data tables."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator.charts import trend_figure
from generator.model import Kpi, Objective, Unit
from generator.present import (
    RestatementDisplay,
    StatusView,
    counting_words,
    csv_text,
    format_target,
    format_value,
    history_columns,
    is_reference,
    kpi_history_rows,
    kpi_status,
    label_of,
    objective_status,
    period_words,
    perspective_name,
    published_words,
    restated_values,
    short_label_of,
)
from generator.render.context import Context, kpi_link, objective_link, render_template
from generator.render.paths import details_page, link, map_page, slug, unit_page
from generator.render.sections import comment_views, kpi_row
from generator.render.text import figure_attribute
from generator.render.views import CommentView, KpiRow, Link, Page
from generator.results import KpiResult, as_number


@dataclass(frozen=True, slots=True)
class DataRow:
    """One period of a KPI's data table (the chart's text alternative)."""

    period: str
    actual: str
    target: str
    status: StatusView
    ytd: str
    note: str
    restated: str = ""  # e.g. "Published 71.2 (14 Oct 2026)" where today's value corrects it


@dataclass(frozen=True, slots=True)
class KpiDetail:
    """A KPI section: chart, data table, definition and commentary."""

    anchor: str
    kpi: Kpi
    row: KpiRow
    ytd: str
    polarity: str
    counted: str  # how its values make the cadence's periods
    red_flag: str
    figure: Markup
    table: tuple[DataRow, ...]  # the latest periods of the window, newest first
    periods: int  # periods in the CSV download (all of them)
    csv: str  # every period, oldest first, as CSV text
    rollup_from: tuple[Link, ...]
    comments: tuple[CommentView, ...]


@dataclass(frozen=True, slots=True)
class ObjectiveDetail:
    """An objective section: its KPIs, the cascade both ways, drivers, initiatives."""

    anchor: str
    objective: Objective
    perspective: str
    status: StatusView
    supports: tuple[Link, ...]
    supported_by: tuple[Link, ...]
    drives: tuple[Link, ...]
    driven_by: tuple[Link, ...]
    initiatives: tuple[str, ...]
    comments: tuple[CommentView, ...]
    kpis: tuple[KpiDetail, ...]


_POLARITY = {
    "higher": "Higher is better",
    "lower": "Lower is better",
    "range": "Best inside the target band",
    "none": "Reference measure: no better direction, never rated",
}


def render_details(ctx: Context, unit: Unit) -> Page:
    """Render a unit's objectives and KPIs in detail, one section each (anchors obj-<id>, kpi-<id>)."""
    path = details_page(unit.id)
    objectives = [_objective_detail(ctx, path, unit, o) for o in unit.objectives]
    text = render_template(
        ctx.options,
        "details.md",
        site=ctx.site,
        unit=unit,
        objectives=objectives,
        unit_href=link(path, unit_page(unit.id)),
        map_href=link(path, map_page(unit.id)),
    )
    return Page(path, f"{unit.name}: objectives and KPIs", text)


def _objective_detail(ctx: Context, path: str, unit: Unit, objective: Objective) -> ObjectiveDetail:
    perspective = perspective_name(ctx.report, unit.id, objective.perspective)
    supports = [tuple(ref.partition("/")[::2]) for ref in objective.supports]
    drivers = [o.id for o in unit.objectives if objective.id in o.drives]
    return ObjectiveDetail(
        f"obj-{slug(objective.id)}",
        objective,
        perspective,
        objective_status(ctx.report, unit.id, objective.id),
        tuple(objective_link(ctx, path, u, o) for u, o in supports if (u, o) in ctx.objectives),
        tuple(objective_link(ctx, path, u, o) for u, o in ctx.supporters.get((unit.id, objective.id), [])),
        tuple(objective_link(ctx, path, unit.id, o) for o in objective.drives),
        tuple(objective_link(ctx, path, unit.id, o) for o in drivers),
        tuple(i.name for i in unit.initiatives if objective.id in i.objectives),
        tuple(comment_views(ctx, unit, ("objective", objective.id))),
        tuple(_kpi_detail(ctx, path, unit, k) for k in objective.kpis),
    )


def _direction(kpi: Kpi) -> str:
    """Return what a KPI prefers: its polarity, or for levels their order (none: information only)."""
    if kpi.type == "categorical":
        return (
            "Information only, never rated"
            if is_reference(kpi)
            else "Levels, best first: " + ", ".join(level.name for level in kpi.levels or ())
        )
    return _POLARITY[kpi.polarity]


def _kpi_detail(ctx: Context, path: str, unit: Unit, kpi: Kpi) -> KpiDetail:
    history = ctx.report.kpi_history(unit.id, kpi.id)
    current = ctx.report.current.kpis[(unit.id, kpi.id)]
    labels = [short_label_of(ctx.report, r.period) for r in history]
    marks = {p: d for (u, k, p), d in ctx.restated.items() if (u, k) == (unit.id, kpi.id)}
    hover = {p: f" (published {d.published})" for p, d in marks.items()}
    drawn = any(as_number(h.actual) is not None for h in history)
    ahead = [short_label_of(ctx.report, p) for p, _, _ in current.forecast.path] if current.forecast else None
    figure = trend_figure(kpi, history, labels, current.forecast, hover, ahead) if drawn else {}
    children = [c for c in ctx.sc.children(unit.id) if (c.id, kpi.id) in ctx.sc.kpi_index()] if kpi.rollup else []
    scored = ctx.sc.scores(unit.id)
    return KpiDetail(
        f"kpi-{slug(kpi.id)}",
        kpi,
        kpi_row(ctx, path, unit.id, kpi),
        format_value(kpi, current.ytd),
        _direction(kpi),
        counting_words(ctx.report, kpi),
        format_target(kpi, current.red_flag),
        figure_attribute(figure) if figure else Markup(""),
        tuple(
            _data_row(ctx, kpi, r, scored, marks.get(str(r.period)))
            for r in reversed(history[-period_words(ctx.report).window :])
            if (unit.id, kpi.id) not in ctx.report.by_period[r.period].between  # a less frequent KPI: its reports
        ),
        len(history),
        csv_text(
            history_columns(ctx.report, scored),
            kpi_history_rows(kpi, history, restated_values(ctx.report), scored),
        ),
        tuple(kpi_link(ctx, path, c.id, kpi.id) for c in children),
        tuple(comment_views(ctx, unit, ("kpi", kpi.id))),
    )


def _data_row(ctx: Context, kpi: Kpi, r: KpiResult, scored: bool, restated: RestatementDisplay | None) -> DataRow:
    return DataRow(
        label_of(ctx.report, r.period),
        format_value(kpi, r.actual),
        format_target(kpi, r.target),
        kpi_status(r, kpi, scored),
        format_value(kpi, r.ytd),
        r.note,
        published_words(restated),
    )
