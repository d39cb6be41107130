"""`await asyncio.shield(aw)`: the await of a task that a cancel of the awaiting task leaves
running, as CPython's shield does.

`await asyncio.shield(t)` of a started task's handle becomes `await join(t, shielded)` (an
`ir.Join` with `shielded`); `await asyncio.shield(call)` of an action call or an async helper's
call, which CPython wraps in a task, starts the call as a task into a temporary (`ir.Start`) and
joins that shielded. Cancelling the awaiting task (`task.cancel()`, a group's failure, an
`asyncio.timeout` block around the await) raises `CancelledError` at the await and leaves the
inner task running: it can be awaited again and keeps its result or exception
(`interpreter.task_methods`). A shield not awaited where it is made stays refused (WM104).
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.deferred import awaitable, task_call
from waymark_compiler.lower.started import chosen_task, joined, start_into
from waymark_compiler.rules.operations import CONCURRENCY_PRIMITIVE
from waymark_compiler.symbols import ExternalSym
from waymark_runtime import ir


def is_shield(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Whether `node` is a call of `asyncio.shield` (under any import alias)."""
    if not isinstance(node, cst.Call):
        return False
    symbol = ctx.symbol(node.func)
    return isinstance(symbol, ExternalSym) and symbol.qualname == "asyncio.shield"


def shielded(node: cst.Call, ctx: Ctx, out: list[ir.Stmt]) -> ir.Operation | None:
    """The shielded join `await asyncio.shield(...)` makes, the start of a call's task put in
    `out` first; None (with the error reported) for anything it cannot shield."""
    args = node.args
    one = len(args) == 1 and not args[0].star
    if not one or (args[0].keyword is not None and args[0].keyword.value != "arg"):
        help = "shield one task or call: `await asyncio.shield(t)`"
        ctx.error(CONCURRENCY_PRIMITIVE, node, "`asyncio.shield` takes one awaitable", "not one awaitable", help)  # fmt: skip
        return None
    inner = args[0].value
    join = joined(inner, ctx)
    if join is not None:
        return replace(join, shielded=True, span=ctx.span(node))
    call = None
    if isinstance(inner, cst.Call):
        call = task_call(inner, ctx) or chosen_task(inner, ctx)
        if call is None and awaitable(inner, ctx):
            call = inner
    if call is None:
        message = f"`asyncio.shield` of `{ctx.code(inner)}`, which is not a task or a call to run"
        help = (
            "shield a started task (`t = asyncio.ensure_future(fetch(x))`, then "
            "`await asyncio.shield(t)`), or an action or async helper call"
        )
        ctx.error(CONCURRENCY_PRIMITIVE, inner, message, "not a task", help)
        return None
    starter = inner if call is not inner and isinstance(inner, cst.Call) else node
    handle = start_into(starter, call, ctx, out)
    return ir.Join(task=handle, shielded=True, span=ctx.span(node))


def awaited_operation(
    node: cst.BaseExpression, ctx: Ctx, out: list[ir.Stmt]
) -> ir.Operation | None:
    """What `await node` awaits; `asyncio.shield(call)` puts the start of the call's task in
    `out` first."""
    from waymark_compiler.lower.operations import lower_operation  # (it imports this module)

    if isinstance(node, cst.Call) and is_shield(node, ctx):
        return shielded(node, ctx, out)
    return lower_operation(node, ctx)
