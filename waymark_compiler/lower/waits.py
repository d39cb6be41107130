"""`done, pending = await asyncio.wait(tasks, timeout=t, return_when=...)` of started tasks'
handles becomes `await wait(tasks, FIRST_COMPLETED, timeout=t)` (`ir.WaitTasks`): the
runtime gives CPython's (done, pending) sets, its timeout a durable timer.

`tasks` is any value (a name holding handles, a list or set of them); what is not a task's
handle raises CPython's `TypeError` there. Calls inside it (`asyncio.wait([fetch(x)])`, which
CPython wraps in tasks) are refused: start the tasks first. `return_when` is one of asyncio's
three constants (or their strings), known when the workflow compiles.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.deferred import awaitable
from waymark_compiler.rules.operations import CONCURRENCY_PRIMITIVE
from waymark_compiler.symbols import ExternalSym
from waymark_runtime import ir

_WHEN = ("FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED")
_MODULES = ("asyncio", "asyncio.tasks", "concurrent.futures")
_PARAMS = ("fs", "timeout", "return_when")


def is_wait(node: cst.Call, ctx: Ctx) -> bool:
    symbol = ctx.symbol(node.func)
    return isinstance(symbol, ExternalSym) and symbol.qualname in (
        "asyncio.wait",
        "asyncio.tasks.wait",
    )


def wait_tasks(node: cst.Call, ctx: Ctx) -> ir.WaitTasks | None:
    """`asyncio.wait(...)` awaited: the wait on its handles (None, with an error, when refused)."""
    from waymark_compiler.lower.dispatch import lower_expr  # (it dispatches to the lowering)

    given = _arguments(node, ctx)
    if given is None:
        return None
    tasks = given.get("fs")
    if tasks is None or calls_inside(tasks, ctx):
        help = ("start each call as a task first (`tasks = [asyncio.create_task(self.f(x)) "
                "for x in xs]`), then `await asyncio.wait(tasks)`")  # fmt: skip
        message = "`asyncio.wait()` of calls, not of started tasks"
        ctx.error(CONCURRENCY_PRIMITIVE, tasks or node, message, "not started tasks", help)
        return None
    when = _when(given.get("return_when"), ctx)
    if when is None:
        help = "pass `return_when=asyncio.FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED`"
        where = given.get("return_when", node)
        ctx.error(CONCURRENCY_PRIMITIVE, where, "`return_when` not known when compiling",
                  "not an asyncio constant", help)  # fmt: skip
        return None
    timeout = given.get("timeout")
    if isinstance(timeout, cst.Name) and timeout.value == "None":
        timeout = None
    return ir.WaitTasks(tasks=lower_expr(tasks, ctx), return_when=when,
                        timeout=None if timeout is None else lower_expr(timeout, ctx),
                        span=ctx.span(node))  # fmt: skip


def _arguments(node: cst.Call, ctx: Ctx) -> dict[str, cst.BaseExpression] | None:
    given: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(node.args):
        name = arg.keyword.value if arg.keyword is not None else None
        if arg.star or (name is None and index >= len(_PARAMS)) or (name and name not in _PARAMS):
            message = "`asyncio.wait()` with arguments other than `fs`, `timeout`, `return_when`"
            help = "await asyncio.wait(tasks, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)"
            ctx.error(CONCURRENCY_PRIMITIVE, arg, message, "not an argument of it", help)
            return None
        given[name or _PARAMS[index]] = arg.value
    return given


def _when(node: cst.BaseExpression | None, ctx: Ctx) -> str | None:
    if node is None:
        return "ALL_COMPLETED"
    if isinstance(node, cst.SimpleString) and node.evaluated_value in _WHEN:
        return str(node.evaluated_value)
    symbol = ctx.symbol(node)
    if isinstance(symbol, ExternalSym):
        module, _, name = symbol.qualname.rpartition(".")
        if module in _MODULES and name in _WHEN:
            return name
    return None


def calls_inside(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Whether a display or comprehension `node` holds calls that make coroutines."""
    if isinstance(node, cst.List | cst.Set | cst.Tuple):
        return any(calls_inside(element.value, ctx) for element in node.elements)
    if isinstance(node, cst.ListComp | cst.SetComp | cst.GeneratorExp):
        return calls_inside(node.elt, ctx)
    return isinstance(node, cst.Call) and awaitable(node, ctx)
