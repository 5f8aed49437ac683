"""Calculated KPIs: arithmetic over other KPI ids, parsed and evaluated without eval()."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_UNARY: dict[type, Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class FormulaError(ValueError):
    """The formula does not parse or uses something other than + - * / and numbers."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula and the KPI ids it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """Return the value, or None when an input is missing or a division is by zero."""
        try:
            return _eval(self.tree, values)
        except (_Missing, ZeroDivisionError):
            return None


class _Missing(Exception):
    pass


def parse_formula(text: str) -> Formula:
    """Parse `text`; raise FormulaError saying what is wrong."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise FormulaError("does not parse (expected arithmetic over KPI ids, e.g. `cost / tickets * 100`)") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.BinOp) and type(node.op) not in _BINARY:
            raise FormulaError("only + - * / and parentheses are allowed")
        elif isinstance(node, ast.UnaryOp) and type(node.op) not in _UNARY:
            raise FormulaError("only + - * / and parentheses are allowed")
        elif isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number")
        elif not isinstance(
            node, ast.Name | ast.BinOp | ast.UnaryOp | ast.Constant | ast.expr_context | ast.operator | ast.unaryop
        ):
            raise FormulaError(f"'{ast.unparse(node)}' is not allowed (only KPI ids, numbers, + - * / and parentheses)")
    return Formula(text, tree, frozenset(names))


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
    return _BINARY[type(node.op)](_eval(node.left, values), _eval(node.right, values))
