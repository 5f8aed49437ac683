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
    assert audit.actual == "minor-findings" and audit.latest_period == "2025"
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


# --- Status bands and manual statuses ------------------------------------------------------

COUNCIL = {
    "content__organization.yaml": "name: Council\nstatus_bands: {green: 0.05, red: 0.1}\n",
    "content__units__council.yaml": """
        id: council
        name: Council
        objectives:
          - id: serve
            name: Serve residents
            perspective: customer
            kpis:
              - {id: visits, name: Library visits, owner: A, target: {"2026-Q1": 200, "2026-Q2": 400}}
              - {id: wait, name: Days to decide, owner: A, polarity: lower, target: 40}
              - {id: calls, name: Calls answered, owner: A, target: 100, red_flag: 95}
              - {id: strict, name: Strict KPI, owner: A, target: 100, status_bands: {green: 0, red: 0.02}}
              - {id: temp, name: Temperature, owner: A, polarity: range, target: [-20, -10]}
              - {id: debt, name: Net position, owner: A, target: -200}
              - id: audit
                name: Audit opinion
                owner: A
                type: categorical
                levels: [{name: clean, status: green}, {name: qualified, status: amber, score: 4}]
    """,
    "content__units__housing.yaml": """
        id: housing
        name: Housing
        parent: council
        status_bands: {green: 0.1, red: 0.2}
        objectives:
          - id: homes
            name: Homes
            perspective: internal
            kpis:
              - {id: lets, name: Homes let, owner: H, target: 100}
    """,
    "content__units__repairs.yaml": """
        id: repairs
        name: Repairs
        parent: housing
        template: depot
        overrides:
          jobs: {status_bands: {green: 0, red: 0.01}}
        objectives:
          - id: fix
            name: Fix
            perspective: internal
            kpis:
              - {id: fixed, name: Repairs done, owner: R, target: 100}
    """,
    "content__templates__depot.yaml": """
        id: depot
        name: Depot
        status_bands: {green: 0.2, red: 0.4}
        objectives:
          - id: run
            name: Run the depot
            perspective: internal
            kpis:
              - {id: trucks, name: Trucks out, owner: D, target: 100}
              - {id: jobs, name: Jobs done, owner: D, target: 100}
    """,
}


def _council(tree: Tree, rows: str) -> Path:
    return tree(base=None, **COUNCIL, **{"measures__m.csv": rows})


@pytest.mark.parametrize(
    ("row", "status", "score"),
    [
        # YAML targets by period: 200 in Q1, 400 from Q2 (green from 380, red below 360)
        ("council,visits,2026-Q1,190,", Status.GREEN, 6.667),
        ("council,visits,2026-Q2,380,", Status.GREEN, 6.667),
        ("council,visits,2026-Q2,379.9,", Status.AMBER, 6.65),
        ("council,visits,2026-Q2,360,", Status.AMBER, 3.333),
        ("council,visits,2026-Q2,359.9,", Status.RED, 3.317),
        # a CSV target of 50 for one quarter (YAML 40): green up to 52.5, red above 55
        ("council,wait,2026-Q2,52.5,50", Status.GREEN, 6.667),
        ("council,wait,2026-Q2,55,50", Status.AMBER, 3.333),
        ("council,wait,2026-Q2,55.1,50", Status.RED, 3.2),
        ("council,wait,2026-Q2,42,", Status.GREEN, 6.667),  # the YAML target, 40
        # the explicit red flag (95) wins over the red band (90)
        ("council,calls,2026-Q2,95,", Status.GREEN, 10.0),  # within 5%: green; at the red flag: no amber band
        ("council,calls,2026-Q2,94.9,", Status.RED, 0.0),
        # the KPI's own bands win over the organisation's
        ("council,strict,2026-Q2,99.9,", Status.AMBER, 6.5),
        ("council,strict,2026-Q2,97.9,", Status.RED, 3.167),
        # negative targets: a range [-20, -10] widens to [-21, -9.5]; -200 is green down to -210
        ("council,temp,2026-Q2,-9.5,", Status.GREEN, 6.667),
        ("council,temp,2026-Q2,-9.2,", Status.AMBER, 4.667),
        ("council,temp,2026-Q2,-22.1,", Status.RED, 3.0),
        ("council,debt,2026-Q2,-210,", Status.GREEN, 6.667),
        ("council,debt,2026-Q2,-221,", Status.RED, 3.0),
        # a unit's bands hold for itself and its descendants; a template's win over them; an override over both
        ("housing,lets,2026-Q2,90,", Status.GREEN, 6.667),
        ("housing,lets,2026-Q2,80,", Status.AMBER, 3.333),
        ("repairs,fixed,2026-Q2,80,", Status.AMBER, 3.333),
        ("repairs,fixed,2026-Q2,79,", Status.RED, 3.0),
        ("repairs,trucks,2026-Q2,80,", Status.GREEN, 6.667),
        ("repairs,trucks,2026-Q2,60,", Status.AMBER, 3.333),
        ("repairs,jobs,2026-Q2,99.5,", Status.AMBER, 5.0),
        ("repairs,jobs,2026-Q2,98.9,", Status.RED, 3.0),
    ],
)
def test_status_bands_at_their_boundaries(tree: Tree, row: str, status: Status, score: float) -> None:
    unit, kpi, period = row.split(",")[:3]
    project = _council(tree, f"unit,kpi,period,value,target\n{row}\n")
    r = report_for(project, "2026-Q2").by_period[Period(2026, int(period[-1]))].kpis[(unit, kpi)]
    assert (r.status, round(r.score or 0, 3)) == (status, score)


def test_readers_see_the_target_and_the_rule_travels_with_the_result(tree: Tree) -> None:
    result = report_for(_council(tree, "unit,kpi,period,value\ncouncil,visits,2026-Q2,379\n"), "2026-Q2").current
    visits = result.kpis[("council", "visits")]
    assert (visits.target, visits.green_limit, visits.red_flag) == (400, 380, 360)
    assert visits.bands is not None and (visits.bands.green, visits.bands.red) == (0.05, 0.1)
    assert result.kpis[("council", "audit")].bands is None  # categorical: rated by its levels


def test_manual_status_overrides_the_computed_one_and_rolls_up(tree: Tree) -> None:
    rows = (
        "unit,kpi,period,value,target,status,note\n"
        "council,visits,2026-Q2,100,,green,Library closed for refurbishment; target under review\n"
        "council,wait,2026-Q2,,,amber,Data lag: the planning system migrates in July\n"
        "council,audit,2026-Q2,clean,,qualified,Auditor's letter not yet signed off\n"
        "council,calls,2026-Q2,100,,,\n"
    )
    result = report_for(_council(tree, rows), "2026-Q2").current
    visits, wait, audit = (result.kpis[("council", k)] for k in ("visits", "wait", "audit"))
    assert (visits.status, visits.score, visits.manual, visits.actual) == (Status.GREEN, 10.0, True, 100)
    assert visits.note == "Library closed for refurbishment; target under review"
    assert (wait.status, wait.score, wait.manual, wait.actual) == (Status.AMBER, 5.0, True, None)
    assert (audit.status, audit.score, audit.manual) == (Status.AMBER, 4.0, True)  # the level's own score
    assert not result.kpis[("council", "calls")].manual
    # the objective averages 10, 5, 4 and the computed calls (10)
    assert result.objectives[("council", "serve")].score == pytest.approx(29 / 4)


def test_a_monthly_kpis_latest_manual_status_sets_the_quarter(tree: Tree) -> None:
    files = dict(COUNCIL)
    files["content__units__council.yaml"] = files["content__units__council.yaml"].replace(
        "{id: visits, name: Library visits, owner: A,",
        "{id: visits, name: Library visits, owner: A, frequency: monthly,",
    )
    rows = "unit,kpi,period,value,status,note\ncouncil,visits,2026-05,400,red,lag\ncouncil,visits,2026-04,400,amber,x\n"
    project = tree(base=None, **files, **{"measures__m.csv": rows})
    visits = report_for(project, "2026-Q2").current.kpis[("council", "visits")]
    assert (visits.status, visits.manual) == (Status.RED, True)
    assert visits.note == "lag"  # the reason of the status that stands, not of the month it replaced


def test_an_annual_kpis_manual_status_keeps_its_reason_all_year(tree: Tree) -> None:
    files = dict(COUNCIL)
    files["content__units__council.yaml"] = files["content__units__council.yaml"].replace(
        "{id: visits, name: Library visits, owner: A,",
        "{id: visits, name: Library visits, owner: A, frequency: annual,",
    )
    rows = "unit,kpi,period,value,status,note\ncouncil,visits,2025,5,green,Audited accounts delayed\n"
    project = tree(
        base=None,
        **files,
        **{"measures__m.csv": rows, "measures__q.csv": "unit,kpi,period,value\ncouncil,calls,2026-Q2,1\n"},
    )
    visits = report_for(project, "2026-Q2").current.kpis[("council", "visits")]
    assert (visits.status, visits.manual, visits.note) == (Status.GREEN, True, "Audited accounts delayed")


def test_only_kpis_rated_otherwise_than_their_unit_have_a_rule_of_their_own(tree: Tree) -> None:
    from generator.present import own_kpi_rules

    report = report_for(_council(tree, "unit,kpi,period,value\ncouncil,visits,2026-Q2,379\n"), "2026-Q2")
    # Temperature's range is rated by the council's own bands: not listed; the red flag and own bands are
    assert [names for _, names in own_kpi_rules(report, "council")] == [("Calls answered",), ("Strict KPI",)]


RANGE_WITH_STRETCH = """
id: root
name: Root
objectives:
  - id: o
    name: O
    perspective: financial
    kpis:
      - id: occupancy
        name: Occupancy
        polarity: range
        target: [0, 100]
        red_flag: [-10, 110]
        stretch: [60, 70]
"""


@pytest.mark.parametrize(
    "before, after, status, exceeds, trend",
    [
        (62, 68, Status.GREEN, True, Trend.STEADY),  # inside the stretch band both times: "Exceeds", no better or worse
        (65, 61, Status.GREEN, True, Trend.STEADY),
        (40, 64, Status.GREEN, True, Trend.IMPROVING),  # further from the target's middle (50), but now exceeding
        (75, 58, Status.GREEN, False, Trend.IMPROVING),  # 5 from the stretch band, then 2
        (64, 40, Status.GREEN, False, Trend.DECLINING),
        (55, 45, Status.GREEN, False, Trend.DECLINING),  # away from the stretch band, though as far from 50
    ],
)
def test_a_range_kpis_trend_follows_its_stretch_band(
    tree: Tree, before: float, after: float, status: Status, exceeds: bool, trend: Trend
) -> None:
    project = tree(
        base=None,
        **{
            "content__organization.yaml": "name: Org\n",
            "content__units__root.yaml": RANGE_WITH_STRETCH,
            "measures__m.csv": f"unit,kpi,period,value\nroot,occupancy,2026-Q1,{before}\nroot,occupancy,2026-Q2,{after}\n",
        },
    )
    result = report_for(project, "2026-Q2").current.kpis[("root", "occupancy")]
    assert (result.status, result.exceeds, result.trend) == (status, exceeds, trend)


def test_a_range_kpi_without_stretch_is_better_nearer_the_middle(tree: Tree) -> None:
    unit = RANGE_WITH_STRETCH.replace("        stretch: [60, 70]\n", "")
    rows = "unit,kpi,period,value\nroot,occupancy,2026-Q1,30\nroot,occupancy,2026-Q2,60\nroot,occupancy,2026-Q3,40\n"
    project = tree(
        base=None,
        **{"content__organization.yaml": "name: Org\n", "content__units__root.yaml": unit, "measures__m.csv": rows},
    )
    report = report_for(project, "2026-Q3")
    assert report.by_period[Period(2026, 2)].kpis[("root", "occupancy")].trend is Trend.IMPROVING  # 20 from 50, then 10
    assert report.current.kpis[("root", "occupancy")].trend is Trend.STEADY  # 10 from 50 either side
