"""Parts shown on several pages: status counts, what changed, KPI rows, initiative timelines, commentary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from generator.charts import sparkline_points
from generator.compute import compute_changes
from generator.formatting import TREND_ARROWS, TREND_WORDS, format_number, format_target, format_value, manual_reason
from generator.model import Initiative, Kpi, Unit
from generator.render.context import Context, objective_link
from generator.render.paths import details_page, link, slug, unit_page
from generator.render.text import markdown_text
from generator.render.views import (
    ChangeRow,
    ChangesView,
    CommentView,
    InitiativeView,
    KpiRow,
    MilestoneView,
    StatusView,
    Timeline,
    status_view,
)
from generator.results import Change, Status, as_number

SPARK_QUARTERS = 8


def status_counts(counts: dict[Status, int]) -> list[tuple[StatusView, int]]:
    """Return each status that occurs with its count, for the status summary."""
    return [(status_view(s), n) for s, n in counts.items() if n]


def changes_view(ctx: Context, source: str, unit_ids: Iterable[str] | None, limit: int) -> ChangesView | None:
    """Return what changed since the previous quarter in the given units (None: all), or None in the first."""
    previous = ctx.report.previous
    if previous is None:
        return None
    changes = compute_changes(ctx.report, unit_ids, top=limit)
    rows = [_change_row(ctx, source, c) for c in changes.status_changes]
    return ChangesView(
        str(previous.period),
        tuple(_change_row(ctx, source, c) for c in changes.new_reds[:limit]),
        tuple(_change_row(ctx, source, c) for c in changes.recoveries[:limit]),
        tuple(_change_row(ctx, source, c) for c in changes.biggest_moves[:limit]),
        tuple(rows[:limit]),
        max(0, len(rows) - limit),
    )


def _change_row(ctx: Context, source: str, change: Change) -> ChangeRow:
    if change.level == "unit":
        href = link(source, unit_page(change.unit))
    else:
        href = link(source, details_page(change.unit), f"{change.level[:3]}-{slug(change.id)}")
    delta = change.score_delta
    return ChangeRow(
        {"unit": "Unit", "objective": "Objective", "kpi": "KPI"}[change.level],
        change.name,
        href,
        ctx.sc.units[change.unit].name,
        status_view(change.before, change.score_before),
        status_view(change.after, change.score_after),
        "" if delta is None else f"{delta:+.1f}",
    )


def kpi_row(ctx: Context, source: str, unit_id: str, kpi: Kpi) -> KpiRow:
    """Return a KPI's row of a scorecard table, with its sparkline of recent quarters."""
    r = ctx.report.current.kpis[(unit_id, kpi.id)]
    recent = ctx.report.kpi_history(unit_id, kpi.id)[-SPARK_QUARTERS:]
    spark_label = "Recent quarters: " + ", ".join(format_value(kpi, h.actual) for h in recent)
    return KpiRow(
        kpi.name,
        link(source, details_page(unit_id), f"kpi-{slug(kpi.id)}"),
        status_view(r.status, r.score, manual_reason(r)),
        format_value(kpi, r.actual),
        format_target(kpi, r.target),
        TREND_ARROWS[r.trend],
        TREND_WORDS[r.trend],
        sparkline_points([as_number(h.actual) for h in recent]),
        spark_label,
        f"latest value {r.latest_period}" if r.stale and r.latest_period else ("no value yet" if r.stale else ""),
    )


def timeline_view(ctx: Context, source: str, unit: Unit) -> Timeline | None:
    """Place the unit's initiatives on one axis; milestones are late if open after the period's end."""
    if not unit.initiatives:
        return None
    dates = [ctx.period_end] + [d for i in unit.initiatives for d in _dates(i)]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def pos(day: dt.date) -> float:
        return round((day - first).days / span * 100, 2)

    views = tuple(_initiative_view(ctx, source, unit.id, i, pos) for i in unit.initiatives)
    return Timeline(f"{first:%b %Y}", f"{last:%b %Y}", ctx.site.period_end, pos(ctx.period_end), views)


def _dates(initiative: Initiative) -> list[dt.date]:
    dates = [m.due for m in initiative.milestones]
    return dates + [d for d in (initiative.start, initiative.end) if d is not None]


def milestone_state(done: bool, due: dt.date, period_end: dt.date) -> str:
    """Return done, late (open and due by the end of the period) or due."""
    if done:
        return "done"
    return "late" if due <= period_end else "due"


def _initiative_view(ctx: Context, source: str, unit_id: str, item: Initiative, pos: Any) -> InitiativeView:
    dates = _dates(item) or [ctx.period_end]
    start, end = item.start or min(dates), item.end or max(dates)
    milestones = tuple(
        MilestoneView(m.name, f"{m.due:%d %b %Y}", milestone_state(m.done, m.due, ctx.period_end), pos(m.due))
        for m in sorted(item.milestones, key=lambda m: m.due)
    )
    states = [m.state for m in milestones]
    counts = ", ".join(f"{states.count(s)} {s}" for s in ("done", "late", "due") if s in states)
    budget, spent = item.budget, item.spent
    percent = round(spent / budget * 100, 1) if budget and spent is not None else None
    return InitiativeView(
        item.name,
        item.owner,
        item.description,
        f"{start:%d %b %Y} – {end:%d %b %Y}",
        pos(start),
        max(pos(end) - pos(start), 1.0),
        milestones,
        tuple(objective_link(ctx, source, unit_id, o) for o in item.objectives),
        format_number(budget, 0),
        format_number(spent, 0),
        percent,
        bool(budget is not None and spent is not None and spent > budget),
        counts or "no milestones",
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
