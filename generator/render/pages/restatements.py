"""The restatements page: every published value today's numbers differ from."""

from __future__ import annotations

from dataclasses import dataclass

from generator.present import RestatementDisplay, correction_displays, restatement_displays
from generator.render.context import Context, render_template
from generator.render.paths import details_page, link, slug
from generator.render.views import Page

PATH = "restatements.md"
TABLE_LIMIT = 300  # restatements listed; a changed formula can restate thousands


@dataclass(frozen=True, slots=True)
class RestatementRow:
    """One restatement with a link to the KPI where it still exists."""

    shown: RestatementDisplay
    href: str  # "" when the KPI is gone


def render_restatements(ctx: Context) -> Page:
    """Render the restated values, latest period first."""
    rows = [RestatementRow(d, _href(ctx, d)) for d in restatement_displays(ctx.report)]
    corrected = [RestatementRow(d, _href(ctx, d)) for d in correction_displays(ctx.report)]
    text = render_template(
        ctx.options,
        "restatements.md",
        site=ctx.site,
        rows=rows[:TABLE_LIMIT],
        hidden=max(0, len(rows) - TABLE_LIMIT),
        corrected=corrected[:TABLE_LIMIT],
        corrected_hidden=max(0, len(corrected) - TABLE_LIMIT),
    )
    return Page(PATH, "Restatements", text)


def _href(ctx: Context, d: RestatementDisplay) -> str:
    r = d.restatement
    if r.unit not in ctx.sc.units or (r.unit, r.kpi) not in ctx.sc.kpi_index():
        return ""
    return link(PATH, details_page(r.unit), f"kpi-{slug(r.kpi)}")
