"""A conditional expression of calls where one call is expected: a gather item
(`asyncio.gather(pay(x) if ok else reject(x), log(x))`, `*[a(x) if x else b(x) for x in xs]`)
or the call that `asyncio.wait_for` and `self.run_action` wrap.

CPython evaluates the test, then only the chosen branch's callee and arguments, and the
coroutine it makes is what the gather (or `wait_for`) runs. Such an item becomes a computed
call (`computed`) whose callee is the conditional of `functools.partial(callee, *args,
**kwargs)` of each branch: the runtime evaluates it when the item is dispatched, in the
item's place among the others, so the test and the chosen arguments are read in CPython's
order and the other branch's never.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.computed import is_computed
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.function_calls import module_helper
from waymark_compiler.rules.operations import GATHER_FORM, RUN_ACTION_FORM
from waymark_compiler.symbols import ActionSym, FunctionSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import PARTIAL


def chosen_call(node: cst.IfExp, ctx: Ctx, *, actions_only: bool) -> ir.ActionCall | None:
    """`node` as one computed call of the branch its test picks; None once a branch that is
    not a call of an action (or, unless `actions_only`, of an async helper) is reported."""
    callee = _choice(node, ctx, actions_only)
    if callee is None:
        return None
    return ir.ActionCall(action="", args=(), kwargs=(), callee=callee, span=ctx.span(node))


def _choice(node: cst.BaseExpression, ctx: Ctx, actions_only: bool) -> ir.Expr | None:
    if isinstance(node, cst.IfExp):
        test = lower_expr(node.test, ctx)
        body = _choice(node.body, ctx, actions_only)
        orelse = _choice(node.orelse, ctx, actions_only)
        if body is None or orelse is None:
            return None
        return ir.IfExp(test=test, body=body, orelse=orelse, span=ctx.span(node))
    function = _function(node, ctx, actions_only) if isinstance(node, cst.Call) else None
    if function is None or not isinstance(node, cst.Call):
        _refuse(node, ctx, actions_only)
        return None
    return _bound(node, function, ctx)


def call_value(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`fetch(x)` as a value the runtime can call later: `functools.partial(fetch, x)` (an
    action or async helper call, see `lower.deferred`)."""
    function = _function(node, ctx, actions_only=False)
    assert function is not None  # `deferred` keeps calls of actions and async helpers only
    return _bound(node, function, ctx)


def _bound(node: cst.Call, function: ir.Expr, ctx: Ctx) -> ir.Expr:
    args, kwargs = lower_arguments(node.args, ctx)
    if not args and not kwargs:
        return function
    return ir.Call(func=PARTIAL, args=(function, *args), kwargs=kwargs, span=ctx.span(node))


def _function(node: cst.Call, ctx: Ctx, actions_only: bool) -> ir.Expr | None:
    """The value of the function a branch calls: an action, a computed callee, or an async
    helper (a method of the workflow, `self.enrich`, or an `async def` of its module)."""
    func = node.func
    symbol = ctx.symbol(func)
    if isinstance(symbol, ActionSym) or is_computed(func, ctx):
        return lower_expr(func, ctx)
    if actions_only:
        return None
    if isinstance(func, cst.Attribute) and ctx.is_self(func.value):
        name = func.attr.value
        if ctx.helpers.get(name) and ctx.reaches(name):
            return ir.HelperRef(name=name, span=ctx.span(func))
        return None
    if isinstance(symbol, FunctionSym) and symbol.is_async:
        helper = module_helper(symbol, ctx)
        return None if helper is None else ir.HelperRef(name=helper, span=ctx.span(func))
    return None


def _refuse(node: cst.BaseExpression, ctx: Ctx, actions_only: bool) -> None:
    if actions_only:
        help = "make each branch an action call: `asyncio.wait_for(a(x) if ok else b(x), 5)`"
        message = f"a branch of the conditional call, `{ctx.code(node)}`, is not an action call"
        ctx.error(RUN_ACTION_FORM, node, message, "not an action", help)
        return
    help = ("make each branch an action call or an async helper call; a child workflow or "
            "`asyncio.sleep` is awaited on its own")  # fmt: skip
    message = (
        f"a branch of the gathered conditional, `{ctx.code(node)}`, is not a call it can gather"
    )
    ctx.error(GATHER_FORM, node, message, "not a call to gather", help)
