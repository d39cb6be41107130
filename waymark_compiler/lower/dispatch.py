"""Dispatch tables for lowering: `lower_<Node>` functions register by their name.

`@expression def lower_Call(node, ctx)` handles `libcst.Call`; `lower_expr` and `lower_stmt` look
the node's type up. Constructs refused outright register a `Refused` diagnostic instead. A node
kind nobody registered is a construct the language does not support, reported as a diagnostic
(never a crash).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.large import large_call
from waymark_compiler.rules.rule import Rule
from waymark_compiler.rules.statements import UNSUPPORTED_STATEMENT
from waymark_runtime import ir

F = TypeVar("F", bound=Callable[..., Any])

_EXPRESSIONS: dict[type[cst.CSTNode], Callable[[Any, Ctx], ir.Expr]] = {}
_STATEMENTS: dict[type[cst.CSTNode], Callable[[Any, Ctx], list[ir.Stmt]]] = {}


def _node_type(function: Callable[..., Any]) -> type[cst.CSTNode]:
    node_type = getattr(cst, function.__name__.removeprefix("lower_"))
    assert isinstance(node_type, type) and issubclass(node_type, cst.CSTNode)
    return node_type


def expression(function: F) -> F:
    _EXPRESSIONS[_node_type(function)] = function
    return function


def statement(function: F) -> F:
    _STATEMENTS[_node_type(function)] = function
    return function


@dataclass(frozen=True, slots=True)
class Refused:
    """A construct the language refuses whatever it holds: one fixed diagnostic at the node."""

    rule: Rule
    message: str
    label: str
    help: str

    def expression(self, node: cst.CSTNode, ctx: Ctx) -> ir.Expr:
        return ctx.error(self.rule, node, self.message, self.label, self.help)

    def statement(self, node: cst.CSTNode, ctx: Ctx) -> list[ir.Stmt]:
        ctx.error(self.rule, node, self.message, self.label, self.help)
        return []


def refuse_expressions(table: Mapping[type[cst.BaseExpression], Refused]) -> None:
    for node_type, refused in table.items():
        _EXPRESSIONS[node_type] = refused.expression


def refuse_statements(table: Mapping[type[cst.CSTNode], Refused]) -> None:
    for node_type, refused in table.items():
        _STATEMENTS[node_type] = refused.statement


def lower_expr(node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    replaced = ctx.replaced.get(id(node))
    if replaced is not None:
        return replaced
    if isinstance(node, cst.Call) and (refused := large_call(node, ctx)) is not None:
        return refused  # every call lowered passes here, whatever calls it
    handler = _EXPRESSIONS.get(type(node))
    if handler is None:
        kind = type(node).__name__
        return ctx.error(
            UNSUPPORTED_STATEMENT, node, f"unsupported expression `{kind}`", "not supported"
        )
    return handler(node, ctx)


def lower_stmt(node: cst.CSTNode, ctx: Ctx) -> list[ir.Stmt]:
    handler = _STATEMENTS.get(type(node))
    if handler is None:
        kind = type(node).__name__
        ctx.error(UNSUPPORTED_STATEMENT, node, f"unsupported statement `{kind}`", "not supported")
        return []
    return handler(node, ctx)


def lower_body(body: cst.BaseSuite | cst.BaseSmallStatement, ctx: Ctx) -> tuple[ir.Stmt, ...]:
    """An indented block or a one-line suite (`if x: pass`)."""
    statements: list[ir.Stmt] = []
    items = body.body if isinstance(body, cst.IndentedBlock | cst.SimpleStatementSuite) else [body]
    for item in items:
        statements += lower_stmt(item, ctx)
    # A block may lower to nothing (a bare annotation, a docstring); the IR keeps it non-empty.
    return tuple(statements) or (ir.Pass(span=ctx.span(items[0] if items else body)),)
