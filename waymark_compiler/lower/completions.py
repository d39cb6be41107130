"""`for fut in asyncio.as_completed(tasks): r = await fut` of started tasks' handles: each turn
waits for the next task to end, in the order they end, and `fut` is its handle (awaiting it
gives its result or raises its exception at once).

The loop becomes one over a copy of the handles: `_left = list(tasks)`, then for each,
`fut = await wait(_left, NEXT)` (the first of them to have ended, in list order when several
have; `interpreter.waited`) and `_left.remove(fut)` before the body. CPython's `fut` is a
coroutine that gives the next result; here it is the task's handle, which also has the task's
methods. Calls in `tasks` (CPython wraps them in tasks) and a `timeout=` are refused.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.waits import calls_inside
from waymark_compiler.rules.operations import CONCURRENCY_PRIMITIVE
from waymark_compiler.symbols import ExternalSym
from waymark_runtime import ir

_AS_COMPLETED = frozenset({"asyncio.as_completed", "asyncio.tasks.as_completed"})


def as_completed(
    node: cst.For, target: ir.Target, ctx: Ctx
) -> tuple[list[ir.Stmt], ir.Expr, list[ir.Stmt], ir.Name] | None:
    """The setup, the iterable, the prefix of each turn and the loop's own target of a `for`
    over `asyncio.as_completed(tasks)`; None for any other loop."""
    from waymark_compiler.lower.dispatch import lower_expr  # (it dispatches to the lowering)

    call = node.iter
    if not isinstance(call, cst.Call):
        return None
    symbol = ctx.symbol(call.func)
    if not (isinstance(symbol, ExternalSym) and symbol.qualname in _AS_COMPLETED):
        return None
    tasks = _tasks(call, ctx)
    span = ctx.span(call)
    if tasks is None:  # refused: an empty loop, so the call is not refused again
        return [], ir.ListExpr(elts=(), span=span), [], ir.Name(id=ctx.temp(), span=span)
    left, turn, handle = (ir.Name(id=ctx.temp(), span=span) for _ in range(3))
    copied = ir.Call(func="list", args=(lower_expr(tasks, ctx),), kwargs=(), span=span)
    count = ir.Call(func="len", args=(left,), kwargs=(), span=span)
    turns = ir.Call(func="range", args=(count,), kwargs=(), span=span)
    removed = ir.MethodCall(obj=left, method="remove", args=(handle,), kwargs=(), span=span)
    waited = ir.WaitTasks(tasks=left, return_when="NEXT", span=span)
    prefix: list[ir.Stmt] = [
        ir.Await(target=handle, op=waited, span=span),
        ir.ExprStmt(value=removed, span=span),
        ir.Assign(targets=(target,), value=handle, span=span),
    ]
    return [ir.Assign(targets=(left,), value=copied, span=span)], turns, prefix, turn


def _tasks(call: cst.Call, ctx: Ctx) -> cst.BaseExpression | None:
    """The handles `as_completed` is given (None, with an error, when refused)."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if len(positional) != 1 or len(call.args) != 1 or calls_inside(positional[0].value, ctx):
        help = ("start each call as a task first (`tasks = [asyncio.ensure_future(fetch(x)) "
                "for x in xs]`), then `for fut in asyncio.as_completed(tasks)`, without a "
                "timeout")  # fmt: skip
        message = "`asyncio.as_completed()` of calls or with a timeout, not of started tasks"
        ctx.error(CONCURRENCY_PRIMITIVE, call, message, "not started tasks", help)
        return None
    return positional[0].value
