"""`itertools.starmap(f, pairs)` as `(f(a, b) for a, b in <pairs checked>)`: lazy, as
CPython's iterator.

The function's parameters fix how each item is unpacked, so they must be known when compiling:
a lambda's, an `operator` function's standing for a binary operator (two) or a unary one (one),
or a plain function's whose parameters are all plain. The runtime turns each item into a tuple
and checks its length against them (`vocabulary.STARMAP_ITEMS`), so an item of another length
raises the `TypeError` CPython's call of `f` raises.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.functional import (
    BINARY_NAMES,
    UNARY_NAMES,
    applied,
    plain_parameters,
    refuse_form,
)
from waymark_compiler.lower.held import Holds, bound_first
from waymark_compiler.rules.expressions import FUNCTION_VALUE
from waymark_compiler.symbols import ExternalSym, FunctionSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import STARMAP_ITEMS

_HELP = "write `lambda a, b: ...`, so that each item is unpacked into its parameters"


def starmap_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    args = list(node.args)
    if len(args) != 2 or any(a.keyword is not None or a.star for a in args):
        return refuse_form(node, "starmap", "`starmap(function, iterable)`", ctx)
    spec = _parameters(args[0].value, ctx)
    if spec is None:
        message = "a function of unknown arity for `starmap`"
        return ctx.error(FUNCTION_VALUE, args[0], message, "unknown arity", _HELP)
    span = ctx.span(node)
    arity = spec[1] if len(spec) == 2 else len(spec[1])
    described = _literal(spec, span)
    holds: Holds = []  # what the function evaluates once, before the items
    function = applied(args[0].value, [ctx.temp() for _ in range(arity)], holds, ctx)
    items = ir.Call(
        func=STARMAP_ITEMS, args=(lower_expr(args[1].value, ctx), described), kwargs=(), span=span
    )
    if function is None:
        return ctx.error(FUNCTION_VALUE, args[0], "not a function a workflow can apply", "", _HELP)
    elt, bound = function
    names = tuple(ir.Name(id=name, span=span) for name in bound)
    target = ir.TupleExpr(elts=names, span=span)
    clause = ir.Generator(target=target, iter=items, ifs=(), span=span)
    mapped = ir.Comprehension(kind="gen", elt=elt, value=None, generators=(clause,), span=span)
    return bound_first(holds, mapped, span)


def _parameters(node: cst.BaseExpression, ctx: Ctx) -> tuple[Any, ...] | None:
    """What the runtime checks each item against (`interpreter.starmap`), or None."""
    if isinstance(node, cst.Lambda):
        params = plain_parameters(node.params)
        return None if params is None else (_lambda_name(ctx), params, 0)
    symbol = ctx.symbol(node)
    if isinstance(symbol, ExternalSym) and symbol.qualname.startswith(("operator.", "_operator.")):
        name = symbol.qualname.rpartition(".")[2]
        arity = 2 if name in BINARY_NAMES else 1 if name in UNARY_NAMES else None
        return None if arity is None else (name, arity)
    if isinstance(symbol, FunctionSym) and symbol.node is not None:
        params = plain_parameters(symbol.node.params)
        qualname = symbol.path.rpartition(":")[2]
        return None if params is None else (qualname, params, 0)
    return None


def _literal(value: Any, span: ir.Span | None) -> ir.Expr:
    if isinstance(value, tuple):
        return ir.TupleExpr(elts=tuple(_literal(v, span) for v in value), span=span)
    return ir.Const(value=value, span=span)


def _lambda_name(ctx: Ctx) -> str:
    """A lambda's `__qualname__`, as CPython's messages name it (`Flow.run.<locals>.<lambda>`)."""
    owner = ctx.owner.path.rpartition(":")[2]
    where = f"{owner}.{ctx.function.name}" if owner and ctx.function.self_name else ""
    return f"{where}.<locals>.<lambda>" if where else "<lambda>"
