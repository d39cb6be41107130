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


def value_call(node: cst.Call, ctx: Ctx) -> ir.CallValue:
    """`fmt(x)` outside an `await`, `fmt` a computed callee."""
    callee = lower_expr(node.func, ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.CallValue(callee=callee, args=args, kwargs=kwargs, span=ctx.span(node))


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
