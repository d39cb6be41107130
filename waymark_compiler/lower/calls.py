"""Lowering calls that are not awaited: pure builtins, pure methods, helper methods, and the
construction of models, dataclasses and exceptions.

What the callee is decides everything, so calls dispatch on the resolved symbol's type
(`call_<Symbol>`); every other callee (plain functions, the clock, randomness, I/O, actions
without `await`) is refused with the rule that explains why. The calls of module-level
functions are `function_calls`'s; the class arguments of `isinstance` are `class_refs`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from waymark_compiler.context import Ctx, did_you_mean
from waymark_compiler.literals import string_value
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.cells import CELL, CLOSURE
from waymark_compiler.lower.class_refs import type_ref
from waymark_compiler.lower.classes import call_ClassSym, class_method
from waymark_compiler.lower.computed import is_computed, value_call
from waymark_compiler.lower.constants import changed_table, constant_table
from waymark_compiler.lower.dispatch import expression, lower_expr
from waymark_compiler.lower.expressions import is_string_literal
from waymark_compiler.lower.formatting import lower_format
from waymark_compiler.lower.function_calls import (
    call_ActionSym,
    call_ExternalSym,
    call_FunctionSym,
    call_KnownSym,
    call_MissingSym,
)
from waymark_compiler.lower.functional import fromkeys_call
from waymark_compiler.lower.group_methods import group_method_call
from waymark_compiler.lower.keys import KEYED, has_key, keyed_call
from waymark_compiler.lower.log import log_method, refuse_value
from waymark_compiler.lower.memos import cache_method
from waymark_compiler.lower.method_forms import (
    model_method_form,
    through_type,
    value_super_call,
    zone_missing,
)
from waymark_compiler.lower.names import is_special, local_definition, self_class, special_attribute
from waymark_compiler.lower.regexes import pattern_substitution
from waymark_compiler.lower.self_builtins import lower_self_builtin, self_builtin
from waymark_compiler.lower.spreads import deferred_call
from waymark_compiler.lower.standard import digest_call
from waymark_compiler.lower.strings import text_of
from waymark_compiler.lower.task_methods import refused_method
from waymark_compiler.lower.timeout_managers import expired_call
from waymark_compiler.rules.expressions import IMPURE_METHOD, UNSUPPORTED_CALL
from waymark_compiler.rules.names import UNKNOWN_HELPER
from waymark_compiler.rules.operations import ACTION_NOT_AWAITED
from waymark_compiler.symbols import (
    ActionSym,
    BuiltinSym,
    ClassSym,
    ConstSym,
    ExternalSym,
    FunctionSym,
    KnownSym,
    LocalSym,
    MissingSym,
    ModuleSym,
    VariableSym,
)
from waymark_compiler.tables import MUTATING_METHODS
from waymark_runtime import ir
from waymark_runtime.vocabulary import (
    CELL_BOUND,
    FORMATTING,
    PARTIAL,
    PURE_METHODS,
    STANDARD_FUNCTIONS,
)


@expression
def lower_Call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    if (deferred := deferred_call(node, ctx)) is not None:
        return deferred  # a call put in a list that a gather spreads
    func = node.func
    if isinstance(func, cst.Name) and func.value == CLOSURE and CLOSURE in ctx.source.hidden:
        args, kwargs = lower_arguments(node.args, ctx)  # a local function with its cells
        return ir.Call(func=PARTIAL, args=args, kwargs=kwargs, span=ctx.span(node))
    if isinstance(func, cst.Name) and func.value == CELL and CELL in ctx.source.hidden:
        args, kwargs = lower_arguments(node.args, ctx)  # a cell read: bound, or an error
        return ir.Call(func=CELL_BOUND, args=args, kwargs=kwargs, span=ctx.span(node))
    if isinstance(func, cst.Attribute) and ctx.is_self(func.value):
        return self_call(node, func.attr.value, ctx)
    if isinstance(func, cst.Attribute) and self_class(func.value, ctx):
        return class_call(node, func.attr.value, ctx)
    if log_method(node, ctx) is not None:
        return refuse_value(node, ctx)
    if (builtin := self_builtin(node, ctx)) is not None:  # `getattr(self, "total", 0)`
        return lower_self_builtin(builtin, node, ctx)
    symbol = ctx.symbol(func)
    if symbol is not None and is_computed(func, ctx):  # `TRIPLE(x)`, a module-level partial
        return value_call(node, ctx)
    if symbol is not None:
        return _BY_SYMBOL[type(symbol)](symbol, node, ctx)
    if isinstance(func, cst.Attribute) and isinstance(owner := ctx.symbol(func.value), ClassSym):
        return class_method(node, func.attr.value, owner, ctx)
    if isinstance(func, cst.Attribute):
        return method_call(node, func, ctx)
    if is_computed(func, ctx):  # `fmt(x)` of `fmt = partial(label, 2)`: a function value
        return value_call(node, ctx)
    help = "call functions by name; compute the value in an action if needed"
    return ctx.error(
        UNSUPPORTED_CALL, node, "call of a computed value", "not a known function", help
    )


# ---------------------------------------------------------------------------------------------
# Methods of self and of values
# ---------------------------------------------------------------------------------------------


def self_call(node: cst.Call, name: str, ctx: Ctx) -> ir.Expr:
    """`self.name(...)` outside an `await`: only synchronous helper methods."""
    if name in ("run_action", "wait_for_signal") or ctx.helpers.get(name) is True:
        help = f"await it: `await self.{name}(...)`"
        return ctx.error(
            ACTION_NOT_AWAITED,
            node,
            f"`self.{name}` called without await",
            "not awaited",
            help,
        )
    if not ctx.reaches(name):
        return unknown_helper(node, name, ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.HelperCall(name=name, args=args, kwargs=kwargs, span=ctx.span(node))


def class_call(node: cst.Call, name: str, ctx: Ctx) -> ir.Expr:
    """`type(self).name(...)`: a `@staticmethod` or `@classmethod` helper, called on the
    class."""
    if name in ctx.owner.helpers:
        return self_call(node, name, ctx)
    help = f"call it on the instance, `self.{name}(...)`, or make it a `@classmethod`"
    message = f"`{ctx.code(node.func)}` is not a static or class method of the workflow"
    return ctx.error(UNKNOWN_HELPER, node, message, "not class-level", help)


def unknown_helper(node: cst.CSTNode, name: str, ctx: Ctx) -> ir.Expr:
    if name == "run":
        help = "move the shared part into a helper method"
        return ctx.error(
            UNKNOWN_HELPER, node, "`self.run` called from the workflow", "recursion", help
        )
    if name in ctx.helpers:  # an instance method, called through `cls` in a classmethod
        help = f"make `{name}` a `@staticmethod` or `@classmethod`, or this one a plain method"
        message = f"`{ctx.function.self_name}.{name}` calls an instance method on the class"
        return ctx.error(UNKNOWN_HELPER, node, message, "needs an instance", help)
    help = did_you_mean(name, ctx.helpers) or "define it as a method of the workflow class"
    message = f"`self.{name}` is not a helper method of the workflow"
    return ctx.error(UNKNOWN_HELPER, node, message, "unknown helper", help)


def _class_function(func: cst.Attribute, ctx: Ctx) -> str | None:
    """`builtins.int.from_bytes` for `int.from_bytes`: a pure function of a builtin class."""
    symbol = ctx.symbol(func.value)
    if not isinstance(symbol, BuiltinSym):
        return None  # (`bytes.fromhex`, of a class that is no pure builtin: `class_method`)
    qualname = f"builtins.{symbol.name}.{func.attr.value}"
    return qualname if qualname in STANDARD_FUNCTIONS else None


def method_call(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr:
    method = func.attr.value
    if (digest := digest_call(node, func, ctx)) is not None:
        return digest  # `hashlib.sha256(data).hexdigest()`
    if method == "fromkeys" and ctx.symbol(func.value) == BuiltinSym("dict"):
        return fromkeys_call(node, ctx)
    if (qualname := _class_function(func, ctx)) is not None:  # `int.from_bytes(data, "big")`
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func=qualname, args=args, kwargs=kwargs, span=ctx.span(node))
    if method in MUTATING_METHODS and (table := constant_table(func.value, ctx)) is not None:
        return changed_table(node, table, ctx)
    if method == "format":
        constant = isinstance(ctx.symbol(func.value), ConstSym)  # `TEMPLATE = "..."`
        literal = is_string_literal(func.value) or constant
        template = lower_expr(func.value, ctx) if literal else None
        if isinstance(template, ir.Const) and isinstance(template.value, str):
            lowered = lower_format(node, template.value, ctx)
            if lowered is not None:
                return lowered  # else formatted at run time, as any other template
    if (replaced := pattern_substitution(node, func, ctx)) is not None:
        return replaced  # `PATTERN.sub(f, text)`: `f` called on each match
    if (unbound := through_type(node, func, ctx)) is not None:
        return unbound  # `str.upper(s)`
    if (expired := expired_call(node, func, ctx)) is not None:
        return expired  # `cm.expired()` of `async with asyncio.timeout(s) as cm:`
    if (grouped := group_method_call(node, func, ctx)) is not None:
        return grouped  # `eg.split(ValueError)`
    if (inherited := value_super_call(node, func, ctx)) is not None:
        return inherited
    reported = len(ctx.sink.items)
    value = lower_expr(func.value, ctx)
    helper = None if ctx.functions is None else ctx.functions.method(method)
    if helper is not None and len(ctx.sink.items) == reported:
        # a method of a known class (`lower.properties`), else the method call as written
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.HelperCall(name=helper, args=(value, *args), kwargs=kwargs, span=ctx.span(node))
    if method not in PURE_METHODS and method not in FORMATTING:
        if len(ctx.sink.items) > reported:  # `open(path).read()`: the receiver is at fault
            return value
        if (refused := cache_method(func, ctx)) is not None:
            return refused
        help = refused_method(node, ctx) or f"call `{method}` inside an action and await the action"
        message = f"call of method `{method}`, which is not a known pure method"
        return ctx.error(IMPURE_METHOD, func.attr, message, "not a pure method", help)
    if method == "astimezone" and (refused := zone_missing(node, "astimezone()", 0, ctx)):
        return refused
    if (refused := model_method_form(node, method, ctx)) is not None:
        return refused
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.MethodCall(obj=value, method=method, args=args, kwargs=kwargs, span=ctx.span(node))


# ---------------------------------------------------------------------------------------------
# Calls by what the callee resolves to
# ---------------------------------------------------------------------------------------------


def call_BuiltinSym(symbol: BuiltinSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    if symbol.name in KEYED and has_key(node):
        return keyed_call(symbol.name, node, ctx)
    if symbol.name == "isinstance" and len(node.args) == 2 and not node.args[1].star:
        value = lower_expr(node.args[0].value, ctx)
        kinds = type_ref(node.args[1].value, ctx, unions=True)
        return ir.Call(func="isinstance", args=(value, kinds), kwargs=(), span=ctx.span(node))
    if symbol.name in ("getattr", "hasattr") and (name := _literal_name(node)) is not None:
        return special_attribute(node, node.args[0].value, name, "read of", ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    one = len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star
    if symbol.name == "str" and one:  # a class's own `__str__`, if any
        args = (text_of(args[0], "__str__", ctx),)
    elif (
        symbol.name == "repr"
        and one
        and (shown := text_of(args[0], "__repr__", ctx)) is not args[0]
    ):
        return shown
    return ir.Call(func=symbol.name, args=args, kwargs=kwargs, span=ctx.span(node))


def _literal_name(node: cst.Call) -> str | None:
    """The special attribute `getattr(x, "__cause__")` names by a literal, or None."""
    if len(node.args) < 2 or not isinstance(node.args[1].value, cst.SimpleString):
        return None
    name = string_value(node.args[1].value)
    return name if isinstance(name, str) and is_special(name) else None


_BY_SYMBOL: dict[type[Any], Callable[[Any, cst.Call, Ctx], ir.Expr]] = {
    BuiltinSym: call_BuiltinSym,
    ClassSym: call_ClassSym,
    ActionSym: call_ActionSym,
    KnownSym: call_KnownSym,
    FunctionSym: call_FunctionSym,
    ModuleSym: call_FunctionSym,
    ConstSym: call_FunctionSym,
    VariableSym: call_FunctionSym,
    ExternalSym: call_ExternalSym,
    MissingSym: call_MissingSym,
    LocalSym: lambda symbol, node, ctx: local_definition(symbol, node.func, ctx),
}
