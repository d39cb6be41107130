"""`print(...)` as a statement: the text CPython would write to stdout (`ir.Log` of kind
`print`), which the instance's log keeps as `info` lines, as stdout would show them.

The items are formatted with `str`, joined by `sep` and followed by `end` (both string
literals, or None for the defaults): the text is the format `'%s<sep>%s<end>'` of the items,
so `logging`'s formatting makes it. Writing anywhere else (`file=`), a computed `sep` or `end`
and `*items` are refused (WM103): the line must be known from the call.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.expressions import NONDETERMINISTIC_CALL
from waymark_compiler.symbols import ExternalSym
from waymark_runtime import ir

_HELP = "print positional items with literal `sep` and `end`, or use `self.log.info(...)`"


def is_print(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `node` a call of the builtin `print` (not a local or module name `print`)?"""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "print"
        and not ctx.is_local("print")
        and ctx.symbol(node.func) == ExternalSym("builtins.print")
    )


def _text(arg: cst.Arg, default: str) -> str | None:
    """The literal string (or None: `default`) `sep=` or `end=` gives, None when computed."""
    value = arg.value
    if isinstance(value, cst.Name) and value.value == "None":
        return default
    if isinstance(value, cst.SimpleString | cst.ConcatenatedString):
        text = value.evaluated_value
        return text if isinstance(text, str) else None
    return None


def lower_print(node: cst.Call, ctx: Ctx) -> list[ir.Stmt]:
    texts = {"sep": " ", "end": "\n"}
    items: list[ir.Expr] = []
    for arg in node.args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword in texts and (text := _text(arg, texts[str(keyword)])) is not None:
            texts[str(keyword)] = text
        elif keyword == "flush":
            lower_expr(arg.value, ctx)  # (checked only: the log has nothing to flush)
        elif keyword is None and not arg.star:
            items.append(lower_expr(arg.value, ctx))
        else:
            what = f"`{keyword}=`" if keyword else f"`{arg.star}` items"
            refusal = f"`print()` with {what}"
            ctx.error(NONDETERMINISTIC_CALL, arg, refusal, "not a log line", _HELP)
            return []
    sep, end = texts["sep"], texts["end"]
    # `logging` applies `%` only when there are arguments: escape the literal text then
    line = _escaped(sep).join(["%s"] * len(items)) + _escaped(end) if items else end
    message = ir.Const(value=line, span=ctx.span(node))
    return [ir.Log(level="print", message=message, args=tuple(items), span=ctx.span(node))]


def _escaped(text: str) -> str:
    return text.replace("%", "%%")
