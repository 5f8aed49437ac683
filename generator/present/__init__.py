"""The display layer: the computed report as readers see it, shared by the site, packs and exports.

Status words and icons, formatted numbers, dates and period labels, milestone states, KPI and
initiative records, what changed, the strategy map and the export tables are decided here once,
so every output says the same thing. Outputs read this and `generator.results`; they never import
`generator.compute` or one another (tests/test_layers.py checks it).

Modules: `status`, `rules`, `missing`, `dates`, `kpis`, `initiatives`, `changes`, `strategy_map`, `tables`,
`restatements`.
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
from generator.present.changes import LEVEL_WORDS, ChangeDisplay, by_move, change_display
from generator.present.dates import edition_name, format_date, format_span, period_end, period_label
from generator.present.initiatives import (
    MILESTONE_STATES,
    MILESTONE_WORDS,
    InitiativeDisplay,
    MilestoneDisplay,
    initiative_dates,
    initiative_display,
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
from generator.present.restatements import (
    CHANGE_WORDS,
    RestatementDisplay,
    latest_publication,
    published_on,
    restated_marks,
    restatement_display,
    restatement_displays,
)
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
    restated_values,
    rounded_band,
)

__all__ = [
    "CHANGE_WORDS",
    "COUNTED",
    "DASH",
    "EXPORT_COLUMNS",
    "EXPORT_LEVEL_COLUMNS",
    "HISTORY_QUARTERS",
    "KPI_HISTORY_COLUMNS",
    "LEVEL_WORDS",
    "MANUAL_LABEL",
    "MILESTONE_STATES",
    "MILESTONE_WORDS",
    "STATUS_ICONS",
    "TREND_ARROWS",
    "TREND_WORDS",
    "ChangeDisplay",
    "RestatementDisplay",
    "Count",
    "InitiativeDisplay",
    "KpiDisplay",
    "MilestoneDisplay",
    "MissingValue",
    "OwnerMissing",
    "Rules",
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
    "kpi_display",
    "kpi_history_rows",
    "kpi_rule",
    "kpi_status",
    "latest_publication",
    "milestone_state",
    "missing_by_owner",
    "objective_status",
    "organisation_rule",
    "own_kpi_rules",
    "own_unit_rule",
    "period_end",
    "period_label",
    "published_on",
    "perspective_name",
    "perspective_status",
    "recent",
    "restated_marks",
    "restated_values",
    "restatement_display",
    "restatement_displays",
    "rounded_band",
    "rule_differs",
    "stale_text",
    "status_counts",
    "status_view",
    "strategy_map",
    "strategy_map_svg",
    "unit_rule",
    "unit_status",
]
