"""Calls of classes and of their methods: constructing models, dataclasses and exceptions, a
`TypedDict`'s plain dict, an enum member by value, `Model.model_validate`, a workflow's static
helper called through its class."""

from __future__ import annotations

import itertools

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.finder import is_installed
from waymark_compiler.literals import literal
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.class_functions import class_level_function
from waymark_compiler.lower.class_values import slotted
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.expressions import CLASS_VALUE, ENUM_BY_VALUE, UNSUPPORTED_CALL
from waymark_compiler.rules.operations import ACTION_NOT_AWAITED
from waymark_compiler.shapes import enum_aliases, enum_values, is_static_method
from waymark_compiler.symbols import ClassSym
from waymark_compiler.tables import OUTSIDE_EXCEPTION
from waymark_runtime import ir
from waymark_runtime.vocabulary import ENUM_LOOKUP, MODEL_VALIDATORS, STANDARD_FUNCTIONS

NEW_KINDS = ("exception", "model", "dataclass", "namedtuple", "plain")


def call_ClassSym(symbol: ClassSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    if symbol.path in ("collections:Counter", "collections:OrderedDict", "collections:ChainMap"):
        args, kwargs = lower_arguments(node.args, ctx)
        func = f"collections.{symbol.name}"
        return ir.Call(func=func, args=args, kwargs=kwargs, span=ctx.span(node))
    text = ctx.code(node.func)
    values = enum_values(symbol.node) if symbol.kind == "enum" and symbol.node else None
    plain = len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star
    if values and plain and symbol.node is not None:
        span = ctx.span(node)
        aliases = enum_aliases(symbol.node)  # `Color(1)` is the first member of value 1
        canonical = {m: v for m, v in values.items() if m not in aliases}
        keys = tuple(literal(value, span) for value in canonical.values())
        members = tuple(ir.EnumMember(type=symbol.path, member=m, span=span) for m in canonical)
        table = ir.DictExpr(keys=keys, values=members, span=span)
        raw, name = lower_expr(node.args[0].value, ctx), ir.Const(value=symbol.name, span=span)
        return ir.Call(func=ENUM_LOOKUP, args=(table, raw, name), kwargs=(), span=span)
    if symbol.kind == "enum":
        help = f"use a member directly (`{text}.NAME`), or convert the value in an action"
        return ctx.error(
            ENUM_BY_VALUE, node, f"enum `{text}` constructed from a value", "by value", help
        )
    if symbol.kind == "typeddict":  # `Entry(path=p, rows=n)`: Python builds a plain dict
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func="dict", args=args, kwargs=kwargs, span=ctx.span(node))
    if symbol.path in OUTSIDE_EXCEPTION:
        return outside_exception(text, node, ctx)
    if symbol.kind not in NEW_KINDS:
        help = "only pydantic models, dataclasses and exceptions can be constructed in a workflow"
        if symbol.kind == "other" and symbol.node is not None:  # a metaclass, a foreign base...
            help = (f"make `{text}` a `@dataclass`, or a plain class (no metaclass, no decorator, "
                    "no `__slots__`, no base but your own plain classes), or build it in an "
                    "action")  # fmt: skip
        message = (
            f"construction of `{text}`, which is no model, dataclass, exception or plain class"
        )
        installed = symbol.namespace is not None and is_installed(symbol.namespace)
        if symbol.kind == "other" and installed:  # `PurePosixPath(p)`: not the user's to change
            where = symbol.namespace.module if symbol.namespace is not None else ""
            # its public package: `pathlib`, not where a version defines it (`pathlib._local`)
            where = ".".join(itertools.takewhile(lambda p: not p.startswith("_"),
                                                 where.split("."))) or where  # fmt: skip
            message = f"construction of `{text}`, a class of `{where}` a workflow cannot hold"
            help = (f"work on the plain value (a `str`, a `dict`) with its methods, or "
                    f"build the `{text}` in an action and return plain data")  # fmt: skip
            return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported class", help)
        if (refused := slotted(symbol, node, text, f"construction of `{text}`", ctx)) is not None:
            return refused  # a plain instance is kept as its `__dict__`
        return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported class", help)
    if symbol.kind == "plain" and ctx.functions is not None:  # its `__init__` checked as a method
        ctx.functions.method("__init__")
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.New(type=symbol.path, args=args, kwargs=kwargs, span=ctx.span(node))


def outside_exception(text: str, node: cst.CSTNode, ctx: Ctx) -> ir.Expr:
    """`SystemExit(2)`, `raise KeyboardInterrupt`: exceptions that are not `Exception`s stop
    the process that runs Python code; a workflow may catch them, not raise them."""
    help = "raise an `Exception` subclass (`RuntimeError(...)`, or one of your own)"
    message = f"`{text}` is not an `Exception`: a workflow cannot raise it"
    return ctx.error(UNSUPPORTED_CALL, node, message, "not an Exception", help)


def class_method(node: cst.Call, name: str, owner: ClassSym, ctx: Ctx) -> ir.Expr:
    """`Item.model_validate(data)` of a pydantic model, validated by pydantic (an instance of
    the class comes back as itself). Any other method of a class is user code (or needs the
    class itself)."""
    own = owner.path == ctx.owner.path and name in ctx.owner.helpers  # `Flow.limit()` in Flow
    if own or (owner.kind == "workflow" and name in ctx.helpers and _static(owner, name)):
        args, kwargs = lower_arguments(node.args, ctx)  # `Flow.twice(x)`: a static helper
        if ctx.helpers[name]:
            help = f"await it: `await {ctx.code(node.func)}(...)`"
            message = f"`{ctx.code(node.func)}` called without await"
            return ctx.error(ACTION_NOT_AWAITED, node, message, "not awaited", help)
        return ir.HelperCall(name=name, args=args, kwargs=kwargs, span=ctx.span(node))
    qualname = f"builtins.{owner.name}.{name}"  # `bytes.fromhex(text)`
    if owner.path.startswith("builtins:") and qualname in STANDARD_FUNCTIONS:
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func=qualname, args=args, kwargs=kwargs, span=ctx.span(node))
    one = len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star
    if owner.kind == "model" and name in MODEL_VALIDATORS and one:
        span = ctx.span(node)
        model = ir.TypeRef(type=owner.path, span=span)
        data = lower_expr(node.args[0].value, ctx)
        return ir.Call(func=MODEL_VALIDATORS[name], args=(model, data), kwargs=(), span=span)
    symbol = class_level_function(owner, name, ctx.resolver)
    helper = None if symbol is None or ctx.functions is None else ctx.functions.helper(symbol)
    if helper is not None:  # `Order.from_row(row)`: a static or class method (`class_functions`)
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.HelperCall(name=helper, args=args, kwargs=kwargs, span=ctx.span(node))
    help = ("construct it (`Item(**data)` validates a dict as `model_validate` does, "
            "`Item.model_validate_json(text)` a JSON string), or call the method in an "
            "action")  # fmt: skip
    message = f"method `{ctx.code(node.func)}` of a class, which the workflow runtime does not run"
    return ctx.error(CLASS_VALUE, node, message, "a class method", help)


def _static(owner: ClassSym, name: str) -> bool:
    """Is `name` a `@staticmethod` of the workflow class `owner`?"""
    body = owner.node.body.body if owner.node is not None else ()
    return any(
        isinstance(s, cst.FunctionDef) and s.name.value == name and is_static_method(s)
        for s in body
    )
