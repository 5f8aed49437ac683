"""A unit's strategy map page, and the map's SVG alone for the PDF packs."""

from __future__ import annotations

from generator.model import Unit
from generator.render.context import Context, RenderOptions, render_template
from generator.render.paths import details_page, link, map_page, slug, unit_page
from generator.render.views import Page, status_view
from generator.strategymap import MapObjective, StrategyMap, layout_strategy_map


def render_map(ctx: Context, unit: Unit) -> Page:
    """Render a unit's strategy map with a list of its cause-and-effect links as text."""
    path = map_page(unit.id)
    results = ctx.report.current.objectives
    objectives = []
    for o in unit.objectives:
        view = status_view(results[(unit.id, o.id)].status, results[(unit.id, o.id)].score)
        objectives.append(MapObjective(o.id, o.name, o.perspective, o.drives, view.css, view.text, view.score))
    perspectives = [(p.id, p.name) for p in ctx.sc.perspectives(unit.id)]
    drawing = layout_strategy_map(
        perspectives, objectives, lambda o: link(path, details_page(unit.id), f"obj-{slug(o)}")
    )
    names = {o.id: o.name for o in unit.objectives}
    arrows = [(names[a.source], names[a.target]) for a in drawing.arrows]
    text = render_template(
        ctx.options,
        "map.md",
        site=ctx.site,
        unit=unit,
        map=drawing,
        arrows=arrows,
        unit_href=link(path, unit_page(unit.id)),
        details_href=link(path, details_page(unit.id)),
    )
    return Page(path, f"{unit.name}: strategy map", text)


def strategy_map_svg(drawing: StrategyMap, options: RenderOptions | None = None) -> str:
    """Render just the SVG of a strategy map (the PDF packs can reuse it)."""
    return render_template(options or RenderOptions(), "_strategy_map.svg", map=drawing)
