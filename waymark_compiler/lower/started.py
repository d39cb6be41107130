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
from waymark_compiler.lower.task_groups import group_of
from waymark_compiler.rules.operations import CONCURRENCY_PRIMITIVE
from waymark_compiler.symbols import ActionSym, ExternalSym
from waymark_runtime import ir

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_FILLERS = frozenset({"append", "extend", "insert", "setdefault", "update"})
_CONSTANTS = frozenset({"None", "True", "False"})
_STARTERS = frozenset({"create_task", "ensure_future"})
TASK_STARTERS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})


def starts_task(node: cst.CSTNode, ctx: Ctx) -> bool:
    """Whether `node` is a call of asyncio's `create_task` or `ensure_future` (under any import
    alias; a function or method of the user's that is named so is not) or a task group's
    `tg.create_task`, which suspends nothing but is lowered as an await is, into a temporary."""
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    spelled = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
    if spelled not in _STARTERS and not isinstance(func, cst.Name):
        return False  # (resolved only when it might be one: most calls are not)
    if group_of(func, ctx) is not None:  # `tg.create_task(call)` of a task group's block
        return True
    symbol = ctx.symbol(func)
    return isinstance(symbol, ExternalSym) and symbol.qualname in TASK_STARTERS


def started_value(node: cst.Call, ctx: Ctx, out: list[ir.Stmt]) -> ir.Expr | None:
    """`asyncio.create_task(call)` inside an expression: the task started into a temporary
    (its arguments' awaits first), which stands for the handle (an error for a task of an
    action by `create_task`); None for any other call."""
    call = task_call(node, ctx) or chosen_task(node, ctx)
    if call is None:
        return _action_task(node, ctx)
    return start_into(node, call, ctx, out)


def start_into(node: cst.Call, call: cst.Call | cst.IfExp, ctx: Ctx, out: list[ir.Stmt]) -> ir.Name:
    """`call` started as a task where `node` starts it (`create_task(call)`, or
    `asyncio.shield(call)`), into a new temporary that stands for its handle."""
    handle = ir.Name(id=ctx.temp(), span=ctx.span(node))
    out += _start(handle, node, call, node, ctx)
    return handle


def start_call(call: cst.Call, ctx: Ctx) -> tuple[list[ir.Stmt], ir.Name]:
    """A call that can be awaited started as a task into a new temporary, as
    `asyncio.ensure_future(call)` starts it (its arguments' awaits first), and the temporary."""
    handle = ir.Name(id=ctx.temp(), span=ctx.span(call))
    return _start(handle, call, call, call, ctx), handle


def started_assign(
    targets: list[cst.BaseExpression], value: cst.BaseExpression, node: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt] | None:
    """`t = asyncio.create_task(call)`: the task started into `t`; None for anything else."""
    call = task_call(value, ctx) or chosen_task(value, ctx)
    if call is None or len(targets) != 1:
        return None
    return _start(targets[0], value, call, node, ctx)


def started_statement(
    value: cst.BaseExpression, node: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt] | None:
    """`asyncio.create_task(call)` as a statement: a task started and never awaited."""
    call = task_call(value, ctx) or chosen_task(value, ctx)
    return None if call is None else _start(None, value, call, node, ctx)


def chosen_task(value: cst.BaseExpression, ctx: Ctx) -> cst.IfExp | None:
    """The conditional of `asyncio.ensure_future(pay(x) if ok else reject(x))` (or of
    `create_task` with calls of async helpers), each branch a call that can be awaited: CPython
    evaluates the test and the chosen call only, then starts its task; None for anything else."""
    if not isinstance(value, cst.Call) or not starts_task(value, ctx) or len(value.args) != 1:
        return None
    arg = value.args[0]
    if arg.keyword is not None or arg.star or not isinstance(arg.value, cst.IfExp):
        return None
    creates = ctx.symbol(value.func)
    coroutines = isinstance(creates, ExternalSym) and creates.qualname == "asyncio.create_task"
    branches = _branches(arg.value)
    if any(branch is None for branch in branches):
        return None
    for branch in branches:
        assert branch is not None
        if not awaitable(branch, ctx) or _has_await(branch):
            return None
        if coroutines and isinstance(ctx.symbol(branch.func), ActionSym):
            return None
    return arg.value


def _branches(node: cst.BaseExpression) -> list[cst.Call | None]:
    if isinstance(node, cst.IfExp):
        return [*_branches(node.body), *_branches(node.orelse)]
    return [node if isinstance(node, cst.Call) else None]


def _has_await(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Await) or any(_has_await(child) for child in node.children)


def _action_task(node: cst.Call, ctx: Ctx) -> ir.Expr | None:
    """`asyncio.create_task(fetch(x))` of an action: refused, as CPython's `create_task`
    raises `TypeError` for anything but a coroutine; None for any other call."""
    symbol = ctx.symbol(node.func)
    if not (isinstance(symbol, ExternalSym) and symbol.qualname == "asyncio.create_task"):
        return None
    inner = node.args[0].value if len(node.args) == 1 else None
    if not (isinstance(inner, cst.Call) and isinstance(ctx.symbol(inner.func), ActionSym)):
        return None
    message = "`asyncio.create_task()` of an action, which makes no coroutine"
    help = f"start an action's task with `asyncio.ensure_future({ctx.code(inner)})`"
    return ctx.error(CONCURRENCY_PRIMITIVE, node, message, "not a coroutine", help)


def joined(node: cst.BaseExpression, ctx: Ctx) -> ir.Join | None:
    """`await t`, `await tasks[i]` or `await self.task` of a value (not a call): the join of
    the task it holds (anything else raises CPython's `TypeError` there)."""
    from waymark_compiler.lower.dispatch import lower_expr  # (it dispatches to the lowering)

    if not isinstance(node, cst.Name | cst.Attribute | cst.Subscript):
        return None
    if isinstance(node, cst.Name) and (node.value in _CONSTANTS or node.value in _stored(ctx)):
        return None  # `await None`, `await c` of `c = fetch(x)`: refused as not calls
    return ir.Join(task=lower_expr(node, ctx), span=ctx.span(node))


def joined_gather(node: cst.Call, ctx: Ctx) -> ir.Join | None:
    """`asyncio.gather(*tasks)`, `asyncio.gather(t1, t2)` or `asyncio.gather(*by_key.values())`
    of task handles (not calls, nor a list of calls), with a constant `return_exceptions`: the
    join of them all; None for any other gather."""
    from waymark_compiler.lower.dispatch import lower_expr  # (it dispatches to the lowering)

    items: list[ir.Expr] = []
    returning = False
    for arg in node.args:
        value = arg.value
        if arg.keyword is not None:
            if arg.keyword.value != "return_exceptions" or not isinstance(value, cst.Name):
                return None
            if value.value not in ("True", "False"):
                return None
            returning = value.value == "True"
        elif not _handles(value, ctx, spread=arg.star == "*") or arg.star == "**":
            return None
        else:
            lowered = lower_expr(value, ctx)
            items.append(ir.Starred(value=lowered) if arg.star else lowered)
    if not items:
        return None
    span = ctx.span(node)
    listed = ir.ListExpr(elts=tuple(items), span=span)
    return ir.Join(task=listed, many=True, return_exceptions=returning, span=span)


def _handles(node: cst.BaseExpression, ctx: Ctx, *, spread: bool, gathered: bool = True) -> bool:
    """Whether `node` reads as a handle, or for `*node` a container of them (`by_key.values()`):
    a name, or an item of one, that the function puts a started task in, or for a gather one
    of its parameters."""
    if spread and id(node) in ctx.task_lists:
        return False  # a list of calls the gather runs (`lower.spreads`)
    if spread and isinstance(node, cst.Call) and not node.args:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "values":
            return _base(func.value) in _holders(ctx)
        return False
    base = _base(node)
    return base in _holders(ctx) or (gathered and base in _parameters(ctx))


def _parameters(ctx: Ctx) -> frozenset[str]:
    """The function's parameters: a gather of one (`asyncio.gather(*tasks)` of `tasks` a
    helper is passed) joins the handles it holds; what else it holds raises CPython's
    `TypeError` there, as a gather of values that are not awaitable does."""
    definition = ctx.function.node
    if definition is None:
        return frozenset()
    params = definition.params
    every = (*params.posonly_params, *params.params, *params.kwonly_params)
    return frozenset(param.name.value for param in every)


def holds_task(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Whether `node` reads as one handle: a name (or an item of one) the function puts a
    started task in, or the target of a `for` over such a name."""
    return _handles(node, ctx, spread=False, gathered=False)


def _base(node: cst.BaseExpression) -> str | None:
    """The name `t`, `tasks[i]`, `tasks[:2]` or `group.task` is read from."""
    while isinstance(node, cst.Subscript | cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _holders(ctx: Ctx) -> frozenset[str]:
    if ctx.task_holders is None:
        definition = ctx.function.node
        found = frozenset() if definition is None else _holding(definition.body, ctx)
        ctx.task_holders = found
    return ctx.task_holders


def _holding(body: cst.BaseSuite, ctx: Ctx) -> frozenset[str]:
    """The names the function assigns, fills or stores a started task in (`t = ...`,
    `tasks = [... for ...]`, `tasks.append(...)`, `by_key[k] = ...`), their copies, and the
    targets of loops and comprehensions over them (`for t in tasks`)."""
    found: set[str] = set()
    loops: list[tuple[str, cst.BaseExpression]] = []  # `for t in tasks`: (t, tasks)
    pending: list[cst.CSTNode] = [body]
    while pending:
        node = pending.pop()
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign) and (_starts_inside(node.value, ctx) or _waits(node.value)):
            targets = [part for target in node.targets for part in _parts(target.target)]
        elif isinstance(node, cst.Call) and _fills(node, ctx):
            assert isinstance(node.func, cst.Attribute)
            targets = [node.func.value]
        elif isinstance(node, cst.For | cst.CompFor) and isinstance(node.target, cst.Name):
            loops.append((node.target.value, node.iter))
        found |= {name for name in map(_base, targets) if name is not None}
        if node is body or not isinstance(node, _SCOPES):
            pending.extend(node.children)
    while looped := {name for name, over in loops if _base(over) in found} - found:
        found |= looped  # `for t in tasks:` of a list of handles: `t` is one
    return frozenset(found)


def _waits(node: cst.BaseExpression) -> bool:
    """`await asyncio.wait(...)` (by its spelling), which gives sets of handles."""
    call = node.expression if isinstance(node, cst.Await) else None
    func = call.func if isinstance(call, cst.Call) else None
    return (isinstance(func, cst.Attribute) and func.attr.value == "wait") or (
        isinstance(func, cst.Name) and func.value == "wait"
    )


def _parts(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`done, pending`: each name a tuple target unpacks into."""
    if isinstance(target, cst.Tuple | cst.List):
        return [part for element in target.elements for part in _parts(element.value)]
    return [target]


def _fills(call: cst.Call, ctx: Ctx) -> bool:
    """`tasks.append(asyncio.create_task(...))` and the like: a task put in a container."""
    func = call.func
    filler = isinstance(func, cst.Attribute) and func.attr.value in _FILLERS
    return filler and any(_starts_inside(arg.value, ctx) for arg in call.args)


def _starts_inside(node: cst.CSTNode, ctx: Ctx) -> bool:
    pending = [node]
    while pending:
        current = pending.pop()
        if starts_task(current, ctx):
            return True
        pending.extend(current.children)
    return False


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
    call: cst.Call | cst.IfExp,
    node: cst.CSTNode,
    ctx: Ctx,
) -> list[ir.Stmt]:
    from waymark_compiler.lower.awaits import hoist_call  # (awaits imports the lowering)
    from waymark_compiler.lower.choices import chosen_call
    from waymark_compiler.lower.operations import lower_operation

    if isinstance(call, cst.IfExp):  # (`chosen_task`: no await inside)
        before: list[ir.Stmt] = []
        operation: object = chosen_call(call, ctx, actions_only=False)
    else:
        before = hoist_call(call, ctx)  # `t = create_task(f(await key()))`: its awaits first
        operation = lower_operation(call, ctx)  # an action or async helper call (`task_call`)
    if not isinstance(operation, ir.ActionCall | ir.CallAsyncHelper):
        return before
    span = ctx.span(node)
    assigned = (
        target if target is None or isinstance(target, ir.Name) else lower_target(target, ctx)
    )
    group = group_of(value.func, ctx) if isinstance(value, cst.Call) else None
    started = ir.Start(call=operation, group=group, span=ctx.span(value))
    return [*before, ir.Await(target=assigned, op=started, span=span)]
