"""`eg.split(E)`, `eg.subgroup(E)` and `eg.derive(excs)` of an exception group a workflow
holds (`interpreter.exception_groups`): a class (or a tuple of classes) is passed as a class
reference, as `isinstance`'s is. A condition function is refused: the runtime splits by class
only. `text.split(sep)` stays the string method.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.class_refs import type_ref
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.expressions import IMPURE_METHOD
from waymark_compiler.symbols import ClassSym, FunctionSym, LocalSym
from waymark_runtime import ir

_SPLITS = ("split", "subgroup")


def group_method_call(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """The call when it is one of a group's methods, else None (`text.split(sep)`)."""
    method = func.attr.value
    if ctx.functions is not None and ctx.functions.method(method) is not None:
        return None  # a method of the user's own classes, dispatched where it is called
    one = len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star
    condition = node.args[0].value if one else None
    if method in _SPLITS and condition is not None and _is_function(condition, ctx):
        help = "split by class, `eg.split(ValueError)`, or pick from `eg.exceptions` and `derive`"
        message = f"`{method}` with a condition function: a workflow splits a group by class"
        return ctx.error(IMPURE_METHOD, condition, message, "a function", help)
    if method in _SPLITS and condition is not None and _exception_classes(condition, ctx):
        value = lower_expr(func.value, ctx)
        kinds = type_ref(condition, ctx)
        return ir.MethodCall(
            obj=value, method=method, args=(kinds,), kwargs=(), span=ctx.span(node)
        )
    if method == "subgroup" or method == "derive":  # the runtime checks the arguments
        value = lower_expr(func.value, ctx)
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.MethodCall(
            obj=value, method=method, args=args, kwargs=kwargs, span=ctx.span(node)
        )
    return None


def _is_function(node: cst.BaseExpression, ctx: Ctx) -> bool:
    if isinstance(node, cst.Lambda):
        return True
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    return isinstance(symbol, FunctionSym) or (
        isinstance(symbol, LocalSym) and symbol.what == "function"
    )


def _exception_classes(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Does `node` name an exception class, or a tuple of them?"""
    if isinstance(node, cst.Tuple):
        return bool(node.elements) and all(_exception_classes(e.value, ctx) for e in node.elements)
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    return isinstance(symbol, ClassSym) and symbol.kind == "exception"
