"""Edition pages: a report written into an edition and read back is the report its pages showed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from generator.pipeline import choose_editions, make_report
from generator.results import PublishedEdition, Report
from generator.snapshot import SnapshotError, report_from_pages, report_pages
from tests.conftest import FIXTURES, ROOT

PROJECTS = [ROOT, ROOT / "examples" / "agency", ROOT / "examples" / "regulator", FIXTURES / "annual-council"]


def _editions(project: Path, period: str | None = None) -> list[tuple[str, Report]]:
    report, _ = make_report(project / "content", project / "measures", period)
    return [(e.folder, e.report) for e in choose_editions(report, None)]


def _read_back(audience: str, report: Report) -> Report:
    pages = json.loads(json.dumps(report_pages(report)))  # as a file holds it
    published = PublishedEdition("e.json", str(report.period), "", "2026-10-20T09:30:00Z", "", "", {audience: []})
    return report_from_pages(pages, published, audience or None)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_a_report_read_back_from_its_pages_is_the_report(project: Path) -> None:
    for audience, report in _editions(project):
        back = _read_back(audience, report)
        assert back.period == report.period and back.periods == report.periods
        # a template's overrides are applied already: the pages keep the result
        assert back.scorecard.units == {
            k: u.model_copy(update={"overrides": {}}) for k, u in report.scorecard.units.items()
        }
        assert back.scorecard.organization == report.scorecard.organization
        assert back.scorecard.commentary.keys() == {k for k in report.scorecard.commentary if k[1] == report.period}
        for key, note in back.scorecard.commentary.items():
            assert (note.author, note.sections) == (
                report.scorecard.commentary[key].author,
                report.scorecard.commentary[key].sections,
            )
        for period in report.periods:
            assert back.by_period[period] == report.by_period[period], (project.name, audience, period)
        assert back.changes == report.changes
        assert back.supporters == {k: v for k, v in report.supporters.items() if v}
        assert back.audience == (audience or None)


def test_damaged_pages_name_the_section_and_item() -> None:
    audience, report = _editions(FIXTURES / "minimal", "2026-Q2")[0]
    pages = json.loads(json.dumps(report_pages(report)))
    kpi = next(i for i, item in enumerate(pages["results"]) if "kpi" in item)
    broken = copy.deepcopy(pages)
    broken["results"][kpi]["columns"]["status"] = ["green", "purple"]
    published = PublishedEdition("e.json", "2026-Q2", "", "", "", "", {"": []})
    with pytest.raises(SnapshotError) as info:
        report_from_pages(broken, published, None)
    assert (info.value.section, info.value.item) == ("results", kpi)
    assert info.value.message == ("2026-Q2: 'purple' is not a status (green, amber, red, no-data, not-rated)")


def test_an_archived_quality_page_does_not_list_the_published_values_as_missing() -> None:
    """The edition holds results, not measures: its period's to-do list must not claim every value missing."""
    from generator.editions import read_editions
    from generator.pipeline import archived_report
    from generator.render import RenderOptions, render_site
    from generator.render.context import Archive

    report, _ = make_report(ROOT / "content", ROOT / "measures", None)
    [edition] = [e for e in read_editions(ROOT / "editions")[0] if str(e.period) == "2026-Q2"]
    board = next(a for a in report.scorecard.organization.audiences if a.id == "board")
    past = archived_report(report, edition, board)
    assert past is not None
    pages = {p.path: p.text for p in render_site(past, RenderOptions(archive=Archive("2026-Q2", "1 Jul 2026", "Q3")))}
    assert "Still missing for" not in pages["quality.md"]
