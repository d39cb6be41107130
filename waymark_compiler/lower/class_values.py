"""A class named where a value is read: `handler = Nearest`, `{"fefo": ExpiryFirst}` (also a
module's constant table of classes), later called to construct one (`STRATEGIES[name](dest)`).
A model, dataclass, named tuple or plain class of the user's code is its class value; any other
class stays refused (WM144)."""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.plain_classes import held_class
from waymark_compiler.rules.expressions import CLASS_VALUE
from waymark_compiler.symbols import ClassSym
from waymark_runtime import ir


def class_value(symbol: ClassSym, node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    if held_class(symbol):
        if symbol.kind == "plain" and ctx.functions is not None:  # its `__init__` is checked
            ctx.functions.method("__init__")
        return ir.TypeRef(type=symbol.path, span=ctx.span(node))
    help = "construct an instance, or test with `isinstance`"
    message = f"class `{ctx.code(node)}` used as a value"
    return ctx.error(CLASS_VALUE, node, message, "a class", help)
