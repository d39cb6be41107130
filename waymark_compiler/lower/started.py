"""Tasks started now and joined later: `t = asyncio.create_task(self.enrich(x))` or
`asyncio.ensure_future(fetch(x))` (also as a statement of its own, never awaited) becomes
`t = await start ...` (`ir.Start`), and `await t` becomes `await join(t)` (`ir.Join`).

The call's arguments are evaluated where the task is started, as CPython evaluates them where
the coroutine is made; the task runs concurrently with what the workflow awaits next, and
`await t` gives its result or raises its exception (`interpreter.started`). A task started
and awaited before anything else is awaited is the call run at its `await` (`lower.deferred`).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.deferred import task_call
from waymark_compiler.lower.expressions import lower_target
from waymark_runtime import ir

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


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
    """`await t` of a name a task is started into: the join of that task."""
    if not isinstance(node, cst.Name) or node.value not in _names(ctx):
        return None
    return ir.Join(task=ir.Name(id=node.value, span=ctx.span(node)), span=ctx.span(node))


def _start(
    target: cst.BaseExpression | None,
    value: cst.BaseExpression,
    call: cst.Call,
    node: cst.CSTNode,
    ctx: Ctx,
) -> list[ir.Stmt]:
    from waymark_compiler.lower.awaits import hoist  # (awaits imports the lowering)
    from waymark_compiler.lower.operations import lower_operation

    before = hoist(value, ctx)  # `t = create_task(f(await key()))`: the arguments' awaits first
    operation = lower_operation(call, ctx)  # an action or async helper call (`task_call`)
    if not isinstance(operation, ir.ActionCall | ir.CallAsyncHelper):
        return before
    span = ctx.span(node)
    assigned = None if target is None else lower_target(target, ctx)
    started = ir.Start(call=operation, span=ctx.span(value))
    return [*before, ir.Await(target=assigned, op=started, span=span)]


def _names(ctx: Ctx) -> frozenset[str]:
    if ctx.started is None:
        definition = ctx.function.node
        ctx.started = frozenset() if definition is None else _scan(definition.body, ctx)
    return ctx.started


def _scan(body: cst.BaseSuite, ctx: Ctx) -> frozenset[str]:
    """The names of the function's own scope assigned a started task, or another such name
    (`previous = task`)."""
    found: set[str] = set()
    copies: list[tuple[str, str]] = []
    pending: list[cst.CSTNode] = [body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target, value = node.targets[0].target, node.value
            if isinstance(target, cst.Name) and task_call(value, ctx) is not None:
                found.add(target.value)
            elif isinstance(target, cst.Name) and isinstance(value, cst.Name):
                copies.append((target.value, value.value))
        if node is body or not isinstance(node, _SCOPES):
            pending.extend(node.children)
    while new := {target for target, source in copies if source in found} - found:
        found |= new
    return frozenset(found)
