"""A class named where a value is read: `handler = Nearest`, `{"fefo": ExpiryFirst}` (also a
module's constant table of classes), later called to construct one (`STRATEGIES[name](dest)`).
A model, dataclass, named tuple or plain class of the user's code is its class value; any other
class stays refused (WM144)."""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.plain_classes import held_class, slotted_class
from waymark_compiler.rules.expressions import CLASS_VALUE, UNSUPPORTED_CALL
from waymark_compiler.symbols import ClassSym
from waymark_runtime import ir


def class_value(symbol: ClassSym, node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    if held_class(symbol):
        if symbol.kind == "plain" and ctx.functions is not None:  # its `__init__` is checked
            ctx.functions.method("__init__")
        return ir.TypeRef(type=symbol.path, span=ctx.span(node))
    text = ctx.code(node)
    if (refused := slotted(symbol, node, text, f"class `{text}` used as a value", ctx)) is not None:
        return refused
    help = "construct an instance, or test with `isinstance`"
    message = f"class `{ctx.code(node)}` used as a value"
    return ctx.error(CLASS_VALUE, node, message, "a class", help)


def slotted(symbol: ClassSym, node: cst.CSTNode, text: str, what: str, ctx: Ctx) -> ir.Expr | None:
    """WM101 naming `__slots__` when `symbol` (written `text`) or one of its bases has them:
    `what` the workflow does with it (`construction of `Point``); None for a class without."""
    found = slotted_class(ctx.resolver, symbol) if symbol.kind == "other" else None
    if found is None:
        return None
    return _refuse_slotted(node, what, text, found.name if found is not symbol else text, ctx)


def slotted_table(slotted: tuple[str, str], node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """WM101 at a read of a module global that holds a class with `__slots__` (`held`, whose
    own or whose base's `owner` they are)."""
    held, owner = slotted
    return _refuse_slotted(
        node, f"read of `{ctx.code(node)}`, which holds `{held}`", held, owner, ctx
    )


def _refuse_slotted(node: cst.CSTNode, what: str, held: str, owner: str, ctx: Ctx) -> ir.Expr:
    """A slotted instance has no `__dict__`, which is what a plain instance's value holds."""
    if held == owner:
        message = f"{what}, a class with `__slots__`"
        help = (f"drop `__slots__` from `{held}` or make it a `@dataclass(slots=True)`, or use "
                "it in an action")  # fmt: skip
    else:
        message = f"{what}, whose base `{owner}` is a class with `__slots__`"
        help = f"drop `__slots__` from `{owner}`, or use `{held}` in an action"
    return ctx.error(UNSUPPORTED_CALL, node, message, "slotted class", help)
