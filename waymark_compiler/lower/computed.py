"""Computed calls: a function reached as a value and called (`await TOOLS[name](x)`,
`await handler(x)`, `*(step(x) for step in STEPS)`, `fmt(x)` of `fmt = partial(label, 2)`),
lowered to an `ActionCall` whose `callee` is the expression that picks the function when
awaited, and to a `CallValue` when not.

The callee is evaluated by the runtime when the call is made: an action value (`search` read
as a name, or from a constant table of actions) runs that action with its own settings, a
helper value (a function of the user's code, `self.rank`) runs that helper, a
`functools.partial` adds its arguments; any other value raises Python's `TypeError`. Which
callees count is decided here; a method of a value (`await reply.json()`) stays refused by the
caller.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.operations import ACTION_NOT_AWAITED
from waymark_compiler.symbols import ActionSym, ConstSym
from waymark_runtime import ir

# Callees that compute a value: `TOOLS[name]`, `HANDLERS.get(kind, fallback)`,
# `(fast if small else slow)`; a local variable is the other kind (`is_computed`).
_COMPUTING = (cst.Subscript, cst.Call, cst.IfExp)


def is_computed(func: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `func` a callee whose value picks the action: a local variable (not `self`), a
    subscript, a call, a conditional expression, or a module-level partial constant
    (`TRIPLE = partial(scale, factor=3)`, `ConstSym.partial`)?"""
    if isinstance(func, cst.Name) and ctx.is_local(func.value):
        return not ctx.is_self(func)
    if isinstance(func, cst.Name | cst.Attribute):
        symbol = ctx.symbol(func)
        return isinstance(symbol, ConstSym) and symbol.partial
    return isinstance(func, _COMPUTING)


def value_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`fmt(x)` outside an `await`, `fmt` a computed callee; WM106 when the compiler sees
    that the callee is an action whatever it computes (`TOOLS[name](x)` of a table of actions
    only, `TRIPLE(x)` of `TRIPLE = partial(scale, ...)`)."""
    if _always_action(node.func, ctx):
        name = ctx.code(node.func)
        help = (f"await it (`await {name}(...)`), or pass it to `asyncio.gather` or "
                "`self.run_action`")  # fmt: skip
        message = f"`{name}` calls an action without await"
        return ctx.error(ACTION_NOT_AWAITED, node, message, "not awaited", help)
    callee = lower_expr(node.func, ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.CallValue(callee=callee, args=args, kwargs=kwargs, span=ctx.span(node))


def _always_action(func: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `func` a module constant that holds actions only, subscripted (`TOOLS[name]`,
    `PIPELINE[0]`), or a partial constant of an action?"""
    table = func.value if isinstance(func, cst.Subscript) else func
    symbol = ctx.symbol(table) if isinstance(table, cst.Name | cst.Attribute) else None
    if not isinstance(symbol, ConstSym):
        return False
    if symbol.partial:
        return all(isinstance(f, ActionSym) for f in symbol.functions.values())
    value = symbol.value
    if not isinstance(func, cst.Subscript):
        return False
    if isinstance(value, cst.Dict):
        items = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
    elif isinstance(value, cst.List | cst.Tuple):
        items = [e.value for e in value.elements if not isinstance(e, cst.StarredElement)]
    else:
        return False
    held = symbol.functions
    return bool(items) and all(isinstance(held.get(id(item)), ActionSym) for item in items)


def called_action(node: cst.Call, ctx: Ctx) -> ir.ActionCall | None:
    """`node` as an action call: of a named action, or computed (`is_computed`); else None."""
    symbol = ctx.symbol(node.func)
    if isinstance(symbol, ActionSym):
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.ActionCall(action=symbol.path, args=args, kwargs=kwargs, span=ctx.span(node))
    if not is_computed(node.func, ctx):
        return None
    callee = lower_expr(node.func, ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.ActionCall(action="", args=args, kwargs=kwargs, callee=callee, span=ctx.span(node))
