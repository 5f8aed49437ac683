"""Render the site's Markdown pages from Jinja2 templates in `site_templates/site/`.

Python prepares typed page contexts (`views`); templates lay them out. Every user text is
escaped by Jinja's autoescape; names in Markdown headings are escaped for Markdown too, and page
titles go in front matter (`text`). Markdown fields (mission, descriptions, commentary) are
rendered and sanitised by `generator.usertext`, as in the packs, and reach MkDocs as raw HTML.

Page structure (a few pages per unit, never one per KPI: MkDocs costs ~10 ms a page):
  index.md                     home: mission, vision, overall status, org tree, what changed
  units/<unit>/index.md        the unit's scorecard, children heatmap, initiatives, commentary
  units/<unit>/details.md      objective and KPI detail as sections (#obj-<id>, #kpi-<id>)
  units/<unit>/map.md          the strategy map
  changes.md, initiatives.md, quality.md
  archive.md, restatements.md  the editions and restatements (once a period is published)
  every page                   starts with the period menu (once a period is published)

Modules: `paths` (slugs, page paths, links), `text` (escaping), `views` (template context),
`context` (Jinja environment, options, per-build indexes), `sections` (parts several pages
show), `pages/` (one module per page family).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from typing import Any

from generator.model import Unit
from generator.present import has_own_kpis
from generator.render.context import TEMPLATES, Archive, Context, RenderOptions, make_context, make_environment
from generator.render.pages.archive import (
    PERIODS_SCRIPT,
    archive_folder,
    periods_script,
    render_archive,
    with_period_menu,
)
from generator.render.pages.details import render_details
from generator.render.pages.map import render_map
from generator.render.pages.restatements import render_restatements
from generator.render.pages.sitewide import (
    TABLE_LIMIT,
    render_changes,
    render_home,
    render_how_to_read,
    render_initiatives,
    render_quality,
)
from generator.render.pages.unit import render_unit
from generator.render.paths import HOW_TO_READ, details_page, link, map_page, slug, unit_page
from generator.render.text import figure_attribute, inline_text, markdown_text, plotly_label
from generator.render.views import Page, Site
from generator.results import Report

__all__ = [
    "Archive",
    "PERIODS_SCRIPT",
    "archive_folder",
    "periods_script",
    "TABLE_LIMIT",
    "TEMPLATES",
    "Context",
    "Page",
    "RenderOptions",
    "Site",
    "details_page",
    "figure_attribute",
    "inline_text",
    "link",
    "make_context",
    "make_environment",
    "map_page",
    "markdown_text",
    "plotly_label",
    "render_changes",
    "render_details",
    "render_home",
    "render_initiatives",
    "render_landing",
    "render_map",
    "render_quality",
    "render_site",
    "render_unit",
    "site_nav",
    "slug",
    "unit_page",
]


def render_site(report: Report, options: RenderOptions | None = None, share: tuple[int, int] = (0, 1)) -> list[Page]:
    """Render every page of the site; with `share` (k, n), only the k-th of n interleaved shares.

    The n shares together hold every page exactly once, whatever n: a unit's pages stay in one
    share, and units alternate, so two processes get about the same work.
    """
    ctx = make_context(report, options or RenderOptions())
    part, parts = share
    jobs: list[Callable[[], list[Page]]] = [
        lambda: [render_home(ctx)],
        lambda: [render_changes(ctx)],
        lambda: [render_initiatives(ctx)],
        lambda: [render_quality(ctx)],
        lambda: [render_how_to_read(ctx)],
    ]
    if report.editions and ctx.options.archive is None:
        jobs += [lambda: [render_archive(ctx)], lambda: [render_restatements(ctx)]]
    for unit in ctx.sc.units.values():
        jobs.append(functools.partial(_unit_pages, ctx, report, unit))
    pages = [page for job in jobs[part::parts] for page in job()]
    return [with_period_menu(ctx, page) for page in pages]


def _unit_pages(ctx: Context, report: Report, unit: Unit) -> list[Page]:
    pages = [render_unit(ctx, unit)]
    if has_own_kpis(report, unit.id):  # a unit that only groups units: its page shows them instead
        pages += [render_details(ctx, unit), render_map(ctx, unit)]
    return pages


def render_landing(organisation: str, period: str, editions: Sequence[tuple[str, str, str]]) -> str:
    """Render the page listing the audiences' editions: (folder, name, description) each, nothing else."""
    template = make_environment().get_template("landing.html")
    return template.render(organisation=organisation, period=period, editions=editions)


def site_nav(report: Report, archive: bool = False) -> list[Any]:
    """Return the MkDocs nav: home, the org tree (each unit a section), then site-wide pages."""
    sc = report.scorecard
    return [
        {"Home": "index.md"},
        _unit_nav(report, sc.root),
        {"What changed": "changes.md"},
        {"Initiatives": "initiatives.md"},
        {"Data quality": "quality.md"},
        {"How to read": HOW_TO_READ},
    ] + ([{"Editions": "archive.md"}, {"Restatements": "restatements.md"}] if report.editions and not archive else [])


def _unit_nav(report: Report, unit: Unit) -> dict[str, list[Any]]:
    entries: list[Any] = [unit_page(unit.id)]
    if has_own_kpis(report, unit.id):
        entries += [{"Objectives &amp; KPIs": details_page(unit.id)}, {"Strategy map": map_page(unit.id)}]
    children = [_unit_nav(report, child) for child in report.scorecard.children(unit.id)]
    # MkDocs themes print nav titles unescaped: escape names here
    return {html.escape(unit.name): entries + children}
