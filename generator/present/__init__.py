"""The display layer: the computed report as readers see it, shared by the site, packs and exports.

Status words and icons, formatted numbers, dates and period labels, milestone states, KPI and
initiative records, what changed, the strategy map and the export tables are decided here once,
so every output says the same thing. Outputs read this and `generator.results`; they never import
`generator.compute` or one another (tests/test_layers.py checks it).

Modules: `status`, `rules`, `missing`, `dates`, `kpis`, `initiatives`, `changes`, `strategy_map`, `tables`.
"""

from __future__ import annotations

from generator.formatting import (
    DASH,
    STATUS_ICONS,
    TREND_ARROWS,
    TREND_WORDS,
    format_number,
    format_score,
    format_target,
    format_value,
)
from generator.present.changes import LEVEL_WORDS, ChangeDisplay, ScoreMove, by_move, change_display, score_move
from generator.present.dates import edition_name, format_date, format_span, period_end, period_label
from generator.present.initiatives import (
    INITIATIVE_STATES,
    INITIATIVE_WORDS,
    MILESTONE_STATES,
    MILESTONE_WORDS,
    InitiativeDisplay,
    MilestoneDisplay,
    initiative_dates,
    initiative_display,
    initiative_state,
    milestone_state,
)
from generator.present.kpis import (
    HISTORY_QUARTERS,
    KpiDisplay,
    kpi_display,
    objective_status,
    perspective_name,
    perspective_status,
    recent,
    stale_text,
    unit_status,
)
from generator.present.missing import MissingValue, OwnerMissing, missing_by_owner
from generator.present.rules import (
    Rules,
    banded,
    kpi_rule,
    organisation_rule,
    own_kpi_rules,
    own_unit_rule,
    rule_differs,
    unit_rule,
)
from generator.present.status import COUNTED, MANUAL_LABEL, Count, StatusView, kpi_status, status_counts, status_view
from generator.present.strategy_map import StrategyMap, strategy_map, strategy_map_svg
from generator.present.tables import (
    EXPORT_COLUMNS,
    EXPORT_LEVEL_COLUMNS,
    KPI_HISTORY_COLUMNS,
    csv_cell,
    csv_text,
    export_rows,
    kpi_history_rows,
    rounded_band,
)

__all__ = [
    "COUNTED",
    "DASH",
    "EXPORT_COLUMNS",
    "EXPORT_LEVEL_COLUMNS",
    "HISTORY_QUARTERS",
    "INITIATIVE_STATES",
    "INITIATIVE_WORDS",
    "KPI_HISTORY_COLUMNS",
    "LEVEL_WORDS",
    "MANUAL_LABEL",
    "MILESTONE_STATES",
    "MILESTONE_WORDS",
    "STATUS_ICONS",
    "TREND_ARROWS",
    "TREND_WORDS",
    "ChangeDisplay",
    "Count",
    "InitiativeDisplay",
    "KpiDisplay",
    "MilestoneDisplay",
    "MissingValue",
    "OwnerMissing",
    "Rules",
    "ScoreMove",
    "StatusView",
    "StrategyMap",
    "banded",
    "by_move",
    "change_display",
    "csv_cell",
    "csv_text",
    "edition_name",
    "export_rows",
    "format_date",
    "format_number",
    "format_score",
    "format_span",
    "format_target",
    "format_value",
    "initiative_dates",
    "initiative_display",
    "initiative_state",
    "kpi_display",
    "kpi_history_rows",
    "kpi_rule",
    "kpi_status",
    "milestone_state",
    "missing_by_owner",
    "objective_status",
    "organisation_rule",
    "own_kpi_rules",
    "own_unit_rule",
    "period_end",
    "period_label",
    "perspective_name",
    "perspective_status",
    "recent",
    "rounded_band",
    "score_move",
    "rule_differs",
    "stale_text",
    "status_counts",
    "status_view",
    "strategy_map",
    "strategy_map_svg",
    "unit_rule",
    "unit_status",
]
