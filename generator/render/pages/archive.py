"""The period menu on every page, and the page listing every published edition (archive.md).

The latest site lists every archived edition; an archived edition's pages link only to itself,
the latest site and its editions page, so an archive stays valid (and cached) when later periods
are published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.present import archived_editions, edition_label, latest_publication, latest_restated, published_on
from generator.render.context import Context, RenderOptions, make_context, render_template
from generator.render.paths import link
from generator.render.views import Page, PeriodLink, PeriodMenu
from generator.results import Report

PATH = "archive.md"


def archive_folder(period: str, revision: int = 0) -> str:
    """Return the folder of an archived edition inside the site, e.g. archive/2026-Q2/ (archive/2026-Q2.r1/ for a revision)."""
    return f"archive/{period}.r{revision}/" if revision else f"archive/{period}/"


def archived(ctx: Context) -> list[tuple[str, str, str]]:
    """Return (period, label, published on) of every edition older than the report's period, newest first."""
    return [
        (e.period, edition_label(ctx.report, e), published_on(e.published_at))
        for e in reversed(archived_editions(ctx.report))
    ]


def period_menu(ctx: Context, source: str) -> PeriodMenu | None:
    """Return the period menu of a page, or None where nothing was published."""
    archive = ctx.options.archive
    if archive is not None:
        root = "../" * source.count("/") + "../../"  # from archive/<period>/<page> to the latest site
        return PeriodMenu(
            ctx.site.period_label,
            archive.published_on,
            True,
            root + "index.html",
            archive.latest_label,
            root + PATH[:-3] + ".html",
            (),
            archive.notice,
            "../" * source.count("/") + "index.html",
        )
    if not ctx.report.editions:
        return None
    links = [PeriodLink(ctx.site.period_label, link(source, "index.md"), latest_publication(ctx.report), True)]
    if latest_restated(ctx.report):  # today's numbers restate it: the edition stays browsable as published
        href = link(source, archive_folder(str(ctx.report.period)) + "index.html")
        links.append(PeriodLink(f"{ctx.site.period_label}, as published", href, latest_publication(ctx.report)))
    links += [PeriodLink(label, link(source, archive_folder(p) + "index.html"), day) for p, label, day in archived(ctx)]
    return PeriodMenu(
        ctx.site.period_label,
        latest_publication(ctx.report),
        False,
        "",
        ctx.site.period_label,
        link(source, PATH),
        tuple(links),
    )


PERIODS_SCRIPT = "periods.js"  # in the latest site's assets: the period menu of its archived pages


def periods_script(report: Report) -> str:
    """Return the script that gives archived pages the latest site's period menu.

    An archived page is rendered once and cached; the periods published after it change the
    menu, so the page loads the list from the latest site (tables.js fills its menu). Links are
    relative to the latest site's root.
    """
    menu = period_menu(make_context(report, RenderOptions()), "index.md")
    periods = [{"label": p.label, "href": p.href, "published": p.published_on} for p in (menu.periods if menu else ())]
    text = json.dumps(periods, ensure_ascii=True, separators=(",", ":"))
    # JSON inside a script: no "</script>" or "<!--" can be formed from a label
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.scorecardPeriods = {text};\n"


def with_period_menu(ctx: Context, page: Page) -> Page:
    """Return the page with the period menu at its top (after any front matter)."""
    menu = period_menu(ctx, page.path)
    if menu is None:
        return page
    html = render_template(ctx.options, "_periods.html", menu=menu)
    head, body = _front_matter(page.text)
    return Page(page.path, page.title, f"{head}{html}\n{body}")


def _front_matter(text: str) -> tuple[str, str]:
    if text.startswith("---\n") and (end := text.find("\n---\n", 4)) >= 0:
        return text[: end + 5], text[end + 5 :]
    return "", text


@dataclass(frozen=True, slots=True)
class EditionRow:
    """A published period on the editions page."""

    label: str
    href: str  # "" for the latest site's own period
    published_on: str
    restated: int
    as_published: str = ""  # the latest period, restated: its edition as published (archive/<period>/)
    revisions: tuple[RevisionRow, ...] = ()  # earlier publications of the period, oldest first


@dataclass(frozen=True, slots=True)
class RevisionRow:
    """An earlier publication of a period (editions/<period>.rN.json), replaced by publishing again."""

    number: int
    published_on: str
    changed: int  # values, targets and KPIs the next publication changed
    href: str  # its pages as published then (archive/<period>.rN/)


def render_archive(ctx: Context) -> Page:
    """Render the list of published editions with their publication dates (latest site only)."""
    counts: dict[str, int] = {}
    for r in ctx.report.restatements:
        counts[r.period] = counts.get(r.period, 0) + 1
    rows = []
    if published := latest_publication(ctx.report):
        period = str(ctx.report.period)
        as_published = link(PATH, archive_folder(period) + "index.html") if latest_restated(ctx.report) else ""
        rows.append(
            EditionRow(
                ctx.site.period_label, "", published, counts.get(period, 0), as_published, _revisions(ctx, period)
            )
        )
    rows += [
        EditionRow(label, link(PATH, archive_folder(p) + "index.html"), day, counts.get(p, 0), "", _revisions(ctx, p))
        for p, label, day in archived(ctx)
    ]
    text = render_template(ctx.options, "archive.md", site=ctx.site, rows=rows)
    return Page(PATH, "Editions", text)


def _revisions(ctx: Context, period: str) -> tuple[RevisionRow, ...]:
    """Return the period's earlier publications with how many values the next one changed."""
    edition = next((e for e in ctx.report.editions if e.period == period), None)
    if edition is None:
        return ()
    changed: dict[int, int] = {}
    for r in ctx.report.corrections:
        if r.period == period:
            changed[r.revision] = changed.get(r.revision, 0) + 1
    return tuple(
        RevisionRow(
            e.revision,
            published_on(e.published_at),
            changed.get(e.revision, 0),
            link(PATH, archive_folder(period, e.revision) + "index.html"),
        )
        for e in edition.revisions
    )
