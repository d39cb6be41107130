"""`yield` in a synchronous helper, which makes it a generator (`ir.Yield`; the interpreter's
`code.Generator` runs it lazily): `yield x` and `yield from xs` as statements."""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.awaits import hoist
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.expressions import lower_target
from waymark_compiler.rules.statements import YIELD
from waymark_runtime import ir


def lower_yield(
    node: cst.Yield, ctx: Ctx, target: cst.BaseExpression | None = None
) -> list[ir.Stmt]:
    """`yield x` as a statement of a synchronous function (a generator helper), or as the
    value of an assignment to `target` (`x = yield v`: what `send` resumes it with); `yield
    from xs` as `for item in xs: yield item` (a generator's return value is not a workflow
    value, so `x = yield from xs` is refused)."""
    span = ctx.span(node)
    if ctx.finals:  # CPython runs the `finally` when it closes a generator left unfinished
        help = "do the cleanup after the loop that reads the generator, or yield outside the `try`"
        message = "`yield` inside a `try` with a `finally`"
        ctx.error(YIELD, node, message, "closed by CPython", help)
        return []
    if ctx.closing:  # ... and its `except` that catches the `GeneratorExit` thrown in to close it
        help = "catch `Exception` instead, or do the cleanup after the loop that reads it"
        message = "`yield` inside a `try` whose `except` catches `GeneratorExit`"
        ctx.error(YIELD, node, message, "closed by CPython", help)
        return []
    if isinstance(node.value, cst.From) and target is not None:
        help = "yield from it as a statement, and return what the caller needs from a helper"
        message = "the value of `yield from`"
        ctx.error(YIELD, node, message, "a generator's return value", help)
        return []
    if isinstance(node.value, cst.From):
        before = hoist(node.value.item, ctx)
        item = ctx.temp()
        loop_target = ir.Name(id=item, span=span)
        each = ir.Yield(value=ir.Name(id=item, span=span), span=span)
        source = lower_expr(node.value.item, ctx)
        return [*before, ir.For(target=loop_target, iter=source, body=(each,), span=span)]
    bound = None if target is None else lower_target(target, ctx)
    if node.value is None:
        return [ir.Yield(value=None, target=bound, span=span)]
    before = hoist(node.value, ctx)
    return [*before, ir.Yield(value=lower_expr(node.value, ctx), target=bound, span=span)]
