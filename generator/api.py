"""A small Python API for notebooks: a project's results and measures as pandas DataFrames.

    from generator.api import load_results
    results = load_results("content", "measures", period="2026-Q3")
    results.kpis[results.kpis.status == "red"]

The frames hold the same rows and numbers as `scorecard export` (one tidy frame per level), so a
notebook and the board pack cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.editions import editions_folder
from generator.errors import DataError, Problem, ScorecardError, UsageError
from generator.model import Measure
from generator.pipeline import make_report
from generator.present import EXPORT_LEVEL_COLUMNS as LEVEL_COLUMNS
from generator.present import export_rows
from generator.results import Report

# `reporting_period`: the period of the scorecard's cadence a value counts in (a month's: its quarter or year)
MEASURE_COLUMNS = ("unit", "kpi", "period", "reporting_period", "value", "target", "note", "source")
_SHOWN = 20  # problems listed in the error message


class ProjectError(ScorecardError):
    """The project does not load: its message lists the problems (all of them in `problems`)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:_SHOWN]]
        if len(problems) > _SHOWN:
            lines.append(f"... and {len(problems) - _SHOWN} more")
        super().__init__(
            f"{len(problems)} error{'s' if len(problems) != 1 else ''} in content or measures:\n" + "\n".join(lines)
        )


@dataclass(frozen=True)
class Results:
    """A computed scorecard as frames: one per level, the measures, and the warnings."""

    report: Report
    units: pd.DataFrame
    perspectives: pd.DataFrame
    objectives: pd.DataFrame
    kpis: pd.DataFrame
    measures: pd.DataFrame
    warnings: list[Problem]


def load_results(
    content: str | Path = "content",
    measures: str | Path = "measures",
    period: str | None = None,
    audience: str | None = None,
    editions: str | Path | None = None,
) -> Results:
    """Load, validate and compute a project; return its results as DataFrames (raise ProjectError on bad input).

    `audience`: one audience's edition (as `scorecard export --audience`), measures included; default everything.
    `editions`: the published editions, as `scorecard export --editions` (`restated_from`); default
    `editions/` beside the content folder.
    """
    if period is not None and not isinstance(period, str):
        raise UsageError(f"period: expected text such as '2026-Q3', not {type(period).__name__} {period!r}")
    try:
        folder = editions_folder(Path(editions) if editions is not None else None, Path(content))
        report, warnings = make_report(Path(content), Path(measures), period, audience, folder)
    except DataError as exc:
        raise ProjectError(exc.problems) from None
    rows = export_rows(report)
    frames = {
        level: pd.DataFrame([[r[c] for c in columns] for r in rows if r["level"] == level], columns=list(columns))
        for level, columns in LEVEL_COLUMNS.items()
    }
    return Results(
        report,
        frames["unit"],
        frames["perspective"],
        frames["objective"],
        frames["kpi"],
        measures_frame(report.scorecard.measures),
        warnings,
    )


def measures_frame(measures: tuple[Measure, ...]) -> pd.DataFrame:
    """Return the measures as read, one row each, with the file (and line or cell) each came from."""
    records = [
        (m.unit, m.kpi, str(m.raw_period), str(m.period), m.value, m.target, m.note, str(m.where)) for m in measures
    ]
    return pd.DataFrame(records, columns=list(MEASURE_COLUMNS))
