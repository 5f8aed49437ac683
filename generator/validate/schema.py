"""Check YAML documents against the pydantic schema; turn its errors into located messages."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import Problem
from generator.load import RawDocument, RawInput
from generator.model import (
    ID_RULE,
    KPI_ID_PATTERN,
    KPI_ID_RULE,
    MAX_MAGNITUDE,
    Location,
    Organization,
    number_problem,
)

# --- Schema --------------------------------------------------------------------------------


def check_organization(doc: RawDocument | None, problems: list[Problem]) -> Organization:
    if doc is not None and (org := _model(doc, Organization, problems)):
        return org
    # Other checks read the cadence and the fiscal year: keep those that are valid, so one mistake
    # elsewhere in organization.yaml is not reported again as every commentary folder and unit.
    kept: dict[str, Any] = {"name": "(organisation.yaml missing or invalid)"}
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    for field in _PERIOD_FIELDS:
        if field in data:
            try:
                Organization.model_validate({**kept, field: data[field]})
            except ValidationError:
                continue
            kept[field] = data[field]
    return Organization.model_validate(kept)


_PERIOD_FIELDS = ("cadence", "fiscal_year_start")  # what periods are named and counted by


def check_models(docs: list[RawDocument], cls: type[BaseModel], problems: list[Problem]) -> list[tuple[Any, Location]]:
    return [(m, doc.where()) for doc in docs if (m := _model(doc, cls, problems)) is not None]


def _model(doc: RawDocument, cls: type[BaseModel], problems: list[Problem]) -> Any:
    try:
        return cls.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(_schema_problems(doc, cls, exc))
        return None


def _schema_problems(doc: RawDocument, cls: type[BaseModel], exc: ValidationError) -> list[Problem]:
    located = [(_data_loc(doc.data, err["loc"], err["type"]), err) for err in exc.errors()]
    located.sort(key=lambda item: item[1]["type"].endswith("_type"))  # at one place, the specific error first
    seen: dict[tuple[Any, ...], Problem] = {}
    for loc, err in located:
        if _explained_deeper(loc, err, located):
            continue
        if loc in seen and err["type"] != "extra_forbidden":
            continue  # a union reports once per member; the first message is enough
        seen[loc] = Problem(doc.where(loc), _message(doc.data, loc, err, cls))
    return list(seen.values())


def _explained_deeper(loc: tuple[Any, ...], err: Any, located: list[tuple[tuple[Any, ...], Any]]) -> bool:
    """Return whether a union member that matched the container says more, deeper down.

    `target: [1, .nan]` fails as a number (wrong type) and as a band (item 2 not finite): the second is the one to show.
    """
    if not err["type"].endswith("_type"):
        return False
    return any(len(other) > len(loc) and other[: len(loc)] == loc for other, _ in located)


def _data_loc(data: Any, loc: tuple[Any, ...], kind: str) -> tuple[Any, ...]:
    """Keep the part of a pydantic location that exists in the YAML (drop union member names)."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif kind == "missing" and isinstance(node, dict) and isinstance(part, str) and part.isidentifier():
            path.append(part)
            break
        elif isinstance(part, str):
            continue  # a union member's name ('tuple[...]'), not a key of the YAML
        else:
            break
        path.append(part)
    return tuple(path)


_KINDS = {
    "objectives": "objective",
    "kpis": "kpi",
    "initiatives": "initiative",
    "milestones": "milestone",
    "perspectives": "perspective",
    "levels": "level",
}


def _message(data: Any, loc: tuple[Any, ...], err: Any, cls: type[BaseModel]) -> str:
    is_key = err["loc"][-1:] == ("[key]",)
    names, label = _describe(data, loc[:-1] if is_key else loc)
    prefix = " ".join(names) + (": " if names else "")
    return prefix + _schema_message(err, cls, loc, label, is_key)


def _describe(data: Any, loc: tuple[Any, ...]) -> tuple[list[str], str]:
    """Name the objects on the path ("objective 'x' kpi 'y'") and the field below them ("target '2026'")."""
    names: list[str] = []
    field: list[str] = []
    node = data
    for i, part in enumerate(loc):
        parent, node = node, _child(node, part)
        if isinstance(part, int) and isinstance(parent, list) and isinstance(node, dict) and i > 0:
            label = node.get("id") or node.get("name") or f"#{part + 1}"
            names.append(f"{_KINDS.get(str(loc[i - 1]), 'item')} '{label}'")
            field = []
        elif i == 1 and loc[0] == "overrides" and i < len(loc) - 1:
            names.append(f"override '{part}'")
            field = []
        elif field:
            field.append(f"item {part + 1}" if isinstance(parent, list) else f"'{part}'")
        else:
            field.append(str(part))
    return names, " ".join(field)


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def _schema_message(err: Any, cls: type[BaseModel], loc: tuple[Any, ...], label: str, is_key: bool) -> str:
    kind, field, value = err["type"], str(loc[-1]) if loc else "document", err.get("input")
    at = f"{label}: " if label else ""
    if kind == "extra_forbidden":
        allowed = _fields_at(cls, loc[:-1])
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return f"unknown field '{field}' ({hint})"
    if kind == "missing" and isinstance(err["loc"][-1], int):
        return f"{at}expected a [low, high] pair"  # the only lists of fixed length are bands
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "literal_error":
        return f"unknown {field} {value!r} (expected {err['ctx']['expected']})"
    if kind == "value_error":
        return at + re.sub(r"^Value error, ", "", err["msg"])
    if kind == "string_pattern_mismatch":
        what, rule = ("KPI id", KPI_ID_RULE) if err["ctx"]["pattern"] == KPI_ID_PATTERN else ("id", ID_RULE)
        return f"{at}{'key ' if is_key else ''}{value!r} is not a valid {what} (expected {rule})"
    return at + _value_message(err, value)


def _value_message(err: Any, value: Any) -> str:
    """Say what is wrong with a value of the wrong type or size, in the user's words."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "string_type" and isinstance(value, int | float | dt.date):  # YAML read `2024` as a number
        return f'{value!r} is not text (write it in quotes: "{value}")'
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind].format(value=value)
    if kind == "too_short":
        return f"expected at least {ctx['min_length']} item (got {value!r})"
    if kind == "greater_than_equal" and ctx["ge"] == 0:
        return f"{value!r} is negative (expected 0 or more)"
    if kind == "finite_number" or (kind.endswith("_equal") and MAX_MAGNITUDE in map(abs, ctx.values())):
        return f"{value!r} {number_problem(value)}"
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {value!r})"


_TYPE_MESSAGES = {
    "float_type": "{value!r} is not a number (expected a number such as 42 or 97.5, without quotes)",
    "int_type": "{value!r} is not a whole number (expected e.g. 1, without quotes)",
    "tuple_type": "expected a list (got {value!r})",
    "list_type": "expected a list (got {value!r})",
    "dict_type": "expected a mapping of `key: value` (got {value!r})",
    "model_type": "expected a mapping of `key: value` (got {value!r})",
    "string_type": "expected text (got {value!r})",
    "bool_type": "expected true or false (got {value!r})",
    "bool_parsing": "expected true or false (got {value!r})",
}


def _fields_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the field names of the model found at `loc` under `cls`."""
    current: Any = cls
    for part in loc:
        model = _inner_model(current)
        if model is None:
            return []
        if isinstance(part, str) and not _is_mapping(current) and part in model.model_fields:
            current = model.model_fields[part].annotation
        # else a list index or a mapping key (`overrides`): the model inside stays the same
    model = _inner_model(current)
    return list(model.model_fields) if model else []


def _is_mapping(annotation: Any) -> bool:
    return any(typing.get_origin(a) is dict for a in (annotation, *typing.get_args(annotation)))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := _inner_model(arg)) is not None:
            return found
    return None


def unique(items: list[tuple[Any, Location]], kind: str, problems: list[Problem]) -> dict[str, tuple[Any, Location]]:
    result: dict[str, tuple[Any, Location]] = {}
    for item, where in items:
        if item.id in result:
            problems.append(Problem(where, f"duplicate {kind} id '{item.id}' (also in {result[item.id][1]})"))
        else:
            result[item.id] = (item, where)
    return result


def locations(raw: RawInput) -> dict[tuple[str, ...], Location]:
    """Index where each unit, objective and KPI is defined, for later messages."""
    index: dict[tuple[str, ...], Location] = {}
    for doc in raw.units + raw.templates:
        if not isinstance(doc.data, dict):
            continue
        owner = ("template" if doc in raw.templates else "unit", str(doc.data.get("id")))
        index[owner] = doc.where()
        index[(*owner, "restricted")] = doc.where(("restricted_to",))
        index[(*owner, "cadence")] = doc.where(("cadence",))
        for i, obj in enumerate(_dicts(doc.data.get("objectives"))):
            index[(*owner, str(obj.get("id")))] = doc.where(("objectives", i))
            index[(*owner, "restricted", "objective", str(obj.get("id")))] = doc.where(
                ("objectives", i, "restricted_to")
            )
            for j, kpi in enumerate(_dicts(obj.get("kpis"))):
                where = ("objectives", i, "kpis", j)
                index[(*owner, str(obj.get("id")), str(kpi.get("id")))] = doc.where(where)
                index[(*owner, "kpi", str(kpi.get("id")))] = doc.where(where)
                index[(*owner, "kpi", str(kpi.get("id")), "target")] = doc.where((*where, "target"))
                if "stretch" in kpi:
                    index[(*owner, "stretch", str(kpi.get("id")))] = doc.where((*where, "stretch"))
                index[(*owner, "restricted", "kpi", str(kpi.get("id")))] = doc.where((*where, "restricted_to"))
        for i, ini in enumerate(_dicts(doc.data.get("initiatives"))):
            index[(*owner, "initiative", str(ini.get("id")))] = doc.where(("initiatives", i))
            index[(*owner, "restricted", "initiative", str(ini.get("id")))] = doc.where(
                ("initiatives", i, "restricted_to")
            )
        overrides = doc.data.get("overrides")
        for key in overrides if isinstance(overrides, dict) else {}:
            index[(*owner, "override", str(key))] = doc.where(("overrides", key))
            index[(*owner, "override", str(key), "target")] = doc.where(("overrides", key, "target"))
    return index


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
