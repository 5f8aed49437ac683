"""The notebook API: the same rows and numbers as `scorecard export`, as pandas DataFrames."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner

from generator.api import ProjectError, load_results
from generator.cli import main
from generator.errors import UsageError
from generator.export import LEVEL_COLUMNS
from tests.conftest import ROOT, Tree


def _same(value: object, expected: object) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return expected is None
    return value == expected


@pytest.mark.parametrize("period", ["2026-Q2", "2026-Q3"])
def test_the_frames_equal_the_json_export(period: str) -> None:
    paths = ["--content", str(ROOT / "content"), "--measures", str(ROOT / "measures")]
    exported = json.loads(CliRunner().invoke(main, ["export", *paths, "--period", period]).stdout)
    results = load_results(ROOT / "content", ROOT / "measures", period)
    frames = {
        "unit": results.units,
        "perspective": results.perspectives,
        "objective": results.objectives,
        "kpi": results.kpis,
    }
    for level, frame in frames.items():
        expected = [r for r in exported if r["level"] == level]
        assert list(frame.columns) == list(LEVEL_COLUMNS[level])
        assert len(frame) == len(expected) > 0
        for got, want in zip(frame.to_dict("records"), expected, strict=True):
            assert all(_same(got[c], want[c]) for c in frame.columns), (got, want)


def test_the_measures_frame_holds_every_measure_with_its_source() -> None:
    results = load_results(ROOT / "content", ROOT / "measures")
    frame = results.measures
    assert len(frame) == len(results.report.scorecard.measures)
    first = frame.iloc[0].to_dict()
    assert first["source"] == f"{ROOT}/measures/campus-desks.csv:2"
    assert isinstance(frame, pd.DataFrame) and list(frame.columns)[:5] == [
        "unit",
        "kpi",
        "period",
        "reporting_period",
        "value",
    ]


def test_bad_input_raises_an_error_listing_the_problems(tree: Tree) -> None:
    project = tree()
    (project / "measures" / "bad.csv").write_text("unit,kpi,period,value\nroot,income,2026-Q3,eighty\n")
    with pytest.raises(ProjectError) as caught:
        load_results(project / "content", project / "measures")
    assert str(caught.value) == (
        "1 error in content or measures:\n"
        f"{project}/measures/bad.csv:2: error: value: 'eighty' is not a number (expected e.g. 42 or 97.5; n/a for not applicable; blank for missing)"
    )


def test_an_audiences_frames_hold_only_what_it_may_see() -> None:
    full = load_results(ROOT / "content", ROOT / "measures", "2026-Q3")
    staff = load_results(ROOT / "content", ROOT / "measures", "2026-Q3", audience="staff")
    assert "covenant_headroom" in set(full.kpis.kpi) and "covenant_headroom" in set(full.measures.kpi)
    assert "covenant_headroom" not in set(staff.kpis.kpi) and "covenant_headroom" not in set(staff.measures.kpi)
    assert len(staff.kpis) == len(full.kpis) - 1


def test_a_period_that_is_not_text_is_a_usage_error(tree: Tree) -> None:
    project = tree()
    with pytest.raises(UsageError) as caught:
        load_results(project / "content", project / "measures", period=20263)  # type: ignore[arg-type]
    assert str(caught.value) == "period: expected text such as '2026-Q3', not int 20263"
