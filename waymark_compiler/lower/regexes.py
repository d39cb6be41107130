"""The forms of `re` the runtime cannot keep, refused where they are written: a function as the
replacement of `re.sub` (a function cannot be stored) and `re.finditer` (an iterator of
matches); the other functions of `vocabulary.RE_FUNCTIONS` are plain calls.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.rules.expressions import FUNCTION_VALUE, UNSUPPORTED_CALL
from waymark_compiler.symbols import ConstSym, ExternalSym, VariableSym
from waymark_runtime import ir


def substitution(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`re.sub(pattern, repl, string, ...)` (and `subn`) with a replacement string."""
    symbol = ctx.symbol(node.func)
    assert isinstance(symbol, ExternalSym)
    positional = [a for a in node.args if a.keyword is None and not a.star]
    named = {a.keyword.value: a for a in node.args if a.keyword is not None}
    repl = named["repl"].value if "repl" in named else None
    if repl is None and len(positional) > 1:
        repl = positional[1].value
    if repl is not None and _is_function(repl, ctx):
        name = ctx.code(node.func)
        help = (r"write the replacement as a string (`\1`, `\g<name>` refer to groups), or "
                "substitute in an action")  # fmt: skip
        message = f"a function as the replacement of `{name}`: a function is not a workflow value"
        return ctx.error(FUNCTION_VALUE, repl, message, "a function", help)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.Call(func=symbol.qualname, args=args, kwargs=kwargs, span=ctx.span(node))


def _is_function(node: cst.BaseExpression, ctx: Ctx) -> bool:
    if isinstance(node, cst.Lambda):
        return True
    if not isinstance(node, cst.Name | cst.Attribute):
        return False
    if isinstance(node, cst.Attribute) and ctx.is_self(node.value):
        return True  # a helper method
    symbol = ctx.symbol(node)
    return symbol is not None and not isinstance(symbol, VariableSym | ConstSym)


def regex_iterator(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`re.finditer(...)`: an iterator over match objects."""
    help = ("use `re.findall(...)` for the texts, or `re.search` on the rest of the string for "
            "each match; or match in an action")  # fmt: skip
    message = "`re.finditer` returns an iterator of matches, which a workflow does not keep"
    return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported call", help)
