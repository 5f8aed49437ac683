"""Freeze a period for `scorecard publish`: the edition document, and the report that shows it.

The build calls `Freezer.freeze` with the computed report before rendering, so the published
site already says when it was published, and `Freezer.commit` just before the new site is
switched in, so a failed build writes no edition.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.compute import compute_report, restate
from generator.editions import (
    Written,
    edition_document,
    edition_path,
    input_fingerprint,
    next_revision,
    utc_now,
    write_edition,
)
from generator.errors import UsageError
from generator.pipeline import bulk_allocation, choose_editions, choose_period
from generator.present import export_rows, period_label
from generator.results import PublishedEdition, Report
from generator.snapshot import report_pages


@dataclass
class Freezer:
    """Publishes the period a build computes into `folder`; `written` says what it wrote."""

    folder: Path
    content: Path
    measures: Path
    force: bool = False
    now: str = ""  # UTC ISO time of publication; empty: the time of the build
    written: Written | None = None
    _document: dict[str, Any] = field(default_factory=dict)

    def check(self, period: str | None) -> None:
        """Refuse, before any work, to publish a period again without --force."""
        if period is not None and not self.force and os.path.lexists(edition_path(self.folder, period)):
            raise UsageError(
                f"{edition_path(self.folder, period)} exists: {period} was published before; nothing was changed "
                "(use --force to publish it again, keeping the earlier edition as a revision)"
            )

    @property
    def period(self) -> str:
        """Return the period frozen (empty before `freeze`)."""
        return str(self._document.get("period", ""))

    def freeze(self, report: Report) -> Report:
        """Prepare the edition of the report's period; return the report the site shows, with it among the published.

        Publishing an earlier period again (--force) freezes that period, but the site still shows
        the latest period with data, the re-issued one among its archived editions.
        """
        period = str(report.period)
        self.check(period)
        # The pages show the restatements of earlier editions, as the site does; the rows are the values alone
        earlier = tuple(e for e in report.editions if e.period < period)
        shown = dataclasses.replace(report, editions=earlier, restatements=())
        audiences = choose_editions(restate(shown) if earlier else shown, None)
        rows = {e.folder: export_rows(dataclasses.replace(e.report, restatements=())) for e in audiences}
        pages = {e.folder: report_pages(e.report) for e in audiences}
        inputs = input_fingerprint(self.content, self.measures)
        self._document = edition_document(period, period_label(report), self.now or utc_now(), inputs, rows, pages)
        published = PublishedEdition(path=str(edition_path(self.folder, period)), **self._document)
        if (before := next((e for e in report.editions if e.period == period), None)) is not None:
            # Published again (--force): the earlier edition becomes the next revision, as commit will keep it
            kept = dataclasses.replace(before, revision=next_revision(self.folder, period), revisions=())
            published = dataclasses.replace(published, revisions=(*before.revisions, kept))
        others = tuple(e for e in report.editions if e.period != period)
        latest = choose_period(report.scorecard, None)
        if latest > report.period:
            with bulk_allocation():
                report = dataclasses.replace(compute_report(report.scorecard, latest), editions=report.editions)
        return restate(dataclasses.replace(report, editions=tuple(sorted((*others, published), key=_period))))

    def commit(self) -> None:
        """Write the edition file (keeping an earlier one as a revision with --force)."""
        if self._document:
            self.written = write_edition(self.folder, self._document, self.force)


def _period(edition: PublishedEdition) -> str:
    return edition.period
