"""Restatements and published editions as readers see them: the words every output uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.formatting import DASH, format_number
from generator.results import PublishedEdition, Report, Restatement

# On the pages of an archived edition of format 1, which kept its period's numbers but not its pages
FORMAT_1_NOTICE = (
    "This edition was published by an earlier version, which kept only this period's numbers: the list of "
    "KPIs, their names and definitions, the history, the charts and the previous period's scores come from "
    "today's content, not from the edition."
)

CHANGE_WORDS = {
    "value": "Value corrected",
    "target": "Target changed",
    "added": "Added since published",
    "removed": "Removed since published",
}


@dataclass(frozen=True, slots=True)
class RestatementDisplay:
    """A restatement formatted for every output."""

    restatement: Restatement
    unit: str  # the unit's name (its id when the unit no longer exists)
    kpi: str  # the KPI's name as published or as today
    period: str  # the period's label
    change: str  # e.g. "Value corrected"
    published: str  # e.g. "71.2", a band "75.0–85.0", or a dash
    current: str
    note: str
    published_on: str  # e.g. "14 Oct 2026"
    corrected_on: str = ""  # a correction by publishing again: when the next publication was made


def restatement_display(report: Report, r: Restatement) -> RestatementDisplay:
    """Return one restatement with names, labels and numbers as shown."""
    unit = report.scorecard.units.get(r.unit)
    return RestatementDisplay(
        r,
        unit.name if unit else r.unit,
        r.name,
        period_name(report, r.period),
        CHANGE_WORDS[r.change],
        shown(r.published, r.decimals),
        shown(r.current, r.decimals),
        r.note,
        published_on(r.published_at),
        published_on(r.corrected_at) if r.corrected_at else "",
    )


def restatement_displays(report: Report) -> list[RestatementDisplay]:
    """Return the report's restatements, latest period first."""
    rows = [restatement_display(report, r) for r in report.restatements]
    return sorted(rows, key=lambda d: d.restatement.period, reverse=True)


def published_words(mark: RestatementDisplay | None) -> str:
    """Return what a corrected value says beside it: the value published, and when ("" if not corrected)."""
    return f"Published {mark.published} ({mark.published_on})" if mark else ""


def correction_displays(report: Report) -> list[RestatementDisplay]:
    """Return the values a period's later publication changed from an earlier one, latest period first."""
    rows = [restatement_display(report, r) for r in report.corrections]
    return sorted(rows, key=lambda d: d.restatement.period, reverse=True)


def shown(value: Any, decimals: int) -> str:
    """Return a published or restated value as text: a number, a band low–high, text, or a dash."""
    if value is None:
        return DASH
    if isinstance(value, list):
        return f"{format_number(value[0], decimals)}–{format_number(value[1], decimals)}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(float(value), decimals)
    return str(value)


def published_on(timestamp: str) -> str:
    """Return the day of a publication timestamp (2026-10-14T09:30:00Z -> '14 Oct 2026')."""
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    if len(timestamp) < 10 or not timestamp[:4].isdigit():
        return timestamp
    return (
        f"{timestamp[8:10]} {months[int(timestamp[5:7]) - 1]} {timestamp[:4]}"
        if timestamp[5:7].isdigit()
        else timestamp
    )


def period_name(report: Report, period: str) -> str:
    """Return a published period's label for readers, or its id when it is not among the report's periods."""
    for p in report.periods:
        if str(p) == period:
            return p.label(report.scorecard.organization.fiscal_year_start)
    return period


def restatement_message(d: RestatementDisplay) -> str:
    """Return the terminal line of a restatement: KPI, period, published and new value, the note."""
    r = d.restatement
    what = {"value": "value", "target": "target"}.get(r.change, "value")
    if r.change == "added":
        text = f"kpi '{r.kpi}' of unit '{r.unit}' was added since {r.period} was published (value now {d.current})"
    elif r.change == "removed":
        text = f"kpi '{r.kpi}' of unit '{r.unit}' was removed since {r.period} was published (value published {d.published})"
    else:
        text = f"kpi '{r.kpi}' of unit '{r.unit}': {r.period} restated, {what} published {d.published}, now {d.current}"
    return text + (f" (note: {r.note})" if r.note else "")


def restated_marks(report: Report) -> dict[tuple[str, str, str], RestatementDisplay]:
    """Return the value corrections by (unit, kpi, period), for marking past values where shown."""
    marks: dict[tuple[str, str, str], RestatementDisplay] = {}
    # A value corrected by publishing again is marked with what was published first; today's
    # restatement of the latest publication, where there is one, is marked instead
    first = sorted(report.corrections, key=lambda r: r.revision)  # the earliest publication first
    for d in [*(restatement_display(report, r) for r in first), *restatement_displays(report)]:
        if d.restatement.change == "value":
            key = (d.restatement.unit, d.restatement.kpi, d.restatement.period)
            if d.restatement.corrected_at and key in marks:
                continue  # an earlier publication's value is already the mark
            marks[key] = d
    return marks


def latest_restated(report: Report) -> bool:
    """Return whether the report's own period was published and today's numbers restate it.

    Its edition is then kept browsable as published (archive/<period>/) beside today's pages.
    """
    period = str(report.period)
    return any(e.period == period for e in report.editions) and any(r.period == period for r in report.restatements)


def latest_publication(report: Report) -> str:
    """Return when the report's own period was published, e.g. '14 Oct 2026', or ''."""
    for edition in report.editions:
        if edition.period == str(report.period):
            return published_on(edition.published_at)
    return ""


def replaced_notice(report: Report, revision: PublishedEdition) -> str:
    """Say, on an earlier publication's archived pages, that it was replaced, when, and where the changes are."""
    edition = next((e for e in report.editions if e.period == revision.period), None)
    later = [r for r in (edition.revisions if edition else ()) if r.revision > revision.revision]
    replaced_at = later[0].published_at if later else (edition.published_at if edition else "")
    return (
        f"This publication (revision {revision.revision}) was replaced on {published_on(replaced_at)}, when the "
        "period was published again; the latest site's Restatements page lists the values that changed."
    )


def archived_editions(report: Report) -> list[PublishedEdition]:
    """Return the published periods before the report's own that the site keeps archived, oldest first.

    Today's measures need not reach back to them: an edition of format 2 holds everything its
    pages show; one of format 1 (its numbers only) is archived while its period is among today's.
    """
    current, today = str(report.period), {str(p) for p in report.periods}
    return [e for e in report.editions if e.period < current and (e.format >= 2 or e.period in today)]


def edition_label(report: Report, edition: PublishedEdition) -> str:
    """Return a published period's label: as today's scorecard names it, or as the edition does."""
    for p in report.periods:
        if str(p) == edition.period:
            return p.label(report.scorecard.organization.fiscal_year_start)
    return edition.label or edition.period
