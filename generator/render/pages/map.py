"""A unit's strategy map page: the shared drawing (`generator.present`) with its links as text."""

from __future__ import annotations

from generator.model import Unit
from generator.present import late_note, strategy_map, strategy_map_svg
from generator.render.context import Context, objective_link, render_template
from generator.render.paths import details_page, link, map_page, slug, unit_page
from generator.render.views import Link, Page


def render_map(ctx: Context, unit: Unit) -> Page:
    """Render a unit's strategy map with a list of its cause-and-effect links as text."""
    path = map_page(unit.id)
    drawing = strategy_map(ctx.report, unit, lambda o: link(path, details_page(unit.id), f"obj-{slug(o)}"))
    names = {o.id: o.name for o in unit.objectives}
    arrows = [(names[a.source], names[a.target]) for a in drawing.arrows]
    text = render_template(
        ctx.options,
        "map.md",
        site=ctx.site,
        unit=unit,
        map=drawing,
        map_svg=strategy_map_svg(drawing),
        arrows=arrows,
        perspectives=_by_perspective(ctx, path, unit),
        unit_href=link(path, unit_page(unit.id)),
        details_href=link(path, details_page(unit.id)),
        late=late_note(ctx.report, unit.id),  # the boxes show older values: say so, as the unit page does
    )
    return Page(path, f"{unit.name}: strategy map", text)


def _by_perspective(ctx: Context, path: str, unit: Unit) -> list[tuple[str, tuple[Link, ...]]]:
    """Return the map as text: each perspective the unit uses with its objectives (phones, screen readers)."""
    return [
        (p.name, objectives)
        for p in ctx.sc.perspectives(unit.id)
        if (
            objectives := tuple(
                _plain(objective_link(ctx, path, unit.id, o.id)) for o in unit.objectives if o.perspective == p.id
            )
        )
    ]


def _plain(link_: Link) -> Link:
    return Link(link_.name, link_.href, link_.status)  # no note: every objective here is the unit's
