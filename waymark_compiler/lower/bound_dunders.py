"""The operator methods of a value named as functions: `key=usage.__getitem__`,
`filter(allowed.__contains__, names)`, `map(prices.__getitem__, skus)`. Applied to an item they
are the operator they stand for (`usage[i]`, `name in allowed`), with its own errors (a missing
key raises `KeyError`, as the bound method does)."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.held import Holds, hold
from waymark_runtime import ir

Apply = Callable[[ir.Expr, tuple[ir.Name, ...], ir.Span], ir.Expr]


def _item(receiver: ir.Expr, items: tuple[ir.Name, ...], span: ir.Span) -> ir.Expr:
    return ir.Subscript(value=receiver, index=items[0], span=span)


def _contains(receiver: ir.Expr, items: tuple[ir.Name, ...], span: ir.Span) -> ir.Expr:
    return ir.Compare(left=items[0], ops=("in",), comparators=(receiver,), span=span)


_DUNDERS: dict[str, tuple[int, Apply]] = {
    "__getitem__": (1, _item),
    "__contains__": (1, _contains),
}


def bound_dunder(
    node: cst.BaseExpression, items: tuple[ir.Name, ...], holds: Holds, ctx: Ctx
) -> ir.Expr | None:
    """`value.__getitem__` (or `__contains__`) of a local value applied to `items`, the value
    evaluated once, before the call (`holds`); None for anything else (a class's, `self`'s,
    another arity)."""
    if not isinstance(node, cst.Attribute) or node.attr.value not in _DUNDERS:
        return None
    arity, apply = _DUNDERS[node.attr.value]
    if len(items) != arity or ctx.symbol(node.value) is not None or ctx.is_self(node.value):
        return None
    return apply(hold(node.value, holds, ctx), items, ctx.span(node))
