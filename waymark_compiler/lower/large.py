"""Displays of more than MAX_DISPLAY_ITEMS items that workflow code would carry into its program
(WM139): written in workflow code, or held by a constant or class attribute it reads. The same
display in code only actions run is left alone (`sizes`)."""

from __future__ import annotations

import libcst as cst

from waymark_compiler import sizes
from waymark_compiler.context import Ctx, Setting
from waymark_compiler.literals import literal
from waymark_compiler.rules.expressions import UNSUPPORTED_LITERAL
from waymark_compiler.rules.workflow import SELF_READ
from waymark_compiler.source import Source
from waymark_runtime import ir
from waymark_runtime.sizes import MAX_DISPLAY_ITEMS

LABEL = sizes.LABEL


def large_display(node: cst.BaseExpression, ctx: Ctx) -> ir.Expr | None:
    """WM139 at a display of workflow code with too many items; None for any other node."""
    count = ctx.source.items(node)
    if count <= MAX_DISPLAY_ITEMS:
        return None
    return ctx.error(UNSUPPORTED_LITERAL, node, sizes.message(count), LABEL, sizes.HELP)


def large_call(node: cst.Call, ctx: Ctx) -> ir.Expr | None:
    """WM139 at a call of workflow code with more than MAX_DISPLAY_ITEMS arguments (the `.wrl`
    text holds them as one bracket); None for a smaller call."""
    count = len(node.args)
    if count <= MAX_DISPLAY_ITEMS:
        return None
    message = f"a call with {count:,} arguments (more than {MAX_DISPLAY_ITEMS:,})"
    help = "pass the arguments as one list or tuple built at run time, or call it in an action"
    return ctx.error(UNSUPPORTED_LITERAL, node, message, LABEL, help)


def large_value(
    value: cst.BaseExpression, source: Source, node: cst.BaseExpression, ctx: Ctx
) -> ir.Expr | None:
    """WM139 at `node`, where workflow code reads a constant whose `value` (in `source`) holds
    a display with too many items; None when it holds none."""
    pending: list[cst.CSTNode] = [value]
    while pending:
        part = pending.pop()
        count = source.items(part)
        if count > MAX_DISPLAY_ITEMS:
            message = f"`{ctx.code(node)}` is {sizes.message(count)}, read by workflow code"
            return ctx.error(UNSUPPORTED_LITERAL, node, message, LABEL, sizes.HELP)
        pending.extend(part.children)
    return None


def class_constant(setting: Setting, node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """A class attribute of the workflow read as `self.NAME` at `node`: its constant value,
    counted in the module that writes it (a base class's may be in another). One that is not
    a constant (`seen = []`) is shared by every instance and every process: refused."""
    if not setting.constant:
        where = "the class body" if ctx.function.on_class else "the class body or `__init__`"
        help = f"set it to a constant in {where}, or set it on `self` in `run()`"
        message = f"read of `{ctx.code(node)}`, which the class does not set to a constant"
        return ctx.error(SELF_READ, node, message, "not a constant", help)
    refused = large_value(setting.value, setting.source, node, ctx)
    return refused if refused is not None else literal(setting.value, ctx.span(node))
