"""Lowering string literals and f-strings, with CPython's escapes, conversions and `{x=}`.

Text parts are decoded by Python's own literal parser (so every escape means what it means in
CPython); bytes literals are refused (workflow values are JSON-shaped).
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from typing import Literal

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.literals import string_value
from waymark_compiler.lower.dispatch import expression, lower_expr
from waymark_compiler.named_escapes import unshield
from waymark_compiler.rules.expressions import UNSUPPORTED_LITERAL
from waymark_runtime import ir

Part = str | ir.FormattedValue
Conversion = Literal["s", "r", "a"] | None
_CONVERSIONS: dict[str | None, Conversion] = {None: None, "s": "s", "r": "r", "a": "a"}


@expression
def lower_SimpleString(node: cst.SimpleString, ctx: Ctx) -> ir.Expr:
    value = string_value(node)
    if isinstance(value, bytes):
        help = "workflow values are JSON-shaped; use a str"
        return ctx.error(
            UNSUPPORTED_LITERAL, node, "bytes literals are not supported", "bytes", help
        )
    return ir.Const(value=value, span=ctx.span(node))


def _pieces(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.ConcatenatedString):
        return [*_pieces(node.left), *_pieces(node.right)]
    return [node]


@expression
def lower_ConcatenatedString(node: cst.ConcatenatedString, ctx: Ctx) -> ir.Expr:
    parts: list[Part] = []
    for piece in _pieces(node):
        lowered = lower_expr(piece, ctx)
        if isinstance(lowered, ir.FString):
            parts += lowered.parts
        elif isinstance(lowered, ir.Const) and isinstance(lowered.value, str):
            parts.append(lowered.value)
    if not any(isinstance(p, ir.FormattedValue) for p in parts):
        return ir.Const(value="".join(p for p in parts if isinstance(p, str)), span=ctx.span(node))
    return ir.FString(parts=_merged(parts), span=ctx.span(node))


def _merged(parts: Sequence[Part]) -> tuple[Part, ...]:
    """Adjacent text parts joined, empty ones dropped: one canonical shape per f-string."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return tuple(out)


def _text(raw: str, node: cst.FormattedString) -> str:
    """A text part's value: `{{`/`}}` unescaped, then the string escapes of a non-raw prefix."""
    text = raw.replace("{{", "{").replace("}}", "}")
    if "r" in node.prefix.lower():  # no escapes: `rf'\{x}'` is a backslash and x
        return text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `\d` and the like: kept as written, as CPython does
        value = ast.literal_eval("'''" + _quoted(text) + "'''")
    assert isinstance(value, str)
    return value


def _quoted(text: str) -> str:
    r"""`text` as the body of a `'''` literal of the same value, whatever quotes the f-string used:
    escapes as written, each bare quote escaped (a part may end with one: `f'''don'{a}'''`), a
    named escape read back from its shielded spelling (`named_escapes`), and a last lone
    backslash (the invalid escape before a field, `f'\{x}'`, which Python keeps) doubled."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\":
            out.append("\\" + char if char in "'\"" else char)
            index += 1
        elif (named := unshield(text, index + 1)) is not None:
            out.append("\\" + named[0])
            index = named[1]
        else:
            out.append(text[index : index + 2] if index + 1 < len(text) else "\\\\")
            index += 2
    return "".join(out)


def _parts(
    parts: Sequence[cst.BaseFormattedStringContent], node: cst.FormattedString, ctx: Ctx
) -> tuple[Part, ...]:
    out: list[Part] = []
    for part in parts:
        if isinstance(part, cst.FormattedStringText):
            out.append(_text(part.value, node))
        else:
            assert isinstance(part, cst.FormattedStringExpression)
            out += _expression_part(part, node, ctx)
    return _merged(out)


def _expression_part(
    part: cst.FormattedStringExpression, node: cst.FormattedString, ctx: Ctx
) -> list[Part]:
    value = lower_expr(part.expression, ctx)
    spec = None
    if part.format_spec is not None:
        spec = ir.FString(parts=_parts(part.format_spec, node, ctx), span=ctx.span(part))
    conversion = _CONVERSIONS[part.conversion]
    prefix: list[Part] = []
    if part.equal is not None:
        # `{x=}` prints the source text, then repr() unless a conversion or spec is given.
        prefix.append(_debug_text(part, ctx))
        if conversion is None and spec is None:
            conversion = "r"
    if conversion in (None, "s") and spec is None:  # a class's own `__str__`, if any
        value = text_of(value, "__str__", ctx)
    elif conversion == "r" and (shown := text_of(value, "__repr__", ctx)) is not value:
        value, conversion = shown, None  # a class's own `__repr__`: its text, as it is
    formatted = ir.FormattedValue(
        value=value, conversion=conversion, spec=spec, span=ctx.span(part)
    )
    return [*prefix, formatted]


def text_of(value: ir.Expr, method: str, ctx: Ctx) -> ir.Expr:
    """`value` read through the `__str__` or `__repr__` (`method`) of the classes that define
    one (`lower.properties`), or `value` itself when none does."""
    reader = None if ctx.functions is None else ctx.functions.property(method)
    if reader is None:
        return value
    return ir.HelperCall(name=reader, args=(value,), kwargs=(), span=getattr(value, "span", None))


def _debug_text(part: cst.FormattedStringExpression, ctx: Ctx) -> str:
    assert part.equal is not None
    return "".join(
        (
            ctx.code(part.whitespace_before_expression),
            ctx.code(part.expression),
            ctx.code(part.whitespace_after_expression),
            ctx.code(part.equal.whitespace_before),
            "=",
            ctx.code(part.equal.whitespace_after),
        )
    )


@expression
def lower_FormattedString(node: cst.FormattedString, ctx: Ctx) -> ir.Expr:
    if "b" in node.prefix.lower():
        return ctx.error(UNSUPPORTED_LITERAL, node, "bytes literals are not supported", "bytes")
    return ir.FString(parts=_parts(node.parts, node, ctx), span=ctx.span(node))
