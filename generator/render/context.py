"""The Jinja environment, render options and the per-build context every page builder shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator.model import Objective, Scorecard
from generator.present import (
    edition_name,
    format_date,
    format_value,
    kpi_status,
    late_mark,
    latest_publication,
    objective_status,
    period_end,
    period_label,
    period_words,
    restated_marks,
    unit_status,
    units_below,
)
from generator.present.restatements import RestatementDisplay
from generator.render.paths import details_page, link, slug, unit_page
from generator.render.text import inline_text, markdown_text, page_title, raw_block
from generator.render.views import Link, Site
from generator.resources import TEMPLATES
from generator.results import Report


@dataclass
class RenderOptions:
    """Choices the build makes for rendering."""

    packs: bool = False  # link each unit page to its PDF pack
    built: str = ""  # when the build ran, as shown ("23 Nov 2026 18:30 UTC"); the build passes it
    archive: Archive | None = None  # rendering an archived edition (under archive/<period>/ of the site)
    templates: Path = TEMPLATES
    _env: jinja2.Environment | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Archive:
    """What pages of an archived edition say about it."""

    period: str  # str(period): the folder archive/<period>/
    published_on: str  # e.g. "14 Jul 2026"
    latest_label: str  # the latest site's period label
    notice: str = ""  # what the archive could not keep as published (an edition of format 1)


# --- Environment ------------------------------------------------------------------------------


def make_environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    """Return the Jinja2 environment: autoescape on for every template, undefined is an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates / "site"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=markdown_text, inline=inline_text, page_title=page_title, raw_block=raw_block)
    return env


def render_template(options: RenderOptions, template: str, **context: Any) -> str:
    """Render a template of `site_templates/site/`, creating the environment on first use."""
    if options._env is None:
        options._env = make_environment(options.templates)
    return options._env.get_template(template).render(**context)


# --- What every page builder shares -----------------------------------------------------------


@dataclass
class Context:
    """The report plus indexes computed once per build."""

    report: Report
    options: RenderOptions
    site: Site
    period_end: dt.date
    supporters: dict[tuple[str, str], list[tuple[str, str]]]
    objectives: dict[tuple[str, str], Objective]
    restated: dict[tuple[str, str, str], RestatementDisplay] = field(default_factory=dict)  # (unit, kpi, period)

    @property
    def sc(self) -> Scorecard:
        """Return the scorecard."""
        return self.report.scorecard


def make_context(report: Report, options: RenderOptions) -> Context:
    """Index the report for rendering."""
    sc = report.scorecard
    end = period_end(report)
    site = Site(
        sc.organization.name,
        str(report.period),
        period_label(report),
        format_date(end),
        edition_name(report),
        period_words(report),
        options.built,
        latest_publication(report),
    )
    objectives = {(u.id, o.id): o for u in sc.units.values() for o in u.objectives}
    return Context(report, options, site, end, report.supporters, objectives, restated_marks(report))


# --- Links with status, shown on several pages ------------------------------------------------


def unit_link(ctx: Context, source: str, unit_id: str) -> Link:
    """Return a link to a unit's page with its status."""
    return Link(
        ctx.sc.units[unit_id].name,
        link(source, unit_page(unit_id)),
        unit_status(ctx.report, unit_id),
        late_mark(ctx.report, unit_id),  # a late unit: "from FY2021"
    )


def objective_link(ctx: Context, source: str, unit_id: str, objective_id: str) -> Link:
    """Return a link to an objective's section with its status; the note names its unit."""
    name = ctx.objectives[(unit_id, objective_id)].name
    href = link(source, details_page(unit_id), f"obj-{slug(objective_id)}")
    return Link(name, href, objective_status(ctx.report, unit_id, objective_id), ctx.sc.units[unit_id].name)


def kpi_link(ctx: Context, source: str, unit_id: str, kpi_id: str) -> Link:
    """Return a link to a KPI's section, named after its unit; the note is its value."""
    result = ctx.report.current.kpis[(unit_id, kpi_id)]
    href = link(source, details_page(unit_id), f"kpi-{slug(kpi_id)}")
    return Link(
        ctx.sc.units[unit_id].name,
        href,
        kpi_status(result, ctx.sc.kpi(unit_id, kpi_id), ctx.sc.scores(unit_id)),
        format_value(ctx.sc.kpi(unit_id, kpi_id), result.actual),
    )


def below_context(ctx: Context, source: str, unit_id: str) -> dict[str, Any]:
    """Return the units below a unit without KPIs of its own, with links to them (`below`: None otherwise)."""
    below = units_below(ctx.report, unit_id)
    links = {u.id: link(source, unit_page(u.id)) for u in below.units} if below else {}
    return {"below": below, "below_links": links}
