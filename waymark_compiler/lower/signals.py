"""Lowering `await self.wait_for_signal(name, Type, timeout=...)` to an `ir.WaitForSignal`.

The name must be a string literal (the engine lists every signal a program can wait for), the
type a model, dataclass or enum class, a builtin or standard type, or a subscript or union of
them (lowered to type text, `builtins:list[app.models:Decision]`); `timeout` a constant
`timedelta`, or a number of seconds computed in the workflow. Anything else is WM171.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower import policy
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.operations import SIGNAL_FORM
from waymark_compiler.symbols import BuiltinSym, ClassSym, ExternalSym, KnownSym
from waymark_runtime import ir
from waymark_runtime.signals import STANDARD_TYPES

_PARAMETERS = ("name", "type")
_SIGNAL_CLASSES = frozenset({"model", "dataclass", "enum"})
# Standard types by the dotted name the resolver gives them.
_STANDARD = {path.replace(":", "."): path for path in STANDARD_TYPES}
_GENERIC = frozenset({"builtins:list", "builtins:dict", "builtins:set", "builtins:frozenset",
                      "builtins:tuple", "typing:Optional", "typing:Union"})  # fmt: skip


class _Refused(Exception):
    """Reported already; the wait is dropped."""


def wait_for_signal(node: cst.Call, ctx: Ctx) -> ir.WaitForSignal | None:
    """The IR of a signal wait, or None after a diagnostic."""
    try:
        arguments = _arguments(node, ctx)
        name = _name(arguments.get("name"), node, ctx)
        type_node = arguments.get("type")
        if type_node is None:
            raise _refuse(node, ctx, "`self.wait_for_signal` needs the payload's type",
                          f"name the type: `self.wait_for_signal({name!r}, Decision)`")  # fmt: skip
        text = type_text(type_node, ctx)
        timeout = _timeout(arguments.get("timeout"), ctx)
    except (_Refused, policy._Refused):
        return None
    return ir.WaitForSignal(name=name, type=text, timeout=timeout, span=ctx.span(node))


def operands(node: cst.Call) -> list[cst.BaseExpression]:
    """What the wait evaluates before it suspends: its timeout (the name is a literal and the
    type is read when compiling)."""
    return [a.value for a in node.args if a.keyword is not None and a.keyword.value == "timeout"]


def _arguments(node: cst.Call, ctx: Ctx) -> dict[str, cst.BaseExpression]:
    found: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(node.args):
        key = arg.keyword.value if arg.keyword is not None else None
        if key is None and not arg.star and index < len(_PARAMETERS):
            key = _PARAMETERS[index]
        if arg.star or key not in (*_PARAMETERS, "timeout") or key in found:
            raise _refuse(arg, ctx, "unexpected argument to `self.wait_for_signal`",
                          "write `self.wait_for_signal(\"name\", Type, timeout=...)`")  # fmt: skip
        found[key] = arg.value
    return found


def _name(value: cst.BaseExpression | None, node: cst.Call, ctx: Ctx) -> str:
    evaluated = value.evaluated_value if isinstance(value, cst.SimpleString) else None
    if isinstance(evaluated, str) and evaluated.strip() and len(evaluated) <= 200:
        return evaluated
    raise _refuse(value or node, ctx, "the signal name is not a string literal",
                  "name the signal with a literal, `self.wait_for_signal(\"decision\", ...)`, "
                  "so the engine knows every signal the workflow can wait for")  # fmt: skip


def _timeout(value: cst.BaseExpression | None, ctx: Ctx) -> ir.Expr | None:
    if value is None or (isinstance(value, cst.Name) and value.value == "None"):
        return None
    if isinstance(value, cst.Call) and ctx.symbol(value.func) == KnownSym("timedelta"):
        seconds = policy.timeout(value, ctx)  # an expression when only known at run time
        if seconds is None or isinstance(seconds, float):
            return ir.Const(value=seconds, span=ctx.span(value))
        return seconds
    return lower_expr(value, ctx)


def type_text(node: cst.BaseExpression, ctx: Ctx) -> str:
    """The type text of a payload type expression (`builtins:list[app:Decision]`)."""
    try:
        return annotation_text(node, ctx.symbol)
    except NotAType as refused:
        raise _not_a_type(refused.node, ctx) from None


class NotAType(Exception):
    """`node` is not a type a signal payload may have."""

    def __init__(self, node: cst.CSTNode) -> None:
        self.node = node


def annotation_text(node: cst.BaseExpression, symbol: Callable[[cst.BaseExpression], Any]) -> str:
    """The type text of a type expression, its names resolved by `symbol`; `NotAType`."""
    if isinstance(node, cst.Name) and node.value == "None":
        return "builtins:None"
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        left, right = annotation_text(node.left, symbol), annotation_text(node.right, symbol)
        return f"typing:Union[{left}, {right}]"
    if isinstance(node, cst.Subscript):
        base = annotation_text(node.value, symbol)
        if base not in _GENERIC:
            raise NotAType(node.value)
        args = [_subscript_arg(element, symbol) for element in node.slice]
        return f"{base}[{', '.join(args)}]"
    path = _class_path(node, symbol)
    if path is None:
        raise NotAType(node)
    return path


def _subscript_arg(element: cst.SubscriptElement, symbol: Callable[..., Any]) -> str:
    if not isinstance(element.slice, cst.Index) or element.slice.star is not None:
        raise NotAType(element)
    return annotation_text(element.slice.value, symbol)


def _class_path(node: cst.BaseExpression, symbol_of: Callable[..., Any]) -> str | None:
    if not isinstance(node, cst.Name | cst.Attribute):
        return None
    symbol = symbol_of(node)
    # A builtin class only if payloads can be validated as it: not `object`.
    if isinstance(symbol, ClassSym) and (
        symbol.kind in _SIGNAL_CLASSES or symbol.path in STANDARD_TYPES
    ):
        return symbol.path
    if isinstance(symbol, BuiltinSym) and f"builtins:{symbol.name}" in STANDARD_TYPES:
        return f"builtins:{symbol.name}"
    if isinstance(symbol, ExternalSym):
        return _STANDARD.get(symbol.qualname)
    if symbol == KnownSym("timedelta"):
        return "datetime:timedelta"
    return None


def _not_a_type(node: cst.CSTNode, ctx: Ctx) -> _Refused:
    return _refuse(node, ctx, f"`{ctx.code(node)}` is not a signal payload type",
                   "use a pydantic model, dataclass or enum class, a builtin type (`str`, "
                   "`list[int]`), `X | None` of them, or `Any` for any payload")  # fmt: skip


def _refuse(node: cst.CSTNode, ctx: Ctx, message: str, help: str) -> _Refused:
    ctx.error(SIGNAL_FORM, node, message, "signal wait", help)
    return _Refused()
