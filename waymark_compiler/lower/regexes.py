"""`re.sub` and `re.subn` with a function as the replacement, which is not a value: lowered to
what it computes. `re.sub(p, f, s, count, flags)` is
`[join(m, (f(x) for x in m)) for m in [matches(p, s, count, flags)]][0]`: the runtime finds the
matches, the function is called on each, in order, and the runtime joins the text and the
replacements (`vocabulary.SUBSTITUTION`). With a replacement string it is a plain call, like the
other functions of `vocabulary.RE_FUNCTIONS`. A compiled pattern's own `pattern.sub(f, s)` is
lowered alike, the pattern its first argument.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.cells import is_closure
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.functional import FUNCTION_HELP, applied
from waymark_compiler.lower.held import Holds
from waymark_compiler.rules.expressions import FUNCTION_VALUE
from waymark_compiler.symbols import ConstSym, ExternalSym, VariableSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import SUBSTITUTED, SUBSTITUTION


def substitution(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`re.sub(pattern, repl, string, ...)` (and `subn`)."""
    symbol = ctx.symbol(node.func)
    assert isinstance(symbol, ExternalSym)
    repl = _replacement(node, 1)
    if repl is None or not _is_function(repl.value, ctx):
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func=symbol.qualname, args=args, kwargs=kwargs, span=ctx.span(node))
    return _replaced(node, repl, SUBSTITUTION[symbol.qualname], (), ctx)


def pattern_substitution(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """`pattern.sub(f, string[, count])` (and `subn`) with a function `f`, lowered as
    `re.sub(pattern, f, ...)` is (the receiver must be a compiled pattern: else Python's
    `AttributeError`); None for any other call, a method call like the others."""
    method = func.attr.value
    repl = _replacement(node, 0) if method in ("sub", "subn") else None
    if repl is None or not _is_function(repl.value, ctx):
        return None
    if any(a.keyword is not None and a.keyword.value not in _OWN_KEYWORDS for a in node.args):
        return None  # Python's TypeError for the keyword, as the method call raises it
    receiver = lower_expr(func.value, ctx)
    return _replaced(node, repl, SUBSTITUTION[method], (receiver,), ctx)


_OWN_KEYWORDS = frozenset({"repl", "string", "count"})


def _replacement(node: cst.Call, position: int) -> cst.Arg | None:
    """The `repl` argument: `repl=`, else the positional one at `position`."""
    positional = [a for a in node.args if a.keyword is None and not a.star]
    named = [a for a in node.args if a.keyword is not None and a.keyword.value == "repl"]
    return named[0] if named else positional[position] if len(positional) > position else None


def _replaced(
    node: cst.Call, repl: cst.Arg, matches_of: str, first: tuple[ir.Expr, ...], ctx: Ctx
) -> ir.Expr:
    """`[join(m, (f(x) for x in m)) for m in [matches_of(*first, ...)]][0]`, the call's other
    arguments after `first`."""
    span, item = ctx.span(node), ctx.temp()
    holds: Holds = []  # empty: `_is_function` takes no value whose parts are evaluated once
    function = applied(repl.value, (item,), holds, ctx)
    if function is None or holds or any(a.star for a in node.args):
        name = ctx.code(node.func)
        message = f"this function as the replacement of `{name}`"
        return ctx.error(FUNCTION_VALUE, repl, message, "unsupported function", FUNCTION_HELP)
    args, kwargs = lower_arguments([a for a in node.args if a is not repl], ctx)
    found = ir.Call(func=matches_of, args=(*first, *args), kwargs=kwargs, span=span)
    matches = ir.Name(id=ctx.temp(), span=span)
    replaced, bound = function
    each = ir.Generator(target=ir.Name(id=bound[0], span=span), iter=matches, ifs=(), span=span)
    calls = ir.Comprehension(kind="gen", elt=replaced, value=None, generators=(each,), span=span)
    joined = ir.Call(func=SUBSTITUTED, args=(matches, calls), kwargs=(), span=span)
    once = ir.Generator(
        target=matches, iter=ir.ListExpr(elts=(found,), span=span), ifs=(), span=span
    )
    result = ir.Comprehension(kind="list", elt=joined, value=None, generators=(once,), span=span)
    return ir.Subscript(value=result, index=ir.Const(value=0, span=span), span=span)


def _is_function(node: cst.BaseExpression, ctx: Ctx) -> bool:
    if isinstance(node, cst.Lambda) or is_closure(node):
        return True
    if not isinstance(node, cst.Name | cst.Attribute):
        return False
    if isinstance(node, cst.Attribute) and ctx.is_self(node.value):
        return True  # a helper method
    symbol = ctx.symbol(node)
    return symbol is not None and not isinstance(symbol, VariableSym | ConstSym)
