"""`async with asyncio.timeout(seconds): body` lowered as the statements it means:

    await timer(_t, seconds)                  # durable timer; its token in `_t`
    try:
        body                                  # each `break`/`continue` leaving it clears `_t`
    except asyncio.CancelledError as _e:      # the task was cancelled inside the block
        if _t is True:                        # ... by this block's timer
            _t = None
            raise TimeoutError from _e        # as CPython's `Timeout.__aexit__` raises it
        _t = None
        raise
    except:
        _t = None
        raise
    _t = None

The runtime cancels the waiting task only while `_t` holds the token (`interpreter.timer_blocks`).
With `as cm`, `_t = _t is True` replaces each `_t = None`, so `_t` tells after the block whether
its timer passed: `cm.expired()` (`lower.timeout_managers`). `asyncio.timeout_at(when)`,
`cm.when()` and `cm.reschedule(when)` stay refused: deadlines on the loop's clock have no
meaning in a program that reads no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_body, lower_expr
from waymark_runtime import ir

_CANCELLED = "asyncio.exceptions:CancelledError"


def timeout_block(
    node: cst.With, item: cst.Call, ctx: Ctx, name: str | None = None
) -> list[ir.Stmt] | None:
    """The statements of `async with asyncio.timeout(seconds) [as name]:`; None when the
    call's arguments are not one delay (refused by the caller). With `name`, leaving the
    block keeps in `_t` whether its timer passed (`_t = _t is True`), what `name.expired()`
    reads (`lower.timeout_managers`)."""
    args = item.args
    if len(args) != 1 or args[0].star or (args[0].keyword and args[0].keyword.value != "delay"):
        return None
    span = ctx.span(node)
    seconds = lower_expr(args[0].value, ctx)
    token, error = ctx.temp(), ctx.temp()
    timer = ir.Await(target=None, op=ir.Timer(name=token, seconds=seconds, span=span), span=span)
    if name is not None:
        ctx.timeout_managers[name] = token
    clear = _keeping if name is not None else _clearing_token
    body = _clearing(lower_body(node.body, ctx), token, span, clear)
    timed_out = ir.New(type="builtins:TimeoutError", args=(), kwargs=())
    expired = ir.If(
        test=ir.Compare(left=ir.Name(id=token), ops=("is",), comparators=(ir.Const(value=True),)),
        body=(clear(token, span), ir.Raise(exc=timed_out, cause=ir.Name(id=error), span=span)),
        orelse=(),
        span=span,
    )
    reraise = (clear(token, span), ir.Raise(exc=None, span=span))
    handlers = (
        ir.Handler(types=(_CANCELLED,), name=error, body=(expired, *reraise), span=span),
        ir.Handler(types=(), name=None, body=reraise, span=span),
    )
    return [timer, ir.Try(body=body, handlers=handlers, span=span), clear(token, span)]


Clear = Callable[[str, "ir.Span | None"], ir.Assign]


def _clearing_token(token: str, span: ir.Span | None) -> ir.Assign:
    return ir.Assign(targets=(ir.Name(id=token),), value=ir.Const(value=None), span=span)


def _keeping(token: str, span: ir.Span | None) -> ir.Assign:
    """`_t = _t is True`: the block left, its timer passed or not (`cm.expired()`)."""
    passed = ir.Compare(left=ir.Name(id=token), ops=("is",), comparators=(ir.Const(value=True),))
    return ir.Assign(targets=(ir.Name(id=token),), value=passed, span=span)


def _clearing(
    body: tuple[ir.Stmt, ...], token: str, span: ir.Span | None, clear: Clear
) -> tuple[ir.Stmt, ...]:
    """`body` with `_t` cleared before each `break` or `continue` that leaves the block (those
    of loops inside it stay in the block); a `return` leaves the frame, and the token with it."""
    out: list[ir.Stmt] = []
    for stmt in body:
        if isinstance(stmt, ir.Break | ir.Continue):
            out += [clear(token, span), stmt]
        elif isinstance(stmt, ir.If):
            out.append(replace(stmt, body=_clearing(stmt.body, token, span, clear),
                               orelse=_clearing(stmt.orelse, token, span, clear)))  # fmt: skip
        elif isinstance(stmt, ir.Try):
            handlers = tuple(
                replace(h, body=_clearing(h.body, token, span, clear)) for h in stmt.handlers
            )
            body = _clearing(stmt.body, token, span, clear)
            out.append(replace(stmt, body=body, handlers=handlers))
        elif isinstance(stmt, ir.Match):
            cases = tuple(
                replace(c, body=_clearing(c.body, token, span, clear)) for c in stmt.cases
            )
            out.append(replace(stmt, cases=cases))
        else:
            out.append(stmt)
    return tuple(out)
