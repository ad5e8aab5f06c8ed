"""A plan formula: arithmetic over named inputs, read safely and compiled to a SQL expression.

A computed indicator's `formula` (e.g. `(result - exploatering_result) / (tax_revenue + general_grants) * 100`)
may use names, numbers, `+ - * /`, a leading minus and parentheses; anything else (calls, attributes,
powers, comparisons, strings) is refused with a plan-file error naming the indicator and the text.
It is read with Python's `ast` and compiled node by node, so no text of the plan reaches SQL except
names checked to be identifiers, and numbers written back by Python. In SQL a division by zero is
NULL (`nullif`), and a missing input is NULL and makes the result NULL: never 0.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from typing import Callable

from indicator_pipeline.errors import CatalogueError

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


@dataclass(frozen=True)
class Formula:
    text: str
    names: tuple[str, ...]  # the inputs it names, in order of first use

    def to_sql(self, input_sql: Callable[[str], str]) -> str:
        """The formula as a SQL expression; `input_sql(name)` is the SQL for one named input."""
        return _sql(_tree(self.text), input_sql)

    def check_names(self, known: set[str], what: str) -> None:
        """ValueError for the first name that is not in `known` (`what` says what a name must be)."""
        for name in self.names:
            if name not in known:
                raise ValueError(f"formula {self.text!r} names {name!r}, which is not {what}")


def parse_formula(text: object, where: str) -> Formula:
    """The formula checked; CatalogueError `<where>: formula '<text>': <what is wrong>` otherwise."""
    try:
        return read_formula(text)
    except ValueError as exc:
        raise CatalogueError(f"{where}: formula {exc}") from exc


def read_formula(text: object) -> Formula | None:
    """A plan file's formula text as a Formula (a Formula or None passes as it is); ValueError saying
    what is wrong, to follow the word `formula`, otherwise."""
    if text is None or isinstance(text, Formula):
        return text
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"must be an arithmetic expression as a string, got {text!r}")
    try:
        tree = _tree(text)
    except SyntaxError as exc:
        raise ValueError(f"{text!r} is not an arithmetic expression ({exc.msg})") from exc
    for node in ast.walk(tree):
        problem = _refused(node)
        if problem:
            raise ValueError(f"{text!r}: {problem}; use names, numbers, + - * / and parentheses")
    names = [node for node in ast.walk(tree) if isinstance(node, ast.Name)]
    if not names:
        raise ValueError(f"{text!r} names no input")
    ordered = sorted(names, key=lambda node: node.col_offset)
    return Formula(text, tuple(dict.fromkeys(node.id for node in ordered)))


def _tree(text: str) -> ast.expr:
    return ast.parse(text.strip(), mode="eval").body


def _refused(node: ast.AST) -> str | None:
    """Why a node may not be in a formula, or None if it may."""
    if isinstance(node, ast.BinOp):
        return None if type(node.op) in _OPERATORS else f"operator {type(node.op).__name__} is not allowed"
    if isinstance(node, ast.UnaryOp):
        return None if isinstance(node.op, (ast.USub, ast.UAdd)) else f"operator {type(node.op).__name__} is not allowed"
    if isinstance(node, ast.Name):
        return None if NAME.match(node.id) else f"name {node.id!r} is not a plain identifier"
    if isinstance(node, ast.Constant):
        ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and math.isfinite(node.value)
        return None if ok else f"{node.value!r} is not a number"
    if isinstance(node, (ast.operator, ast.unaryop, ast.expr_context)):
        return None  # the operator and load-context nodes of the nodes above
    return f"{type(node).__name__.lower()} is not allowed"


def _sql(node: ast.expr, input_sql: Callable[[str], str]) -> str:
    if isinstance(node, ast.Name):
        return input_sql(node.id)
    if isinstance(node, ast.Constant):
        return repr(float(node.value)) if isinstance(node.value, float) else str(node.value)
    if isinstance(node, ast.UnaryOp):
        return f"({'-' if isinstance(node.op, ast.USub) else '+'}{_sql(node.operand, input_sql)})"
    assert isinstance(node, ast.BinOp)
    left, right = _sql(node.left, input_sql), _sql(node.right, input_sql)
    if isinstance(node.op, ast.Div):
        return f"({left} / nullif({right}, 0))"
    return f"({left} {_OPERATORS[type(node.op)]} {right})"
