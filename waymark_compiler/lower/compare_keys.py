"""`sorted(xs, key=functools.cmp_to_key(compare))` and `xs.sort(key=cmp_to_key(compare))`:
lowered to a call of `prelude.cmp_sorted`, a merge sort compiled with the workflow as one of
its helpers, which calls `compare` (a function value) on pairs of items; `min` and `max` with
such a key to `prelude.cmp_extreme`, which keeps the best item as CPython does.

A key that `cmp_to_key` makes is an object only a sort compares, which the runtime has no
value for; the sort that asks the comparison function is the whole of what it is used for.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.finder import PRELUDE
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.expressions import LAMBDA
from waymark_compiler.symbols import ExternalSym, FunctionSym
from waymark_runtime import ir

CMP_TO_KEY = ExternalSym("functools.cmp_to_key")


def compared(node: cst.BaseExpression, ctx: Ctx) -> cst.BaseExpression | None:
    """`compare` of a `key=` that is `cmp_to_key(compare)`, else None."""
    if not isinstance(node, cst.Call) or ctx.symbol(node.func) != CMP_TO_KEY:
        return None
    if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
        return None
    return node.args[0].value


def compare_sorted(
    iterable: ir.Expr, compare: cst.BaseExpression, reverse: ir.Expr | None, ctx: Ctx
) -> ir.Expr:
    """`sorted(iterable, key=cmp_to_key(compare), reverse=reverse)` as a call of the
    prelude's merge sort."""
    flag = reverse if reverse is not None else ir.Const(value=False, span=ctx.span(compare))
    return _prelude_call("cmp_sorted", (iterable, flag), compare, ctx)


def compare_extreme(
    name: str, iterable: ir.Expr, compare: cst.BaseExpression, default: ir.Expr | None, ctx: Ctx
) -> ir.Expr:
    """`min` or `max` (`name`) of `iterable` with `key=cmp_to_key(compare)` and `default=`
    (where given) as a call of the prelude's `cmp_extreme`."""
    span = ctx.span(compare)
    largest = ir.Const(value=name == "max", span=span)
    given = ir.Const(value=default is not None, span=span)
    fallback = default if default is not None else ir.Const(value=None, span=span)
    return _prelude_call("cmp_extreme", (iterable, largest, fallback, given), compare, ctx)


def _prelude_call(
    function: str, args: tuple[ir.Expr, ...], compare: cst.BaseExpression, ctx: Ctx
) -> ir.Expr:
    """A call of the prelude's `function` with `compare` (a function value) as its second
    argument, after the first of `args`; a lambda as `compare` is refused."""
    if isinstance(compare, cst.Lambda):
        help = "assign the lambda to a name first (`compare = lambda a, b: ...`), or use a `def`"
        message = "a lambda as the comparison of `cmp_to_key`"
        return ctx.error(LAMBDA, compare, message, "a lambda is not a value here", help)
    span = ctx.span(compare)
    prelude = ctx.resolver.finder.namespace(PRELUDE)  # read as the user's modules are
    symbol = None if prelude is None else ctx.resolver.at(prelude).lookup(function)
    helper = None
    if isinstance(symbol, FunctionSym) and ctx.functions is not None:
        helper = ctx.functions.helper(symbol)
    if helper is None:
        raise AssertionError(f"the prelude's `{function}` is not a helper: {symbol!r}")
    first, *rest = args
    return ir.HelperCall(
        name=helper, args=(first, lower_expr(compare, ctx), *rest), kwargs=(), span=span
    )
