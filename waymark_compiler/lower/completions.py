"""`for fut in asyncio.as_completed(tasks): r = await fut` of started tasks' handles: each turn
waits for the next task to end, in the order they end, and `fut` is its handle (awaiting it
gives its result or raises its exception at once).

The loop becomes one over a copy of the handles: `_left = list(tasks)`, then for each,
`fut = await wait(_left, NEXT)` (the first of them to have ended, in list order when several
have; `interpreter.waited`) and `_left.remove(fut)` before the body. CPython's `fut` is a
coroutine that gives the next result; here it is the task's handle, which also has the task's
methods. Calls in a display or list/set comprehension `tasks` (CPython wraps them in tasks)
are started as tasks first, as `asyncio.ensure_future` starts them, where CPython makes their
coroutines; a generator expression of calls is refused (Python 3.11 raises `TypeError`).

With `timeout=t`, `t` is evaluated once, after `tasks`, and each turn's wait also holds the
loop's one deadline (`ir.WaitTasks.deadline`, a local first False: the first turn arms it);
once it has passed, a turn gives a handle that raises `TimeoutError` when awaited, which is
in no list, so it is removed only when it is one of `_left`.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.awaited_comprehensions import awaited_comprehension
from waymark_compiler.lower.deferred import awaitable
from waymark_compiler.lower.started import start_call
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
    given = _tasks(call, ctx)
    span = ctx.span(call)
    if given is None:  # refused: an empty loop, so the call is not refused again
        return [], ir.ListExpr(elts=(), span=span), [], ir.Name(id=ctx.temp(), span=span)
    tasks, timeout = given
    left, turn, handle = (ir.Name(id=ctx.temp(), span=span) for _ in range(3))
    setup = _started(tasks, ctx)
    given_tasks = lower_expr(tasks, ctx)
    if timeout is not None:  # (evaluated before the timeout, copied after it)
        setup.append(ir.Assign(targets=(left,), value=given_tasks, span=span))
        given_tasks = left
    copied = ir.Call(func="list", args=(given_tasks,), kwargs=(), span=span)
    count = ir.Call(func="len", args=(left,), kwargs=(), span=span)
    turns = ir.Call(func="range", args=(count,), kwargs=(), span=span)
    removed: ir.Stmt = ir.ExprStmt(
        value=ir.MethodCall(obj=left, method="remove", args=(handle,), kwargs=(), span=span),
        span=span,
    )
    waited = ir.WaitTasks(tasks=left, return_when="NEXT", span=span)
    if timeout is not None:  # one deadline over the loop (`interpreter.completing`)
        seconds, deadline = (ir.Name(id=ctx.temp(), span=span) for _ in range(2))
        setup += [
            ir.Assign(targets=(seconds,), value=lower_expr(timeout, ctx), span=span),
            ir.Assign(targets=(deadline,), value=ir.Const(value=False, span=span), span=span),
        ]
        waited = ir.WaitTasks(tasks=left, return_when="NEXT", timeout=seconds,
                              deadline=deadline.id, span=span)  # fmt: skip
        held = ir.Compare(left=handle, ops=("in",), comparators=(left,), span=span)
        removed = ir.If(test=held, body=(removed,), orelse=(), span=span)
    prefix: list[ir.Stmt] = [
        ir.Await(target=handle, op=waited, span=span),
        removed,
        ir.Assign(targets=(target,), value=handle, span=span),
    ]
    setup.append(ir.Assign(targets=(left,), value=copied, span=span))
    return setup, turns, prefix, turn


def _tasks(call: cst.Call, ctx: Ctx) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
    """The handles `as_completed` is given and its timeout (None for none), or None, with an
    error, when refused."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    timeout = keywords.pop("timeout", None)
    if isinstance(timeout, cst.Name) and timeout.value == "None":
        timeout = None
    if len(positional) != 1 or keywords or any(arg.star for arg in call.args):
        help = "`for fut in asyncio.as_completed(tasks, timeout=seconds)`"
        message = "`asyncio.as_completed()` with arguments other than `fs` and `timeout`"
        ctx.error(CONCURRENCY_PRIMITIVE, call, message, "not an argument of it", help)
        return None
    tasks = positional[0].value
    if isinstance(tasks, cst.GeneratorExp) and calls_inside(tasks, ctx):  # (3.11: TypeError)
        help = "write a list comprehension: `asyncio.as_completed([fetch(x) for x in xs])`"
        message = "`asyncio.as_completed()` of a generator expression of calls"
        ctx.error(CONCURRENCY_PRIMITIVE, tasks, message, "a generator", help)
        return None
    return tasks, timeout


def _started(tasks: cst.BaseExpression, ctx: Ctx) -> list[ir.Stmt]:
    """The calls a display or comprehension `tasks` holds, each started as a task where
    CPython makes its coroutine (`ctx.replaced` maps each to its handle); none for others."""
    from waymark_compiler.lower.awaits import hoist  # (it imports the lowering)

    if not calls_inside(tasks, ctx):
        return []
    if isinstance(tasks, cst.ListComp | cst.SetComp):
        elt = tasks.elt

        def started(node: cst.BaseExpression, ctx: Ctx) -> list[ir.Stmt]:
            if node is not elt or not isinstance(node, cst.Call) or not awaitable(node, ctx):
                return hoist(node, ctx)
            out, handle = start_call(node, ctx)
            ctx.replaced[id(node)] = handle
            return out

        return awaited_comprehension(tasks, started, ctx)
    assert isinstance(tasks, cst.List | cst.Set | cst.Tuple)
    out: list[ir.Stmt] = []
    for element in tasks.elements:
        value = element.value
        if (
            isinstance(element, cst.Element)
            and isinstance(value, cst.Call)
            and awaitable(value, ctx)
        ):
            begun, handle = start_call(value, ctx)
            out += begun
            ctx.replaced[id(value)] = handle
    return out
