"""`async with asyncio.TaskGroup() as tg: body` lowered as the statements it means:

    await taskgroup(_g)                       # the group; its token in `_g`
    _h = 0                                    # (only when the body has a way out)
    _e = None
    try:
        while True:                           # (only when the body has a way out)
            body                              # `tg.create_task(call)` is `start in _g call`;
            break                             # `return v` is `_v = v; _h = 1; break`
    except BaseException as _c:               # the body raised (or the group cancelled it)
        _e = _c
        _x = await leave(_g, _e)              # every task ended: the exceptions to raise
        if _x:                                # (in the handler: `_c` is the group's context)
            raise ExceptionGroup('unhandled errors in a TaskGroup', _x) from None
    if _e is None:
        _x = await leave(_g, _e)              # the same, for a body that ended or took a way out
        if _x:
            raise ExceptionGroup('unhandled errors in a TaskGroup', _x) from None
    if _h == 1:                               # the way out the body took, once left
        return _v

`leave` cancels the group's tasks when the body raised, waits for them all and gives their
exceptions with the body's last, or raises the body's cancellation again, as CPython's
`TaskGroup.__aexit__` decides (`interpreter.task_groups`). The exceptions are `Exception`s (a
task's cancellation is not one of them), so the group is the `ExceptionGroup` CPython's
`BaseExceptionGroup` makes of them, and it replaces a `return`, `break` or `continue` the body
took, as in CPython. A way out is recorded as a `try/finally`'s is (`lower.flow`). Refused:
`tg` used but as `tg.create_task(call)` of a coroutine.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx, FinallyFrame
from waymark_compiler.lower.dispatch import lower_body
from waymark_compiler.rules.operations import CONCURRENCY_PRIMITIVE
from waymark_compiler.rules.statements import WITH_STATEMENT
from waymark_compiler.symbols import ActionSym
from waymark_runtime import ir

_MESSAGE = "unhandled errors in a TaskGroup"
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def task_group_block(node: cst.With, item: cst.Call, ctx: Ctx) -> list[ir.Stmt] | None:
    """The statements of `async with asyncio.TaskGroup() [as tg]:`; None when the group is
    made with arguments (refused by the caller)."""
    from waymark_compiler.lower.flow import run_once, taken_exit  # (it imports the lowering)

    if item.args:
        return None
    asname = node.items[0].asname
    name = asname.name.value if asname and isinstance(asname.name, cst.Name) else None
    if asname is not None and name is None:
        return None
    if name is not None:
        _outside(node, name, ctx)
    if not _plain_body(node.body, name, ctx):
        return []
    span = ctx.span(node)
    token, error, caught, errors = ctx.temp(), ctx.temp(), ctx.temp(), ctx.temp()
    groups = ctx.task_groups
    if name is not None:
        ctx.task_groups = {**groups, name: token}
    exits = FinallyFrame(how=ctx.temp(), value=ctx.temp(), loops=len(ctx.loops))
    ctx.finals.append(exits)
    try:
        body = lower_body(node.body, ctx)
    finally:
        ctx.task_groups = groups
        ctx.finals.pop()
    leaving: list[ir.Stmt] = []
    if exits.exits:  # `return`, `break` or `continue` leave the body: through `leave` first
        body = (run_once(list(body), span),)
        leaving = [ir.Assign(targets=(ir.Name(id=exits.how),), value=ir.Const(value=0), span=span)]
    group = ir.New(type="builtins:ExceptionGroup",
                   args=(ir.Const(value=_MESSAGE), ir.Name(id=errors)), kwargs=())  # fmt: skip
    raised = ir.Raise(exc=group, cause=ir.Const(value=None), span=span)
    leave = ir.LeaveGroup(name=token, error=error, span=span)
    left = (
        ir.Await(target=ir.Name(id=errors), op=leave, span=span),
        ir.If(test=ir.Name(id=errors), body=(raised,), orelse=(), span=span),
    )
    caught_it = ir.Assign(targets=(ir.Name(id=error),), value=ir.Name(id=caught), span=span)
    handler = ir.Handler(types=("builtins:BaseException",), name=caught, body=(caught_it, *left),
                         span=span)  # fmt: skip
    clean = ir.Compare(left=ir.Name(id=error), ops=("is",), comparators=(ir.Const(value=None),))
    return [
        ir.Await(target=None, op=ir.TaskGroup(name=token, span=span), span=span),
        *leaving,
        ir.Assign(targets=(ir.Name(id=error),), value=ir.Const(value=None), span=span),
        ir.Try(body=body, handlers=(handler,), span=span),
        ir.If(test=clean, body=left, orelse=(), span=span),
        *(taken_exit(exits, span, ctx) if exits.exits else ()),
    ]


def group_of(func: cst.BaseExpression, ctx: Ctx) -> str | None:
    """The token local of the group `func` reads as `tg.create_task` of, inside its block."""
    if not (isinstance(func, cst.Attribute) and func.attr.value == "create_task"):
        return None
    value = func.value
    return ctx.task_groups.get(value.value) if isinstance(value, cst.Name) else None


def _plain_body(body: cst.BaseSuite, name: str | None, ctx: Ctx) -> bool:
    """Report what the body may not hold: `tg` used but as `tg.create_task(coroutine)`."""
    if name is None:
        return True
    ok = True
    pending: list[cst.CSTNode] = [body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Call) and _creates(node, name):
            ok = _coroutine(node, ctx) and ok
            pending.extend(node.args)
            continue
        if isinstance(node, cst.Name) and node.value == name:
            ctx.error(WITH_STATEMENT, node, f"`{name}` used other than as `{name}.create_task(...)`",
                      "the task group", f"start tasks with `{name}.create_task(self.helper(...))`")  # fmt: skip
            ok = False
        if isinstance(node, cst.Attribute | cst.Arg):  # not `x.tg`, nor `f(tg=...)`
            pending.append(node.value)
        elif not isinstance(node, _SCOPES):
            pending.extend(node.children)
    return ok


def _outside(node: cst.With, name: str, ctx: Ctx) -> None:
    """Report `tg` read outside every `async with ... as tg:` block of the function (it names
    the group only inside; CPython's `TaskGroup` object is not a workflow value), once: at the
    function's first such block."""
    definition = ctx.function.node
    blocks: list[cst.With] = []
    reads: list[cst.Name] = []
    pending: list[cst.CSTNode] = [] if definition is None else [definition.body]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.With) and _named(current) == name:
            blocks.append(current)
            continue  # its own reads are its block's to report
        if isinstance(current, cst.Name) and current.value == name:
            reads.append(current)
        if isinstance(current, cst.Attribute | cst.Arg):
            pending.append(current.value)
        elif not isinstance(current, _SCOPES):
            pending.extend(reversed(current.children))
    if blocks and blocks[0] is node:
        for read in reads:
            ctx.error(WITH_STATEMENT, read, f"`{name}` read outside its `async with` block",
                      "the task group", "keep the tasks' handles and await them after the "
                      "block")  # fmt: skip


def _named(node: cst.With) -> str | None:
    """The name `async with asyncio.TaskGroup() as name:` (by its spelling) binds."""
    if len(node.items) != 1 or node.asynchronous is None:
        return None
    asname = node.items[0].asname
    called = node.items[0].item
    func = called.func if isinstance(called, cst.Call) else None
    spelled = isinstance(func, cst.Attribute | cst.Name) and _last_name(func) == "TaskGroup"
    if asname is None or not isinstance(asname.name, cst.Name) or not spelled:
        return None
    return asname.name.value


def _last_name(func: cst.Attribute | cst.Name) -> str:
    return func.attr.value if isinstance(func, cst.Attribute) else func.value


def _creates(call: cst.Call, name: str) -> bool:
    return calls_method_of(call, name, "create_task")


def calls_method_of(call: cst.Call, name: str, method: str) -> bool:
    """Is `call` `name.method(...)`?"""
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == method
        and isinstance(func.value, cst.Name)
        and func.value.value == name
    )


def _coroutine(call: cst.Call, ctx: Ctx) -> bool:
    """`tg.create_task(c)` takes one coroutine: a call of an async helper (an action's call
    makes none, and CPython raises `TypeError`)."""
    from waymark_compiler.lower.deferred import awaitable  # (it imports the lowering)

    inner = call.args[0].value if len(call.args) == 1 and not call.args[0].keyword else None
    if isinstance(inner, cst.Call) and awaitable(inner, ctx):
        if not isinstance(ctx.symbol(inner.func), ActionSym):
            return True
        help = "await the action in an async helper and create the helper's task"
        ctx.error(CONCURRENCY_PRIMITIVE, call, "`create_task()` of an action, which makes no "
                  "coroutine", "not a coroutine", help)  # fmt: skip
        return False
    ctx.error(CONCURRENCY_PRIMITIVE, call, "`create_task()` given other than one call of an async helper",
              "not a coroutine call", "pass one call of an async helper: "
              "`tg.create_task(self.helper(...))`")  # fmt: skip
    return False
