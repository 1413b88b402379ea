"""Quantity expressions on BOM lines: numbers, names and + - * / ( ), nothing else.

A line such as ``qty = "gpus_count / gpus_per_board"`` reads the parent component's own catalog
figures, so a change to the rack design flows into the BOM.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class QtyExprError(ValueError):
    """An expression is malformed, names an unknown figure, or divides by zero."""


def names_in(expr: str) -> set[str]:
    """The figure names ``expr`` reads (raises QtyExprError when it does not parse)."""
    return {n.id for n in ast.walk(_parse(expr)) if isinstance(n, ast.Name)}


def evaluate(qty: float | str, env: Mapping[str, float]) -> float:
    """The value of a line quantity: a number as is, an expression over ``env``."""
    if isinstance(qty, int | float):
        return float(qty)
    return _eval(_parse(qty).body, env)


def _parse(expr: str) -> ast.Expression:
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise QtyExprError(f"not an arithmetic expression: {expr!r}") from None
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.USub,
            ast.UAdd,
            ast.Constant,
            ast.Name,
            ast.Load,
            *_BINARY,
        )
        if not isinstance(node, allowed):
            raise QtyExprError(f"only numbers, names and + - * / are allowed: {expr!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise QtyExprError(f"only numeric constants are allowed: {expr!r}")
    return tree


def _eval(node: ast.expr, env: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise QtyExprError(f"unknown figure '{node.id}'; known: {', '.join(sorted(env))}")
        return float(env[node.id])
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, env)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, env), _eval(node.right, env)
        if isinstance(node.op, ast.Div) and right == 0:
            raise QtyExprError("division by zero")
        return _BINARY[type(node.op)](left, right)
    raise QtyExprError("unsupported expression")
