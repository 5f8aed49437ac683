"""The format reference, generated from the schema so that it cannot drift from the code."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator import formula, usertext
from generator.load import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    MAX_DOCUMENT_BYTES,
    MAX_VALUES,
    MAX_WORKBOOK_BYTES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
)
from generator.load import MAX_DEPTH as MAX_YAML_DEPTH
from generator.model import (
    MAX_DEPTH,
    MAX_MAGNITUDE_TEXT,
    Audience,
    Initiative,
    Kpi,
    KpiOverride,
    Level,
    Milestone,
    Objective,
    Organization,
    Perspective,
    StatusBands,
    Template,
    Unit,
)
from generator.periods import MAX_YEAR, MAX_YEARS_FROM_MEDIAN, MIN_YEAR
from generator.sources import MAX_ROWS
from generator.sources.query import QUERY_SECONDS
from generator.sources.workbook import MAX_ROWS as MAX_WORKBOOK_ROWS

DOCUMENTED_MODELS: tuple[type[BaseModel], ...] = (
    Organization,
    Audience,
    Perspective,
    Unit,
    Template,
    Objective,
    Kpi,
    StatusBands,
    Level,
    KpiOverride,
    Initiative,
    Milestone,
)
MEASURE_COLUMNS = {
    "unit": "Unit id.",
    "kpi": "KPI id within the unit.",
    "period": "YYYY-Qn (quarterly KPIs), YYYY-MM (monthly KPIs, calendar month) or YYYY (annual KPIs), "
    "fiscal quarters and years, whatever the scorecard's cadence; "
    f"years {MIN_YEAR}-{MAX_YEAR}, within {MAX_YEARS_FROM_MEDIAN} years of the median year of all measures.",
    "value": f"The value, a finite number at most {MAX_MAGNITUDE_TEXT} in size; blank means missing; `n/a` "
    "(any case) means not applicable this period (see [Shown, not rated](#shown-not-rated)). Categorical KPIs "
    "take a level name. Outside the KPI's `min`/`max` it is an error.",
    "target": "Optional: overrides the YAML target for this period (not for range KPIs, not for polarity `none`; "
    "within the KPI's `min`/`max`); the red flag is the "
    "KPI's `red_flag`, or the status bands (else `default_tolerance`) applied to this target.",
    "note": "Optional: a note shown beside the value; required when `status` is given (it says why).",
    "status": "Optional: sets the KPI's status for this period by hand: `green`, `amber`, `red` or a level of a "
    "categorical KPI (a monthly KPI's latest month with one sets the period's). It scores green 10, amber 5, "
    "red 0 (a level: its own score) and rolls up as usual, also on a KPI without a target; readers see a ✎ "
    "marker with the note, and the period needs no value (a known data lag is not reported as missing). "
    "Only for measured KPIs, not calculated or rolled-up ones.",
    "forecast": "Optional: the owner's own year-end forecast, on the reporting period's row (a monthly KPI: its "
    "latest month's); for `sum` KPIs the full-year total, else the value expected in the year's last period. "
    "It wins over the computed forecast (see [Year-end forecasts](#year-end-forecasts)).",
}


def format_reference() -> str:
    """Return the Markdown reference of every YAML field and CSV column."""
    parts = [
        _INTRO.format(
            max_magnitude=MAX_MAGNITUDE_TEXT,
            yaml_depth=MAX_YAML_DEPTH,
            max_values=MAX_VALUES,
            document_mb=MAX_DOCUMENT_BYTES // 10**6,
            markdown_chars=f"{usertext.MAX_TEXT:,}",
            markdown_nesting=usertext.MAX_NESTING,
            markdown_lines=usertext.MAX_BLOCK_LINES,
            markdown_emphasis=f"{usertext.MAX_EMPHASIS:,}",
            markdown_brackets=f"{usertext.MAX_BRACKET_COST:,}",
            csv_mb=MAX_CSV_BYTES // 10**6,
            csv_rows=MAX_CSV_ROWS,
            min_year=MIN_YEAR,
            max_year=MAX_YEAR,
            max_depth=MAX_DEPTH,
            formula_length=f"{formula.MAX_LENGTH:,}",
            formula_depth=formula.MAX_DEPTH,
        )
    ]
    for model in DOCUMENTED_MODELS:
        parts.append(_model_section(model))
    parts.append(_measures_section())
    return "\n".join(parts)


def _model_section(model: type[BaseModel]) -> str:
    lines = [
        f"## {model.__name__}",
        "",
        (model.__doc__ or "").strip(),
        "",
        "| field | type | default | description |",
        "|---|---|---|---|",
    ]
    for name, info in model.model_fields.items():
        shown = (
            (info.json_schema_extra or {}).get("shown_default") if isinstance(info.json_schema_extra, dict) else None
        )
        default = "required" if info.is_required() else str(shown or _show(info.default))
        lines.append(f"| `{name}` | {_type_name(info.annotation)} | {default} | {info.description or ''} |")
    return "\n".join(lines) + "\n"


def _measures_section() -> str:
    lines = [
        "## Measures CSV",
        "",
        "Any number of `*.csv` files in `measures/`; UTF-8 (a BOM is fine), "
        "comma-separated, CRLF or LF; cells are trimmed and hold no line breaks (an unclosed quote is an error).",
        "",
        "Numbers are plain: digits 0-9, an optional sign, `.` for decimals and an optional exponent "
        "(`1234.5`, `-0.25`, `1.5e6`). Thousands separators, decimal commas, `%` and digits of other "
        "scripts are errors that name the fix: `1,234` → `1234` (or `1.234` if the comma marks decimals), "
        "`95%` → `95` (the KPI's `unit` says what the number counts), `١٢` → `12`.",
        "",
        "| column | description |",
        "|---|---|",
    ]
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        lines.append(f"| `{column}` | {MEASURE_COLUMNS[column]} |")
    return (
        "\n".join(lines)
        + "\n\n"
        + _OTHER_SOURCES.format(
            workbook_mb=MAX_WORKBOOK_BYTES // 10**6,
            max_rows=f"{MAX_ROWS:,}",
            workbook_rows=f"{MAX_WORKBOOK_ROWS:,}",
            seconds=f"{QUERY_SECONDS:g}",
        )
    )


_OTHER_SOURCES = """## Measures from workbooks and databases

The same columns come from other files in `measures/`, checked by the same rules; a value given
twice, in any two files, is an error naming both places.

- `*.xlsx`: every sheet with a header row (in its first 20 rows) holding `unit`, `kpi`, `period`,
  `value` (and optionally `target`, `note`, `status`; other columns and sheets are ignored). The workbooks
  `scorecard collect` writes are in this format. A formula counts by the value Excel saved with it
  (one saved without a value, by a program that does not calculate, is a warning naming the cell);
  an empty `value` cell means not reported, as an empty value in a CSV file: a value given for the
  same KPI and period elsewhere (a reminder workbook, say) takes its place and is no duplicate.
  Problems name the cell: `measures/it.xlsx:Scorecard!D14`. Other spreadsheets (`.xlsm`, `.xls`,
  `.ods`, ...) are not read, with a warning.
  At most {workbook_mb} MB and {workbook_rows} rows per workbook (reading takes about 13 s per
  100,000 rows): bulk data goes in CSV, or Parquet read by a `.sql` file.
- `*.sql`: one `SELECT` run by DuckDB, returning `unit, kpi, period, value` (optionally `target`,
  `note`, `status`). It reads Parquet, CSV and JSON extracts inside the measures folder, by paths relative to it
  (`SELECT * FROM read_parquet('extracts/finance.parquet')`); nothing outside it, and it cannot write.
  Stopped after {seconds} s or {max_rows} rows. Problems name the row: `measures/finance.sql:result row 3`.
- `measures/sources.yaml` runs a `.sql` file on an existing database instead, through a SQLAlchemy URL
  (its driver installed with pip), stopped after {seconds} s where the driver can cancel a statement
  (SQLite, PostgreSQL). The file never holds credentials, in the URL's query string neither: name
  the environment variables. The database is only read: the query must be one `SELECT` (DuckDB's
  parser checks it: keep SQL only your database understands in a view), SQLite files are opened
  read-only, PostgreSQL, Oracle and MySQL run it in a read-only transaction, and it is rolled back.

```yaml
finance.sql:
  url: postgresql+psycopg://db.example.org/finance
  username_env: FINANCE_DB_USER
  password_env: FINANCE_DB_PASSWORD
```
"""


def _show(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        return "the classic four"
    if value in ((), {}, None, ""):
        return "–"
    return f"`{value}`"


def _type_name(annotation: Any) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is typing.Annotated:  # ids carry a pattern (a FieldInfo); numbers and dates their base type
        return "id" if args[0] is str and any(isinstance(m, FieldInfo) for m in args[1:]) else _type_name(args[0])
    if args:
        inner = [_type_name(a) for a in args if a is not type(None) and a is not Ellipsis]
        if origin in (tuple, list) and len(args) == 2 and args[1] is Ellipsis:
            return f"list of {inner[0]}"
        if origin is tuple:
            return "[low, high]"
        if origin is dict:
            return f"mapping {inner[0]} → {inner[1]}"
        return " or ".join(dict.fromkeys(inner))
    return {float: "number", int: "integer", str: "text", bool: "true/false"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )


_INTRO = """# Format reference

Generated from the schema by `scorecard schema`; do not edit by hand.

Scorecard definitions are YAML files in `content/`:

- `content/organization.yaml`: one [Organization](#organization).
- `content/units/<id>.yaml`: one [Unit](#unit) per file, any depth below the root.
- `content/templates/<id>.yaml`: [Template](#template)s shared by sibling units (`template: <id>`).
- `content/commentary/<period>/<unit-id>.md`: commentary (see below), one folder per period named by its id in
  the cadence's form: `2022` (annual), `2026-Q3` (quarterly), `2026-09` (monthly).

Ids are lower-case letters, digits, `-` and `_`; KPI ids are snake_case (letters, digits, `_`)
so that formulas can name them. No id may be a name that Windows file shares reserve (`con`, `prn`,
`aux`, `nul`, `com0`-`com9`, `lpt0`-`lpt9`). Unknown keys are errors, with the closest known key suggested.

Numbers are finite (no `.nan`, `.inf`), at most {max_magnitude} in size and written without quotes;
weights are 0 or more. Years run {min_year}-{max_year}. Units nest at most {max_depth} levels below the root.
Formulas are at most {formula_length} characters and {formula_depth} operations deep.

Files are UTF-8 text. Names starting with `.` are ignored (editor and system files); other files
that look like input but are not read (`X.CSV`, `it.txt`, a file in a subfolder of `measures/`) get a warning. Symbolic links
are followed only to files inside the content and measures folders (your own pages: inside the
folder of `mkdocs.yml`); FIFOs and devices are never opened. YAML is plain: no tags (`!x`,
`!!python/...`), dates written `YYYY-MM-DD` and checked where a date is expected, at most
{yaml_depth} levels of nesting and {max_values:,} values per file (an alias `*name` counts its whole value each time).
A YAML or Markdown file may hold {document_mb} MB, a measures CSV file {csv_mb} MB (and all of them {csv_rows:,} rows).

## Scoring rules

For actual A, target T and red flag R: `higher` is green if A ≥ T, red if A < R, amber otherwise;
`lower` is green if A ≤ T, red if A > R, amber otherwise; `range` with band [L, H] and red-flag band
[RL, RH] is green inside [L, H], red below RL or above RH, amber otherwise. No value: `no-data`.
No target: `not-rated` (shown, left out of roll-ups).

**Status bands.** Many public bodies rate by distance from the target in percent: `status_bands:
{{green: 0.05, red: 0.1}}` reads "green on target or within 5% of it, red more than 10% away, amber
between". With bands G and R, green starts at T − G·|T| for `higher` (T + G·|T| for `lower`) and the
red flag is T − R·|T| (T + R·|T|); for `range` the band [L, H] widens to [L − G·|L|, H + G·|H|] and
the red flags sit at [L − R·|L|, H + R·|H|]. Bands are set on the [Organization](#organization),
a [Unit](#unit) (for itself and its descendants: the nearest wins), a [Template](#template) (its
KPIs) or a [Kpi](#kpi) (or a unit's override of a template KPI); the most specific wins: KPI,
template, unit, organisation. An explicit `red_flag` on a KPI wins over the red band (where it
passes the green limit there is no amber band). Without bands, green starts at the target and the
red flag defaults to `default_tolerance`. A target of 0 (or a `range` edge of 0) with bands and no
`red_flag` is an error: a percentage of 0 is 0. The target shown to readers stays the target; the
site, the KPI details and the packs state the rule in words.

Scores run 0-10: R scores 10/3, the green limit (T, or T ∓ G·|T| with bands) scores 20/3, linear
in between and beyond, clamped. So meeting the target always scores at least 20/3, and scores
and statuses always agree. For `range`, the middle of the green band scores 10, its edges 20/3,
the red-flag edges 10/3, linear in between, clamped at 0. When the green limit equals R there is no
amber band: reaching it scores 10, missing it 0. Categorical levels score green 10, amber 5, red 0
unless a level gives its own `score`.

**Stretch targets.** A KPI's `stretch` (a number, or a mapping by period like `target`) lies beyond
the target: above it for `higher`, below it for `lower`, a narrower band inside the target band for
`range`. A value at or beyond the stretch is shown as its own status, ★ Exceeds, and scores 10;
between the green limit and the stretch the score runs linearly from 6.67 to 10 (for `range`, from
the green band's edges to the stretch band's). Roll-ups count Exceeds as green (summaries count it
among the green KPIs); exports give the status `green` and `exceeds: true`. A stretch that is not
beyond the target is an error; a period whose CSV target moves past the stretch scores without it.

**Manual statuses.** A `status` cell in the measures sets a KPI's status for that period by hand
(a known data lag, a target under review); the row's `note` must say why. It scores green 10,
amber 5, red 0 (a categorical level: its own score) and rolls up as usual. Readers see a ✎ marker
beside the status and the note; exports carry `manual: true` and the note; the data-quality page
lists each one with its owner, and `scorecard check` counts them.

Roll-ups are weighted means that skip anything without a score: objective = its KPIs plus the
descendant objectives that `supports` it; perspective = its objectives; unit = its perspectives.
Status from a score: green ≥ 6.67, amber ≥ 3.33, red below. Weight 0 shows an item without counting it.

## Cadence and periods

`cadence` in `organization.yaml` says how often the scorecard reports; every period id (in
`--period`, measures, commentary folders, exports and file names) takes its form, and readers see
its label:

| cadence | period id | label | window (default) | compared with |
|---|---|---|---|---|
| `annual` | `2022` | FY2022 | 5 years | last year |
| `quarterly` (default) | `2026-Q3` | Q3 FY2026 (Jul-Sep 2026) | 8 quarters | last quarter |
| `monthly` | `2026-09` | Sep 2026 | 13 months | last month (also year to date and the same month last year) |

Fiscal years and quarters are named by the fiscal year (`fiscal_year_start`), months by the calendar.
A KPI reported more often than the cadence is aggregated by its `aggregation` (monthly values make a
quarter or a year, quarterly values a year); one reported less often carries its latest completed value
(an annual KPI shows last year's until the year's last quarter or month). Year-to-date aggregates every
value of the fiscal year so far. Calculated KPIs aggregate their inputs first, then apply the formula (a
ratio of sums). A KPI is stale when its latest value is older than the period it should report.
`window` sets how many periods sparklines, print charts and pack tables show; KPI details pages keep the
full history.

**Late filers.** A unit with no value in the reporting period but values before it (its latest filing
is a year older) shows its latest values with their own period, marked "from FY2021", never as empty;
`scorecard check` warns about it. `missing:` in `organization.yaml` decides how roll-up KPIs of the
units above count it: `skip` (default) leaves it out of the period; `carry-forward` counts its latest
value.

**In exports.** `period` is the reporting period's id and `latest_period` the id of the period the
latest value was reported for, as measures write it (an annual KPI's fiscal year is `2026`). A late
filer's KPI rows say `carried: true`, and `same_period_last_year` is the value a year before its own
`latest_period` (what its carried value compares with). Every export has the same columns whatever the
cadence: `ytd` is empty in an annual scorecard (a year's value is its own year to date).

## Shown, not rated

Some measures are published without being rated. Each is shown with its value (and its change),
gets the status `not-rated` (◌, grey, "Not rated"; the reason shows on hover and in print), carries
no score and is left out of every roll-up and of "KPIs met":

- **Reference measures**: `polarity: none` on a numeric KPI (a ratio tracked without a preferred
  direction). It takes no target, `red_flag`, `status_bands` or hand-set `status`. Its trend says
  ↑ up, → steady or ↓ down, in a neutral colour, never improving or declining.
- **Information-only levels**: a categorical level with `status: none` (and no `score`). A KPI
  whose levels all have `status: none` has no trend words either.
- **Not applicable**: `n/a` as a measure value (CSV, workbook cell or query result) means "not
  applicable this period": readers see `n/a` and "Not applicable"; it is not missing (no stale
  warning, no data-quality entry, not asked for by `collect --missing-only`), and exports write
  `actual` `n/a` with status `not-rated`. Aggregation leaves n/a out: a quarter of monthly values
  aggregates the applicable months (all n/a: the quarter is n/a), year-to-date skips n/a, a
  roll-up skips children that are n/a (all n/a: n/a), and a formula with an n/a input is n/a.
  Charts leave a gap; the trend to or from an n/a period is blank.
- **No target**: a numeric KPI without `target` is shown and not rated, as before.

An objective whose KPIs all have values but carry no score (weight 0, no target, reference
measures) is `not-rated`, not `no-data`; so are a perspective and a unit all of whose parts are.

**Plausible bounds.** `min` and `max` on a numeric KPI (e.g. 0 and 100 for a percentage) make a
value or CSV target outside them an error at its CSV line (workbook: its sheet and cell), naming the
KPI, the value and the bounds; a fraction such as 0.9999 filed on a percentage KPI is named as
such ("write 99.99"). A YAML target (or a unit's override of it) outside them is an error at the
target's line. Calculated and rolled-up values are not checked.

**`scores: false`** (organisation, or a unit for itself and its descendants): KPIs are still rated
(green when met, amber and red by their red flag or bands; `status_bands: {{green: 0, red: 0}}`
gives plain met / not met), but no 0-10 score is computed or shown for KPIs, objectives,
perspectives or units, and units are not ranked by score. Objectives, perspectives and units are
`not-rated` and show how many of their rated KPIs are met ("2 of 3 met"); score columns of
exports (CSV, JSON, workbooks) stay empty, and score moves are blank.

**A unit with no KPIs of its own** that has units below it (a regulator over its utilities) is
`not-rated` and is not reported as lacking objectives. Its home page, unit page and pack show the
units below it, with their statuses and KPI counts, and a table of the KPIs two or more of them
share by id (one column per unit, the first 12), instead of empty tiles and an empty scorecard.

## Year-end forecasts

Every rated numeric KPI (a target for the fiscal year's last period, `polarity` higher, lower or
range, not `forecast: none`, not annual) with at least three values up to the reporting period, and a
value in it, gets a projection of where it ends the fiscal year, except in the year's last period
(the year is done):

- `aggregation: sum`: the full-year total = the year-to-date plus the mean of the last (up to) four
  period values times the periods left in the year. Its status compares it with the sum of the
  year's period targets (green limits and red flags likewise).
- `average`, `last`, `min`, `max`: the value in the year's last period of the least-squares straight
  line through the last (up to) four period values. Its status compares it with the target, green
  limit and red flag of the year's last period.
- An owner's own forecast in the measures (column `forecast` on the reporting period's row) wins
  over both: owners often know better than a trend line. It needs no three values.

The KPI page shows the forecast as a dashed continuation of its chart to the year's end, beside the
year-end target, and says how it was made; unit pages and the packs' exceptions list the KPIs
projected to miss the year-end target (amber or red forecast), even those green today. Exports carry
`forecast` and `forecast_status` (empty without a forecast).

## Commentary

`content/commentary/2026-Q3/it.md` holds the IT unit's commentary for 2026-Q3 (in an annual scorecard
`commentary/2026/it.md` for FY2026, in a monthly one `commentary/2026-09/it.md` for Sep 2026). Optional front
matter gives the `author` and `restricted_to` (audience ids, e.g. `[board]`: the whole file).
Sections start with `## Summary` (the unit), `## Objective: <id>` or `## KPI: <id>`; inside a
section, `### Analysis` and `### Actions` are what boards read. A line `restricted_to: board`
right under a section's heading restricts that section; a section about a restricted objective or
KPI is restricted with it.

`commentary_required: [red]` (or `[red, amber]`) in organization.yaml asks for an analysis wherever
a KPI or objective has such a status in the reported period: its own section's `### Analysis` or, for
a KPI, its objective's. `scorecard check` warns for each one missing (`--strict` fails); the
data-quality page and the packs list them by owner.

```markdown
---
author: Dana Whitfield, CIO
---
## Summary
### Analysis
Service levels held; change success slipped after the storage migration.
### Actions
- Freeze non-urgent changes until the CAB review (D. Whitfield, 15 Oct).

## KPI: change_success_rate
### Analysis
Three failed changes traced to one vendor patch.
```

## Audiences

`audiences:` in organization.yaml declares editions (e.g. `board`, `staff`); `scorecard build`
then writes each into `site/<audience>/`, with a landing page `site/index.html`. Units,
objectives, KPIs, initiatives and commentary take `restricted_to: [board]`: only the editions of
those audiences show them, with no trace (name, id, value, link, search entry, chart, download,
pack page) in the others. A restricted unit restricts everything it holds, its child units
included; the root unit cannot be restricted.

A restricted item still counts in the scores of the visible items above it (`rollup_restricted:
true`, the default): the staff see that a perspective is amber, not which confidential KPI made it
so. When a visible score is made of exactly one restricted item, that score reveals the item's
status, and `check` warns. `rollup_restricted: false` leaves restricted items out of each
audience's scores instead, and restricted units out of its `rollup:` KPIs, so editions may show
different scores for the same objective (a calculated KPI still uses its restricted inputs; the
formula names them `restricted`).

## Published editions

`scorecard publish` writes `editions/<period>.json` (commit it with the project): the export rows
of every audience's edition as published and, under `pages`, what its archived pages show (the
definitions, every period's results up to it, the period's commentary), so `archive/<period>/` is
built from the file alone. Publishing a period again needs `--force` and keeps the
earlier file as `<period>.r1.json`. Files of format 1 (rows only, as publish wrote them before) are still read; their
archived pages take names, the KPI list and history from today's content, and say so. An edition published before an audience was declared has no
rows for it: `check` warns, and that audience's site leaves the period out of its archive.
Where today's numbers differ from a published period, exports give the published value in
`restated_from` (the value only: a changed target, or a KPI added or removed since, is listed by
`check` and `build` and on the site's Restatements page, not in the export).

Commentary, missions, the vision and objective descriptions are Markdown, published the same on
the site and in the packs: paragraphs, emphasis, lists, headings, quotes, code, tables and links
to `http://`, `https://` or `mailto:` addresses. HTML is shown as text; other links (relative
ones included) and images keep only their text, and `check` warns at the line. Names and every
other field are plain text.

Formatting Markdown can cost time that grows faster than the text, so a text (a mission, a
description, or one part of a commentary section: its text, Analysis or Actions) over these limits
is published as plain text, and `check` warns at the line: at most {markdown_chars} characters;
lists and quotes at most {markdown_nesting} levels inside each other (4 columns of indent count as
one level); at most {markdown_lines} lines without a blank line in one paragraph, list or table; at
most {markdown_emphasis} `*` and `_` in one paragraph; and for links, the number of `[` in each
paragraph times its length, summed over the text, at most {markdown_brackets} (100 links in a
paragraph of 10,000 characters, say). Within them, formatting one text takes at most about a second.
"""
