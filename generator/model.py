"""The one data model: scorecard definitions (YAML) and measures (CSV).

Every field carries a one-line description; `FORMAT.md` is generated from them
(`scorecard schema`), so the schema and its reference cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from generator.periods import Cadence, Period, RawPeriod, year_problem

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
ID_RULE = "lower-case letters, digits, '-' and '_'"
KPI_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
KPI_ID_RULE = "snake_case: lower-case letters, digits and '_', starting with a letter"
# Sites are published to Windows file shares, where these names cannot be files or folders
# (with or without an extension). Ids hold no '.', so only the bare name needs refusing.
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{dev}{n}" for dev in ("com", "lpt") for n in range(10)})
# No measure comes near 1e100, and under it every sum, weighted roll-up and score stays finite
# (1e100 squared is far below the float limit of 1.8e308); formula results are held to it too.
MAX_MAGNITUDE = 1e100
MAX_MAGNITUDE_TEXT = "1e100"
# Levels below the root unit. Pages, navigation, the org tree and packs nest one level per unit
# (Jinja and MkDocs recurse; the site still built 120 levels deep, not 300); real organisations
# have about ten.
MAX_DEPTH = 50


def number_problem(value: float) -> str:
    """Return why a number cannot be used (not finite, too large), or an empty string."""
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number (expected a number such as 42 or 97.5)"
    if abs(value) > MAX_MAGNITUDE:
        return f"is out of range (numbers are at most {MAX_MAGNITUDE_TEXT} in size)"
    return ""


def _not_reserved(value: str) -> str:
    if value in RESERVED_NAMES:
        raise ValueError(
            f"'{value}' is a reserved name on Windows file shares, where sites are published "
            "(con, prn, aux, nul, com0-com9, lpt0-lpt9); choose another id"
        )
    return value


def _plausible_year(value: dt.date) -> dt.date:
    if problem := year_problem(value.year):
        raise ValueError(problem)
    return value


def _year_as_text(value: object) -> object:
    """Let a fiscal year be written unquoted as a mapping key (`2026: 80`)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[
    str,
    Field(pattern=ID_PATTERN, max_length=64, description=ID_RULE),
    AfterValidator(_not_reserved),
]
KpiId = Annotated[
    str,
    Field(pattern=KPI_ID_PATTERN, max_length=64, description=KPI_ID_RULE + " (usable in formulas)"),
    AfterValidator(_not_reserved),
]
# Strict: text ("80") and true/false are not numbers; an int is. Finite and at most 1e100 in size.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
NonNegative = Annotated[Number, Field(ge=0)]
Count = Annotated[int, Field(strict=True)]
Date = Annotated[dt.date, AfterValidator(_plausible_year)]
Band = tuple[Number, Number]
TargetValue = Number | Band
TargetKey = Annotated[str, BeforeValidator(_year_as_text)]
Polarity = Literal["higher", "lower", "range", "none"]
Frequency = Literal["monthly", "quarterly", "annual"]
Aggregation = Literal["sum", "average", "last", "min", "max"]
Rollup = Literal["sum", "average", "min", "max"]
StatusName = Literal["green", "amber", "red"]
LevelStatus = Literal["green", "amber", "red", "none"]
# A measure value meaning "not applicable this period": shown as such, never missing, never rated.
NOT_APPLICABLE = "n/a"


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatusBands(_Schema):
    """Bands around the target, in fractions of it: `{green: 0.05, red: 0.1}` is green within 5%, red beyond 10%."""

    green: NonNegative = Field(
        description="Fraction of the target (its size) a KPI may miss it by and stay green (0.05: within 5%; 0: on "
        "target); below 1.",
    )
    red: NonNegative = Field(
        description="Fraction of the target (its size) beyond which it is red (0.1: more than 10% away); from "
        "`green` to 10.",
    )

    @model_validator(mode="after")
    def _check_order(self) -> StatusBands:
        if self.green >= 1 or self.red > 10:  # green 1 would pass any value from 0 up: surely 1% was meant
            raise ValueError(
                f"green {self.green:g}, red {self.red:g}: bands are fractions of the target (0.05 for 5%); "
                "green is below 1, red at most 10"
            )
        if self.green > self.red:
            raise ValueError(f"green {self.green:g} is above red {self.red:g} (expected green <= red)")
        return self


_BANDS_DOC = "Percentage bands around the target, e.g. `{green: 0.05, red: 0.1}` (see [StatusBands](#statusbands)). "


class Perspective(_Schema):
    """A perspective of the scorecard (financial, customer, ...)."""

    id: Id = Field(description="Identifier used by objectives' `perspective`.")
    name: str = Field(description="Name shown to readers.")
    weight: NonNegative = Field(1.0, description="Weight in the unit score (default 1).")
    description: str = Field("", description="What the perspective asks.")


def _unique_ids(kind: str) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """Return a validator refusing two items of `kind` (perspective, audience) with one id."""

    def check(items: tuple[Any, ...]) -> tuple[Any, ...]:
        ids = [item.id for item in items]
        if twice := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"duplicate {kind} id {', '.join(repr(i) for i in twice)}")
        return items

    return check


# At least one, each once: objectives name them, and each counts once in the unit score.
Perspectives = Annotated[tuple[Perspective, ...], Field(min_length=1), AfterValidator(_unique_ids("perspective"))]


class Audience(_Schema):
    """A readership that gets its own edition of the site, packs and exports (board, all staff)."""

    id: Id = Field(description="Identifier named in `restricted_to` and in `--audience`.")
    name: str = Field(description="Name shown on the edition, e.g. 'Board'.")
    description: str = Field("", description="Who reads this edition.")


def _one_or_many(value: object) -> object:
    return (value,) if isinstance(value, str) else value  # `restricted_to: board` as commentary sections write it


AudienceIds = Annotated[tuple[Id, ...], BeforeValidator(_one_or_many), Field(min_length=1)]
RESTRICTED_TO = (
    "Audience ids (from organization.yaml) whose editions show it, a list or one id; without it, every audience. "
    "Inherited by everything it holds."
)

DEFAULT_PERSPECTIVES = (
    Perspective(id="financial", name="Financial", description="How do we look to those who fund us?"),
    Perspective(id="customer", name="Customer", description="How do those we serve see us?"),
    Perspective(id="internal", name="Internal processes", description="What must we excel at?"),
    Perspective(id="learning", name="Learning & growth", description="Can we keep improving?"),
)


class Organization(_Schema):
    """`content/organization.yaml`: the organisation and its scorecard conventions."""

    name: str = Field(description="Organisation name, shown on every page and pack.")
    mission: str = Field("", description="Mission statement (Markdown).")
    vision: str = Field("", description="Vision statement (Markdown).")
    fiscal_year_start: Count = Field(
        1, ge=1, le=12, description="Month (1-12) the fiscal year starts; FY is named by its end year."
    )
    currency: str = Field(
        "",
        max_length=8,
        description="Currency of initiative budgets and spending (e.g. EUR, £), shown with every amount.",
    )
    perspectives: Perspectives = Field(
        DEFAULT_PERSPECTIVES,
        description="Perspectives, top (financial) to bottom (learning); default the classic four.",
    )
    # The bounds sit in the type: a Field's own ge/le do not reach into an Annotated number's constraints
    default_tolerance: Annotated[Number, Field(ge=0, le=10)] = Field(
        0.1,
        description="Fraction of the target used as red flag when a KPI gives none (default 0.1).",
    )
    status_bands: StatusBands | None = Field(
        None,
        description=_BANDS_DOC
        + "For every KPI unless a unit, template or KPI sets its own. None (default): green only on target, "
        "red beyond the red flag.",
    )
    audiences: Annotated[tuple[Audience, ...], AfterValidator(_unique_ids("audience"))] = Field(
        (), description="Editions to build, one per audience (e.g. board, staff); none: one edition for all."
    )
    cadence: Cadence = Field(
        "quarterly",
        description=(
            "How often the scorecard reports: annual (periods YYYY, read 'FY2026'), quarterly (YYYY-Qn, "
            "'Q3 FY2026 (Jul-Sep 2026)') or monthly (YYYY-MM, 'Sep 2026'). KPIs reported less often carry "
            "their latest value; KPIs reported more often are aggregated by their `aggregation`."
        ),
    )
    window: Annotated[int, Field(ge=2, le=60)] | None = Field(
        None,
        description=(
            "Periods shown in sparklines, print charts and pack tables (default 5 years, 8 quarters or 13 "
            "months); KPI details pages keep the full history."
        ),
    )
    missing: Literal["skip", "carry-forward"] = Field(
        "skip",
        description=(
            "Roll-ups over units whose latest value is older than the period (late filers): skip (default) "
            "leaves them out; carry-forward counts their latest value. Their own pages show that value, "
            "marked with its period, either way."
        ),
    )
    scores: bool = Field(
        True,
        description=(
            "Whether 0-10 scores are shown (default true). false: KPIs are rated (met, not met, no target) but "
            "no score, no objective, perspective or unit composite and no ranking of units is computed or shown; "
            "score columns of exports are left empty."
        ),
    )
    commentary_required: tuple[Literal["red", "amber"], ...] = Field(
        (),
        description=(
            "Statuses that need an analysis: `[red]` or `[red, amber]` (default none). `check` warns (fails with "
            "`--strict`) for every KPI or objective with such a status in the reported period that has no "
            "`### Analysis` in its own commentary section or its objective's; the data-quality page and the "
            "packs list them by owner."
        ),
    )
    rollup_restricted: bool = Field(
        True,
        description=(
            "Whether items restricted from an audience still count in the scores of visible items above them "
            "(default true); false leaves them out of that audience's scores."
        ),
    )


class Level(_Schema):
    """One ordered level of a categorical KPI, best first."""

    name: str = Field(description="The value as written in measures, e.g. 'compliant'.")
    status: LevelStatus = Field(
        description="Status this level maps to: green, amber or red; none: information only (shown, never rated)."
    )
    score: Number | None = Field(
        None,
        ge=0,
        le=10,
        description="Score 0-10 (default green 10, amber 5, red 0); must fall in its status band.",
    )

    @model_validator(mode="after")
    def _check_score(self) -> Level:
        if self.status == "none" and self.score is not None:
            raise ValueError("status none (information only) takes no score")
        return self


class Kpi(_Schema):
    """A key performance indicator measuring an objective."""

    id: KpiId = Field(description="Identifier, unique within the unit; measures use it.")
    name: str = Field(description="Name shown to readers.")
    description: str = Field("", description="What is measured and how.")
    unit: str = Field("", description="Unit of measure: %, h, EUR, count, ...")
    decimals: Count = Field(1, ge=0, le=6, description="Decimals shown (default 1).")
    owner: str = Field("", description="Person accountable for the KPI.")
    source: str = Field("", description="Where the data comes from (system, report).")
    type: Literal["numeric", "categorical"] = Field(
        "numeric", description="numeric (default) or categorical (ordered `levels`)."
    )
    polarity: Polarity = Field(
        "higher",
        description=(
            "higher (more is better), lower, range (inside a band), or none: a reference measure with no "
            "preferred direction, shown with its value and change but never rated (no target)."
        ),
    )
    min: Number | None = Field(
        None,
        description=(
            "Lowest plausible value (e.g. 0 for a percentage): a measure or target below it is an error. "
            "Numeric KPIs only."
        ),
    )
    max: Number | None = Field(
        None,
        description=(
            "Highest plausible value (e.g. 100 for a percentage): a measure or target above it is an error. "
            "Numeric KPIs only."
        ),
    )
    target: TargetValue | dict[TargetKey, TargetValue] | None = Field(
        None,
        description=(
            "Number, [low, high] for range, or a mapping from period (YYYY-Qn) or fiscal year "
            "(YYYY) to either, applying from that period on. None: tracked, not rated."
        ),
    )
    red_flag: TargetValue | None = Field(
        None,
        description=(
            "Threshold beyond which the KPI is red; [low, high] for range. "
            "Default: target -/+ default_tolerance x |target|."
        ),
    )
    stretch: TargetValue | dict[TargetKey, TargetValue] | None = Field(
        None,
        description=(
            "Stretch target beyond the target (above it for higher, below for lower, a narrower [low, high] "
            "inside the target band for range), as a number or a mapping like `target`: values at or beyond it "
            "show '★ Exceeds' and score 10; between the green limit and the stretch the score runs from 6.67 "
            "to 10. Roll-ups count it as green. None: scoring unchanged."
        ),
    )
    forecast: Literal["trend", "none"] = Field(
        "trend",
        description=(
            "trend (default): project the fiscal year's end (see [Year-end forecasts](#year-end-forecasts)); "
            "none: no forecast for this KPI."
        ),
    )
    frequency: Frequency = Field(
        "quarterly",  # validation sets a KPI without one to the organisation's cadence
        description="How often the KPI is measured: monthly, quarterly or annual; by default the organisation's `cadence`.",
        json_schema_extra={"shown_default": "the `cadence`"},
    )
    aggregation: Aggregation = Field(
        "average",
        description=(
            "How months make a quarter and quarters the year-to-date: sum (counts, money), average (rates), "
            "last (values that are already year-to-date, or stocks), min, max."
        ),
    )
    weight: NonNegative = Field(1.0, description="Weight in the objective score (default 1).")
    formula: str | None = Field(
        None,
        description=(
            "Arithmetic over other KPI ids of the unit (+ - * / parentheses): calculated KPI. A quarter where it "
            f"divides by zero or exceeds {MAX_MAGNITUDE_TEXT} has no value, with a warning."
        ),
    )
    rollup: Rollup | None = Field(
        None, description="Compute from the same KPI id in the child units: sum, average, min or max."
    )
    rollup_weight: KpiId | None = Field(
        None,
        description=(
            "With `rollup: average`: weight each child by its value of this KPI (e.g. ticket volume); "
            "its values must be 0 or more."
        ),
    )
    levels: tuple[Level, ...] | None = Field(None, description="Categorical KPIs: ordered levels, best first.")
    status_bands: StatusBands | None = Field(
        None,
        description=_BANDS_DOC + "Wins over the template's, the unit's and the organisation's; an explicit "
        "`red_flag` wins over the red band.",
    )
    restricted_to: AudienceIds | None = Field(None, description=RESTRICTED_TO)

    @model_validator(mode="after")
    def _check_shape(self) -> Kpi:
        if self.rollup_weight is not None and self.rollup != "average":
            raise ValueError("`rollup_weight` needs `rollup: average`")
        if self.formula is not None and self.rollup is not None:
            raise ValueError("a KPI has either a formula or a rollup, not both")
        if self.type == "categorical":
            if not self.levels:
                raise ValueError("a categorical KPI needs `levels`")
            if self.target is not None or self.red_flag is not None or self.status_bands is not None:
                raise ValueError("a categorical KPI takes its status from `levels`, not target/red_flag/status_bands")
            if self.formula or self.rollup:
                raise ValueError("a categorical KPI cannot have a formula or rollup")
            if self.min is not None or self.max is not None:
                raise ValueError("a categorical KPI has levels, not `min`/`max` bounds")
        elif self.levels:
            raise ValueError("`levels` is only for `type: categorical`")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        if self.polarity == "none" and (self.target, self.red_flag, self.status_bands) != (None, None, None):
            raise ValueError(
                "polarity 'none' is a reference measure, never rated: remove target, red_flag and status_bands"
            )
        if self.type == "categorical" and self.stretch is not None:
            raise ValueError("a categorical KPI takes its status from `levels`, not a stretch target")
        if self.polarity == "none" and self.stretch is not None:
            raise ValueError("polarity 'none' is a reference measure, never rated: remove stretch")
        _check_targets(self.polarity, self.target, self.red_flag, self.stretch)
        return self


def _check_targets(polarity: str, target: object, red_flag: object, stretch: object = None) -> None:
    values = list(target.values()) if isinstance(target, dict) else [target]
    values += list(stretch.values()) if isinstance(stretch, dict) else [stretch]
    for value in values + [red_flag]:
        if value is None:
            continue
        is_band = isinstance(value, tuple)
        if polarity == "range" and not is_band:
            raise ValueError("polarity 'range' needs targets and red_flag as [low, high]")
        if polarity != "range" and is_band:
            raise ValueError(f"polarity '{polarity}' needs a single number, not [low, high]")
        if is_band and value[0] > value[1]:  # type: ignore[index]
            raise ValueError(f"band {list(value)} has low above high")  # type: ignore[arg-type]


class KpiOverride(_Schema):
    """What a unit using a template may change in one of the template's KPIs."""

    target: TargetValue | dict[TargetKey, TargetValue] | None = Field(None, description="Replacement target.")
    red_flag: TargetValue | None = Field(None, description="Replacement red flag.")
    stretch: TargetValue | dict[TargetKey, TargetValue] | None = Field(None, description="Replacement stretch target.")
    status_bands: StatusBands | None = Field(None, description="Replacement status bands (for this unit only).")
    owner: str | None = Field(None, description="Replacement owner.")
    weight: NonNegative | None = Field(None, description="Replacement weight.")
    description: str | None = Field(None, description="Replacement description.")


class Objective(_Schema):
    """A strategic objective in one perspective of a unit."""

    id: Id = Field(description="Identifier, unique within the unit.")
    name: str = Field(description="Name shown to readers.")
    perspective: Id = Field(description="Id of the perspective it belongs to.")
    description: str = Field("", description="What success looks like.")
    owner: str = Field("", description="Person accountable for the objective.")
    weight: NonNegative = Field(
        1.0, description="Weight in the perspective score, and in the parent objective it supports."
    )
    supports: tuple[str, ...] = Field(
        (), description="Objectives of ancestor units it contributes to, as `unit-id/objective-id` (the cascade)."
    )
    drives: tuple[Id, ...] = Field((), description="Objectives of the same unit this one causes (strategy-map arrows).")
    include_supporting: bool = Field(
        True, description="Include supporting child objectives in this objective's score (default true)."
    )
    kpis: tuple[Kpi, ...] = Field((), description="KPIs measuring the objective.")
    restricted_to: AudienceIds | None = Field(None, description=RESTRICTED_TO)


class Milestone(_Schema):
    """A dated step of an initiative."""

    name: str = Field(description="What is delivered.")
    due: Date = Field(description="Due date, YYYY-MM-DD.")
    done: bool = Field(False, description="Whether it is delivered.")


class Initiative(_Schema):
    """A project or programme that advances objectives."""

    id: Id = Field(description="Identifier, unique within the unit.")
    name: str = Field(description="Name shown to readers.")
    description: str = Field("", description="Scope in a sentence or two.")
    owner: str = Field("", description="Person accountable.")
    objectives: tuple[Id, ...] = Field((), description="Ids of the unit's objectives it advances.")
    start: Date | None = Field(None, description="Start date, YYYY-MM-DD.")
    end: Date | None = Field(None, description="Planned end date, YYYY-MM-DD.")
    budget: NonNegative | None = Field(None, description="Approved budget.")
    spent: NonNegative | None = Field(None, description="Spent to date.")
    milestones: tuple[Milestone, ...] = Field((), description="Milestones, in any order.")
    restricted_to: AudienceIds | None = Field(None, description=RESTRICTED_TO)


class Template(_Schema):
    """`content/templates/<id>.yaml`: a scorecard shared by sibling units."""

    id: Id = Field(description="Identifier that units name in `template:`.")
    name: str = Field(description="Name of the shared scorecard.")
    description: str = Field("", description="What kind of unit uses it.")
    status_bands: StatusBands | None = Field(
        None,
        description=_BANDS_DOC
        + "For the template's KPIs without their own; wins over the unit's and the organisation's.",
    )
    objectives: tuple[Objective, ...] = Field((), description="Objectives every unit using it gets.")


class Unit(_Schema):
    """`content/units/<id>.yaml`: one organisational unit and its scorecard."""

    id: Id = Field(description="Identifier, unique across the organisation.")
    name: str = Field(description="Name shown to readers.")
    parent: Id | None = Field(
        None, description=f"Id of the parent unit; the root has none. At most {MAX_DEPTH} levels below the root."
    )
    owner: str = Field("", description="Head of the unit.")
    mission: str = Field("", description="The unit's mission (Markdown).")
    perspectives: Perspectives | None = Field(
        None, description="Replace the organisation's perspectives for this unit and its descendants (e.g. IT BSC)."
    )
    status_bands: StatusBands | None = Field(
        None,
        description=_BANDS_DOC + "For this unit and its descendants (the nearest unit's wins), except KPIs "
        "whose template or own definition sets bands.",
    )
    cadence: Cadence | None = Field(
        None,
        description="The organisation's cadence, repeated for clarity; a different one is an error "
        "(one scorecard reports on one cadence).",
    )
    template: Id | None = Field(None, description="Id of a shared scorecard in content/templates/.")
    overrides: dict[KpiId, KpiOverride] = Field(
        {}, description="Per KPI id of the template: changed target, red_flag, owner, weight."
    )
    objectives: tuple[Objective, ...] = Field((), description="The unit's own objectives (added to the template's).")
    initiatives: tuple[Initiative, ...] = Field((), description="Initiatives of the unit.")
    restricted_to: AudienceIds | None = Field(None, description=RESTRICTED_TO)
    scores: bool | None = Field(
        None,
        description="Override the organisation's `scores` for this unit and its descendants (the nearest unit's wins).",
    )


# --- Loaded, not YAML-declared -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was read: file and 1-based line (0 when unknown).

    `place` names it the way the file's own tool does instead of a line: `Scorecard!D14` in a
    workbook (`line` is then the sheet's row), `result row 3` of a query.
    """

    path: str
    line: int = 0
    place: str = ""

    def __str__(self) -> str:
        if self.place:
            return f"{self.path}:{self.place}"
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Measure:
    """One row of a measures CSV."""

    unit: str
    kpi: str
    raw_period: RawPeriod
    period: Period  # the period of the scorecard's cadence it counts in (a year's value: its last quarter or month)
    value: float | str | None  # str for categorical KPIs, and NOT_APPLICABLE ("n/a") for any KPI
    target: float | None
    note: str
    where: Location
    status: str = ""  # set by hand: green, amber, red or a categorical level; "" when computed
    forecast: float | None = None  # the owner's own year-end forecast, given on the reporting period's row


@dataclass(frozen=True, slots=True)
class CommentSection:
    """A commentary section about the unit, one objective or one KPI."""

    kind: Literal["unit", "objective", "kpi"]
    target: str  # objective or KPI id; "" for the unit
    title: str
    analysis: str  # Markdown
    actions: str  # Markdown
    body: str  # Markdown outside Analysis/Actions
    restricted_to: tuple[str, ...] | None = None  # its own `restricted_to:` line


@dataclass(frozen=True, slots=True)
class Commentary:
    """`content/commentary/<period>/<unit-id>.md` parsed into sections."""

    unit: str
    period: Period
    author: str
    sections: tuple[CommentSection, ...]
    where: Location
    restricted_to: tuple[str, ...] | None = None  # front matter

    def about(self, kind: str, target: str = "") -> CommentSection | None:
        """Return the section about one objective, KPI or the unit, if written."""
        return next((s for s in self.sections if s.kind == kind and s.target == target), None)


@dataclass(frozen=True)
class Scorecard:
    """Everything loaded and resolved: organisation, units (templates applied), measures."""

    organization: Organization
    units: dict[str, Unit]  # in tree order: parents before children
    templates: dict[str, Template]
    measures: tuple[Measure, ...]
    commentary: dict[tuple[str, Period], Commentary]
    locations: dict[tuple[str, ...], Location] = field(default_factory=dict)

    def children(self, unit_id: str) -> list[Unit]:
        """Return the direct children of a unit, in tree order."""
        return [u for u in self.units.values() if u.parent == unit_id]

    def subtree(self, unit_id: str) -> list[str]:
        """Return the ids of a unit and every unit below it, in tree order."""
        ids = [unit_id]
        for child in self.children(unit_id):
            ids += self.subtree(child.id)
        return ids

    @property
    def root(self) -> Unit:
        """Return the root unit (the first without a parent)."""
        return next(u for u in self.units.values() if u.parent is None)

    def ancestors(self, unit_id: str) -> list[Unit]:
        """Return the unit's ancestors, nearest first."""
        result: list[Unit] = []
        parent = self.units[unit_id].parent
        while parent is not None and parent in self.units and len(result) < len(self.units):
            result.append(self.units[parent])
            parent = self.units[parent].parent
        return result

    def perspectives(self, unit_id: str) -> tuple[Perspective, ...]:
        """Return the perspectives in force for a unit (its own, an ancestor's, or the org's)."""
        if "_perspectives" not in self.__dict__:
            object.__setattr__(self, "_perspectives", {})
        known: dict[str, tuple[Perspective, ...] | None] = self.__dict__["_perspectives"]
        chain: dict[str, None] = {}  # ordered, and a cycle of parents ends the walk
        current = unit_id
        while current in self.units and current not in known and current not in chain:
            chain[current] = None
            current = self.units[current].parent or ""
        inherited = known.get(current)
        for uid in reversed(chain):  # each unit's answer is kept: the whole tree costs one walk
            inherited = known[uid] = self.units[uid].perspectives or inherited
        return known[unit_id] or self.organization.perspectives

    def where(self, unit_id: str, *key: str) -> Location:
        """Return where a unit's objective, KPI, ... is defined: its own file, else its template's."""
        for owner in (("unit", unit_id), ("template", self.units[unit_id].template or "")):
            if (location := self.locations.get((*owner, *key))) is not None:
                return location
        return self.locations.get(("unit", unit_id), Location(f"units/{unit_id}.yaml"))

    def kpi(self, unit_id: str, kpi_id: str) -> Kpi:
        """Return a unit's KPI by id."""
        return self.kpi_index()[(unit_id, kpi_id)]

    def kpi_index(self) -> dict[tuple[str, str], Kpi]:
        """Return every KPI keyed by (unit id, KPI id), built once."""
        if "_kpis" not in self.__dict__:
            index = {(u.id, k.id): k for u in self.units.values() for o in u.objectives for k in o.kpis}
            object.__setattr__(self, "_kpis", index)
        return self.__dict__["_kpis"]  # type: ignore[no-any-return]

    def status_bands(self, unit_id: str, kpi: Kpi | None = None) -> StatusBands | None:
        """Return the bands in force: the KPI's (template's baked in), the nearest unit's, else the organisation's."""
        if kpi is not None and kpi.status_bands is not None:
            return kpi.status_bands
        if "_bands" not in self.__dict__:
            object.__setattr__(self, "_bands", {})
        known: dict[str, StatusBands | None] = self.__dict__["_bands"]
        if unit_id not in known:
            chain = (self.units[unit_id], *self.ancestors(unit_id))
            own = next((u.status_bands for u in chain if u.status_bands is not None), None)
            known[unit_id] = own or self.organization.status_bands
        return known[unit_id]

    def scores(self, unit_id: str) -> bool:
        """Return whether the unit shows 0-10 scores: the nearest unit's `scores`, else the organisation's."""
        if "_scores" not in self.__dict__:
            object.__setattr__(self, "_scores", {})
        known: dict[str, bool] = self.__dict__["_scores"]
        if unit_id not in known:
            chain = (self.units[unit_id], *self.ancestors(unit_id))
            own = next((u.scores for u in chain if u.scores is not None), None)
            known[unit_id] = self.organization.scores if own is None else own
        return known[unit_id]

    def depth(self, unit_id: str) -> int:
        """Return 0 for the root, 1 for its children, and so on."""
        return len(self.ancestors(unit_id))
