"""The methods of a started task's handle: `t.done()`, `t.result()`, `t.exception()`,
`t.cancelled()` and `t.cancel()` of a name the function puts a started task in (`t`,
`tasks[i]`, or `t` of `for t in tasks`) become `await join(t).done()` (`ir.Join` with a
`method`): they read or change the task's state, which only the machine holds, so they are
lowered where an await is, into a temporary, though none suspends.

A call of the same spelling on anything else (a plain class's `result()`) is left to the
usual lowering of method calls.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_runtime import ir

METHODS = frozenset({"done", "result", "exception", "cancelled", "cancel"})


def spelled(node: cst.Call) -> bool:
    """Whether `node` reads as `x.done()` and the like, whatever `x` is."""
    func = node.func
    return isinstance(func, cst.Attribute) and func.attr.value in METHODS and not node.args


def calls_method(node: cst.Call, ctx: Ctx) -> bool:
    """Whether `node` is `t.done()` and the like of a task's handle."""
    from waymark_compiler.lower.started import holds_task

    return spelled(node) and holds_task(node.func.value, ctx)  # type: ignore[attr-defined]


def task_method(node: cst.Call, ctx: Ctx) -> ir.Join | None:
    """`t.done()` of a handle: the call of the method; None for any other call."""
    from waymark_compiler.lower.dispatch import lower_expr  # (it dispatches to the lowering)

    if not calls_method(node, ctx):
        return None
    func = node.func
    assert isinstance(func, cst.Attribute)
    return ir.Join(task=lower_expr(func.value, ctx), method=func.attr.value, span=ctx.span(node))


def method_value(node: cst.Call, ctx: Ctx, out: list[ir.Stmt]) -> ir.Expr | None:
    """`t.done()` inside an expression: called into a temporary, which stands for its value."""
    called = task_method(node, ctx)
    if called is None:
        return None
    span = ctx.span(node)
    result = ir.Name(id=ctx.temp(), span=span)
    out.append(ir.Await(target=result, op=called, span=span))
    return result


def method_inside(nodes: list[cst.CSTNode], ctx: Ctx) -> cst.Call | None:
    """The first `t.done()` and the like of a handle among `nodes`, when they hold no `await`
    of their own (what makes a generator expression refused is then that call)."""
    found: cst.Call | None = None
    pending = list(reversed(nodes))
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Await):
            return None
        if found is None and isinstance(node, cst.Call) and calls_method(node, ctx):
            found = node
        pending.extend(reversed(node.children))
    return found


def refused_method(node: cst.Call, ctx: Ctx) -> str | None:
    """Why `x.done()` and the like is refused when `x` is not known to hold a handle: the
    help of WM141 for a task's method (None for any other spelling)."""
    if not spelled(node):
        return None
    method = node.func.attr.value  # type: ignore[attr-defined]
    return (
        f"`{method}()` is a task's method only on a name this function starts tasks in (or a "
        "loop over one): a helper passed a handle can `await` it or `asyncio.gather(*handles)` "
        f"it; call `{method}()` where the task was started and pass what it gives"
    )
