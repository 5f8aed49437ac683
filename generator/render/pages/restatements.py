"""The restatements page: published editions, and every published value today's numbers differ from."""

from __future__ import annotations

from dataclasses import dataclass

from generator.present import RestatementDisplay, published_on, restatement_displays
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


@dataclass(frozen=True, slots=True)
class EditionRow:
    """A published period: its label, when it was published, and how many values it restates."""

    period: str
    published_on: str
    restated: int


def render_restatements(ctx: Context) -> Page:
    """Render the list of published editions and of restated values, latest period first."""
    rows = [RestatementRow(d, _href(ctx, d)) for d in restatement_displays(ctx.report)]
    counts = {e.period: 0 for e in ctx.report.editions}
    for row in rows:
        counts[row.shown.restatement.period] = counts.get(row.shown.restatement.period, 0) + 1
    labels = {str(p): p.label(ctx.sc.organization.fiscal_year_start) for p in ctx.report.periods}
    editions = [
        EditionRow(labels.get(e.period, e.period), published_on(e.published_at), counts[e.period])
        for e in reversed(ctx.report.editions)
        if e.period in labels
    ]
    text = render_template(
        ctx.options,
        "restatements.md",
        site=ctx.site,
        rows=rows[:TABLE_LIMIT],
        hidden=max(0, len(rows) - TABLE_LIMIT),
        editions=editions,
    )
    return Page(PATH, "Restatements", text)


def _href(ctx: Context, d: RestatementDisplay) -> str:
    r = d.restatement
    if r.unit not in ctx.sc.units or (r.unit, r.kpi) not in ctx.sc.kpi_index():
        return ""
    return link(PATH, details_page(r.unit), f"kpi-{slug(r.kpi)}")
