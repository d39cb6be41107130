"""Lowering what a workflow awaits: action calls, `self.run_action`, `asyncio.gather`,
`asyncio.sleep`, `self.wait_for_signal` (`signals`) and async helper methods, into the IR's
durable operations.

An `await` is only valid at statement level (`x = await ...`, `await ...`, `return await ...`);
`statements` calls `lower_await` for those shapes. Anything else awaited is refused here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.calls import unknown_helper
from waymark_compiler.lower.children import child_call, child_class
from waymark_compiler.lower.choices import chosen_call
from waymark_compiler.lower.comprehensions import comprehension_scope
from waymark_compiler.lower.computed import called_action
from waymark_compiler.lower.deferred import deferred_await
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.expressions import lower_target
from waymark_compiler.lower.function_calls import module_helper
from waymark_compiler.lower.large import large_call
from waymark_compiler.lower.log import log_method, refuse_await
from waymark_compiler.lower.names import self_class
from waymark_compiler.lower.policy import policy, wait_for_policy
from waymark_compiler.lower.shields import awaited_operation
from waymark_compiler.lower.signals import wait_for_signal
from waymark_compiler.lower.spreads import list_spread, mapped_spread
from waymark_compiler.lower.started import joined, joined_gather
from waymark_compiler.lower.waits import is_wait, wait_tasks
from waymark_compiler.rules.operations import (
    AWAIT_NON_ACTION,
    CONCURRENCY_PRIMITIVE,
    GATHER_FORM,
    RUN_ACTION_FORM,
    SLEEP_FORM,
)
from waymark_compiler.symbols import (
    ClassSym,
    ExternalSym,
    FunctionSym,
    KnownSym,
    LocalSym,
    MissingSym,
    VariableSym,
)
from waymark_compiler.tables import impure
from waymark_runtime import ir


def lower_await(
    targets: Sequence[cst.BaseExpression], node: cst.Await, statement: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt]:
    """`t1 = t2 = await op`: one `Await` (through a temporary when there are several targets)."""
    before: list[ir.Stmt] = []
    operation = awaited_operation(node.expression, ctx, before)
    span = ctx.span(statement)
    if operation is None:
        return before
    if len(targets) <= 1:
        target = lower_target(targets[0], ctx) if targets else None
        return [*before, ir.Await(target=target, op=operation, span=span)]
    temp = ir.Name(id=ctx.temp(), span=span)
    assigned = tuple(lower_target(t, ctx) for t in targets)
    return [
        *before,
        ir.Await(target=temp, op=operation, span=span),
        ir.Assign(targets=assigned, value=temp, span=span),
    ]


def lower_operation(node: cst.BaseExpression, ctx: Ctx) -> ir.Operation | None:
    if deferred_await(node, ctx):  # `await c` of `c = fetch(x)`: the call made now
        span = ctx.span(node)
        return ir.ActionCall(action="", args=(), kwargs=(), callee=lower_expr(node, ctx), span=span)
    if (join := joined(node, ctx)) is not None:  # `await t` of `t = create_task(fetch(x))`
        return join
    if not isinstance(node, cst.Call):
        _not_a_call(node, ctx)
        return None
    if large_call(node, ctx) is not None:
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and ctx.is_self(func.value):
        if func.attr.value == "run_action":
            return run_action(node, ctx)
        if func.attr.value == "wait_for_signal":
            return wait_for_signal(node, ctx)
        return async_helper(node, func.attr.value, ctx)
    if isinstance(func, cst.Attribute) and _own_class_helper(func, ctx):
        return async_helper(node, func.attr.value, ctx)  # `await type(self).fetch(x)`
    if log_method(node, ctx) is not None:
        refuse_await(node, ctx)
        return None
    child = child_class(node, ctx)
    if child is not None:
        return child_call(node, child, ctx)
    if (called := called_action(node, ctx)) is not None:
        return called
    symbol = ctx.symbol(func)
    if symbol == KnownSym("gather"):
        return joined_gather(node, ctx) or gather(node, ctx)
    if symbol == KnownSym("sleep"):
        return sleep(node, ctx)
    if symbol == KnownSym("wait_for"):
        return wait_for(node, ctx)
    if (helper := _async_module_helper(node, symbol, ctx)) is not None:
        return helper
    if is_wait(node, ctx):
        return wait_tasks(node, ctx)
    _not_awaitable(node, symbol, ctx)
    return None


def _not_a_call(node: cst.BaseExpression, ctx: Ctx) -> None:
    """`await c` of a coroutine or task kept in a variable: the call is the durable step, so it
    is awaited where it is made."""
    if isinstance(node, cst.Name | cst.Attribute | cst.Subscript):
        message = f"await of `{ctx.code(node)}`, a value and not a call"
        help = (
            "await the call where it is made (`result = await fetch(x)`): a coroutine or task "
            "kept in a variable is not a durable step; to run calls at once, gather them"
        )
    else:
        message = "await of a value that is not a call"
        help = "await an action call, `asyncio.gather(...)` or `asyncio.sleep(...)`"
    ctx.error(AWAIT_NON_ACTION, node, message, "not a call", help)


def _async_module_helper(node: cst.Call, symbol: object, ctx: Ctx) -> ir.CallAsyncHelper | None:
    """`await chunked_fetch(x)` of an `async def` at the top of the workflow's module: an
    async helper of the workflow."""
    if not (isinstance(symbol, FunctionSym) and symbol.is_async):
        return None
    name = module_helper(symbol, ctx)
    if name is None:
        return None
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.CallAsyncHelper(name=name, args=args, kwargs=kwargs, span=ctx.span(node))


def _not_awaitable(node: cst.Call, symbol: object, ctx: Ctx) -> None:
    name = ctx.code(node.func)
    # The call's own lowering explains unknown names, impure functions and partials best.
    unbound = isinstance(symbol, VariableSym) and symbol.partial_argument is not None
    if (
        unbound
        or isinstance(symbol, MissingSym | LocalSym)
        or (isinstance(symbol, ExternalSym) and impure(symbol.qualname) is not None)
    ):
        lower_expr(node, ctx)
        return
    if isinstance(symbol, FunctionSym):
        help = f"decorate `{name}` with `@action`, or call it from inside an action"
    else:
        help = ("only actions, child workflows (`await Other().run(k=v)` of a `@workflow` "
                "class), `asyncio.gather`, `asyncio.sleep` and async helpers can be awaited")  # fmt: skip
    ctx.error(
        AWAIT_NON_ACTION,
        node,
        f"await of `{name}`, which is not an action",
        "not an @action",
        help,
    )


def _method_of_self(func: cst.BaseExpression, ctx: Ctx) -> str | None:
    """`x` of `self.x`, and of a class-level helper's `type(self).x` or `Flow.x`; else None."""
    if not isinstance(func, cst.Attribute):
        return None
    if ctx.is_self(func.value) or _own_class_helper(func, ctx):
        return func.attr.value
    return None


def _own_class_helper(func: cst.Attribute, ctx: Ctx) -> bool:
    """A `@staticmethod` or `@classmethod` of the workflow read from `type(self)`,
    `self.__class__`, or the class by its name (`Flow.fetch`)."""
    if func.attr.value not in ctx.owner.helpers:
        return False
    if self_class(func.value, ctx):
        return True
    symbol = ctx.symbol(func.value)
    return isinstance(symbol, ClassSym) and symbol.path == ctx.owner.path


def async_helper(node: cst.Call, name: str, ctx: Ctx) -> ir.Operation | None:
    if not ctx.reaches(name):
        unknown_helper(node, name, ctx)
        return None
    if not ctx.helpers[name]:
        help = f"call it without await: `self.{name}(...)`"
        ctx.error(
            AWAIT_NON_ACTION,
            node,
            f"await of synchronous helper `self.{name}`",
            "not async",
            help,
        )
        return None
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.CallAsyncHelper(name=name, args=args, kwargs=kwargs, span=ctx.span(node))


def run_action(node: cst.Call, ctx: Ctx) -> ir.ActionCall | None:
    """`self.run_action(action(...), retry=..., backoff=..., timeout=...)`."""
    positional = [a for a in node.args if a.keyword is None]
    options = [a for a in node.args if a.keyword is not None]
    if len(positional) != 1 or positional[0].star:
        help = "pass exactly one action call: `self.run_action(send_email(to), retry=...)`"
        ctx.error(
            RUN_ACTION_FORM,
            node,
            "`self.run_action` takes one action call",
            "malformed",
            help,
        )
        return None
    found = _wrapped_action(positional[0].value, "self.run_action", ctx)
    if found is None:
        return None
    bad = [a for a in options if a.keyword is None or a.keyword.value not in _RUN_ACTION_OPTIONS]
    for arg in bad:
        help = "`self.run_action` takes `retry=`, `backoff=` and `timeout=`"
        ctx.error(
            RUN_ACTION_FORM,
            arg,
            "unexpected argument to `self.run_action`",
            "unexpected",
            help,
        )
    attached = policy([a for a in options if a not in bad], ctx, ctx.span(node))
    return replace(found, policy=attached, span=ctx.span(node))


_RUN_ACTION_OPTIONS = frozenset({"retry", "backoff", "timeout"})


def _wrapped_action(node: cst.BaseExpression, where: str, ctx: Ctx) -> ir.ActionCall | None:
    """The action call that `self.run_action` or `asyncio.wait_for` wraps (reported if not):
    a conditional of action calls is the one its test picks (`choices`)."""
    if isinstance(node, cst.IfExp):
        return chosen_call(node, ctx, actions_only=True)
    called = called_action(node, ctx) if isinstance(node, cst.Call) else None
    if called is not None:
        return called
    help = f"call the action inside: `{where}(send_email(to), ...)`"
    ctx.error(RUN_ACTION_FORM, node, f"`{where}` needs an action call", "not an action", help)
    return None


def wait_for(node: cst.Call, ctx: Ctx) -> ir.ActionCall | ir.Gather | None:
    """`asyncio.wait_for(action(...), timeout)`: the action with a per-attempt timeout that
    raises a plain `TimeoutError` when it passes, as CPython's `wait_for` does (no retries; a
    `timeout` of None waits as long as it takes). Over `asyncio.gather(...)`, the timeout is
    the whole gather's (`ir.Gather.timeout`)."""
    name = ctx.code(node.func)
    slots: dict[str, cst.Arg] = {}
    for index, arg in enumerate(node.args):
        key = arg.keyword.value if arg.keyword is not None else ("fut", "timeout")[min(index, 1)]
        if arg.star or key not in ("fut", "timeout") or key in slots or index > 1:
            help = f"write `{name}(action(...), timeout=seconds)`"
            ctx.error(RUN_ACTION_FORM, arg, f"unexpected argument to `{name}`", "unexpected", help)
            return None
        slots[key] = arg
    if "fut" not in slots or "timeout" not in slots:
        help = f"write `{name}(action(...), timeout=seconds)`"
        message = f"`{name}` takes an action call and a timeout"
        ctx.error(RUN_ACTION_FORM, node, message, "malformed", help)
        return None
    fut, timeout = slots["fut"].value, slots["timeout"].value
    if isinstance(fut, cst.Call) and ctx.symbol(fut.func) == KnownSym("gather"):
        gathered = gather(fut, ctx)
        if isinstance(timeout, cst.Name) and timeout.value == "None":
            return gathered
        return replace(gathered, timeout=lower_expr(timeout, ctx), span=ctx.span(node))
    found = _wrapped_action(fut, name, ctx)
    if found is None:
        return None
    attached = wait_for_policy(slots["timeout"].value, name, ctx, ctx.span(node))
    return replace(found, policy=attached, span=ctx.span(node))


# ---------------------------------------------------------------------------------------------
# asyncio
# ---------------------------------------------------------------------------------------------


def gather(node: cst.Call, ctx: Ctx) -> ir.Gather:
    """`asyncio.gather(...)`; a `return_exceptions` flag other than `True`/`False` is an
    expression the runtime evaluates after the items' arguments, for its truth."""
    items: list[ir.ActionCall | ir.CallAsyncHelper | ir.Spread] = []
    nested_items: list[ir.ActionCall | ir.CallAsyncHelper | ir.Spread] = []
    flag: cst.BaseExpression | None = None
    groups: list[int] = []
    inner: list[tuple[cst.Call, ir.Gather]] = []
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "return_exceptions":
            flag = arg.value
            continue
        if (nested := _nested_gather(arg, ctx)) is not None:
            inner.append((nested, gather(nested, ctx)))
            nested_items += inner[-1][1].items
            groups.append(len(inner[-1][1].items))
            continue
        item = _gather_item(arg, ctx)
        if item is not None:
            items.append(item)
            groups.append(-1)
    returns = False if flag is None else _gather_flag(flag, ctx)
    for call, lowered in inner:
        help = "gather an async helper that awaits it"
        if lowered.groups or lowered.timeout is not None:
            message = "`asyncio.gather` item is a gather holding a gather or under a timeout"
            ctx.error(GATHER_FORM, call, message, "nested gather", help)
        elif lowered.return_exceptions != returns and not isinstance(returns, ir.Expr):
            help = f"give both the same `return_exceptions`, or {help}"
            message = "a gather nested in a gather takes the outer one's `return_exceptions`"
            ctx.error(GATHER_FORM, call, message, "another flag", help)
    if isinstance(returns, ir.Expr) and inner:
        help = "write `return_exceptions=True` or `False`, or gather an async helper that awaits it"
        message = "a gather holding a gather takes a constant `return_exceptions`"
        ctx.error(GATHER_FORM, node, message, "computed flag", help)
    shape = tuple(groups) if inner else ()
    return ir.Gather(items=(*nested_items, *items), return_exceptions=returns, groups=shape,
                     span=ctx.span(node))  # fmt: skip


def _nested_gather(arg: cst.Arg, ctx: Ctx) -> cst.Call | None:
    """`asyncio.gather(...)` as an item of a gather: its items are gathered with the outer
    ones, first (CPython makes their tasks when the inner gather is called, before the outer
    one wraps its own coroutines), the first failure raised as either gather raises it, and
    its results are a list in its place (`ir.Gather.groups`)."""
    value = arg.value
    if arg.keyword is not None or arg.star or not isinstance(value, cst.Call):
        return None
    return value if ctx.symbol(value.func) == KnownSym("gather") else None


def _gather_flag(node: cst.BaseExpression, ctx: Ctx) -> bool | ir.Expr:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return lower_expr(node, ctx)


def _gather_item(arg: cst.Arg, ctx: Ctx) -> ir.ActionCall | ir.CallAsyncHelper | ir.Spread | None:
    if arg.keyword is not None or arg.star == "**":
        help = "`asyncio.gather` takes action calls and `return_exceptions=`"
        ctx.error(GATHER_FORM, arg, "unexpected argument to `asyncio.gather`", "unexpected", help)
        return None
    if arg.star == "*":
        return _spread(arg.value, ctx)
    return _gathered_call(arg.value, ctx)


def _gathered_call(node: cst.BaseExpression, ctx: Ctx) -> ir.ActionCall | ir.CallAsyncHelper | None:
    if isinstance(node, cst.IfExp):
        return chosen_call(node, ctx, actions_only=False)
    if isinstance(node, cst.Call):
        func = node.func
        name = _method_of_self(func, ctx)
        if name == "run_action":
            return run_action(node, ctx)
        if name is not None:
            if ctx.helpers.get(name) and ctx.reaches(name):
                args, kwargs = lower_arguments(node.args, ctx)
                return ir.CallAsyncHelper(name=name, args=args, kwargs=kwargs, span=ctx.span(node))
        elif (child := child_class(node, ctx)) is not None:
            return child_call(node, child, ctx)
        else:
            if (called := called_action(node, ctx)) is not None:
                return called
            symbol = ctx.symbol(func)
            if symbol == KnownSym("wait_for"):
                waited = wait_for(node, ctx)
                if not isinstance(waited, ir.Gather):
                    return waited
                help = "gather an async helper that awaits it"
                message = "`asyncio.gather` item is another gather"
                ctx.error(GATHER_FORM, node, message, "nested gather", help)
                return None
            if (helper := _async_module_helper(node, symbol, ctx)) is not None:
                return helper
            if isinstance(symbol, ExternalSym) and symbol.qualname in _TASK_WRAPPERS:
                _refuse_task(node, ctx)
                return None
            if symbol == KnownSym("gather"):
                help = ("gather its calls in an async helper that returns `await asyncio.gather"
                        "(...)` and gather calls of that helper, or await the inner gathers one "
                        "after the other")  # fmt: skip
                message = "`asyncio.gather` inside `asyncio.gather`"
                ctx.error(GATHER_FORM, node, message, "nested gather", help)
                return None
    help = ("gather action calls, `self.run_action(...)` calls, async helper calls "
            "(`self.enrich(x)`) or child workflow calls (`Other().run(k=v)`); await anything "
            "else on its own")  # fmt: skip
    ctx.error(
        GATHER_FORM,
        node,
        "`asyncio.gather` item is not an action call",
        "not an action",
        help,
    )
    return None


_TASK_WRAPPERS = ("asyncio.create_task", "asyncio.ensure_future")


def _refuse_task(node: cst.Call, ctx: Ctx) -> None:
    """`asyncio.create_task(fetch(u))` gathered: the call itself is what to gather."""
    inner = next((a.value for a in node.args if a.keyword is None), None)
    called = ctx.code(inner) if inner is not None else "fetch(u)"
    help = f"gather the call itself: `{called}` (a gather runs its calls concurrently)"
    message = f"`{ctx.code(node.func)}()` starts work the runtime cannot record"
    ctx.error(CONCURRENCY_PRIMITIVE, node, message, "not durable", help)


def _spread(node: cst.BaseExpression, ctx: Ctx) -> ir.Spread | None:
    if (listed := list_spread(node, _gathered_call, ctx)) is not None:
        return listed
    if (mapped := mapped_spread(node, ctx)) is not None:
        return mapped
    if not isinstance(node, cst.ListComp | cst.GeneratorExp):
        help = ("spread a comprehension of action calls (`*[act(x) for x in xs]`), or a list "
                "of calls that the function only fills, counts and gathers")  # fmt: skip
        ctx.error(
            GATHER_FORM,
            node,
            "`asyncio.gather` spread of a value",
            "not a comprehension",
            help,
        )
        return None
    element = node.elt
    generators, call = comprehension_scope(node.for_in, ctx, lambda: _gathered_call(element, ctx))
    if call is None:
        return None
    return ir.Spread(call=call, generators=generators, span=ctx.span(node))


def sleep(node: cst.Call, ctx: Ctx) -> ir.Sleep | None:
    args = list(node.args)
    if len(args) != 1 or args[0].star or (args[0].keyword and args[0].keyword.value != "delay"):
        help = "write `await asyncio.sleep(seconds)`"
        ctx.error(SLEEP_FORM, node, "`asyncio.sleep` takes one duration", "malformed", help)
        return None
    seconds = lower_expr(args[0].value, ctx)
    return ir.Sleep(seconds=seconds, span=ctx.span(node))
