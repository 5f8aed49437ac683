"""Site-wide pages: home, what changed, initiatives and data quality."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import Kpi, Unit
from generator.periods import PER_YEAR
from generator.present import (
    COUNTED,
    INITIATIVE_STATES,
    INITIATIVE_WORDS,
    SCORES_OFF_HINT,
    TREND_ARROWS,
    TREND_WORDS,
    InitiativeDisplay,
    StatusView,
    banded,
    commentary_required_words,
    has_own_kpis,
    label_of_id,
    late_mark,
    missing_by_owner,
    not_applicable_legend,
    organisation_rule,
    organisation_rule_by_status,
    period_words,
    status_counts,
    status_view,
    unexplained_by_owner,
    unit_status,
)
from generator.render.context import Context, below_context, kpi_link, render_template, unit_link
from generator.render.paths import HOW_TO_READ, details_page, link, map_page, slug, unit_page
from generator.render.sections import changes_view, timeline_of, unit_tiles
from generator.render.views import Link, Page
from generator.results import Status, Trend

TABLE_LIMIT = 150  # rows per site-wide table: 300 made changes.html 508 KB at 9,000 KPIs
HOME_CHANGES = 5  # rows per what-changed table on the home page; "and N more" links to the rest


# --- Home ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreeNode:
    """A unit in the org tree with its status and children."""

    link: Link
    children: tuple[TreeNode, ...]


def render_home(ctx: Context) -> Page:
    """Render the home page: mission, vision, overall status, perspectives, org tree, changes."""
    path, root = "index.md", ctx.sc.root
    result = ctx.report.current.units[root.id]
    org = ctx.sc.organization
    text = render_template(
        ctx.options,
        "home.md",
        site=ctx.site,
        org=org,
        root=unit_link(ctx, path, root.id),
        status=unit_status(ctx.report, root.id),
        counts=status_counts(result.counts),
        tiles=unit_tiles(ctx, path, root.id),
        tree=_tree(ctx, path, root),
        changes=changes_view(ctx, path, None, limit=HOME_CHANGES),
        links=_home_links(ctx, path),
        rule=organisation_rule(ctx.report),
        banded=banded(ctx.report),
        not_applicable=not_applicable_legend(ctx.report),
        scores_off="" if ctx.sc.scores(root.id) else SCORES_OFF_HINT,
        **below_context(ctx, path, root.id),
    )
    return Page(path, org.name, text)


def _home_links(ctx: Context, path: str) -> dict[str, str]:
    root = ctx.sc.root.id
    return {
        "changes": link(path, "changes.md"),
        "quality": link(path, "quality.md"),
        "initiatives": link(path, "initiatives.md"),
        "how_to_read": link(path, HOW_TO_READ),
    } | ({"map": link(path, map_page(root))} if has_own_kpis(ctx.report, root) else {})


def _tree(ctx: Context, source: str, unit: Unit) -> TreeNode:
    children = tuple(_tree(ctx, source, child) for child in ctx.sc.children(unit.id))
    return TreeNode(unit_link(ctx, source, unit.id), children)


# --- What changed -----------------------------------------------------------------------------


def render_changes(ctx: Context) -> Page:
    """Render what changed since the previous quarter across the organisation."""
    path = "changes.md"
    text = render_template(ctx.options, "changes.md", site=ctx.site, changes=changes_view(ctx, path, None, TABLE_LIMIT))
    return Page(path, "What changed", text)


# --- Initiatives ------------------------------------------------------------------------------


def render_initiatives(ctx: Context) -> Page:
    """Render every initiative: a table, then all of them on one time axis (the organisation's Gantt)."""
    path = "initiatives.md"
    items = [(unit, i) for unit in ctx.sc.units.values() for i in unit.initiatives]
    timeline = timeline_of(ctx, path, items[:TABLE_LIMIT])
    views = timeline.initiatives if timeline else ()
    states = [v.item.state for v in views]
    rows = [
        InitiativeRow(v.item, v.unit, link(path, unit_page(u.id), v.anchor), v.months)
        for (u, _), v in zip(items[:TABLE_LIMIT], views, strict=True)
    ]
    text = render_template(
        ctx.options,
        "initiatives.md",
        site=ctx.site,
        rows=rows,
        hidden=max(0, len(items) - TABLE_LIMIT),
        timeline=timeline,
        counts=[(INITIATIVE_WORDS[s], states.count(s)) for s in INITIATIVE_STATES if s in states],
    )
    return Page(path, "Initiatives", text)


@dataclass(frozen=True, slots=True)
class InitiativeRow:
    """One initiative as a row of the site-wide table, linked to its section on its unit's page."""

    item: InitiativeDisplay
    unit: Link
    href: str
    months: str

    @property
    def rank(self) -> int:
        """Return the sort key of its state, worst (late) first."""
        return INITIATIVE_STATES.index(self.item.state)


# --- How to read -----------------------------------------------------------------------------

_STATUS_MEANINGS = {  # green, amber and red: the organisation's rule (organisation_rule_by_status)
    Status.NO_DATA: "no value for the period (or no KPI with one)",
    Status.NOT_RATED: "shown but not rated: no target, or a weight of 0",
}
_TREND_MEANINGS = {  # "{last}": the cadence's words, e.g. "last month"
    Trend.IMPROVING: "better than {last}, in the KPI's direction",
    Trend.DECLINING: "worse than {last}",
    Trend.STEADY: "about the same as {last}",
}


@dataclass(frozen=True, slots=True)
class StatusMeaning:
    """A status as shown, with what it means."""

    status: StatusView
    meaning: str


def render_how_to_read(ctx: Context) -> Page:
    """Render the page that explains statuses, the 0-10 scale (where scores are on), trend arrows and roll-ups."""
    meanings = {**organisation_rule_by_status(ctx.report), **_STATUS_MEANINGS}
    text = render_template(
        ctx.options,
        "how-to-read.md",
        site=ctx.site,
        statuses=[StatusMeaning(status_view(s), meanings[s]) for s in COUNTED],
        trends=[
            (TREND_ARROWS[t], TREND_WORDS[t], meaning.format(last=period_words(ctx.report).last))
            for t, meaning in _TREND_MEANINGS.items()
        ],
        since_last=period_words(ctx.report).since_last,
        banded=banded(ctx.report),
        # where no unit shows scores (`scores: false`), the page explains none
        scored=any(ctx.sc.scores(unit_id) for unit_id in ctx.sc.units),
        uses=_features(ctx),
        # a late unit's mark as readers see it beside its name, e.g. "from FY2021"
        late_example=next((m for unit_id in ctx.sc.units if (m := late_mark(ctx.report, unit_id))), ""),
    )
    return Page(HOW_TO_READ, "How to read this scorecard", text)


def _features(ctx: Context) -> frozenset[str]:
    """Return what this scorecard uses that the page explains only where it appears (stretch, forecasts...)."""
    kpis = [k for unit in ctx.sc.units.values() for o in unit.objectives for k in o.kpis]
    results = ctx.report.current.kpis.values()
    found = {
        "stretch": any(k.stretch is not None for k in kpis),
        "forecast": any(r.forecast is not None for r in results),
        "restated": bool(ctx.report.restatements),
        "rollup": any(k.rollup for k in kpis),
        "cascade": any(ctx.sc.children(unit_id) for unit_id in ctx.sc.units),
    }
    return frozenset(name for name, used in found.items() if used)


# --- Data quality -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualityRow:
    """A KPI with a data-quality problem."""

    unit: str
    kpi: Link
    owner: str
    problems: tuple[str, ...]


def render_quality(ctx: Context) -> Page:
    """Render missing and stale measures and KPIs without owners, by unit and by owner."""
    path = "quality.md"
    rows = [
        row
        for unit in ctx.sc.units.values()
        for o in unit.objectives
        for k in o.kpis
        if (row := _quality_row(ctx, path, unit, k)) is not None
    ]
    owners: dict[str, int] = {}
    for row in rows:
        owners[row.owner or "(no owner)"] = owners.get(row.owner or "(no owner)", 0) + 1
    by_unit: dict[str, int] = {}
    for row in rows:
        by_unit[row.unit] = by_unit.get(row.unit, 0) + 1
    manual = [row for unit in ctx.sc.units.values() for row in _manual_rows(ctx, path, unit)]
    # An archive is rebuilt from its edition, which holds results, not the measures a to-do list is read from
    missing = () if ctx.options.archive else _missing(ctx, path)
    text = render_template(
        ctx.options,
        "quality.md",
        site=ctx.site,
        manual=manual[:TABLE_LIMIT],
        manual_hidden=max(0, len(manual) - TABLE_LIMIT),
        missing=missing,
        missing_count=sum(len(m.values) for m in missing),
        finer=_finer_words(ctx),
        rows=rows[:TABLE_LIMIT],
        hidden=max(0, len(rows) - TABLE_LIMIT),
        owners=sorted(owners.items(), key=lambda i: -i[1]),
        unexplained=_unexplained(ctx, path),
        required=commentary_required_words(ctx.report),
        units=sorted(by_unit.items(), key=lambda i: -i[1]),
    )
    return Page(path, "Data quality", text)


@dataclass(frozen=True, slots=True)
class OwnerTodo:
    """An owner's values still missing for the period, each linked to its KPI."""

    owner: str
    count: int
    values: tuple[Link, ...]  # the first few: name "KPI (Unit)", note the period
    hidden: int


OWNER_VALUES_SHOWN = 12  # values listed per owner on the quality page; the rest counted


def _missing(ctx: Context, path: str) -> tuple[OwnerTodo, ...]:
    """Return, per owner, the values due for the period and not reported yet (from the display layer)."""
    todos = []
    for owner in missing_by_owner(ctx.report):
        shown = owner.values[:OWNER_VALUES_SHOWN]
        links = tuple(
            _missing_link(ctx, path, v.unit, v.kpi, f"{v.kpi_name} ({v.unit_name})", label_of_id(ctx.report, v.period))
            for v in shown
        )
        todos.append(OwnerTodo(owner.owner, len(owner.values), links, len(owner.values) - len(shown)))
    return tuple(todos[:TABLE_LIMIT])


def _unexplained(ctx: Context, path: str) -> tuple[OwnerTodo, ...]:
    """Return, per owner, the statuses that need an analysis without one, each linked to its section."""
    todos = []
    for owner in unexplained_by_owner(ctx.report):
        shown = owner.items[:OWNER_VALUES_SHOWN]
        links = tuple(
            Link(
                f"{i.name} ({i.unit_name})",
                link(path, details_page(i.unit), f"{'kpi' if i.kind == 'KPI' else 'obj'}-{slug(i.id)}"),
                i.status,
                i.kind,
            )
            for i in shown
        )
        todos.append(OwnerTodo(owner.owner, len(owner.items), links, len(owner.items) - len(shown)))
    return tuple(todos[:TABLE_LIMIT])


def _finer_words(ctx: Context) -> str:
    """Return how values of KPIs reported more often than the cadence are due, e.g. 'months for monthly KPIs'."""
    cadence = ctx.sc.organization.cadence
    frequencies = {k.frequency for u in ctx.sc.units.values() for o in u.objectives for k in o.kpis}
    finer = [f for f in ("quarterly", "monthly") if f in frequencies and PER_YEAR[f] > PER_YEAR[cadence]]
    return " and ".join(f"{_FREQUENCY_NOUNS[f]} for {f} KPIs" for f in finer)


_FREQUENCY_NOUNS = {"quarterly": "quarters", "monthly": "months"}


def _missing_link(ctx: Context, path: str, unit_id: str, kpi_id: str, name: str, period: str) -> Link:
    link_ = kpi_link(ctx, path, unit_id, kpi_id)
    return Link(name, link_.href, link_.status, period)


def _manual_rows(ctx: Context, path: str, unit: Unit) -> list[QualityRow]:
    """Return the unit's KPIs whose status was set by hand this period; `problems` holds the reason."""
    rows = []
    for kpi in (k for o in unit.objectives for k in o.kpis):
        r = ctx.report.current.kpis[(unit.id, kpi.id)]
        if r.manual:
            link_ = kpi_link(ctx, path, unit.id, kpi.id)
            rows.append(QualityRow(unit.name, Link(kpi.name, link_.href, link_.status), kpi.owner, (r.note,)))
    return rows


def _quality_row(ctx: Context, path: str, unit: Unit, kpi: Kpi) -> QualityRow | None:
    r = ctx.report.current.kpis[(unit.id, kpi.id)]
    problems = []
    if r.actual is None and not kpi.formula and not kpi.rollup:
        latest = f" (latest {label_of_id(ctx.report, r.latest_period)})" if r.latest_period else ""
        problems.append(f"missing for {ctx.site.period_label}{latest}")
    elif r.stale:
        problems.append(
            f"stale: latest value {label_of_id(ctx.report, r.latest_period)}" if r.latest_period else "stale"
        )
    if not kpi.owner:
        problems.append("no owner")
    if not problems:
        return None
    link_ = kpi_link(ctx, path, unit.id, kpi.id)
    return QualityRow(unit.name, Link(kpi.name, link_.href, link_.status), kpi.owner, tuple(problems))
