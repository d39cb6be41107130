"""Tasks started now and joined later: `t = asyncio.create_task(self.enrich(x))` or
`asyncio.ensure_future(fetch(x))` (also as a statement of its own, never awaited) becomes
`t = await start ...` (`ir.Start`), and `await t` becomes `await join(t)` (`ir.Join`).

A task started inside an expression (`[asyncio.create_task(self.fetch(x)) for x in xs]`,
`tasks.append(asyncio.ensure_future(fetch(x)))`) is started into a temporary where CPython
makes it, as an await is (`lower.awaits`), so the handle is a value like any other: kept in a
list or dict, passed to helpers, and joined by `await` of whatever expression holds it.

The call's arguments are evaluated where the task is started, as CPython evaluates them where
the coroutine is made; the task runs concurrently with what the workflow awaits next, and
`await t` gives its result or raises its exception (`interpreter.started`). A task started
and awaited before anything else is awaited is the call run at its `await` (`lower.deferred`).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.deferred import awaitable, task_call
from waymark_compiler.lower.expressions import lower_target
from waymark_runtime import ir

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_CONSTANTS = frozenset({"None", "True", "False"})
_STARTERS = frozenset({"create_task", "ensure_future"})


def starts_task(node: cst.CSTNode) -> bool:
    """Whether `node` reads as `asyncio.create_task(...)` or `asyncio.ensure_future(...)`
    (by its spelling: `started_value` resolves it), which suspends nothing but is lowered as an
    await is, into a temporary."""
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    if isinstance(func, cst.Attribute):
        return func.attr.value in _STARTERS and isinstance(func.value, cst.Name)
    return isinstance(func, cst.Name) and func.value in _STARTERS


def started_value(node: cst.Call, ctx: Ctx, out: list[ir.Stmt]) -> ir.Name | None:
    """`asyncio.create_task(call)` inside an expression: the task started into a temporary
    (its arguments' awaits first), which stands for the handle; None for any other call."""
    call = task_call(node, ctx)
    if call is None:
        return None
    handle = ir.Name(id=ctx.temp(), span=ctx.span(node))
    out += _start(handle, node, call, node, ctx)
    return handle


def started_assign(
    targets: list[cst.BaseExpression], value: cst.BaseExpression, node: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt] | None:
    """`t = asyncio.create_task(call)`: the task started into `t`; None for anything else."""
    call = task_call(value, ctx)
    if call is None or len(targets) != 1:
        return None
    return _start(targets[0], value, call, node, ctx)


def started_statement(
    value: cst.BaseExpression, node: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt] | None:
    """`asyncio.create_task(call)` as a statement: a task started and never awaited."""
    call = task_call(value, ctx)
    return None if call is None else _start(None, value, call, node, ctx)


def joined(node: cst.BaseExpression, ctx: Ctx) -> ir.Join | None:
    """`await t`, `await tasks[i]` or `await self.task` of a value (not a call): the join of
    the task it holds (anything else raises CPython's `TypeError` there)."""
    from waymark_compiler.lower.dispatch import lower_expr  # (it dispatches to the lowering)

    if not isinstance(node, cst.Name | cst.Attribute | cst.Subscript):
        return None
    if isinstance(node, cst.Name) and (node.value in _CONSTANTS or node.value in _stored(ctx)):
        return None  # `await None`, `await c` of `c = fetch(x)`: refused as not calls
    return ir.Join(task=lower_expr(node, ctx), span=ctx.span(node))


def _stored(ctx: Ctx) -> frozenset[str]:
    if ctx.coroutines is None:
        definition = ctx.function.node
        ctx.coroutines = frozenset() if definition is None else _coroutines(definition.body, ctx)
    return ctx.coroutines


def _coroutines(body: cst.BaseSuite, ctx: Ctx) -> frozenset[str]:
    """The names of the function's own scope assigned a call that makes a coroutine (an
    action's or helper's, not inside `create_task`): awaiting one later is refused."""
    found: set[str] = set()
    pending: list[cst.CSTNode] = [body]
    while pending:
        node = pending.pop()
        value = node.value if isinstance(node, cst.Assign) else None
        if isinstance(node, cst.Assign) and isinstance(value, cst.Call) and awaitable(value, ctx):
            found |= {t.target.value for t in node.targets if isinstance(t.target, cst.Name)}
        if node is body or not isinstance(node, _SCOPES):
            pending.extend(node.children)
    return frozenset(found)


def _start(
    target: cst.BaseExpression | ir.Name | None,
    value: cst.BaseExpression,
    call: cst.Call,
    node: cst.CSTNode,
    ctx: Ctx,
) -> list[ir.Stmt]:
    from waymark_compiler.lower.awaits import hoist_call  # (awaits imports the lowering)
    from waymark_compiler.lower.operations import lower_operation

    before = hoist_call(call, ctx)  # `t = create_task(f(await key()))`: the arguments' awaits
    operation = lower_operation(call, ctx)  # an action or async helper call (`task_call`)
    if not isinstance(operation, ir.ActionCall | ir.CallAsyncHelper):
        return before
    span = ctx.span(node)
    assigned = (
        target if target is None or isinstance(target, ir.Name) else lower_target(target, ctx)
    )
    started = ir.Start(call=operation, span=ctx.span(value))
    return [*before, ir.Await(target=assigned, op=started, span=span)]
