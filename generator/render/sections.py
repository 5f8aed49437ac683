"""Parts shown on several pages: status counts, what changed, KPI rows, initiative timelines, commentary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from generator.charts import sparkline_points
from generator.model import Initiative, Kpi, Unit
from generator.present import (
    change_display,
    format_value,
    initiative_dates,
    initiative_display,
    kpi_display,
    label_of,
    period_words,
    perspective_status,
    published_words,
    recent,
    score_move,
    unit_status,
)
from generator.render.context import Context, objective_link, unit_link
from generator.render.paths import details_page, link, slug, unit_page
from generator.render.text import markdown_text
from generator.render.views import (
    ChangeRow,
    ChangesView,
    CommentView,
    InitiativeView,
    KpiRow,
    MilestoneView,
    Tile,
    Timeline,
)
from generator.results import Change, as_number


def changes_view(ctx: Context, source: str, unit_ids: Iterable[str] | None, limit: int) -> ChangesView | None:
    """Return what changed since the previous period in the given units (None: all), or None in the first."""
    previous = ctx.report.previous
    if previous is None:
        return None
    changes = ctx.report.changes_in(unit_ids, top=limit)
    rows = [_change_row(ctx, source, c) for c in changes.status_changes]
    return ChangesView(
        label_of(ctx.report, previous.period),
        tuple(_change_row(ctx, source, c) for c in changes.new_reds[:limit]),
        tuple(_change_row(ctx, source, c) for c in changes.recoveries[:limit]),
        tuple(_change_row(ctx, source, c) for c in changes.biggest_moves[:limit]),
        tuple(rows[:limit]),
        max(0, len(rows) - limit),
        max(0, len(changes.new_reds) - limit),
        max(0, len(changes.recoveries) - limit),
    )


def _change_row(ctx: Context, source: str, change: Change) -> ChangeRow:
    if change.level == "unit":
        href = link(source, unit_page(change.unit))
    else:
        href = link(source, details_page(change.unit), f"{change.level[:3]}-{slug(change.id)}")
    shown = change_display(change, ctx.sc.units[change.unit].name, ctx.sc.scores(change.unit))
    return ChangeRow(shown, href)


def unit_tiles(ctx: Context, source: str, unit_id: str) -> tuple[Tile, tuple[Tile, ...]]:
    """Return the unit's overall tile (to its scorecard) and one per perspective it uses (to its section)."""
    page = link(source, unit_page(unit_id))
    overall = Tile(
        ctx.sc.units[unit_id].name,
        f"{page}#scorecard",
        unit_status(ctx.report, unit_id),
        score_move(ctx.report, "unit", unit_id),
    )
    used = {o.perspective for o in ctx.sc.units[unit_id].objectives}
    perspectives = tuple(
        Tile(
            p.name,
            f"{page}#{perspective_anchor(p.id)}",
            perspective_status(ctx.report, unit_id, p.id),
            score_move(ctx.report, "perspective", (unit_id, p.id)),
        )
        for p in ctx.sc.perspectives(unit_id)
        if p.id in used
    )
    return overall, perspectives


def perspective_anchor(perspective_id: str) -> str:
    """Return the id of a perspective's heading on its unit's page."""
    return f"persp-{slug(perspective_id)}"


def kpi_row(ctx: Context, source: str, unit_id: str, kpi: Kpi) -> KpiRow:
    """Return a KPI's row of a scorecard table, with its sparkline of recent periods."""
    shown = kpi_display(ctx.report, unit_id, kpi)
    history = recent(ctx.report, ctx.report.kpi_history(unit_id, kpi.id))
    return KpiRow(
        shown,
        link(source, details_page(unit_id), f"kpi-{slug(kpi.id)}"),
        sparkline_points([as_number(h.actual) for h in history]),
        f"{period_words(ctx.report).recent}: " + ", ".join(format_value(kpi, h.actual) for h in history),
        published_words(ctx.restated.get((unit_id, kpi.id, str(ctx.report.period)))),
    )


def timeline_view(ctx: Context, source: str, unit: Unit) -> Timeline | None:
    """Place the unit's initiatives on one axis; milestones are late if open after the period's end."""
    return timeline_of(ctx, source, [(unit, i) for i in unit.initiatives])


def timeline_of(ctx: Context, source: str, items: Sequence[tuple[Unit, Initiative]]) -> Timeline | None:
    """Place initiatives of any units on one axis (a unit's page, or the organisation's Gantt)."""
    if not items:
        return None
    dates = [ctx.period_end] + [d for _, i in items for d in initiative_dates(i)]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def pos(day: dt.date) -> float:
        return round((day - first).days / span * 100, 2)

    views = tuple(_initiative_view(ctx, source, unit, i, pos) for unit, i in items)
    return Timeline(f"{first:%b %Y}", f"{last:%b %Y}", ctx.site.period_end, pos(ctx.period_end), views)


def _initiative_view(ctx: Context, source: str, unit: Unit, item: Initiative, pos: Any) -> InitiativeView:
    shown = initiative_display(unit, item, ctx.period_end, ctx.sc.organization.currency)
    return InitiativeView(
        shown,
        pos(shown.start),
        max(pos(shown.end) - pos(shown.start), 1.0),
        tuple(MilestoneView(m, pos(m.day)) for m in shown.milestones),
        tuple(objective_link(ctx, source, unit.id, o) for o, _ in shown.objectives),
        f"ini-{slug(unit.id)}-{slug(item.id)}",
        unit_link(ctx, source, unit.id),
        f"{shown.start:%b %Y} – {shown.end:%b %Y}",
    )


def comment_views(ctx: Context, unit: Unit, only: tuple[str, str] | None) -> list[CommentView]:
    """Return the unit's commentary for the period: every section, or the one about `only`."""
    commentary = ctx.sc.commentary.get((unit.id, ctx.report.period))
    if commentary is None:
        return []
    sections = commentary.sections if only is None else [s for s in commentary.sections if (s.kind, s.target) == only]
    return [
        CommentView(
            _comment_title(ctx, unit.id, s.kind, s.target, s.title),
            markdown_text(s.analysis),
            markdown_text(s.actions),
            markdown_text(s.body),
            commentary.author,
        )
        for s in sections
    ]


def _comment_title(ctx: Context, unit_id: str, kind: str, target: str, title: str) -> str:
    if kind == "objective":
        return f"Objective: {ctx.objectives[(unit_id, target)].name}"
    if kind == "kpi":
        return f"KPI: {ctx.sc.kpi(unit_id, target).name}"
    return title
