"""A call made now and awaited later: `c = fetch(x)` (a stored coroutine) or
`t = asyncio.ensure_future(fetch(x))` or `asyncio.create_task(self.enrich(x))` (a task; an
action call makes an awaitable that `create_task`, which takes coroutines only, refuses with
`TypeError` in CPython, so that stays refused), then `r = await c`.

CPython evaluates the call's arguments where the coroutine is made; a coroutine runs at its
`await`, and a task runs once the workflow next suspends. When the call and its only `await`
are in the same block, and for a task the `await` is the very next statement (so that its first
suspension is the `await` itself: a statement between could raise or return into a handler or
caller that suspends first), the call runs at the `await` in both cases. The name then holds
`functools.partial(fetch, x)` (its arguments read where CPython reads them) and the `await` is
a computed call of it (`choices.call_value`). Any other use of a stored coroutine (awaited
twice, never awaited, read as a value) stays refused (WM106, WM102); any other task is started
where it is made (`lower.started`).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.choices import call_value
from waymark_compiler.lower.expressions import lower_target
from waymark_compiler.symbols import ActionSym, ExternalSym, FunctionSym
from waymark_compiler.walk import parts
from waymark_runtime import ir

_TASKS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
_BLOCKS = frozenset({cst.IndentedBlock, cst.Module})


def deferred_assign(
    targets: list[cst.BaseExpression], value: cst.BaseExpression, node: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt] | None:
    """`c = fetch(x)` of a call awaited later: `c = functools.partial(fetch, x)`; None for
    any other assignment."""
    from waymark_compiler.lower.awaits import hoist_call  # (awaits imports the lowering)

    call = _found(ctx).get(id(value))
    if call is None:
        return None
    before = hoist_call(call, ctx)  # `c = fetch(await key())`: the arguments' awaits first
    assigned = tuple(lower_target(t, ctx) for t in targets)
    made = ir.Assign(targets=assigned, value=call_value(call, ctx), span=ctx.span(node))
    return [*before, made]


def deferred_await(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `node` the name of such a call, where it is awaited?"""
    return id(node) in _found(ctx)


def _found(ctx: Ctx) -> dict[int, cst.Call]:
    if ctx.deferred is None:
        definition = ctx.function.node
        ctx.deferred = {} if definition is None else _scan(definition.body, ctx)
    return ctx.deferred


def _scan(body: cst.BaseSuite, ctx: Ctx) -> dict[int, cst.Call]:
    uses: dict[str, int] = {}
    blocks: list[tuple[cst.BaseStatement | cst.BaseSmallStatement, ...]] = []
    pending: list[tuple[cst.CSTNode, bool]] = [(body, True)]
    while pending:  # names are counted in nested scopes too: a closure's read is a use
        node, own = pending.pop()
        kind = type(node)  # (not `isinstance`: libcst's abstract classes make it slow)
        if kind is cst.Name:
            uses[node.value] = uses.get(node.value, 0) + 1  # type: ignore[attr-defined]
        if own and kind in _BLOCKS:
            blocks.append(tuple(node.body))  # type: ignore[attr-defined]
        inside = own and (node is body or kind not in _SCOPES)
        pending.extend((child, inside) for child in parts(node))
    found: dict[int, cst.Call] = {}
    for block in blocks:
        for index, statement in enumerate(block):
            made = _made(statement, ctx)
            if made is None or uses.get(made[0], 0) != 2:
                continue
            name, value, call = made
            awaited = _awaited_later(block[index + 1 :], name, task=value is not call)
            if awaited is not None:
                found[id(value)] = call
                found[id(awaited)] = call
    return found


def _made(statement: cst.CSTNode, ctx: Ctx) -> tuple[str, cst.BaseExpression, cst.Call] | None:
    """`name = call(...)` or `name = asyncio.create_task(call(...))` of an awaitable call."""
    small = _only(statement)
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    target, value = small.targets[0].target, small.value
    if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
        return None
    symbol = ctx.symbol(value.func)
    if isinstance(symbol, ExternalSym) and symbol.qualname in _TASKS:
        started = task_call(value, ctx)
        return None if started is None else (target.value, value, started)
    return (target.value, value, value) if awaitable(value, ctx) else None


def task_call(value: cst.BaseExpression, ctx: Ctx) -> cst.Call | None:
    """The call of `asyncio.create_task(call)` or `asyncio.ensure_future(call)`, one that can
    be awaited (an action's for `ensure_future` only: it makes an awaitable, not the coroutine
    `create_task` takes); None for anything else."""
    from waymark_compiler.lower.task_groups import group_of  # (it imports the lowering)

    if not isinstance(value, cst.Call):
        return None
    symbol = ctx.symbol(value.func)
    qualname = symbol.qualname if isinstance(symbol, ExternalSym) else None
    if group_of(value.func, ctx) is not None:  # `tg.create_task(call)`: `create_task`'s rules
        qualname = "asyncio.create_task"
    if qualname not in _TASKS:
        return None
    args = value.args
    if len(args) != 1 or args[0].keyword or args[0].star or not isinstance(args[0].value, cst.Call):
        return None
    call = args[0].value
    if qualname == "asyncio.create_task" and isinstance(ctx.symbol(call.func), ActionSym):
        return None
    return call if awaitable(call, ctx) else None


def awaitable(call: cst.Call, ctx: Ctx) -> bool:
    """A call of an action, an async helper method of the workflow or an `async def` of its
    module, made without `*` arguments."""
    if any(arg.star for arg in call.args):
        return False
    func = call.func
    if isinstance(func, cst.Attribute) and ctx.is_self(func.value):
        return bool(ctx.helpers.get(func.attr.value)) and ctx.reaches(func.attr.value)
    symbol = ctx.symbol(func)
    return isinstance(symbol, ActionSym) or (isinstance(symbol, FunctionSym) and symbol.is_async)


def _awaited_later(rest: tuple[cst.CSTNode, ...], name: str, *, task: bool) -> cst.Name | None:
    """The `name` of the first statement of `rest` that is `await name` (`x = await name`,
    `return await name`); for a `task`, only the next statement: any statement between could
    raise or return into code that suspends (a handler's `await`, the caller's), where CPython
    runs the task although `await name` is never reached."""
    for statement in rest[:1] if task else rest:
        small = _only(statement)
        value = (
            small.value
            if isinstance(small, cst.Assign | cst.AnnAssign | cst.Expr | cst.Return)
            else None
        )
        awaited = value.expression if isinstance(value, cst.Await) else None
        if isinstance(awaited, cst.Name) and awaited.value == name:
            return awaited
    return None


def _only(statement: cst.CSTNode) -> cst.BaseSmallStatement | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None
