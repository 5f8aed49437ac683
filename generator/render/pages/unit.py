"""A unit's overview page: status, scorecard table, children heatmap, initiatives, commentary."""

from __future__ import annotations

from collections.abc import Sequence

from generator.charts import heatmap_figure
from generator.model import Objective, Unit
from generator.present import (
    MISS_HEADING,
    format_value,
    has_own_kpis,
    kpi_status,
    late_mark,
    late_note,
    own_unit_rule,
    perspective_status,
    projected_misses,
    status_counts,
    unit_status,
    units_below,
)
from generator.render.context import Context, below_context, objective_link, render_template, unit_link
from generator.render.paths import HOW_TO_READ, details_page, link, map_page, slug, unit_page
from generator.render.sections import (
    changes_view,
    comment_views,
    kpi_row,
    perspective_anchor,
    timeline_view,
    unit_tiles,
)
from generator.render.text import figure_attribute, plotly_label
from generator.render.views import HeatCell, Heatmap, HeatRow, ObjectiveRow, Page, PerspectiveBlock


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
        tiles=unit_tiles(ctx, path, unit.id),
        counts=status_counts(result.counts),
        ancestors=[unit_link(ctx, path, a.id) for a in reversed(ctx.sc.ancestors(unit.id))],
        children=[unit_link(ctx, path, c.id) for c in children],
        perspectives=_scorecard(ctx, path, unit),
        # colours are scores: without any, or for a unit that only groups units (its comparison shows them), none
        heatmap=_heatmap(ctx, path, unit, children) if _has_heatmap(ctx, unit, children) else None,
        timeline=timeline_view(ctx, path, unit),
        comments=comment_views(ctx, unit, None),
        changes=changes_view(ctx, path, ctx.sc.subtree(unit.id), limit=8),
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
    links = {"changes": link(path, "changes.md"), "how_to_read": link(path, HOW_TO_READ)}
    if has_own_kpis(ctx.report, unit.id):  # a unit that only groups units has no details or map page
        links |= {"details": link(path, details_page(unit.id)), "map": link(path, map_page(unit.id))}
    if ctx.options.packs:
        links["pack"] = link(path, f"packs/{ctx.site.period}-{slug(unit.id)}.pdf")
    return links


def _scorecard(ctx: Context, source: str, unit: Unit) -> list[PerspectiveBlock]:
    blocks = []
    for p in ctx.sc.perspectives(unit.id):
        objectives = tuple(_objective_row(ctx, source, unit.id, o) for o in unit.objectives if o.perspective == p.id)
        if objectives:
            status = perspective_status(ctx.report, unit.id, p.id)
            blocks.append(PerspectiveBlock(perspective_anchor(p.id), p.name, p.description, status, objectives))
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
    """Columns are KPI ids (a unit may lack one of the template's KPIs: its cell stays empty)."""
    columns: dict[str, str] = {}
    for u in units:
        for k in (k for o in u.objectives for k in o.kpis):
            columns.setdefault(k.id, k.name)
    cells = [[_kpi_cell(ctx, source, u.id, kpi_id) for kpi_id in columns] for u in units]
    name = ctx.sc.templates[units[0].template or ""].name
    caption = (
        f"Units sharing one scorecard ({name}), ranked by overall score; each cell shows the KPI's value and status."
    )
    return _heatmap_view(ctx, source, units, list(columns.values()), cells, caption)


def _kpi_cell(ctx: Context, source: str, unit_id: str, kpi_id: str) -> HeatCell | None:
    r = ctx.report.current.kpis.get((unit_id, kpi_id))
    if r is None:
        return None
    value = format_value(ctx.sc.kpi(unit_id, kpi_id), r.actual)
    href = link(source, details_page(unit_id), f"kpi-{slug(kpi_id)}")
    return HeatCell(value, kpi_status(r), r.score, href)


def _perspective_heatmap(ctx: Context, source: str, unit: Unit, units: Sequence[Unit]) -> Heatmap:
    """Columns are perspective ids, in the parent's order; one no child uses is left out."""
    used = {(u.id, o.perspective) for u in units for o in u.objectives}
    names: dict[str, str] = {}
    for owner in (unit, *units):
        for p in ctx.sc.perspectives(owner.id):
            if any((u.id, p.id) in used for u in units):
                names.setdefault(p.id, p.name)
    cells = [[_perspective_cell(ctx, source, u.id, p, used) for p in names] for u in units]
    caption = (
        "Units below, ranked by overall score; each cell shows the perspective score (0-10). "
        "An empty cell is a perspective that unit does not use."
    )
    return _heatmap_view(ctx, source, units, list(names.values()), cells, caption)


def _perspective_cell(
    ctx: Context, source: str, unit_id: str, perspective: str, used: set[tuple[str, str]]
) -> HeatCell | None:
    if (unit_id, perspective) not in used:
        return None
    r = ctx.report.current.perspectives[(unit_id, perspective)]
    shown = perspective_status(ctx.report, unit_id, perspective)
    return HeatCell(shown.score, shown, r.score, link(source, unit_page(unit_id)))


def _heatmap_view(
    ctx: Context,
    source: str,
    units: Sequence[Unit],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatCell | None]],
    caption: str,
) -> Heatmap:
    marks = {u.id: late_mark(ctx.report, u.id) for u in units}  # a late filer's row says its values are older
    figure = heatmap_figure(
        [plotly_label(f"{u.name} ({marks[u.id]})" if marks[u.id] else u.name) for u in units],
        [plotly_label(c) for c in columns],
        [[c.score if c else None for c in row] for row in cells],
        [[plotly_label(f"{c.text} {c.status.icon}") if c else "" for c in row] for row in cells],
        [[c.status.css if c else "" for c in row] for row in cells],
        [[c.href if c else "" for c in row] for row in cells],
    )
    rows = tuple(
        HeatRow(u.name, link(source, unit_page(u.id)), unit_link(ctx, source, u.id).status, tuple(row), marks[u.id])
        for u, row in zip(units, cells, strict=True)
    )
    return Heatmap(caption, figure_attribute(figure), tuple(columns), rows)
