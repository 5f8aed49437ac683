"""Calculated KPIs: arithmetic over other KPI ids, parsed and evaluated without eval()."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from generator.model import MAX_MAGNITUDE, MAX_MAGNITUDE_TEXT, number_problem

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY: dict[type, Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


MAX_LENGTH = 2000  # characters; keeps the parser and the evaluation well inside Python's recursion limit
MAX_DEPTH = 200  # operations nested in one another (a sum of 200 KPIs)


class FormulaError(ValueError):
    """The formula does not parse or uses something other than + - * / and numbers."""


class UndefinedError(ArithmeticError):
    """A calculated value has none for these inputs (a division by zero, a result beyond 1e100, ...)."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula and the KPI ids it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """Return the value, or None when an input is missing; raise UndefinedError when it has none."""
        try:
            return _eval(self.tree, values)
        except _Missing:
            return None
        except ZeroDivisionError:
            raise UndefinedError("divides by zero") from None


class _Missing(Exception):
    pass


def parse_formula(text: str) -> Formula:
    """Parse `text`; raise FormulaError saying what is wrong."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise FormulaError("does not parse (expected arithmetic over KPI ids, e.g. `cost / tickets * 100`)") from None
    if _depth(tree) > MAX_DEPTH:
        raise FormulaError(f"nests more than {MAX_DEPTH} operations")
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.BinOp) and type(node.op) not in _BINARY:
            raise FormulaError("only + - * / and parentheses are allowed")
        elif isinstance(node, ast.UnaryOp) and type(node.op) not in _UNARY:
            raise FormulaError("only + - * / and parentheses are allowed")
        elif isinstance(node, ast.Constant) and (problem := _constant_problem(node.value)):
            raise FormulaError(f"{_written(text, node)} {problem}")
        elif not isinstance(
            node, ast.Name | ast.BinOp | ast.UnaryOp | ast.Constant | ast.expr_context | ast.operator | ast.unaryop
        ):
            raise FormulaError(f"'{ast.unparse(node)}' is not allowed (only KPI ids, numbers, + - * / and parentheses)")
    return Formula(text, tree, frozenset(names))


def _constant_problem(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "is not a number"
    return number_problem(value)  # 1e999, which Python reads as infinity, or beyond 1e100


def _written(text: str, node: ast.Constant) -> str:
    """Return a number as written ('1e999', not 'inf'), anything else as Python shows it."""
    if isinstance(node.value, int | float) and (segment := ast.get_source_segment(text.strip(), node)):
        return f"'{segment}'"
    return repr(node.value)


def _depth(tree: ast.expr) -> int:
    """Return how deeply operations nest, without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    return deepest


def _eval(node: ast.expr, values: Mapping[str, float | None]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # checked numeric in parse_formula
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        if value is None:
            raise _Missing
        return value
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, values))
    assert isinstance(node, ast.BinOp)
    result = _BINARY[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    if not abs(result) <= MAX_MAGNITUDE:  # also inf (a / 1e-300) and, were it possible, nan
        raise UndefinedError(f"gives a number beyond {MAX_MAGNITUDE_TEXT} in size")
    return result
