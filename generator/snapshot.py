"""An edition's pages: one audience's report as published, written into the edition and read back.

`scorecard publish` stores, beside the export rows, what the archived pages show: the definitions
as they were (organisation, units with their objectives and KPIs, template names, the period's
commentary), every period's results up to the edition's (history, charts, the previous period
for the tiles) and the restatements its pages marked. `report_from_pages` builds the archived
`Report` from that alone: nothing is taken from today's content or recomputed from measures
(what changed since the previous period is compared from the stored scores, the cascade read
from the stored objectives).

Results are written one item a line: a unit, perspective or objective as its score and status in
each period; a KPI as one column a field, left out where the usual value holds (`_columns`), so
the files stay small and a later version reads an older one by field name. A late unit's KPI as
measured (`measured`) lists its values in the order `fields` names.
The data is untrusted: every value is type-checked and every reference resolved before a page
sees it; a problem names the section and item, which the caller turns into file:line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from generator.compute.changes import compute_changes
from generator.compute.period import supporting_objectives
from generator.model import Commentary, CommentSection, Location, Organization, Scorecard, StatusBands, Template, Unit
from generator.periods import Period, parse_period
from generator.results import (
    Forecast,
    KpiResult,
    ObjectiveResult,
    PeriodResult,
    PerspectiveResult,
    PublishedEdition,
    Report,
    Restatement,
    Status,
    Trend,
    UnitResult,
)

# The order of each period's values in a KPI's line; trailing defaults are left out.
KPI_FIELDS = (
    "actual", "target", "red_flag", "score", "status", "trend", "previous", "ytd", "latest_period",
    "latest_value", "green_limit", "bands", "note", "stale", "manual", "exceeds", "stretch",
    "months_reported", "carried_from", "undefined", "forecast",
)  # fmt: skip
SECTIONS = (
    "period",
    "periods",
    "fields",
    "organization",
    "templates",
    "units",
    "commentary",
    "results",
    "restatements",
)
_KPI_DEFAULTS = {f.name: f.default for f in dataclasses.fields(KpiResult) if f.default is not dataclasses.MISSING}


class SnapshotError(Exception):
    """A value of an edition's pages is not what publish writes: the section, the item (0-based) and why."""

    def __init__(self, section: str, item: int | None, message: str) -> None:
        super().__init__(message)
        self.section, self.item, self.message = section, item, message


# --- Writing --------------------------------------------------------------------------------


def report_pages(report: Report) -> dict[str, Any]:
    """Return what an archived edition's pages need of one audience's report, as JSON values."""
    sc = report.scorecard
    return {
        "period": str(report.period),
        "periods": [str(p) for p in report.periods],
        "fields": list(KPI_FIELDS),
        "organization": sc.organization.model_dump(mode="json", exclude_defaults=True),
        "templates": [{"id": t.id, "name": t.name} for t in sc.templates.values()],
        "units": [_unit_json(u) for u in sc.units.values()],
        "commentary": [_commentary_json(c) for (_, p), c in sc.commentary.items() if p == report.period],
        "results": _results_json(report),
        "restatements": [dataclasses.asdict(r) for r in report.restatements],
    }


def _unit_json(unit: Unit) -> dict[str, Any]:
    # The template is applied already: its overrides would apply twice
    return unit.model_copy(update={"overrides": {}}).model_dump(mode="json", exclude_defaults=True)


def _commentary_json(c: Commentary) -> dict[str, Any]:
    sections = [{k: v for k, v in dataclasses.asdict(s).items() if v not in ("", None)} for s in c.sections]
    restricted = {"restricted_to": list(c.restricted_to)} if c.restricted_to is not None else {}
    return {"unit": c.unit, "author": c.author, **restricted, "sections": sections}


def _results_json(report: Report) -> list[dict[str, Any]]:
    periods = [report.by_period[p] for p in report.periods]
    items: list[dict[str, Any]] = []
    for unit in report.scorecard.units.values():
        uid = unit.id
        results = [[r.units[uid].score, r.units[uid].status.value, _counts(r.units[uid])] for r in periods]
        items.append({"unit": uid, "results": results})
        for perspective in [key[1] for key in periods[-1].perspectives if key[0] == uid]:
            key = (uid, perspective)
            items.append(
                {"unit": uid, "perspective": perspective, "results": [_scored(r.perspectives[key]) for r in periods]}
            )
        for obj in unit.objectives:
            key = (uid, obj.id)
            rows = [[*_scored(r.objectives[key]), r.objectives[key].scored_children] for r in periods]
            items.append({"unit": uid, "objective": obj.id, "results": rows})
            for kpi in obj.kpis:
                items.append(_kpi_json(report, uid, obj.id, kpi.id))
    return items


def _counts(r: UnitResult) -> dict[str, int]:
    return {status.value: n for status, n in r.counts.items() if n}


def _scored(r: ObjectiveResult | PerspectiveResult) -> list[Any]:
    return [r.score, r.status.value]


def _kpi_json(report: Report, unit: str, objective: str, kpi: str) -> dict[str, Any]:
    key, by_period = (unit, kpi), report.by_period
    item: dict[str, Any] = {"unit": unit, "objective": objective, "kpi": kpi}
    item["columns"] = _columns([by_period[p].kpis[key] for p in report.periods])
    if measured := {
        str(p): _kpi_values(by_period[p].measured[key]) for p in report.periods if key in by_period[p].measured
    }:
        item["measured"] = measured  # a late unit's KPI as measured, where `results` carries its latest value
    if between := [str(p) for p in report.periods if key in by_period[p].between]:
        item["between"] = between
    return item


def _columns(results: list[KpiResult]) -> dict[str, Any]:
    """Return a KPI's results as one column a field: left out where every period has its usual value.

    A column lists each period's value; or is `{"same": value}` when every period has that value;
    or `{"at": {period: value}}` where only those periods differ from the usual value (`_usual`):
    the field's default, the previous period's actual for `previous`, the period for
    `latest_period`, ... A column left out holds the usual value in every period.
    """
    values = {name: [_json_value(getattr(r, name)) for r in results] for name in KPI_FIELDS}
    periods = [str(r.period) for r in results]
    columns: dict[str, Any] = {}
    for name, column in values.items():
        same = all(_same(v, column[0]) for v in column)
        if name in _REQUIRED:
            columns[name] = {"same": column[0]} if same else column
            continue
        usual = _usual(name, values, periods)
        unusual = {p: v for p, v, u in zip(periods, column, usual, strict=True) if not _same(v, u)}
        if unusual:
            columns[name] = (
                {"same": column[0]} if same else {"at": unusual} if len(unusual) <= len(column) // 3 else column
            )
    return columns


_REQUIRED = ("actual", "target", "red_flag", "score", "status")


def _usual(name: str, values: Mapping[str, list[Any]], periods: list[str]) -> list[Any]:
    """Return a field's usual value in each period, from the values of the fields before it."""
    if name == "previous":
        return [None, *values["actual"][:-1]]
    if name in ("latest_period", "latest_value"):  # the latest value on or before the period
        own = periods if name == "latest_period" else values["actual"]
        latest: list[Any] = []
        for i, actual in enumerate(values["actual"]):
            latest.append(own[i] if actual is not None else latest[-1] if latest else None)
        return latest
    if name == "green_limit":
        return list(values["target"])
    return [_json_value(_KPI_DEFAULTS[name])] * len(periods)


def _same(a: Any, b: Any) -> bool:
    """Return whether two JSON values are the same, type included (1 is not 1.0 nor true)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _kpi_values(r: KpiResult) -> list[Any]:
    values = [_json_value(getattr(r, name)) for name in KPI_FIELDS]
    defaults = [_json_value(_KPI_DEFAULTS.get(name, dataclasses.MISSING)) for name in KPI_FIELDS]
    while values and values[-1] == defaults[len(values) - 1]:
        values.pop()
    return values


_PLAIN = frozenset({float, int, str, bool, type(None)})  # most values: checked first, by exact type


def _json_value(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Status | Trend):
        return value.value
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, StatusBands):
        return value.model_dump()
    if isinstance(value, Forecast):
        return {f.name: _json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


# --- Reading --------------------------------------------------------------------------------


def report_from_pages(pages: Any, published: PublishedEdition, audience: str | None) -> Report:
    """Return the report an archived edition's pages show, from its pages alone; raise SnapshotError."""
    if not isinstance(pages, dict):
        raise SnapshotError("pages", None, "must be an object of sections")
    if missing := [s for s in SECTIONS if s not in pages]:
        raise SnapshotError("pages", None, f"missing section(s): {', '.join(missing)}")
    sc = _scorecard(pages)
    periods = _periods(pages, sc.organization.cadence, published.period)
    by_period = _by_period(pages, sc, periods)
    restatements = tuple(_list_of(pages, "restatements", _restatement))
    changes = compute_changes(sc, by_period.get(periods[-1].previous()), by_period[periods[-1]])
    supporters = dict(supporting_objectives(sc))
    return Report(sc, periods[-1], periods, by_period, changes, supporters, audience, restatements, (published,))


def _scorecard(pages: dict[str, Any]) -> Scorecard:
    organization = _model(Organization, pages["organization"], "organization", None)
    templates = {t.id: t for t in _list_of(pages, "templates", lambda v: _model(Template, v, "", None, bad=True))}
    units: dict[str, Unit] = {}
    for number, value in enumerate(_list(pages, "units")):
        unit = _model(Unit, value, "units", number)
        if unit.id in units:
            raise SnapshotError("units", number, f"unit '{unit.id}' is listed twice")
        if unit.parent is not None and unit.parent not in units:
            raise SnapshotError(
                "units", number, f"unit '{unit.id}': its parent '{unit.parent}' is not listed before it"
            )
        if unit.template is not None and unit.template not in templates:
            raise SnapshotError("units", number, f"unit '{unit.id}': template '{unit.template}' is not listed")
        units[unit.id] = unit
    if not units or next(iter(units.values())).parent is not None:
        raise SnapshotError("units", None, "the first unit must be the root (a unit without parent)")
    sc = Scorecard(organization, units, templates, (), {}, {})
    for number, unit in enumerate(units.values()):
        if why := _reference_problem(sc, unit):
            raise SnapshotError("units", number, f"unit '{unit.id}': {why}")
    period = pages["period"] if isinstance(pages["period"], str) else ""
    parsed = parse_period(period, organization.cadence)
    if parsed is None:
        raise SnapshotError("period", None, f"'{str(period)[:40]}' is not a period of the cadence")
    commentary = _list_of(pages, "commentary", lambda v: _commentary(v, units, parsed))
    return dataclasses.replace(sc, commentary={(c.unit, parsed): c for c in commentary})


def _reference_problem(sc: Scorecard, unit: Unit) -> str:
    """Return why a unit's objectives name something the pages do not hold, or ''."""
    perspectives = {p.id for p in sc.perspectives(unit.id)}
    own = {o.id for o in unit.objectives}
    for obj in unit.objectives:
        if obj.perspective not in perspectives:
            return f"objective '{obj.id}': perspective '{obj.perspective}' is not the unit's"
        if unknown := [d for d in obj.drives if d not in own]:
            return f"objective '{obj.id}' drives '{unknown[0]}', which the unit does not have"
        for ref in obj.supports:
            parent, _, objective = ref.partition("/")
            if parent not in sc.units or objective not in {o.id for o in sc.units[parent].objectives}:
                return f"objective '{obj.id}' supports '{ref[:80]}', which is not listed"
    for item in unit.initiatives:
        if unknown := [o for o in item.objectives if o not in own]:
            return f"initiative '{item.id}' advances '{unknown[0]}', which the unit does not have"
    return ""


def _commentary(value: Any, units: Mapping[str, Unit], period: Period) -> Commentary:
    if not isinstance(value, dict) or not isinstance(value.get("sections"), list):
        raise _Bad("must be an object with unit, author and sections")
    unit, author = value.get("unit"), value.get("author", "")
    if not isinstance(unit, str) or unit not in units or not isinstance(author, str):
        raise _Bad("'unit' must name a listed unit, 'author' be text")
    sections = tuple(_section(s) for s in value["sections"])
    where = Location(f"commentary/{period}/{unit}.md")
    return Commentary(unit, period, author, sections, where, _audiences(value.get("restricted_to")))


def _section(value: Any) -> CommentSection:
    if not isinstance(value, dict) or value.get("kind") not in ("unit", "objective", "kpi"):
        raise _Bad("a section must be an object whose kind is unit, objective or kpi")
    texts = {k: value.get(k, "") for k in ("target", "title", "analysis", "actions", "body")}
    if not all(isinstance(v, str) for v in texts.values()) or set(value) - {*texts, "kind", "restricted_to"}:
        raise _Bad("a section holds kind, target, title, analysis, actions, body (text) and restricted_to")
    return CommentSection(value["kind"], **texts, restricted_to=_audiences(value.get("restricted_to")))


def _audiences(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad("'restricted_to' must be a list of audience ids")
    return tuple(value)


def _periods(pages: dict[str, Any], cadence: str, period: str) -> tuple[Period, ...]:
    texts = pages["periods"]
    parsed = (
        [parse_period(t, cadence) if isinstance(t, str) else None for t in texts] if isinstance(texts, list) else []
    )
    if not parsed or None in parsed:
        raise SnapshotError("periods", None, f"must list the periods shown, each a {cadence} period id")
    periods = tuple(p for p in parsed if p is not None)
    if any(b != a.shift(1) for a, b in zip(periods, periods[1:], strict=False)) or str(periods[-1]) != period:
        raise SnapshotError("periods", None, f"must be consecutive periods ending with the edition's, {period}")
    if pages["period"] != period:
        raise SnapshotError("period", None, f"'{str(pages['period'])[:40]}' is not the edition's period, {period}")
    return periods


def _by_period(pages: dict[str, Any], sc: Scorecard, periods: tuple[Period, ...]) -> dict[Period, PeriodResult]:
    fields = pages["fields"]
    if not isinstance(fields, list) or not all(f in KPI_FIELDS for f in fields) or len(set(fields)) != len(fields):
        raise SnapshotError("fields", None, f"must list KPI fields once each, of: {', '.join(KPI_FIELDS)}")
    for name in ("actual", "target", "red_flag", "score", "status"):
        if name not in fields:
            raise SnapshotError("fields", None, f"must list '{name}'")
    reader = _Reader(sc, periods, fields)
    for number, item in enumerate(_list(pages, "results")):
        try:
            reader.read(item)
        except _Bad as bad:
            raise SnapshotError("results", number, str(bad)) from None
    if missing := reader.missing():
        raise SnapshotError("results", None, f"no results for {missing}")
    return reader.period_results()


class _Bad(Exception):
    """A value of one item is wrong: why."""


class _Reader:
    """Collects the results of every item, period by period, checking each against the definitions."""

    def __init__(self, sc: Scorecard, periods: tuple[Period, ...], fields: list[str]) -> None:
        self.sc, self.periods, self.fields = sc, periods, fields
        self.ids = {str(p): p for p in periods}
        self.units: dict[str, list[UnitResult]] = {}
        self.perspectives: dict[tuple[str, str], list[PerspectiveResult]] = {}
        self.objectives: dict[tuple[str, str], list[ObjectiveResult]] = {}
        self.kpis: dict[tuple[str, str], list[KpiResult]] = {}
        self.measured: dict[tuple[str, str], dict[Period, KpiResult]] = {}
        self.between: dict[Period, set[tuple[str, str]]] = {p: set() for p in periods}
        self.kpi_objective = {(u.id, k.id): o for u in sc.units.values() for o in u.objectives for k in o.kpis}

    def read(self, item: Any) -> None:
        if not isinstance(item, dict) or item.get("unit") not in self.sc.units:
            raise _Bad("must be an object naming a listed unit")
        if "kpi" in item:
            self._kpi(item["unit"], item)
            return
        if not isinstance(item.get("results"), list):
            raise _Bad("must list its results, one a period")
        results, uid = item["results"], item["unit"]
        if len(results) != len(self.periods):
            raise _Bad(f"has {len(results)} results for {len(self.periods)} periods")
        if "objective" in item:
            self._objective(uid, item["objective"], results)
        elif "perspective" in item:
            self._perspective(uid, item["perspective"], results)
        else:
            self._once(
                self.units,
                uid,
                [UnitResult(uid, p, *_composite(v, 3), _unit_counts(v)) for p, v in self._each(results)],
            )

    def _each(self, results: list[Any]) -> list[tuple[Period, Any]]:
        return list(zip(self.periods, results, strict=True))

    def _once(self, found: dict[Any, Any], key: Any, value: Any) -> None:
        if key in found:
            raise _Bad("is listed twice")
        found[key] = value

    def _perspective(self, uid: str, perspective: Any, results: list[Any]) -> None:
        if perspective not in {p.id for p in self.sc.perspectives(uid)}:
            raise _Bad(f"perspective {str(perspective)[:40]!r} is not one of unit '{uid}'")
        rows = [PerspectiveResult(uid, perspective, p, *_composite(v, 2)) for p, v in self._each(results)]
        self._once(self.perspectives, (uid, perspective), rows)

    def _objective(self, uid: str, objective: Any, results: list[Any]) -> None:
        found = next((o for o in self.sc.units[uid].objectives if o.id == objective), None)
        if found is None:
            raise _Bad(f"objective {str(objective)[:40]!r} is not one of unit '{uid}'")
        rows = []
        for period, value in self._each(results):
            score, status = _composite(value, 3)
            if not isinstance(value[2], int) or isinstance(value[2], bool):
                raise _Bad("an objective's third value counts its scored children")
            rows.append(ObjectiveResult(uid, found.id, found.perspective, period, score, status, value[2]))
        self._once(self.objectives, (uid, found.id), rows)

    def _kpi(self, uid: str, item: dict[str, Any]) -> None:
        key = (uid, item["kpi"]) if isinstance(item["kpi"], str) else (uid, "")
        objective = self.kpi_objective.get(key)
        if objective is None or item.get("objective") != objective.id:
            raise _Bad(f"kpi {str(item['kpi'])[:40]!r} is not one of unit '{uid}' (in its objective)")
        rows = self._kpi_columns(key, objective.id, item.get("columns"))
        self._once(self.kpis, key, rows)
        measured = item.get("measured", {})
        if not isinstance(measured, dict) or not set(measured) <= set(self.ids):
            raise _Bad("'measured' must map periods shown to results")
        self.measured[key] = {
            self.ids[p]: self._kpi_result(key, objective.id, self.ids[p], v) for p, v in measured.items()
        }
        between = item.get("between", [])
        if not isinstance(between, list) or not set(between) <= set(self.ids):
            raise _Bad("'between' must list periods shown")
        for period in between:
            self.between[self.ids[period]].add(key)

    def _kpi_columns(self, key: tuple[str, str], objective: str, columns: Any) -> list[KpiResult]:
        """Return a KPI's results, one a period, from its columns (see `_columns`)."""
        if not isinstance(columns, dict) or not set(columns) <= set(KPI_FIELDS):
            raise _Bad(f"'columns' must map KPI fields ({', '.join(KPI_FIELDS)}) to their values")
        if missing := [name for name in _REQUIRED if name not in columns]:
            raise _Bad(f"'columns' has no {missing[0]}")
        values: dict[str, list[Any]] = {}
        periods = [str(p) for p in self.periods]
        for name in KPI_FIELDS:
            column = columns.get(name)
            if column is None:
                values[name] = _usual(name, values, periods)
            elif isinstance(column, dict) and set(column) == {"same"}:
                values[name] = [column["same"]] * len(periods)
            elif isinstance(column, dict) and set(column) == {"at"} and isinstance(column["at"], dict):
                if not set(column["at"]) <= set(periods):
                    raise _Bad(f"column '{name}' names periods not shown")
                usual = _usual(name, values, periods)
                values[name] = [column["at"].get(p, u) for p, u in zip(periods, usual, strict=True)]
            elif isinstance(column, list) and len(column) == len(periods):
                values[name] = column
            else:
                raise _Bad(
                    f"column '{name}' must list one value a period ({len(periods)}), "
                    'or be {"same": value} or {"at": {period: value}}'
                )
        rows = []
        for i, period in enumerate(self.periods):
            try:
                checked = {name: _read_kpi_field(name, values[name][i]) for name in KPI_FIELDS}
            except _Bad as bad:
                raise _Bad(f"{period}: {bad}") from None
            rows.append(KpiResult(key[0], objective, key[1], period, **checked))
        return rows

    def _kpi_result(self, key: tuple[str, str], objective: str, period: Period, value: Any) -> KpiResult:
        if not isinstance(value, list) or len(value) > len(self.fields):
            raise _Bad(f"a KPI's result for {period} must be a list of at most {len(self.fields)} values")
        given = dict(zip(self.fields, value, strict=False))
        for name in ("actual", "target", "red_flag", "score", "status"):
            given.setdefault(name, None)
        try:
            checked = {name: _read_kpi_field(name, v) for name, v in given.items()}
        except _Bad as bad:
            raise _Bad(f"{period}: {bad}") from None
        return KpiResult(key[0], objective, key[1], period, **checked)

    def missing(self) -> str:
        """Return the first unit, objective or KPI without results, as words, or ''."""
        for unit in self.sc.units.values():
            if unit.id not in self.units:
                return f"unit '{unit.id}'"
            for obj in unit.objectives:
                if (unit.id, obj.id) not in self.objectives:
                    return f"objective '{obj.id}' of unit '{unit.id}'"
                if key := next(((unit.id, k.id) for k in obj.kpis if (unit.id, k.id) not in self.kpis), None):
                    return f"kpi '{key[1]}' of unit '{unit.id}'"
            for perspective in {o.perspective for o in unit.objectives}:
                if (unit.id, perspective) not in self.perspectives:
                    return f"perspective '{perspective}' of unit '{unit.id}'"
        return ""

    def period_results(self) -> dict[Period, PeriodResult]:
        """Return every period's results."""
        return {
            p: PeriodResult(
                p,
                {key: rows[i] for key, rows in self.units.items()},
                {key: rows[i] for key, rows in self.perspectives.items()},
                {key: rows[i] for key, rows in self.objectives.items()},
                {key: rows[i] for key, rows in self.kpis.items()},
                {key: by[p] for key, by in self.measured.items() if p in by},
                frozenset(self.between[p]),
            )
            for i, p in enumerate(self.periods)
        }


def _composite(value: Any, size: int) -> tuple[float | None, Status]:
    if not isinstance(value, list) or len(value) != size:
        raise _Bad(f"each period's result must be a list of {size} values (score, status, ...)")
    return _score(value[0]), _status(value[1])


def _unit_counts(value: list[Any]) -> dict[Status, int]:
    counts = value[2]
    if not isinstance(counts, dict) or not set(counts) <= set(_STATUSES) or not all(map(_is_count, counts.values())):
        raise _Bad("a unit's third value counts its KPIs by status")
    return {status: counts.get(status.value, 0) for status in Status}


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any) -> float | None:
    if value is None or _is_number(value):
        return value
    raise _Bad(f"{str(value)[:40]!r} is not a number")


def _score(value: Any) -> float | None:
    if value is None or (_is_number(value) and 0 <= value <= 10):
        return value
    raise _Bad(f"{str(value)[:40]!r} is not a score (0-10 or null)")


def _status(value: Any) -> Status:
    if value in _STATUSES:
        return Status(value)
    raise _Bad(f"{str(value)[:40]!r} is not a status ({', '.join(_STATUSES)})")


def _trend(value: Any) -> Trend:
    if value in _TRENDS:
        return Trend(value)
    raise _Bad(f"{str(value)[:40]!r} is not a trend ({', '.join(_TRENDS)})")


_STATUSES = tuple(s.value for s in Status)
_TRENDS = tuple(t.value for t in Trend)


def _value(value: Any) -> float | str | None:
    if value is None or _is_number(value) or (isinstance(value, str) and len(value) <= 200):
        return value
    raise _Bad("a value must be a number, text or null")


def _band(value: Any) -> float | tuple[float, float] | None:
    if isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value):
        return (value[0], value[1])
    if value is None or _is_number(value):
        return value
    raise _Bad("a target must be a number, [low, high] or null")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _Bad("a note must be text")


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Bad("a flag must be true or false")


def _optional_count(value: Any) -> int | None:
    if value is None or _is_count(value):
        return value
    raise _Bad("a count must be a whole number or null")


def _bands(value: Any) -> StatusBands | None:
    return None if value is None else _model(StatusBands, value, "", None, bad=True)


def _period_id(value: Any) -> Period | None:
    if value is None:
        return None
    parsed = parse_period(value, "quarterly") if isinstance(value, str) else None
    parsed = parsed or (parse_period(value, "monthly") if isinstance(value, str) else None)
    parsed = parsed or (parse_period(value, "annual") if isinstance(value, str) else None)
    if parsed is None:
        raise _Bad(f"{str(value)[:40]!r} is not a period")
    return parsed


def _forecast(value: Any) -> Forecast | None:
    if value is None:
        return None
    names = {f.name for f in dataclasses.fields(Forecast)}
    if (
        not isinstance(value, dict)
        or not set(value) <= names
        or value.get("method") not in ("run-rate", "trend", "owner")
    ):
        raise _Bad("a forecast must be an object of " + ", ".join(sorted(names)))
    path = value.get("path", [])
    if not isinstance(path, list) or not all(isinstance(s, list) and len(s) == 3 for s in path):
        raise _Bad("a forecast's path lists [period, value, target]")
    year_end, number = _period_id(value.get("year_end")), value.get("value")
    if year_end is None or not isinstance(number, int | float) or isinstance(number, bool):
        raise _Bad("a forecast has a value and a year_end")
    return Forecast(
        number,
        value["method"],
        year_end,
        _required(_band(value.get("target"))),
        _required(_band(value.get("green_limit"))),
        _required(_band(value.get("red_flag"))),
        _status(value.get("status")),
        tuple((_required(_period_id(p)), _required(_number(v)), _band(t)) for p, v, t in path),
        _flag(value.get("exceeds", False)),
    )


def _required(value: Any) -> Any:
    if value is None:
        raise _Bad("a forecast's values may not be null")
    return value


def _read_kpi_field(name: str, value: Any) -> Any:
    """Return a KPI field's value checked; null stands for the field's default."""
    return _KPI_DEFAULTS[name] if value is None and name in _KPI_DEFAULTS else _KPI_READERS[name](value)


_KPI_READERS: dict[str, Callable[[Any], Any]] = {
    "actual": _value,
    "target": _band,
    "red_flag": _band,
    "score": _score,
    "status": _status,
    "trend": _trend,
    "previous": _value,
    "ytd": _number,
    "latest_period": _optional_text,
    "latest_value": _value,
    "green_limit": _band,
    "bands": _bands,
    "note": _text,
    "stale": _flag,
    "manual": _flag,
    "exceeds": _flag,
    "stretch": _band,
    "months_reported": _optional_count,
    "carried_from": _period_id,
    "undefined": _text,
    "forecast": _forecast,
}


def _restatement(value: Any) -> Restatement:
    names = {f.name for f in dataclasses.fields(Restatement)}
    if not isinstance(value, dict) or set(value) != names:
        raise _Bad("a restatement must be an object of " + ", ".join(sorted(names)))
    texts = ("unit", "kpi", "name", "period", "change", "note", "published_at")
    if not all(isinstance(value[k], str) for k in texts) or value["change"] not in (
        "value",
        "target",
        "added",
        "removed",
    ):
        raise _Bad("a restatement names its unit, kpi, name, period and change as text")
    for key in ("published", "current"):
        band = isinstance(value[key], list) and len(value[key]) == 2 and all(map(_is_number, value[key]))
        if not (band or value[key] is None or _is_number(value[key]) or isinstance(value[key], str)):
            raise _Bad(f"a restatement's '{key}' must be a number, text, [low, high] or null")
    if not _is_count(value["decimals"]):
        raise _Bad("a restatement's decimals must be a whole number")
    return Restatement(**value)


# --- Checking helpers -----------------------------------------------------------------------


def _list(pages: dict[str, Any], section: str) -> list[Any]:
    value = pages[section]
    if not isinstance(value, list):
        raise SnapshotError(section, None, "must be a list")
    return value


def _list_of(pages: dict[str, Any], section: str, read: Callable[[Any], Any]) -> list[Any]:
    found = []
    for number, value in enumerate(_list(pages, section)):
        try:
            found.append(read(value))
        except _Bad as bad:
            raise SnapshotError(section, number, str(bad)) from None
    return found


def _model(model: Any, value: Any, section: str, item: int | None, bad: bool = False) -> Any:
    """Return a pydantic model read from a value; its first error as a SnapshotError (or _Bad)."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        why = f"{where}: {error['msg']}" if where else error["msg"]
        if bad:
            raise _Bad(why) from None
        raise SnapshotError(section, item, why) from None
