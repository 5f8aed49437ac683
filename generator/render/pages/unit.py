"""A unit's overview page: status, scorecard table, children heatmap, initiatives, commentary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.charts import heatmap_figure
from generator.model import Objective, Scorecard, Unit
from generator.present import (
    MISS_HEADING,
    STATUS_ICONS,
    format_score,
    format_value,
    late_note,
    own_unit_rule,
    perspective_status,
    projected_misses,
    status_counts,
    unit_status,
    units_below,
)
from generator.render.context import Context, below_context, objective_link, render_template, unit_link
from generator.render.paths import details_page, link, map_page, slug, unit_page
from generator.render.sections import changes_view, comment_views, kpi_row, timeline_view
from generator.render.text import figure_attribute, plotly_label
from generator.render.views import Heatmap, HeatRow, ObjectiveRow, Page, PerspectiveBlock


def render_unit(ctx: Context, unit: Unit) -> Page:
    """Render a unit's page: status, scorecard, children, initiatives, commentary, changes."""
    path = unit_page(unit.id)
    result = ctx.report.current.units[unit.id]
    children = ctx.sc.children(unit.id)
    text = render_template(
        ctx.options,
        "unit.md",
        site=ctx.site,
        unit=unit,
        status=unit_status(ctx.report, unit.id),
        counts=status_counts(result.counts),
        ancestors=[unit_link(ctx, path, a.id) for a in reversed(ctx.sc.ancestors(unit.id))],
        children=[unit_link(ctx, path, c.id) for c in children],
        perspectives=_scorecard(ctx, path, unit),
        # colours are scores: without any, or for a unit that only groups units (its comparison shows them), none
        heatmap=_heatmap(ctx, path, unit, children) if _has_heatmap(ctx, unit, children) else None,
        timeline=timeline_view(ctx, path, unit),
        comments=comment_views(ctx, unit, None),
        changes=changes_view(ctx, path, _subtree(ctx.sc, unit.id), limit=8),
        links=_unit_links(ctx, path, unit),
        rule=own_unit_rule(ctx.report, unit.id),
        late=late_note(ctx.report, unit.id),
        **below_context(ctx, path, unit.id),
        misses=[
            (m, link(path, details_page(unit.id), f"kpi-{slug(m.kpi)}"))
            for m in projected_misses(ctx.report, [unit.id])
        ],
        miss_heading=MISS_HEADING,
    )
    return Page(path, unit.name, text)


def _has_heatmap(ctx: Context, unit: Unit, children: Sequence[Unit]) -> bool:
    return any(ctx.sc.scores(c.id) for c in children) and units_below(ctx.report, unit.id) is None


def _unit_links(ctx: Context, path: str, unit: Unit) -> dict[str, str]:
    links = {
        "details": link(path, details_page(unit.id)),
        "map": link(path, map_page(unit.id)),
        "changes": link(path, "changes.md"),
    }
    if ctx.options.packs:
        links["pack"] = link(path, f"packs/{ctx.site.period}-{slug(unit.id)}.pdf")
    return links


def _subtree(sc: Scorecard, unit_id: str) -> list[str]:
    ids = [unit_id]
    for child in sc.children(unit_id):
        ids += _subtree(sc, child.id)
    return ids


def _scorecard(ctx: Context, source: str, unit: Unit) -> list[PerspectiveBlock]:
    blocks = []
    for p in ctx.sc.perspectives(unit.id):
        objectives = tuple(_objective_row(ctx, source, unit.id, o) for o in unit.objectives if o.perspective == p.id)
        if objectives:
            blocks.append(
                PerspectiveBlock(p.name, p.description, perspective_status(ctx.report, unit.id, p.id), objectives)
            )
    return blocks


def _objective_row(ctx: Context, source: str, unit_id: str, objective: Objective) -> ObjectiveRow:
    head = objective_link(ctx, source, unit_id, objective.id)
    kpis = tuple(kpi_row(ctx, source, unit_id, k) for k in objective.kpis)
    return ObjectiveRow(head.name, head.href, head.status, objective.owner, kpis)


def _heatmap(ctx: Context, source: str, unit: Unit, children: Sequence[Unit]) -> Heatmap | None:
    """Compare children KPI by KPI when they share a template, else perspective by perspective."""
    if not children:
        return None
    ranked = sorted(children, key=lambda c: -(ctx.report.current.units[c.id].score or -1.0))
    templates = {c.template for c in children}
    if len(children) > 1 and len(templates) == 1 and None not in templates:
        return _kpi_heatmap(ctx, source, ranked)
    return _perspective_heatmap(ctx, source, unit, ranked)


def _kpi_heatmap(ctx: Context, source: str, units: Sequence[Unit]) -> Heatmap:
    first = [k for o in units[0].objectives for k in o.kpis]
    shared = [k for k in first if all((u.id, k.id) in ctx.sc.kpi_index() for u in units)]
    cells = [[ctx.report.current.kpis[(u.id, k.id)] for k in shared] for u in units]
    texts = [
        [f"{format_value(ctx.sc.kpi(r.unit, r.kpi), r.actual)} {STATUS_ICONS[r.status]}" for r in row] for row in cells
    ]
    name = ctx.sc.templates[units[0].template or ""].name
    caption = (
        f"Units sharing one scorecard ({name}), ranked by overall score; each cell shows the KPI's value and status."
    )
    return _heatmap_view(ctx, source, units, [k.name for k in shared], cells, texts, caption)


def _perspective_heatmap(ctx: Context, source: str, unit: Unit, units: Sequence[Unit]) -> Heatmap:
    names = [p.name for p in ctx.sc.perspectives(unit.id)]
    results = ctx.report.current.perspectives
    cells = [[results[(u.id, p.id)] for p in ctx.sc.perspectives(u.id)][: len(names)] for u in units]
    texts = [[f"{format_score(r.score)} {STATUS_ICONS[r.status]}" for r in row] for row in cells]
    caption = (
        "Units below, ranked by overall score; each cell shows the perspective score (0-10). "
        "Units with their own perspectives are compared by position, top to bottom."
    )
    return _heatmap_view(ctx, source, units, names, cells, texts, caption)


def _heatmap_view(
    ctx: Context,
    source: str,
    units: Sequence[Unit],
    columns: Sequence[str],
    cells: Sequence[Sequence[Any]],
    texts: Sequence[Sequence[str]],
    caption: str,
) -> Heatmap:
    scores = [[c.score for c in row] for row in cells]
    figure = heatmap_figure(
        [plotly_label(u.name) for u in units],
        [plotly_label(c) for c in columns],
        scores,
        [[plotly_label(t) for t in row] for row in texts],
    )
    rows = tuple(
        HeatRow(
            u.name,
            link(source, unit_page(u.id)),
            unit_link(ctx, source, u.id).status,
            tuple(f"{t} {c.status.label}" for t, c in zip(text, row, strict=True)),
        )
        for u, row, text in zip(units, cells, texts, strict=True)
    )
    return Heatmap(caption, figure_attribute(figure), tuple(columns), rows)
