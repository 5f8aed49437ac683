"""The stages every command shares: load and validate the input, pick the period, compute."""

from __future__ import annotations

import dataclasses
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.attention import unexplained_statuses
from generator.audiences import edition, lone_restricted_warnings, unseen_warnings
from generator.compute import available_periods, compute_report, restate
from generator.compute.forecast import fiscal_year_periods
from generator.compute.published import as_published
from generator.editions import edition_report, read_editions
from generator.errors import DataError, Problem, UsageError, suggest
from generator.load import load_input
from generator.model import Audience, Location, Measure, Scorecard
from generator.periods import ID_FORMS, PER_YEAR, PERIOD_NOUNS, Period, id_label, parse_period, year_problem
from generator.present.restatements import restatement_display, restatement_message
from generator.results import PublishedEdition, Report
from generator.validate import validate_input


def load_scorecard(content: Path, measures: Path) -> tuple[Scorecard, list[Problem]]:
    """Read and validate content and measures; raise DataError listing every error."""
    for name, folder in (("content", content), ("measures", measures)):
        if not folder.is_dir():
            state = "is not a folder" if folder.exists() else "does not exist"
            raise UsageError(f"{name} folder '{folder}' {state} (use --{name} DIR)")
    return validate_input(load_input(content, measures))


def choose_period(sc: Scorecard, text: str | None) -> Period:
    """Return the period asked for, or the latest with data; raise UsageError otherwise."""
    known = available_periods(sc)
    if not known:
        raise UsageError("no measures with values: nothing to report (add CSV files to the measures folder)")
    if text is None:
        return known[-1]
    period = _parse_period_option(sc, text, known[-1])
    if not known[0] <= period <= known[-1]:
        raise UsageError(f"--period {period} has no data (measures run from {known[0]} to {known[-1]})")
    return period


def choose_collect_period(sc: Scorecard, text: str | None) -> Period:
    """Return the period to collect: the one asked for, or the one after the latest with data."""
    known = available_periods(sc)
    cadence = sc.organization.cadence
    if text is None:
        if not known:
            raise UsageError(
                f"no measures with values yet: name the period to collect with --period {ID_FORMS[cadence]}"
            )
        return known[-1].shift(1)
    example = known[-1].shift(1) if known else Period(2026, 1, PER_YEAR[cadence])
    period = _parse_period_option(sc, text, example)
    if problem := year_problem(period.year):
        raise UsageError(f"--period {period}: {problem}")
    if known and period > known[-1].shift(period.per_year):
        raise UsageError(f"--period {period} is more than a year after the latest data ({known[-1]})")
    return period


def _parse_period_option(sc: Scorecard, text: str, example: Period) -> Period:
    """Parse --period in the id form of the scorecard's cadence; raise UsageError showing that form."""
    cadence = sc.organization.cadence
    period = parse_period(text, cadence)
    if period is None:
        raise UsageError(
            f"--period '{text}' is not a {PERIOD_NOUNS[cadence]} (expected {ID_FORMS[cadence]}, e.g. {example})"
        )
    return period


def make_collection_report(content: Path, measures: Path, period: str | None) -> Report:
    """Load and validate, then compute the quarter to collect (targets as they apply then)."""
    with bulk_allocation():
        scorecard, _ = load_scorecard(content, measures)
        return compute_report(scorecard, choose_collect_period(scorecard, period))


def make_report(
    content: Path,
    measures: Path,
    period: str | None,
    audience: str | None = None,
    editions: Path | None = None,
) -> tuple[Report, list[Problem]]:
    """Load, validate and compute the report for a period (one audience's edition if given), with warnings.

    With `editions` (the folder `scorecard publish` writes), the report carries the published
    periods and where today's numbers differ from them; an unreadable or edited edition is an error.
    """
    with bulk_allocation():
        scorecard, warnings = load_scorecard(content, measures)
        published, problems = read_editions(editions) if editions is not None else ([], [])
        if problems:
            raise DataError(problems)
        report = compute_report(scorecard, choose_period(scorecard, period))
    if published:
        report = restate(dataclasses.replace(report, editions=tuple(published)))
    warnings += period_warnings(report) + undefined_warnings(report) + lone_restricted_warnings(report)
    warnings += commentary_warnings(report, content) + ignored_forecast_warnings(report)
    warnings += (
        unseen_warnings(scorecard) + restatement_warnings(report) + edition_audience_warnings(scorecard, published)
    )
    if audience is not None:
        report = edition(report, choose_audience(scorecard, audience).id)
    return report, warnings


@dataclass(frozen=True)
class Edition:
    """One audience's report, and the folder of the site it goes to ("" for the only edition)."""

    audience: Audience | None  # None: no audiences declared
    report: Report
    folder: str = ""  # inside the site: the audience id when editions are side by side


def choose_audience(sc: Scorecard, audience: str) -> Audience:
    """Return the declared audience; raise UsageError naming the declared ones otherwise."""
    declared = {a.id: a for a in sc.organization.audiences}
    if audience in declared:
        return declared[audience]
    if not declared:
        raise UsageError(f"--audience '{audience}': organization.yaml declares no audiences")
    hint = suggest(audience, declared) or f" (declared: {', '.join(declared)})"
    raise UsageError(f"--audience '{audience}' is not declared in organization.yaml{hint}")


def choose_editions(report: Report, audience: str | None) -> list[Edition]:
    """Return the editions to build: the one asked for, every declared audience's, or the only one."""
    sc = report.scorecard
    if audience is not None:
        chosen = choose_audience(sc, audience)
        return [Edition(chosen, edition(report, chosen.id))]
    if sc.organization.audiences:
        return [Edition(a, edition(report, a.id), a.id) for a in sc.organization.audiences]
    shown = tuple(e for e in report.editions if "" in e.rows)  # an edition for audiences only has no archive here
    return [Edition(None, report if shown == report.editions else restate(dataclasses.replace(report, editions=shown)))]


def edition_audience_warnings(sc: Scorecard, published: list[PublishedEdition]) -> list[Problem]:
    """Return a warning for every edition without rows for a declared audience, or with rows for another."""
    declared = {a.id: a.name for a in sc.organization.audiences}
    messages: list[tuple[str, str]] = []
    for e in published:
        again = f"(publish {e.period} again with --force to include it)"
        if not declared and "" not in e.rows:
            listed = ", ".join(f"'{a}'" for a in e.rows)
            messages.append(
                (
                    e.path,
                    f"{e.period} was published for audiences ({listed}): the site, which has none now, leaves it out of its archive {again}",
                )
            )
        elif declared and "" in e.rows:
            messages.append(
                (
                    e.path,
                    f"{e.period} was published before audiences were declared: no edition of the site lists it in its archive {again}",
                )
            )
        elif declared:
            messages += [
                (
                    e.path,
                    f"{e.period} was published with no rows for the audience '{a}': the {name} edition of the site leaves it out of its archive {again}",
                )
                for a, name in declared.items()
                if a not in e.rows
            ]
            messages += [
                (
                    e.path,
                    f"{e.period} has rows for the audience '{a}', which organization.yaml does not declare: no edition of the site shows them",
                )
                for a in e.rows
                if a not in declared
            ]
    return [Problem(Location(path), message, "warning") for path, message in messages]


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are built.

    Our records hold no reference cycles, so reference counting frees them; the collector only
    re-scans them, which took half of load, validate and compute at 9,000 KPIs.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def period_warnings(report: Report) -> list[Problem]:
    """Return a warning for every measured KPI without a value in the reporting period."""
    sc, warnings = report.scorecard, []
    late: dict[str, str] = {}
    for (unit_id, kpi_id), result in report.current.kpis.items():
        if result.carried:
            late.setdefault(unit_id, id_label(result.latest_period or "", sc.organization.fiscal_year_start))
            continue
        kpi = sc.kpi(unit_id, kpi_id)
        if result.actual is None and not result.manual and not kpi.formula and not kpi.rollup:
            latest = f" (latest value: {result.latest_period})" if result.latest_period else ""
            warnings.append(
                Problem(
                    sc.where(unit_id, "kpi", kpi_id),
                    f"kpi '{kpi_id}' of unit '{unit_id}' has no value for {report.period}{latest}",
                    "warning",
                )
            )
    return warnings + [
        Problem(
            sc.where(unit_id),
            f"unit '{unit_id}' has no values for {report.period}: its pages show its latest values, from {latest}",
            "warning",
        )
        for unit_id, latest in late.items()
    ]


def commentary_warnings(report: Report, content: Path) -> list[Problem]:
    """Return a warning for every status `commentary_required` asks an analysis of, where none is written."""
    sc, period = report.scorecard, report.period
    warnings = []
    for item in unexplained_statuses(report):
        where = sc.where(item.unit, "kpi", item.id) if item.kind == "kpi" else sc.where(item.unit, item.id)
        heading = f"## KPI: {item.id}" if item.kind == "kpi" else f"## Objective: {item.id}"
        name = "kpi" if item.kind == "kpi" else "objective"
        message = (
            f"{name} '{item.id}' of unit '{item.unit}' is {item.status.value} in {period} without an analysis, "
            f"which commentary_required asks for: add '{heading}' with '### Analysis' to "
            f"{content / 'commentary' / str(period) / item.unit}.md"
        )
        warnings.append(Problem(where, message, "warning"))
    return warnings


def ignored_forecast_warnings(report: Report) -> list[Problem]:
    """Return a warning at every row whose owner's `forecast` is not used, saying why."""
    sc, warnings = report.scorecard, []
    for m in sc.measures:
        if m.forecast is not None and (why := _forecast_ignored(report, m)):
            message = f"forecast: {m.forecast:g} for kpi '{m.kpi}' of unit '{m.unit}' is ignored: {why}"
            warnings.append(Problem(m.where, message, "warning"))
    return warnings


def _forecast_ignored(report: Report, m: Measure) -> str:
    kpi, start = report.scorecard.kpi(m.unit, m.kpi), report.scorecard.organization.fiscal_year_start
    if kpi.forecast == "none":
        return "the KPI has 'forecast: none'"
    if kpi.polarity == "none":
        return "the KPI is a reference measure (polarity 'none'), never forecast"
    if kpi.frequency == "annual":
        return "an annual KPI's value is its year's end"
    if m.period != report.period:
        return f"only the row of the reporting period ({report.period}) gives the year-end forecast"
    if report.period == fiscal_year_periods(report.period, start)[-1]:
        return f"{report.period} ends the fiscal year: nothing is left to forecast"
    if report.current.kpis[(m.unit, m.kpi)].target is None:
        return "the KPI has no target to forecast against"
    return ""


def undefined_warnings(report: Report) -> list[Problem]:
    """Return a warning for every calculated or rolled-up KPI whose computation had no value (x / 0)."""
    found: dict[tuple[str, str, str], list[Period]] = defaultdict(list)
    for period in report.periods:
        for (unit_id, kpi_id), result in report.by_period[period].kpis.items():
            if result.undefined:
                found[(unit_id, kpi_id, result.undefined)].append(period)
    return [
        Problem(
            report.scorecard.where(unit_id, "kpi", kpi_id),
            f"kpi '{kpi_id}' of unit '{unit_id}' has no value for {_periods(periods)}: {why}",
            "warning",
        )
        for (unit_id, kpi_id, why), periods in found.items()
    ]


def _periods(periods: list[Period], shown: int = 3) -> str:
    """Return "2026-Q1", "2026-Q1 and 2026-Q2" or "2025-Q1, 2025-Q2, 2025-Q3 and 5 more"."""
    names = [str(p) for p in periods[:shown]]
    if len(periods) == 1:
        return names[0]
    rest = f"{len(periods) - shown} more" if len(periods) > shown else names.pop()
    return f"{', '.join(names)} and {rest}"


def restatement_warnings(report: Report) -> list[Problem]:
    """Return a warning for every published value that today's computation restates."""
    paths = {e.period: e.path for e in report.editions}
    return [
        Problem(Location(paths[r.period]), restatement_message(restatement_display(report, r)), "warning")
        for r in report.restatements
    ]


def archived_report(report: Report, published: PublishedEdition, audience: Audience | None) -> Report | None:
    """Return a published period as published for one audience (None: its edition holds no such audience).

    From the edition alone (`generator.snapshot`); a format 1 edition, which holds its period's
    numbers only, lays them over today's report of the period (see `generator.compute.published`).
    """
    key = audience.id if audience else ""
    if key not in published.rows:
        return None
    if published.format >= 2:
        with bulk_allocation():
            return edition_report(published, key)
    periods = {str(p): p for p in report.periods}
    if published.period not in periods:
        return None
    with bulk_allocation():
        past = compute_report(report.scorecard, periods[published.period])
    past = dataclasses.replace(past, editions=(published,))
    if audience is not None:
        past = edition(past, audience.id)
    return as_published(past, published.rows[key])
