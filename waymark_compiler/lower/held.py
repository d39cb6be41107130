"""Arguments evaluated once, before the call, for calls lowered to comprehensions that would
otherwise evaluate a function argument once per item (`sorted(xs, key=TABLE[k])`,
`map(handlers["low"], xs)`).

CPython evaluates every argument first, in order, and then calls: a `KeyError` of
`TABLE[k]` is raised even when `xs` is empty, and the lookup runs once. The values are held as
`[build(a, b) for a, b in [(first, second)]][0]`, the names of the one-item loop standing for
the values inside `build`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.computed import is_computed
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.symbols import FunctionSym
from waymark_runtime import ir

Holds = list[tuple[ir.Name, ir.Expr]]


def held(
    values: Sequence[ir.Expr],
    build: Callable[[tuple[ir.Name, ...]], ir.Expr],
    ctx: Ctx,
    span: ir.Span | None,
) -> ir.Expr:
    """`build` of names bound to `values`, which are evaluated once, in order, before it."""
    names = tuple(ir.Name(id=ctx.temp(), span=span) for _ in values)
    return bound_first(list(zip(names, values, strict=True)), build(names), span)


def bound_first(pairs: Holds, body: ir.Expr, span: ir.Span | None) -> ir.Expr:
    """`body` with each name of `pairs` bound to its value, the values evaluated once, in
    order, before it; `body` itself when there is nothing to bind."""
    if not pairs:
        return body
    row = ir.TupleExpr(elts=tuple(value for _, value in pairs), span=span)
    target = ir.TupleExpr(elts=tuple(name for name, _ in pairs), span=span)
    once = ir.Generator(target=target, iter=ir.ListExpr(elts=(row,), span=span), ifs=(), span=span)
    listed = ir.Comprehension(kind="list", elt=body, value=None, generators=(once,), span=span)
    return ir.Subscript(value=listed, index=ir.Const(value=0, span=span), span=span)


def leading(node: cst.BaseExpression, ctx: Ctx) -> Holds:
    """`node` (an argument before the function, `xs` of `sorted(xs, key=...)`) as the first
    of the held values; `first` takes it back out when the function holds nothing."""
    return [(ir.Name(id=ctx.temp(), span=ctx.span(node)), lower_expr(node, ctx))]


def first(holds: Holds) -> tuple[ir.Expr, Holds]:
    """The argument `leading` put first, read by its name when the function held values after
    it, else in place with nothing held."""
    if len(holds) == 1:
        return holds[0][1], []
    return holds[0][0], holds


_LITERALS = (cst.SimpleString, cst.Integer, cst.Float)


def hold(node: cst.BaseExpression, holds: Holds, ctx: Ctx) -> ir.Expr:
    """`node` lowered as a value evaluated once, before the call that takes the function it is
    part of (the receiver of `key=tables[name].get`): a name bound to it, kept in `holds`."""
    if isinstance(node, _LITERALS):  # the same value however often it is read
        return lower_expr(node, ctx)
    span = ctx.span(node)
    name = ir.Name(id=ctx.temp(), span=span)
    holds.append((name, lower_expr(node, ctx)))
    return name


def picked(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `node` a function value computed at run time: a local variable, a conditional of
    them or of the user's functions, or an item of a table (`KEYS[kind]`)? It is evaluated
    once (`held`) and called on each item as a value; a value that is not a function raises
    CPython's `TypeError` at the first item."""
    if isinstance(node, cst.IfExp):  # `by_date if newest else by_id`: each a function
        return all(picked(b, ctx) or _function(b, ctx) for b in (node.body, node.orelse))
    return isinstance(node, cst.Name | cst.Subscript) and is_computed(node, ctx)


def called(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `node` a call that computes a function value (`note("key", near)`,
    `HANDLERS.get(kind, fallback)`), held as `picked` values are; asked once the forms
    lowered in place (`operator.itemgetter(...)`) have been tried."""
    return isinstance(node, cst.Call) and is_computed(node, ctx)


def _function(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """A synchronous function of the user's code named as a value (`by_date`, `self.rank`)."""
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    if isinstance(symbol, FunctionSym):
        return not symbol.is_async
    self_helper = isinstance(node, cst.Attribute) and ctx.is_self(node.value)
    return self_helper and ctx.helpers.get(node.attr.value) is False  # type: ignore[attr-defined]
