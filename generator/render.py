"""Render the site's Markdown pages from Jinja2 templates in `site_templates/site/`.

Python prepares typed page contexts (the dataclasses below); templates lay them out. Every
user text is escaped by Jinja's autoescape; Markdown fields (mission, commentary) are escaped
too and then handed to Markdown, so `<script>` in a name or comment shows as text.

Page structure (a few pages per unit, never one per KPI: MkDocs costs ~10 ms a page):
  index.md                     home: mission, vision, overall status, org tree, what changed
  units/<unit>/index.md        the unit's scorecard, children heatmap, initiatives, commentary
  units/<unit>/details.md      objective and KPI detail as sections (#obj-<id>, #kpi-<id>)
  units/<unit>/map.md          the strategy map
  changes.md, initiatives.md, quality.md
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import json
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.charts import heatmap_figure, sparkline_points, trend_figure
from generator.compute import compute_changes, supporting_objectives
from generator.formatting import (
    STATUS_ICONS,
    TREND_ARROWS,
    TREND_WORDS,
    format_number,
    format_score,
    format_target,
    format_value,
)
from generator.model import Initiative, Kpi, Objective, Scorecard, Unit
from generator.periods import quarter_months
from generator.results import Change, KpiResult, Report, Status
from generator.strategymap import MapObjective, StrategyMap, layout_strategy_map

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"
SPARK_QUARTERS = 8
TABLE_LIMIT = 300  # rows per site-wide table; keeps pages far under 400 KB at 9,000 KPIs
_SLUG_JUNK = re.compile(r"[^a-z0-9_-]+")
_SCRIPT_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data)\s*:")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


# --- Small helpers shared by templates --------------------------------------------------------


def slug(text: str) -> str:
    """Return a safe URL path segment: lower-case ASCII letters, digits, '-' and '_' only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    cleaned = _SLUG_JUNK.sub("-", ascii_text).strip("-_")
    if cleaned and cleaned == text:
        return cleaned
    # Anything changed gets a digest, so two ids can never share a slug ('A' vs 'a').
    return f"{cleaned or 'x'}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def unit_page(unit_id: str) -> str:
    """Return the Markdown path of a unit's overview page."""
    return f"units/{slug(unit_id)}/index.md"


def details_page(unit_id: str) -> str:
    """Return the Markdown path of a unit's objective and KPI details."""
    return f"units/{slug(unit_id)}/details.md"


def map_page(unit_id: str) -> str:
    """Return the Markdown path of a unit's strategy map."""
    return f"units/{slug(unit_id)}/map.md"


def link(source: str, target: str, anchor: str = "") -> str:
    """Return a relative link from one page to another's HTML (works over file://)."""
    html_target = target[:-3] + ".html" if target.endswith(".md") else target
    relative = posixpath.relpath(html_target, posixpath.dirname(source) or ".")
    return f"{relative}#{anchor}" if anchor else relative


def markdown_text(text: str) -> Markup:
    """Escape HTML in user Markdown but keep its Markdown syntax (emphasis, lists, links)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A backslash makes `javascript:` links relative, so a click cannot run script either.
    return Markup(_SCRIPT_SCHEME.sub(lambda m: m[1] + "\\:", escaped))


def inline_text(text: str) -> Markup:
    """Escape a name for a Markdown heading: HTML and Markdown syntax both shown as text."""
    escaped = markdown_text(" ".join(text.split()))
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escaped)))


def figure_attribute(figure: dict[str, Any]) -> Markup:
    """Return figure JSON safe inside a single-quoted HTML attribute (JSON.parse reads it back)."""
    text = json.dumps(figure, separators=(",", ":"), allow_nan=False)
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("'", "\\u0027")):
        text = text.replace(char, code)
    return Markup(text)


def plotly_label(text: str) -> str:
    """Escape a label for Plotly, which reads a few HTML tags and entities in its text."""
    return html.escape(text, quote=False)


# --- Typed template context -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status as shown: CSS class, icon, word and score."""

    css: str
    icon: str
    word: str
    score: str

    @property
    def text(self) -> str:
        """Return icon and word, e.g. '▲ At risk'."""
        return f"{self.icon} {self.word}"


def status_view(status: Status, score: float | None = None) -> StatusView:
    """Return how a status and score are shown."""
    return StatusView(status.value, STATUS_ICONS[status], status.label, format_score(score))


@dataclass(frozen=True, slots=True)
class Link:
    """A link to a unit, objective or KPI with its status."""

    name: str
    href: str
    status: StatusView
    note: str = ""


@dataclass(frozen=True, slots=True)
class KpiRow:
    """One KPI line of a scorecard table."""

    name: str
    href: str
    status: StatusView
    actual: str
    target: str
    trend_arrow: str
    trend_word: str
    spark: str  # SVG polyline points, "" when too few values
    spark_label: str
    stale: str  # "" or "latest value 2026-Q1"


@dataclass(frozen=True, slots=True)
class ObjectiveRow:
    """An objective with its KPIs in a scorecard table."""

    name: str
    href: str
    status: StatusView
    owner: str
    kpis: tuple[KpiRow, ...]


@dataclass(frozen=True, slots=True)
class PerspectiveBlock:
    """A perspective of a unit's scorecard."""

    name: str
    description: str
    status: StatusView
    objectives: tuple[ObjectiveRow, ...]


@dataclass(frozen=True, slots=True)
class HeatRow:
    """A row of the children heatmap's text alternative."""

    name: str
    href: str
    status: StatusView
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Children compared side by side, ranked by score."""

    caption: str
    figure: Markup
    columns: tuple[str, ...]
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """A milestone placed on the timeline, with its state at the end of the period."""

    name: str
    due: str
    state: str  # done | late | due
    left: float  # percent of the timeline


@dataclass(frozen=True, slots=True)
class InitiativeView:
    """An initiative: its bar on the timeline, milestones and money."""

    name: str
    owner: str
    description: str
    dates: str
    left: float
    width: float
    milestones: tuple[MilestoneView, ...]
    objectives: tuple[Link, ...]
    budget: str
    spent: str
    spent_percent: float | None
    over_budget: bool
    counts: str  # "2 done, 1 late, 1 due"


@dataclass(frozen=True, slots=True)
class Timeline:
    """Initiatives of a unit on one time axis, with the end of the reporting period marked."""

    start: str
    end: str
    period_end: str
    period_left: float
    initiatives: tuple[InitiativeView, ...]


@dataclass(frozen=True, slots=True)
class CommentView:
    """A commentary section: analysis and actions are what boards read."""

    title: str
    analysis: Markup
    actions: Markup
    body: Markup
    author: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A status change, as one table row."""

    level: str
    name: str
    href: str
    unit: str
    before: StatusView
    after: StatusView
    delta: str


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What changed since the previous quarter."""

    previous: str
    new_reds: tuple[ChangeRow, ...]
    recoveries: tuple[ChangeRow, ...]
    moves: tuple[ChangeRow, ...]
    changes: tuple[ChangeRow, ...]
    hidden: int  # status changes left out of `changes` to keep the page light


@dataclass(frozen=True, slots=True)
class Site:
    """What every page shows: organisation and period."""

    name: str
    period: str
    period_label: str
    period_end: str


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered page: its path in the docs folder and its Markdown."""

    path: str
    title: str
    text: str


@dataclass
class RenderOptions:
    """Choices the build makes for rendering."""

    packs: bool = False  # link each unit page to its PDF pack
    templates: Path = TEMPLATES
    _env: jinja2.Environment | None = field(default=None, repr=False)


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
    env.filters.update(md=markdown_text, inline=inline_text)
    return env


def _render(options: RenderOptions, template: str, **context: Any) -> str:
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

    @property
    def sc(self) -> Scorecard:
        """Return the scorecard."""
        return self.report.scorecard


def make_context(report: Report, options: RenderOptions) -> Context:
    """Index the report for rendering."""
    sc = report.scorecard
    end = period_end(report)
    site = Site(sc.organization.name, str(report.period), report.period.label(sc.organization.fiscal_year_start),
                f"{end:%d %b %Y}")
    objectives = {(u.id, o.id): o for u in sc.units.values() for o in u.objectives}
    return Context(report, options, site, end, supporting_objectives(sc), objectives)


def period_end(report: Report) -> dt.date:
    """Return the last day of the reporting period (milestones are judged against it, not today)."""
    year, month = quarter_months(report.period, report.scorecard.organization.fiscal_year_start)[1]
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def render_site(report: Report, options: RenderOptions | None = None) -> list[Page]:
    """Render every page of the site."""
    ctx = make_context(report, options or RenderOptions())
    pages = [render_home(ctx), render_changes(ctx), render_initiatives(ctx), render_quality(ctx)]
    for unit in ctx.sc.units.values():
        pages += [render_unit(ctx, unit), render_details(ctx, unit), render_map(ctx, unit)]
    return pages


def site_nav(report: Report) -> list[Any]:
    """Return the MkDocs nav: home, the org tree (each unit a section), then site-wide pages."""
    sc = report.scorecard
    return [{"Home": "index.md"}, _unit_nav(sc, sc.root), {"What changed": "changes.md"},
            {"Initiatives": "initiatives.md"}, {"Data quality": "quality.md"}]


def _unit_nav(sc: Scorecard, unit: Unit) -> dict[str, list[Any]]:
    entries: list[Any] = [unit_page(unit.id), {"Objectives &amp; KPIs": details_page(unit.id)},
                          {"Strategy map": map_page(unit.id)}]
    # MkDocs themes print nav titles unescaped: escape names here
    return {html.escape(unit.name): entries + [_unit_nav(sc, child) for child in sc.children(unit.id)]}


def _unit_link(ctx: Context, source: str, unit_id: str) -> Link:
    result = ctx.report.current.units[unit_id]
    return Link(ctx.sc.units[unit_id].name, link(source, unit_page(unit_id)), status_view(result.status, result.score))


def _objective_link(ctx: Context, source: str, unit_id: str, objective_id: str) -> Link:
    result = ctx.report.current.objectives[(unit_id, objective_id)]
    name = ctx.objectives[(unit_id, objective_id)].name
    href = link(source, details_page(unit_id), f"obj-{slug(objective_id)}")
    return Link(name, href, status_view(result.status, result.score), ctx.sc.units[unit_id].name)


def _number(value: float | str | None) -> float | None:
    return float(value) if isinstance(value, int | float) else None


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
    text = _render(
        ctx.options, "home.md", site=ctx.site, org=org, root=_unit_link(ctx, path, root.id),
        status=status_view(result.status, result.score), counts=_counts(result.counts),
        perspectives=_perspective_cards(ctx, root.id), tree=_tree(ctx, path, root),
        changes=_changes(ctx, path, None, limit=5), links=_home_links(ctx, path),
    )
    return Page(path, org.name, text)


def _home_links(ctx: Context, path: str) -> dict[str, str]:
    root = ctx.sc.root.id
    return {"changes": link(path, "changes.md"), "quality": link(path, "quality.md"),
            "initiatives": link(path, "initiatives.md"), "map": link(path, map_page(root))}


def _counts(counts: dict[Status, int]) -> list[tuple[StatusView, int]]:
    return [(status_view(s), n) for s, n in counts.items() if n]


def _perspective_cards(ctx: Context, unit_id: str) -> list[tuple[str, StatusView]]:
    results = ctx.report.current.perspectives
    return [(p.name, status_view(results[(unit_id, p.id)].status, results[(unit_id, p.id)].score))
            for p in ctx.sc.perspectives(unit_id)]


def _tree(ctx: Context, source: str, unit: Unit) -> TreeNode:
    children = tuple(_tree(ctx, source, child) for child in ctx.sc.children(unit.id))
    return TreeNode(_unit_link(ctx, source, unit.id), children)


# --- What changed -----------------------------------------------------------------------------


def render_changes(ctx: Context) -> Page:
    """Render what changed since the previous quarter across the organisation."""
    path = "changes.md"
    text = _render(ctx.options, "changes.md", site=ctx.site, changes=_changes(ctx, path, None, TABLE_LIMIT))
    return Page(path, "What changed", text)


def _changes(ctx: Context, source: str, unit_ids: Iterable[str] | None, limit: int) -> ChangesView | None:
    previous = ctx.report.previous
    if previous is None:
        return None
    changes = compute_changes(ctx.report, unit_ids, top=limit)
    rows = [_change_row(ctx, source, c) for c in changes.status_changes]
    return ChangesView(
        str(previous.period), tuple(_change_row(ctx, source, c) for c in changes.new_reds[:limit]),
        tuple(_change_row(ctx, source, c) for c in changes.recoveries[:limit]),
        tuple(_change_row(ctx, source, c) for c in changes.biggest_moves[:limit]),
        tuple(rows[:limit]), max(0, len(rows) - limit),
    )


def _change_row(ctx: Context, source: str, change: Change) -> ChangeRow:
    if change.level == "unit":
        href = link(source, unit_page(change.unit))
    else:
        href = link(source, details_page(change.unit), f"{change.level[:3]}-{slug(change.id)}")
    delta = change.score_delta
    return ChangeRow(
        {"unit": "Unit", "objective": "Objective", "kpi": "KPI"}[change.level], change.name, href,
        ctx.sc.units[change.unit].name, status_view(change.before, change.score_before),
        status_view(change.after, change.score_after), "" if delta is None else f"{delta:+.1f}",
    )


# --- Unit overview ----------------------------------------------------------------------------


def render_unit(ctx: Context, unit: Unit) -> Page:
    """Render a unit's page: status, scorecard, children, initiatives, commentary, changes."""
    path = unit_page(unit.id)
    result = ctx.report.current.units[unit.id]
    children = ctx.sc.children(unit.id)
    text = _render(
        ctx.options, "unit.md", site=ctx.site, unit=unit, status=status_view(result.status, result.score),
        counts=_counts(result.counts), ancestors=[_unit_link(ctx, path, a.id) for a in reversed(ctx.sc.ancestors(unit.id))],
        children=[_unit_link(ctx, path, c.id) for c in children], perspectives=_scorecard(ctx, path, unit),
        heatmap=_heatmap(ctx, path, unit, children), timeline=_timeline(ctx, path, unit),
        comments=_comments(ctx, unit, None), changes=_changes(ctx, path, _subtree(ctx.sc, unit.id), limit=8),
        links=_unit_links(ctx, path, unit),
    )
    return Page(path, unit.name, text)


def _unit_links(ctx: Context, path: str, unit: Unit) -> dict[str, str]:
    links = {"details": link(path, details_page(unit.id)), "map": link(path, map_page(unit.id))}
    if ctx.options.packs:
        links["pack"] = link(path, f"packs/{ctx.site.period}-{slug(unit.id)}.pdf")
    return links


def _subtree(sc: Scorecard, unit_id: str) -> list[str]:
    ids = [unit_id]
    for child in sc.children(unit_id):
        ids += _subtree(sc, child.id)
    return ids


def _scorecard(ctx: Context, source: str, unit: Unit) -> list[PerspectiveBlock]:
    blocks, results = [], ctx.report.current
    for p in ctx.sc.perspectives(unit.id):
        objectives = tuple(_objective_row(ctx, source, unit.id, o) for o in unit.objectives if o.perspective == p.id)
        if objectives:
            result = results.perspectives[(unit.id, p.id)]
            blocks.append(PerspectiveBlock(p.name, p.description, status_view(result.status, result.score), objectives))
    return blocks


def _objective_row(ctx: Context, source: str, unit_id: str, objective: Objective) -> ObjectiveRow:
    head = _objective_link(ctx, source, unit_id, objective.id)
    kpis = tuple(_kpi_row(ctx, source, unit_id, k) for k in objective.kpis)
    return ObjectiveRow(head.name, head.href, head.status, objective.owner, kpis)


def _kpi_row(ctx: Context, source: str, unit_id: str, kpi: Kpi) -> KpiRow:
    r = ctx.report.current.kpis[(unit_id, kpi.id)]
    recent = ctx.report.kpi_history(unit_id, kpi.id)[-SPARK_QUARTERS:]
    spark_label = "Recent quarters: " + ", ".join(format_value(kpi, h.actual) for h in recent)
    return KpiRow(
        kpi.name, link(source, details_page(unit_id), f"kpi-{slug(kpi.id)}"), status_view(r.status, r.score),
        format_value(kpi, r.actual), format_target(kpi, r.target), TREND_ARROWS[r.trend], TREND_WORDS[r.trend],
        sparkline_points([_number(h.actual) for h in recent]), spark_label,
        f"latest value {r.latest_period}" if r.stale and r.latest_period else ("no value yet" if r.stale else ""),
    )


def _heatmap(ctx: Context, source: str, unit: Unit, children: Sequence[Unit]) -> Heatmap | None:
    """Compare children KPI by KPI when they share a template, else perspective by perspective."""
    if not children:
        return None
    ranked = sorted(children, key=lambda c: -(ctx.report.current.units[c.id].score or -1.0))
    templates = {c.template for c in children}
    if len(children) > 1 and len(templates) == 1 and None not in templates:
        return _kpi_heatmap(ctx, source, ranked)
    return _perspective_heatmap(ctx, source, unit, ranked)


def _kpi_heatmap(ctx: Context, source: str, units: Sequence[Unit]) -> Heatmap:
    first = [k for o in units[0].objectives for k in o.kpis]
    shared = [k for k in first if all((u.id, k.id) in ctx.sc.kpi_index() for u in units)]
    cells = [[ctx.report.current.kpis[(u.id, k.id)] for k in shared] for u in units]
    texts = [[f"{format_value(ctx.sc.kpi(r.unit, r.kpi), r.actual)} {STATUS_ICONS[r.status]}" for r in row]
             for row in cells]
    name = ctx.sc.templates[units[0].template or ""].name
    caption = f"Units sharing the “{name}” scorecard, ranked by overall score; each cell shows the KPI's value and status."
    return _heatmap_view(ctx, source, units, [k.name for k in shared], cells, texts, caption)


def _perspective_heatmap(ctx: Context, source: str, unit: Unit, units: Sequence[Unit]) -> Heatmap:
    names = [p.name for p in ctx.sc.perspectives(unit.id)]
    results = ctx.report.current.perspectives
    cells = [[results[(u.id, p.id)] for p in ctx.sc.perspectives(u.id)][: len(names)] for u in units]
    texts = [[f"{format_score(r.score)} {STATUS_ICONS[r.status]}" for r in row] for row in cells]
    caption = ("Units below, ranked by overall score; each cell shows the perspective score (0-10). "
               "Units with their own perspectives are compared by position, top to bottom.")
    return _heatmap_view(ctx, source, units, names, cells, texts, caption)


def _heatmap_view(ctx: Context, source: str, units: Sequence[Unit], columns: Sequence[str],
                  cells: Sequence[Sequence[Any]], texts: Sequence[Sequence[str]], caption: str) -> Heatmap:
    scores = [[c.score for c in row] for row in cells]
    figure = heatmap_figure([plotly_label(u.name) for u in units], [plotly_label(c) for c in columns], scores,
                            [[plotly_label(t) for t in row] for row in texts])
    rows = tuple(
        HeatRow(u.name, link(source, unit_page(u.id)), _unit_link(ctx, source, u.id).status,
                tuple(f"{t} {c.status.label}" for t, c in zip(text, row, strict=True)))
        for u, row, text in zip(units, cells, texts, strict=True)
    )
    return Heatmap(caption, figure_attribute(figure), tuple(columns), rows)


# --- Initiatives ------------------------------------------------------------------------------


def _timeline(ctx: Context, source: str, unit: Unit) -> Timeline | None:
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
        item.name, item.owner, item.description, f"{start:%d %b %Y} – {end:%d %b %Y}", pos(start),
        max(pos(end) - pos(start), 1.0), milestones,
        tuple(_objective_link(ctx, source, unit_id, o) for o in item.objectives),
        format_number(budget, 0), format_number(spent, 0), percent,
        bool(budget is not None and spent is not None and spent > budget), counts or "no milestones",
    )


@dataclass(frozen=True, slots=True)
class InitiativeSummary:
    """One initiative as a row of the site-wide initiatives table."""

    unit: Link
    view: InitiativeView


def render_initiatives(ctx: Context) -> Page:
    """Render every initiative in one table (timelines are on the unit pages)."""
    path, rows = "initiatives.md", []
    for unit in ctx.sc.units.values():
        timeline = _timeline(ctx, path, unit)
        for view in timeline.initiatives if timeline else ():
            rows.append(InitiativeSummary(_unit_link(ctx, path, unit.id), view))
    text = _render(ctx.options, "initiatives.md", site=ctx.site, rows=rows[:TABLE_LIMIT],
                   hidden=max(0, len(rows) - TABLE_LIMIT))
    return Page(path, "Initiatives", text)


# --- Commentary -------------------------------------------------------------------------------


def _comments(ctx: Context, unit: Unit, only: tuple[str, str] | None) -> list[CommentView]:
    """Return the unit's commentary for the period: every section, or the one about `only`."""
    commentary = ctx.sc.commentary.get((unit.id, ctx.report.period))
    if commentary is None:
        return []
    sections = commentary.sections if only is None else [s for s in commentary.sections if (s.kind, s.target) == only]
    return [
        CommentView(_comment_title(ctx, unit.id, s.kind, s.target, s.title), markdown_text(s.analysis),
                    markdown_text(s.actions), markdown_text(s.body), commentary.author)
        for s in sections
    ]


def _comment_title(ctx: Context, unit_id: str, kind: str, target: str, title: str) -> str:
    if kind == "objective":
        return f"Objective: {ctx.objectives[(unit_id, target)].name}"
    if kind == "kpi":
        return f"KPI: {ctx.sc.kpi(unit_id, target).name}"
    return title



# --- Objective and KPI details ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataRow:
    """One quarter of a KPI's data table (the chart's text alternative)."""

    period: str
    actual: str
    target: str
    status: StatusView
    ytd: str
    note: str


@dataclass(frozen=True, slots=True)
class KpiDetail:
    """A KPI section: chart, data table, definition and commentary."""

    anchor: str
    kpi: Kpi
    row: KpiRow
    ytd: str
    polarity: str
    red_flag: str
    figure: Markup
    table: tuple[DataRow, ...]
    rollup_from: tuple[Link, ...]
    comments: tuple[CommentView, ...]


@dataclass(frozen=True, slots=True)
class ObjectiveDetail:
    """An objective section: its KPIs, the cascade both ways, drivers, initiatives."""

    anchor: str
    objective: Objective
    perspective: str
    status: StatusView
    supports: tuple[Link, ...]
    supported_by: tuple[Link, ...]
    drives: tuple[Link, ...]
    driven_by: tuple[Link, ...]
    initiatives: tuple[str, ...]
    comments: tuple[CommentView, ...]
    kpis: tuple[KpiDetail, ...]


_POLARITY = {"higher": "Higher is better", "lower": "Lower is better", "range": "Best inside the target band"}


def render_details(ctx: Context, unit: Unit) -> Page:
    """Render a unit's objectives and KPIs in detail, one section each (anchors obj-<id>, kpi-<id>)."""
    path = details_page(unit.id)
    objectives = [_objective_detail(ctx, path, unit, o) for o in unit.objectives]
    text = _render(ctx.options, "details.md", site=ctx.site, unit=unit, objectives=objectives,
                   unit_href=link(path, unit_page(unit.id)), map_href=link(path, map_page(unit.id)))
    return Page(path, f"{unit.name}: objectives and KPIs", text)


def _objective_detail(ctx: Context, path: str, unit: Unit, objective: Objective) -> ObjectiveDetail:
    result = ctx.report.current.objectives[(unit.id, objective.id)]
    perspective = next((p.name for p in ctx.sc.perspectives(unit.id) if p.id == objective.perspective), "")
    supports = [tuple(ref.partition("/")[::2]) for ref in objective.supports]
    drivers = [o.id for o in unit.objectives if objective.id in o.drives]
    return ObjectiveDetail(
        f"obj-{slug(objective.id)}", objective, perspective, status_view(result.status, result.score),
        tuple(_objective_link(ctx, path, u, o) for u, o in supports if (u, o) in ctx.objectives),
        tuple(_objective_link(ctx, path, u, o) for u, o in ctx.supporters.get((unit.id, objective.id), [])),
        tuple(_objective_link(ctx, path, unit.id, o) for o in objective.drives),
        tuple(_objective_link(ctx, path, unit.id, o) for o in drivers),
        tuple(i.name for i in unit.initiatives if objective.id in i.objectives),
        tuple(_comments(ctx, unit, ("objective", objective.id))),
        tuple(_kpi_detail(ctx, path, unit, k) for k in objective.kpis),
    )


def _kpi_detail(ctx: Context, path: str, unit: Unit, kpi: Kpi) -> KpiDetail:
    history = ctx.report.kpi_history(unit.id, kpi.id)
    current = history[-1]
    figure = trend_figure(kpi, history) if any(_number(h.actual) is not None for h in history) else {}
    children = [c for c in ctx.sc.children(unit.id) if (c.id, kpi.id) in ctx.sc.kpi_index()] if kpi.rollup else []
    return KpiDetail(
        f"kpi-{slug(kpi.id)}", kpi, _kpi_row(ctx, path, unit.id, kpi), format_value(kpi, current.ytd),
        _POLARITY[kpi.polarity], format_target(kpi, current.red_flag),
        figure_attribute(figure) if figure else Markup(""),
        tuple(_data_row(kpi, r) for r in reversed(history)),
        tuple(_kpi_link(ctx, path, c.id, kpi.id) for c in children),
        tuple(_comments(ctx, unit, ("kpi", kpi.id))),
    )


def _kpi_link(ctx: Context, source: str, unit_id: str, kpi_id: str) -> Link:
    result = ctx.report.current.kpis[(unit_id, kpi_id)]
    href = link(source, details_page(unit_id), f"kpi-{slug(kpi_id)}")
    return Link(ctx.sc.units[unit_id].name, href, status_view(result.status, result.score),
                format_value(ctx.sc.kpi(unit_id, kpi_id), result.actual))


def _data_row(kpi: Kpi, r: KpiResult) -> DataRow:
    return DataRow(str(r.period), format_value(kpi, r.actual), format_target(kpi, r.target),
                   status_view(r.status, r.score), format_value(kpi, r.ytd), r.note)


# --- Strategy map -----------------------------------------------------------------------------


def render_map(ctx: Context, unit: Unit) -> Page:
    """Render a unit's strategy map with a list of its cause-and-effect links as text."""
    path = map_page(unit.id)
    results = ctx.report.current.objectives
    objectives = []
    for o in unit.objectives:
        view = status_view(results[(unit.id, o.id)].status, results[(unit.id, o.id)].score)
        objectives.append(MapObjective(o.id, o.name, o.perspective, o.drives, view.css, view.text, view.score))
    perspectives = [(p.id, p.name) for p in ctx.sc.perspectives(unit.id)]
    drawing = layout_strategy_map(perspectives, objectives, lambda o: link(path, details_page(unit.id), f"obj-{slug(o)}"))
    names = {o.id: o.name for o in unit.objectives}
    arrows = [(names[a.source], names[a.target]) for a in drawing.arrows]
    text = _render(ctx.options, "map.md", site=ctx.site, unit=unit, map=drawing, arrows=arrows,
                   unit_href=link(path, unit_page(unit.id)), details_href=link(path, details_page(unit.id)))
    return Page(path, f"{unit.name}: strategy map", text)


def strategy_map_svg(drawing: StrategyMap, options: RenderOptions | None = None) -> str:
    """Render just the SVG of a strategy map (the PDF packs can reuse it)."""
    return _render(options or RenderOptions(), "_strategy_map.svg", map=drawing)


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
    rows = [row for unit in ctx.sc.units.values() for o in unit.objectives for k in o.kpis
            if (row := _quality_row(ctx, path, unit, k)) is not None]
    owners: dict[str, int] = {}
    for row in rows:
        owners[row.owner or "(no owner)"] = owners.get(row.owner or "(no owner)", 0) + 1
    by_unit: dict[str, int] = {}
    for row in rows:
        by_unit[row.unit] = by_unit.get(row.unit, 0) + 1
    text = _render(ctx.options, "quality.md", site=ctx.site, rows=rows[:TABLE_LIMIT],
                   hidden=max(0, len(rows) - TABLE_LIMIT), owners=sorted(owners.items(), key=lambda i: -i[1]),
                   units=sorted(by_unit.items(), key=lambda i: -i[1]))
    return Page(path, "Data quality", text)


def _quality_row(ctx: Context, path: str, unit: Unit, kpi: Kpi) -> QualityRow | None:
    r = ctx.report.current.kpis[(unit.id, kpi.id)]
    problems = []
    if r.actual is None and not kpi.formula and not kpi.rollup:
        problems.append(f"missing for {ctx.site.period}" + (f" (latest {r.latest_period})" if r.latest_period else ""))
    elif r.stale:
        problems.append(f"stale: latest value {r.latest_period}" if r.latest_period else "stale")
    if not kpi.owner:
        problems.append("no owner")
    if not problems:
        return None
    link_ = _kpi_link(ctx, path, unit.id, kpi.id)
    return QualityRow(unit.name, Link(kpi.name, link_.href, link_.status), kpi.owner, tuple(problems))
