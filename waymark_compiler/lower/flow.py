"""Lowering the ways out of a block: loops with `else`, `try` with `else` and `finally`,
`break`, `continue` and `return`.

The IR has plain loops and `try/except`; the rest is lowered onto them with `_wm_` temporaries:

- `for`/`while` with `else`: a flag the loop's own `break`s set; the `else` runs when it is unset.
- `try` with `else`: a flag set at the end of the `try` body; the `else` runs (outside the
  handlers, as in CPython) when it is set.
- `try` with `finally`: the body runs inside a one-pass `while True` loop inside a catch-all
  `except`. A `return`, or a `break`/`continue` of an enclosing loop, records how it left
  (`how`) and breaks out of that loop; an exception is kept. The `finally` block then runs on
  every path, and afterwards the kept exception is raised again or the recorded exit is taken.
  A `return`, `raise` or jump inside the `finally` block wins, exactly as in CPython.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import libcst as cst

from waymark_compiler.context import Ctx, FinallyFrame, LoopFrame
from waymark_compiler.lower.awaits import hoist
from waymark_compiler.lower.completions import as_completed
from waymark_compiler.lower.dispatch import lower_body, lower_expr, statement
from waymark_compiler.lower.expressions import lower_target
from waymark_compiler.lower.statements import exception_types
from waymark_compiler.rules.statements import ASYNC_FOR
from waymark_runtime import ir

RETURN, BREAK, CONTINUE = 1, 2, 3

TryNode = TypeVar("TryNode", cst.Try, cst.TryStar)


def _set(name: str, value: ir.ConstValue, span: ir.Span) -> ir.Assign:
    return ir.Assign(targets=(ir.Name(id=name, span=span),), value=ir.Const(value=value), span=span)


def _name(name: str, span: ir.Span) -> ir.Name:
    return ir.Name(id=name, span=span)


def _crossed(ctx: Ctx) -> FinallyFrame | None:
    """The `try/finally` a `break`/`continue` leaves: one begun inside the innermost loop."""
    if ctx.finals and len(ctx.loops) == ctx.finals[-1].loops:
        return ctx.finals[-1]
    return None


def _leave(kind: int, span: ir.Span, ctx: Ctx) -> list[ir.Stmt]:
    frame = _crossed(ctx)
    if frame is not None:
        frame.exits.add(kind)
        return [_set(frame.how, kind, span), ir.Break(span=span)]
    if kind == CONTINUE:
        return [ir.Continue(span=span)]
    broke = ctx.loops[-1].broke if ctx.loops else None
    flag = [_set(broke, True, span)] if broke is not None else []
    return [*flag, ir.Break(span=span)]


def _return(value: ir.Expr | None, span: ir.Span, ctx: Ctx) -> list[ir.Stmt]:
    if not ctx.finals:
        return [ir.Return(value=value, span=span)]
    frame = ctx.finals[-1]
    frame.exits.add(RETURN)
    returned = value if value is not None else ir.Const(value=None, span=span)
    return [
        ir.Assign(targets=(_name(frame.value, span),), value=returned, span=span),
        _set(frame.how, RETURN, span),
        ir.Break(span=span),
    ]


@statement
def lower_Return(node: cst.Return, ctx: Ctx) -> list[ir.Stmt]:
    span = ctx.span(node)
    if node.value is None:
        return _return(None, span, ctx)
    before = hoist(node.value, ctx)
    return [*before, *_return(lower_expr(node.value, ctx), span, ctx)]


@statement
def lower_Break(node: cst.Break, ctx: Ctx) -> list[ir.Stmt]:
    return _leave(BREAK, ctx.span(node), ctx)


@statement
def lower_Continue(node: cst.Continue, ctx: Ctx) -> list[ir.Stmt]:
    return _leave(CONTINUE, ctx.span(node), ctx)


# ---------------------------------------------------------------------------------------------
# Loops
# ---------------------------------------------------------------------------------------------


def _loop_body(node: cst.For | cst.While, ctx: Ctx) -> tuple[str | None, tuple[ir.Stmt, ...]]:
    broke = ctx.temp() if node.orelse is not None else None
    ctx.loops.append(LoopFrame(broke))
    try:
        return broke, lower_body(node.body, ctx)
    finally:
        ctx.loops.pop()


def _after_loop(
    loop: ir.Stmt, broke: str | None, orelse: cst.Else | None, span: ir.Span, ctx: Ctx
) -> list[ir.Stmt]:
    out: list[ir.Stmt] = [] if broke is None else [_set(broke, False, span)]
    out.append(loop)
    if ctx.finals and len(ctx.loops) >= ctx.finals[-1].loops and RETURN in ctx.finals[-1].exits:
        # a `return` (or a jump past a `finally`) inside this loop goes on out of the next one
        how = _name(ctx.finals[-1].how, span)
        out.append(ir.If(test=how, body=(ir.Break(span=span),), orelse=(), span=span))
    if broke is not None and orelse is not None:
        test = ir.UnaryOp(op="not", operand=_name(broke, span), span=span)
        out.append(ir.If(test=test, body=lower_body(orelse.body, ctx), orelse=(), span=span))
    return out


@statement
def lower_For(node: cst.For, ctx: Ctx) -> list[ir.Stmt]:
    if node.asynchronous is not None:
        help = "fetch the items with an action that returns a list, then use a plain `for`"
        ctx.error(ASYNC_FOR, node, "`async for` in a workflow", "asynchronous iteration", help)
    span = ctx.span(node)
    before = hoist(node.iter, ctx)
    target = lower_target(node.target, ctx)
    if (completing := as_completed(node, target, ctx)) is not None:  # in the order they end
        setup, iterable, prefix, turn = completing
        broke, body = _loop_body(node, ctx)
        loop = ir.For(target=turn, iter=iterable, body=(*prefix, *body), span=span)
        return [*before, *setup, *_after_loop(loop, broke, node.orelse, span, ctx)]
    iterable = lower_expr(node.iter, ctx)
    broke, body = _loop_body(node, ctx)
    loop = ir.For(target=target, iter=iterable, body=body, span=span)
    return [*before, *_after_loop(loop, broke, node.orelse, span, ctx)]


@statement
def lower_While(node: cst.While, ctx: Ctx) -> list[ir.Stmt]:
    span = ctx.span(node)
    before = hoist(node.test, ctx)
    test = lower_expr(node.test, ctx)
    broke, body = _loop_body(node, ctx)
    if before:  # the awaits run again before every test: `while True: ...; if not test: break`
        done = ir.UnaryOp(op="not", operand=test, span=test.span)
        exit = ir.If(test=done, body=(ir.Break(span=span),), orelse=(), span=span)
        body = (*before, exit, *body)
        test = ir.Const(value=True, span=span)
    loop = ir.While(test=test, body=body, span=span)
    return _after_loop(loop, broke, node.orelse, span, ctx)


# ---------------------------------------------------------------------------------------------
# try
# ---------------------------------------------------------------------------------------------


@statement
def lower_Try(node: cst.Try, ctx: Ctx) -> list[ir.Stmt]:
    return with_finally(node, _try_except, ctx)


def with_finally(
    node: TryNode, guarded: Callable[[TryNode, Ctx], list[ir.Stmt]], ctx: Ctx
) -> list[ir.Stmt]:
    """A `try` (or `try ... except*`) statement: `guarded` lowers it without its `finally`
    block, which is lowered around it here."""
    if node.finalbody is None:
        return guarded(node, ctx)
    span = ctx.span(node)
    frame = FinallyFrame(how=ctx.temp(), value=ctx.temp(), loops=len(ctx.loops))
    ctx.finals.append(frame)
    try:
        inner = guarded(node, ctx) if node.handlers else list(lower_body(node.body, ctx))
    finally:
        ctx.finals.pop()
    pending, caught = ctx.temp(), ctx.temp()
    once = run_once(inner, span)
    keep = ir.Assign(targets=(_name(pending, span),), value=_name(caught, span), span=span)
    handler = ir.Handler(types=(), name=caught, body=(keep,), span=span)
    out: list[ir.Stmt] = [_set(frame.how, 0, span), _set(pending, None, span)]
    out += [ir.Try(body=(once,), handlers=(handler,), span=span)]
    out += lower_body(node.finalbody.body, ctx)
    out += _resume(frame, pending, span, ctx)
    return out


def run_once(inner: list[ir.Stmt], span: ir.Span) -> ir.While:
    """`while True: inner; break`: the one pass a `FinallyFrame`'s exits break out of."""
    if not inner or not isinstance(inner[-1], ir.Return | ir.Raise | ir.Break | ir.Continue):
        inner = [*inner, ir.Break(span=span)]
    return ir.While(test=ir.Const(value=True, span=span), body=tuple(inner), span=span)


def _resume(frame: FinallyFrame, pending: str, span: ir.Span, ctx: Ctx) -> list[ir.Stmt]:
    """After the `finally` block: raise the kept exception, or take the recorded exit."""
    raised = ir.Compare(
        left=_name(pending, span), ops=("is not",), comparators=(ir.Const(value=None),), span=span
    )
    out: list[ir.Stmt] = [
        ir.If(test=raised, body=(ir.Raise(exc=_name(pending, span), span=span),), orelse=())
    ]
    return out + taken_exit(frame, span, ctx)


def taken_exit(frame: FinallyFrame, span: ir.Span, ctx: Ctx) -> list[ir.Stmt]:
    """Take the exit `frame` recorded (`how`): its `return`, `break` or `continue`, now made
    past the block (through the `finally` frames around it)."""
    out: list[ir.Stmt] = []
    exits = {
        RETURN: lambda: _return(_name(frame.value, span), span, ctx),
        BREAK: lambda: _leave(BREAK, span, ctx),
        CONTINUE: lambda: _leave(CONTINUE, span, ctx),
    }
    for kind in sorted(frame.exits):
        test = ir.Compare(
            left=_name(frame.how, span), ops=("==",), comparators=(ir.Const(value=kind),)
        )
        out.append(ir.If(test=test, body=tuple(exits[kind]()), orelse=(), span=span))
    return out


def guarded_body(node: cst.Try | cst.TryStar, ctx: Ctx) -> tuple[ir.Stmt, ...]:
    """The body of a `try` with clauses, lowered knowing whether one catches the
    `GeneratorExit` of a generator's close."""
    closing = any(_catches_close(h.type) for h in node.handlers)
    ctx.closing += closing
    try:
        return lower_body(node.body, ctx)
    finally:
        ctx.closing -= closing


def _try_except(node: cst.Try, ctx: Ctx) -> list[ir.Stmt]:
    span = ctx.span(node)
    body = guarded_body(node, ctx)
    handlers = tuple(_handler(h, ctx) for h in node.handlers)
    if node.orelse is None:
        return [ir.Try(body=body, handlers=handlers, span=span)]
    ok = ctx.temp()
    guarded = ir.Try(body=(*body, _set(ok, True, span)), handlers=handlers, span=span)
    orelse = lower_body(node.orelse.body, ctx)
    return [_set(ok, False, span), guarded, ir.If(test=_name(ok, span), body=orelse, orelse=())]


def _catches_close(types: cst.BaseExpression | None) -> bool:
    """Whether an `except` clause catches the `GeneratorExit` CPython throws into a generator
    it closes (bare, `BaseException`, `GeneratorExit`, or a tuple holding one)."""
    if types is None:
        return True
    if isinstance(types, cst.Tuple):
        return any(_catches_close(element.value) for element in types.elements)
    name = types.attr if isinstance(types, cst.Attribute) else types
    return isinstance(name, cst.Name) and name.value in ("BaseException", "GeneratorExit")


def _handler(node: cst.ExceptHandler, ctx: Ctx) -> ir.Handler:
    types = () if node.type is None else exception_types(node.type, ctx)
    name = None
    if node.name is not None and isinstance(node.name.name, cst.Name):
        name = node.name.name.value
    with ctx.handler():
        body = lower_body(node.body, ctx)
    return ir.Handler(types=types, name=name, body=body, span=ctx.span(node))
