"""`map` and `filter`, lowered to the comprehensions they stand for: `map(f, xs)` is
`(f(x) for x in xs)` (several iterables are zipped, stopping at the shortest as `map` does),
`filter(f, xs)` is `(x for x in xs if f(x))` and `filter(None, xs)` keeps the truthy items;
both stay lazy, like the iterators CPython returns.

The function is a function value (`functional.applied`) or one computed at run time
(`held.picked`: `map(HANDLERS[kind], xs)`), which is evaluated once, before the iterables, as
CPython evaluates the arguments; so is the receiver of a pure method (`map(tables[name].get,
xs)`), which a later rebinding of its variable does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.functional import (
    FUNCTION_ERROR,
    applied,
    is_none,
    positional,
    refuse_form,
)
from waymark_compiler.lower.held import Holds, bound_first, called, held, hold, picked
from waymark_compiler.rules.expressions import FUNCTION_VALUE
from waymark_runtime import ir
from waymark_runtime.vocabulary import GOES_ON


def map_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`map(f, xs, ...)` as `(f(x, ...) for x, ... in zip(xs, ...))`, marked to go on after
    an error of `f` (`vocabulary.GOES_ON`); a function computed at run time (`picked`) is
    evaluated once, before the iterables, as CPython evaluates the arguments."""
    span = ctx.span(node)
    args = positional(node)
    if args is None or len(args) < 2:
        return refuse_form(node, "map", "`map(function, iterable, ...)`", ctx)
    names = tuple(ctx.temp() for _ in args[1:])

    def build(function: tuple[ir.Expr, tuple[str, ...]], iterables: Sequence[ir.Expr]) -> ir.Expr:
        elt, bound = function
        if len(iterables) == 1:
            target: ir.Target = ir.Name(id=bound[0], span=span)
            source = iterables[0]
        else:
            target = ir.TupleExpr(elts=tuple(ir.Name(id=n, span=span) for n in bound), span=span)
            source = ir.Call(func="zip", args=tuple(iterables), kwargs=(), span=span)
        clause = ir.Generator(target=target, iter=source, ifs=(), span=span)
        mapped = ir.Comprehension(kind="gen", elt=elt, value=None, generators=(clause,), span=span)
        return ir.Call(func=GOES_ON, args=(mapped,), kwargs=(), span=span)

    return _with_function(args, names, build, ctx)


def filter_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`filter(f, xs)` as `(x for x in xs if f(x))`, marked to go on after an error of `f`
    (`vocabulary.GOES_ON`); `filter(None, xs)` keeps truthy items."""
    span = ctx.span(node)
    args = positional(node)
    if args is None or len(args) != 2:
        return refuse_form(node, "filter", "`filter(function, iterable)`", ctx)
    name = ctx.temp()

    def build(function: tuple[ir.Expr, tuple[str, ...]], iterables: Sequence[ir.Expr]) -> ir.Expr:
        test, (bound,) = function
        item = ir.Name(id=bound, span=span)
        clause = ir.Generator(target=item, iter=iterables[0], ifs=(test,), span=span)
        kept = ir.Comprehension(kind="gen", elt=item, value=None, generators=(clause,), span=span)
        return ir.Call(func=GOES_ON, args=(kept,), kwargs=(), span=span)

    if is_none(args[0].value):
        truthy = (ir.Name(id=name, span=span), (name,))
        return build(truthy, [lower_expr(args[1].value, ctx)])
    return _with_function(args, (name,), build, ctx)


def _with_function(
    args: Sequence[cst.Arg],
    names: tuple[str, ...],
    build: Callable[[tuple[ir.Expr, tuple[str, ...]], Sequence[ir.Expr]], ir.Expr],
    ctx: Ctx,
) -> ir.Expr:
    """`build` of the function `args[0]` applied to `names` and of the iterables that follow;
    a function computed at run time is held with the iterables (`held`), evaluated first."""
    node, span = args[0].value, ctx.span(args[0])
    holds: Holds = []  # what the function evaluates once (`tables[name].get`'s table)
    function = None if picked(node, ctx) else applied(node, names, holds, ctx)
    if function is not None:  # the iterables held after the function's values, if any
        if holds:
            iterables = [hold(a.value, holds, ctx) for a in args[1:]]
        else:
            iterables = [lower_expr(a.value, ctx) for a in args[1:]]
        return bound_first(holds, build(function, iterables), span)
    if not (picked(node, ctx) or called(node, ctx)):
        return ctx.error(FUNCTION_VALUE, args[0], *FUNCTION_ERROR)
    iterables = [lower_expr(a.value, ctx) for a in args[1:]]

    def call(values: tuple[ir.Name, ...]) -> ir.Expr:
        items = tuple(ir.Name(id=name, span=span) for name in names)
        applied_value = ir.CallValue(callee=values[0], args=items, kwargs=(), span=span)
        return build((applied_value, names), values[1:])

    return held([lower_expr(node, ctx), *iterables], call, ctx, span)
