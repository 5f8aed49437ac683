"""Check YAML documents against the pydantic schema; turn its errors into located messages."""

from __future__ import annotations

import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import Problem
from generator.load import RawDocument, RawInput
from generator.model import (
    Location,
    Organization,
)

# --- Schema --------------------------------------------------------------------------------


def check_organization(doc: RawDocument | None, problems: list[Problem]) -> Organization:
    if doc is not None and (org := _model(doc, Organization, problems)):
        return org
    return Organization(name="(organisation.yaml missing or invalid)")


def check_models(docs: list[RawDocument], cls: type[BaseModel], problems: list[Problem]) -> list[tuple[Any, Location]]:
    return [(m, doc.where()) for doc in docs if (m := _model(doc, cls, problems)) is not None]


def _model(doc: RawDocument, cls: type[BaseModel], problems: list[Problem]) -> Any:
    try:
        return cls.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(_schema_problems(doc, cls, exc))
        return None


def _schema_problems(doc: RawDocument, cls: type[BaseModel], exc: ValidationError) -> list[Problem]:
    seen: dict[tuple[Any, ...], Problem] = {}
    for err in exc.errors():
        loc = _data_loc(doc.data, err["loc"], err["type"])
        if loc in seen and err["type"] != "extra_forbidden":
            continue  # a union reports once per member; the first message is enough
        message = f"{_describe(doc.data, loc)}{_schema_message(err, cls, loc)}"
        seen[loc] = Problem(doc.where(loc), message)
    return list(seen.values())


def _data_loc(data: Any, loc: tuple[Any, ...], kind: str) -> tuple[Any, ...]:
    """Keep the part of a pydantic location that exists in the YAML (drop union member names)."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif kind == "missing" and isinstance(node, dict) and isinstance(part, str):
            path.append(part)
            break
        else:
            break
        path.append(part)
    return tuple(path)


def _describe(data: Any, loc: tuple[Any, ...]) -> str:
    """Name the object holding the error: "objective 'x' kpi 'y': "."""
    names, node = [], data
    for i, part in enumerate(loc[:-1]):
        node = node[part] if isinstance(node, dict | list) else None
        if isinstance(part, int) and isinstance(node, dict) and i > 0:
            kind = {
                "objectives": "objective",
                "kpis": "kpi",
                "initiatives": "initiative",
                "milestones": "milestone",
                "perspectives": "perspective",
                "levels": "level",
            }.get(str(loc[i - 1]), "item")
            label = node.get("id") or node.get("name") or f"#{part + 1}"
            names.append(f"{kind} '{label}'")
    return " ".join(names) + (": " if names else "")


def _schema_message(err: Any, cls: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind, field = err["type"], str(loc[-1]) if loc else "document"
    if kind == "extra_forbidden":
        allowed = _fields_at(cls, loc[:-1])
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return f"unknown field '{field}' ({hint})"
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "literal_error":
        return f"unknown {field} {err['input']!r} (expected {err['ctx']['expected']})"
    if kind == "value_error":
        return re.sub(r"^Value error, ", "", err["msg"])
    if kind == "string_pattern_mismatch":
        return f"{field}: {err['input']!r} is not a valid id (expected lower-case letters, digits, '-' and '_')"
    return f"{field}: {err['msg'][0].lower()}{err['msg'][1:]} (got {err.get('input')!r})"


def _fields_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the field names of the model found at `loc` under `cls`."""
    current: Any = cls
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        current = _inner_model(field.annotation) if field else None
        if current is None:
            return []
    return list(current.model_fields) if current else []


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
        for i, obj in enumerate(_dicts(doc.data.get("objectives"))):
            index[(*owner, str(obj.get("id")))] = doc.where(("objectives", i))
            for j, kpi in enumerate(_dicts(obj.get("kpis"))):
                index[(*owner, str(obj.get("id")), str(kpi.get("id")))] = doc.where(("objectives", i, "kpis", j))
                index[(*owner, "kpi", str(kpi.get("id")))] = doc.where(("objectives", i, "kpis", j))
        for i, ini in enumerate(_dicts(doc.data.get("initiatives"))):
            index[(*owner, "initiative", str(ini.get("id")))] = doc.where(("initiatives", i))
        for key in doc.data.get("overrides") or {}:
            index[(*owner, "override", str(key))] = doc.where(("overrides", key))
    return index


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
