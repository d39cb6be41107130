"""`yield` in a synchronous helper, which makes it a generator (`ir.Yield`; the interpreter's
`code.Generator` runs it lazily): `yield x` and `yield from xs`, as statements, as the value of
an assignment or inside a larger expression (hoisted as an `await` is, `awaits.hoist`)."""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.awaits import hoist
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.expressions import lower_target
from waymark_compiler.rules.statements import YIELD
from waymark_runtime import ir
from waymark_runtime.vocabulary import DELEGATE_STEP


def lower_yield(
    node: cst.Yield, ctx: Ctx, target: cst.BaseExpression | None = None
) -> list[ir.Stmt]:
    """`yield x` as a statement of a synchronous function (a generator helper), or as the
    value of an assignment to `target` (`x = yield v`: what `send` resumes it with)."""
    return yield_into(node, ctx, None if target is None else lower_target(target, ctx))


def yield_into(node: cst.Yield, ctx: Ctx, bound: ir.Target | None) -> list[ir.Stmt]:
    """`yield x` whose value (what `send` resumed it with) goes to `bound`, if any; `yield
    from xs` delegating to `xs` as CPython does (`delegation`)."""
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
    if isinstance(node.value, cst.From):
        before = hoist(node.value.item, ctx)
        return [*before, *delegation(lower_expr(node.value.item, ctx), bound, span, ctx)]
    if node.value is None:
        return [ir.Yield(value=None, target=bound, span=span)]
    before = hoist(node.value, ctx)
    return [*before, ir.Yield(value=lower_expr(node.value, ctx), target=bound, span=span)]


def delegation(source: ir.Expr, bound: ir.Target | None, span: ir.Span, ctx: Ctx) -> list[ir.Stmt]:
    """`bound = yield from source` (PEP 380 without `throw` and `close`, which a workflow's
    generators do not take): each item the iterator yields is yielded on, what resumes this
    generator is passed on to it, and its return value is the value::

        it = iter(source); sent = None
        while True:
            done, item = generator.step(it, sent)   # `next(it)`, or `it.send(sent)`
            if done: bound = item; break
            sent = yield item
    """
    it, sent, step = (ir.Name(id=ctx.temp(), span=span) for _ in range(3))
    none = ir.Const(value=None, span=span)

    def part(index: int) -> ir.Expr:
        return ir.Subscript(value=step, index=ir.Const(value=index, span=span), span=span)

    advance = ir.Call(func=DELEGATE_STEP, args=(it, sent), kwargs=(), span=span)
    finish: tuple[ir.Stmt, ...] = (ir.Break(span=span),)
    if bound is not None:
        finish = (ir.Assign(targets=(bound,), value=part(1), span=span), *finish)
    loop = (
        ir.Assign(targets=(step,), value=advance, span=span),
        ir.If(test=part(0), body=finish, orelse=(), span=span),
        ir.Yield(value=part(1), target=sent, span=span),
    )
    started = ir.Call(func="iter", args=(source,), kwargs=(), span=span)
    return [
        ir.Assign(targets=(it,), value=started, span=span),
        ir.Assign(targets=(sent,), value=none, span=span),
        ir.While(test=ir.Const(value=True, span=span), body=loop, span=span),
    ]


def hoist_yield(node: cst.Yield, ctx: Ctx) -> tuple[list[ir.Stmt], ir.Expr | None]:
    """A `yield` inside an expression of a generator helper (`total += (yield total)`,
    `f((yield))`), run as a statement into a temporary that stands for its value; None as
    the value in an async function, where `yield` is refused where it stands."""
    if ctx.function.is_async:
        return [], None
    temp = ir.Name(id=ctx.temp(), span=ctx.span(node))
    return yield_into(node, ctx, temp), temp
