"""Roll-ups, cascade, calculated and rolled-up KPIs, aggregation, trends and freshness."""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.compute import compute_report, target_for
from generator.model import MAX_MAGNITUDE, Scorecard
from generator.periods import Period
from generator.pipeline import make_report
from generator.results import Status, Trend
from tests.conftest import FIXTURES, Tree, load_tree, report_for

MINIMAL = FIXTURES / "minimal"


def test_monthly_values_aggregate_to_quarters_and_year_to_date() -> None:
    report = report_for(MINIMAL, "2026-Q2")
    q1 = report.by_period[Period(2026, 1)].kpis[("team-a", "total_tickets")]
    q2 = report.current.kpis[("team-a", "total_tickets")]
    assert q1.actual == 32 and q1.months_reported == 3
    assert q2.actual == 8 and q2.months_reported == 1
    assert q2.ytd == 40


def test_rollup_sums_children_and_skips_missing() -> None:
    report = report_for(MINIMAL, "2026-Q2")
    assert report.current.kpis[("root", "total_tickets")].actual == 28  # 8 + 20
    assert report.by_period[Period(2026, 1)].kpis[("root", "total_tickets")].actual == 32  # team-b had none
    assert report.current.kpis[("root", "total_tickets")].ytd == 60


def test_formula_is_a_ratio_of_aggregated_inputs() -> None:
    report = report_for(MINIMAL, "2026-Q2")
    kpi = report.current.kpis[("team-a", "cost_per_ticket")]
    assert kpi.actual == pytest.approx(9 / 8)
    assert kpi.ytd == pytest.approx(((11 + 9) / 2) / 40)  # average cost over summed tickets


def test_template_override_changes_only_that_unit() -> None:
    report = report_for(MINIMAL, "2026-Q2")
    assert report.current.kpis[("team-a", "total_tickets")].target == 30
    assert report.current.kpis[("team-b", "total_tickets")].target == 25


def test_target_mapping_applies_from_its_period_on() -> None:
    sc = load_tree(MINIMAL)
    kpi = sc.kpi("root", "satisfaction")
    assert target_for(kpi, Period(2025, 4)) is None
    assert target_for(kpi, Period(2026, 1)) == 80
    assert target_for(kpi, Period(2026, 2)) == 85
    assert target_for(kpi, Period(2027, 1)) == 85


def test_missing_value_is_no_data_and_stale() -> None:
    kpi = report_for(MINIMAL, "2026-Q2").current.kpis[("root", "satisfaction")]
    assert kpi.status is Status.NO_DATA and kpi.score is None
    assert kpi.stale and kpi.latest_period == "2026-Q1" and kpi.latest_value == 82


def test_objective_rolls_up_kpis_and_supporting_objectives_with_weights() -> None:
    report = report_for(MINIMAL, "2026-Q2")
    result = report.current
    team_a = result.objectives[("team-a", "deliver")]
    # cost has weight 0: shown, not counted
    expected_a = (result.kpis[("team-a", "total_tickets")].score + result.kpis[("team-a", "cost_per_ticket")].score) / 2
    assert team_a.score == pytest.approx(expected_a)
    grow = result.objectives[("root", "grow")]
    parts = [
        result.kpis[("root", "income")].score,
        result.kpis[("root", "total_tickets")].score,
        team_a.score,
        result.objectives[("team-b", "deliver")].score,
    ]
    assert grow.score == pytest.approx(sum(parts) / 4)
    assert grow.scored_children == 4


def test_perspective_without_data_is_left_out_of_the_unit_score() -> None:
    result = report_for(MINIMAL, "2026-Q2").current
    assert result.perspectives[("root", "customer")].status is Status.NO_DATA
    assert result.units["root"].score == pytest.approx(result.perspectives[("root", "financial")].score)


def test_include_supporting_false_ignores_the_cascade(tree: Tree) -> None:
    root = (
        (MINIMAL / "content/units/root.yaml")
        .read_text()
        .replace("    owner: Ada\n    kpis:", "    owner: Ada\n    include_supporting: false\n    kpis:", 1)
    )
    project = tree(**{"content__units__root.yaml": root})
    result = report_for(project, "2026-Q2").current
    grow = result.objectives[("root", "grow")]
    assert grow.scored_children == 2
    assert grow.score == pytest.approx(
        (result.kpis[("root", "income")].score + result.kpis[("root", "total_tickets")].score) / 2
    )


def test_trend_takes_polarity_into_account() -> None:
    report = report_for(MINIMAL, "2026-Q2")
    assert report.current.kpis[("root", "income")].trend is Trend.IMPROVING  # 90 -> 105, higher
    assert report.current.kpis[("team-a", "cost")].trend is Trend.IMPROVING  # 11 -> 9, lower
    assert report.current.kpis[("team-a", "total_tickets")].trend is Trend.DECLINING
    assert report.current.kpis[("team-b", "cost")].trend is Trend.NONE


def test_changes_since_last_quarter() -> None:
    report = report_for(MINIMAL, "2026-Q2")
    changes = report.changes_in()
    income = next(c for c in changes.status_changes if c.id == "income")
    assert income.before is Status.AMBER and income.after is Status.GREEN
    assert income in changes.recoveries
    assert all(c.after is Status.RED for c in changes.new_reds)
    assert changes.biggest_moves == tuple(sorted(changes.biggest_moves, key=lambda c: -abs(c.score_delta or 0)))
    assert {c.unit for c in report.changes_in(["team-a"]).status_changes} <= {"team-a"}
    assert report_for(MINIMAL, "2026-Q1").changes == ()  # the first quarter has nothing to compare with


TRACKED = """
id: root
name: Root
objectives:
  - id: o
    name: O
    perspective: financial
    kpis:
      - id: visits
        name: Visits
        owner: x
      - id: audit
        name: Audit
        owner: x
        type: categorical
        frequency: annual
        levels:
          - {name: compliant, status: green}
          - {name: minor-findings, status: amber}
          - {name: major-nonconformity, status: red}
"""


def test_not_rated_and_categorical_and_annual(tree: Tree) -> None:
    project = tree(
        base=None,
        **{
            "content__organization.yaml": "name: Org\n",
            "content__units__root.yaml": TRACKED,
            "measures__m.csv": "unit,kpi,period,value\nroot,visits,2026-Q1,10\nroot,visits,2026-Q2,12\n"
            "root,audit,2024,compliant\nroot,audit,2025,minor-findings\n",
        },
    )
    result = report_for(project, "2026-Q2").current
    visits = result.kpis[("root", "visits")]
    assert visits.status is Status.NOT_RATED and visits.score is None and visits.trend is Trend.IMPROVING
    audit = result.kpis[("root", "audit")]
    # Annual values are known at year end: in 2026-Q2 the latest is FY2025.
    assert audit.actual == "minor-findings" and audit.latest_period == "FY2025"
    assert audit.status is Status.AMBER and audit.score == 5.0 and not audit.stale
    assert audit.trend is Trend.DECLINING
    assert result.objectives[("root", "o")].score == 5.0  # visits left out


def test_fiscal_year_maps_months_to_quarters(tree: Tree) -> None:
    project = tree(
        base=None,
        **{
            "content__organization.yaml": "name: Agency\nfiscal_year_start: 10\n",
            "content__units__root.yaml": "id: root\nname: Root\nobjectives:\n  - id: o\n    name: O\n    perspective: customer\n"
            "    kpis:\n      - {id: calls, name: Calls, owner: x, frequency: monthly, aggregation: sum, target: 10}\n",
            "measures__m.csv": "unit,kpi,period,value\nroot,calls,2025-10,1\nroot,calls,2025-12,2\nroot,calls,2026-01,4\n",
        },
    )
    report = report_for(project, "2026-Q2")
    assert report.by_period[Period(2026, 1)].kpis[("root", "calls")].actual == 3  # Oct-Dec 2025 = Q1 FY2026
    assert report.current.kpis[("root", "calls")].actual == 4
    assert report.current.kpis[("root", "calls")].ytd == 7


def test_rollup_average_weighted_by_a_volume_kpi(tree: Tree) -> None:
    root = (
        (MINIMAL / "content/units/root.yaml")
        .read_text()
        .replace(
            "        rollup: sum\n        target: 50",
            "        rollup: sum\n        target: 50\n      - {id: cost, name: Cost, owner: Ada, rollup: average, rollup_weight: total_tickets}",
        )
    )
    result = report_for(tree(**{"content__units__root.yaml": root}), "2026-Q2").current
    # team-a: cost 9 over 8 tickets; team-b: cost 14 over 20 tickets
    assert result.kpis[("root", "cost")].actual == pytest.approx((9 * 8 + 14 * 20) / 28)


# --- Computations without a value: never inf or nan, always a warning -----------------------------

TEAM_YAML = (MINIMAL / "content/templates/team.yaml").read_text()
ROOT_YAML = (MINIMAL / "content/units/root.yaml").read_text()
TEAMS_CSV = (MINIMAL / "measures/teams.csv").read_text(encoding="utf-8-sig")


def _warnings(project: Path) -> list[str]:
    _, warnings = make_report(project / "content", project / "measures", None)
    return [
        str(w).replace(f"{project}/", "") for w in warnings if "has no value for" in w.message and ": its" in w.message
    ]


def test_division_by_zero_in_a_formula_is_no_data_with_a_warning(tree: Tree) -> None:
    project = tree(
        **{
            "measures__teams.csv": TEAMS_CSV.replace(
                " team-b , total_tickets , 2026-04 , 20 ", "team-b,total_tickets,2026-04,0"
            )
        }
    )
    kpi = report_for(project, "2026-Q2").current.kpis[("team-b", "cost_per_ticket")]
    assert kpi.actual is None and kpi.status is Status.NO_DATA and kpi.score is None and kpi.ytd is None
    assert _warnings(project) == [
        "content/templates/team.yaml:22: warning: kpi 'cost_per_ticket' of unit 'team-b' has no value for 2026-Q2: its formula divides by zero"
    ]


def test_a_formula_overflowing_is_no_data_with_a_warning(tree: Tree) -> None:
    project = tree(**{"content__templates__team.yaml": TEAM_YAML.replace("cost / total_tickets", "cost * 1e99 * 1e99")})
    report = report_for(project, "2026-Q2")
    assert report.current.kpis[("team-a", "cost_per_ticket")].actual is None
    assert _warnings(project) == [
        "content/templates/team.yaml:22: warning: kpi 'cost_per_ticket' of unit 'team-a' has no value for 2026-Q1 and 2026-Q2: its formula gives a number beyond 1e100 in size",
        "content/templates/team.yaml:22: warning: kpi 'cost_per_ticket' of unit 'team-b' has no value for 2026-Q2: its formula gives a number beyond 1e100 in size",
    ]


WEIGHTED = ROOT_YAML.replace(
    "        rollup: sum\n        target: 50",
    "        rollup: sum\n        target: 50\n      - {id: cost, name: Cost, owner: Ada, rollup: average, rollup_weight: WEIGHT}",
)


def test_roll_up_weights_adding_up_to_zero_are_no_data_with_a_warning(tree: Tree) -> None:
    zero = TEAMS_CSV.replace("team-a,total_tickets,2026-04,8", "team-a,total_tickets,2026-04,0")
    zero = zero.replace(" team-b , total_tickets , 2026-04 , 20 ", "team-b,total_tickets,2026-04,0")
    project = tree(
        **{"content__units__root.yaml": WEIGHTED.replace("WEIGHT", "total_tickets"), "measures__teams.csv": zero}
    )
    assert report_for(project, "2026-Q2").current.kpis[("root", "cost")].actual is None
    assert (
        "content/units/root.yaml:23: warning: kpi 'cost' of unit 'root' has no value for 2026-Q2: its roll-up weighs the children by 'total_tickets', which adds up to 0"
        in _warnings(project)
    )


def test_a_negative_calculated_roll_up_weight_is_no_data_with_a_warning(tree: Tree) -> None:
    template = TEAM_YAML + "      - {id: surplus, name: Tickets above 10, owner: Cy, formula: total_tickets - 10}\n"
    project = tree(
        **{
            "content__units__root.yaml": WEIGHTED.replace("WEIGHT", "surplus"),
            "content__templates__team.yaml": template,
        }
    )
    report = report_for(project, "2026-Q2")
    assert report.current.kpis[("team-a", "surplus")].actual == -2  # 8 tickets
    assert report.current.kpis[("root", "cost")].actual is None
    assert report.by_period[Period(2026, 1)].kpis[("root", "cost")].actual == 11  # team-a alone, weight 22
    assert _warnings(project) == [
        "content/units/root.yaml:23: warning: kpi 'cost' of unit 'root' has no value for 2026-Q2: its roll-up weighs a child by a negative 'surplus'"
    ]


NUMBERS = st.floats(min_value=-MAX_MAGNITUDE, max_value=MAX_MAGNITUDE, allow_nan=False)
EXTREMES = st.sampled_from([MAX_MAGNITUDE, -MAX_MAGNITUDE, 1e-300, -1e-300, 0.0, 5e-324])


@pytest.fixture(scope="module")
def weighted_scorecard(tmp_path_factory: pytest.TempPathFactory) -> Scorecard:
    project = tmp_path_factory.mktemp("weighted")
    shutil.copytree(MINIMAL, project, dirs_exist_ok=True)
    (project / "content/units/root.yaml").write_text(WEIGHTED.replace("WEIGHT", "total_tickets"), encoding="utf-8")
    return load_tree(project)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_computed_number_is_finite_for_any_allowed_input(
    weighted_scorecard: Scorecard, data: st.DataObject
) -> None:
    sc = weighted_scorecard
    values = st.one_of(NUMBERS, EXTREMES)
    measures = tuple(
        dataclasses.replace(
            m, value=data.draw(values) if m.value is not None else None, target=data.draw(st.one_of(st.none(), values))
        )
        for m in sc.measures
    )
    report = compute_report(dataclasses.replace(sc, measures=measures), Period(2026, 2))
    for result in report.by_period.values():
        for kpi in result.kpis.values():
            numbers = [kpi.actual, kpi.ytd, kpi.score, kpi.previous, kpi.latest_value, kpi.target, kpi.red_flag]
            assert all(math.isfinite(n) for n in _floats(numbers)), kpi
        scores = [r.score for r in (*result.objectives.values(), *result.perspectives.values(), *result.units.values())]
        assert all(math.isfinite(s) and 0 <= s <= 10 for s in _floats(scores))


def _floats(values: list[object]) -> list[float]:
    flat: list[object] = []
    for value in values:
        flat.extend(value if isinstance(value, tuple) else [value])
    return [v for v in flat if isinstance(v, float | int)]
