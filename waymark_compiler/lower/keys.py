"""`sorted`, `min` and `max` with a `key=`: a function value as `functional.applied` reads it — a
pure builtin (`key=len`), a pure method (`key=d.get`, `key=str.lower`), a `math` function or a
lambda whose body is a pure expression (`key=lambda u: u.age`).

Builtins and lambdas are not values in the runtime language, so the call is lowered to what it
computes: each item decorated with its key and its position, the builtin applied to those
triples, the item taken back. `sorted(xs, key=f)` becomes
`[t[2] for t in sorted([(f(x), i, x) for i, x in enumerate(xs)])]`: keys compare first, the
position breaks ties (stable, as CPython's sort; negated for `reverse=True` and for `max`, so
the first of equal items still wins) and items are never compared themselves. The key is
computed once per item, as in CPython. (`min`/`max` compute every key before comparing, where
CPython interleaves the two: only which of two errors is reported could differ.)
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.compare_keys import compare_extreme, compare_sorted, compared
from waymark_compiler.lower.computed import is_computed
from waymark_compiler.lower.constants import constant_table
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.functional import FUNCTION_HELP, applied
from waymark_compiler.rules.expressions import FUNCTION_VALUE
from waymark_compiler.symbols import FunctionSym
from waymark_runtime import ir

KEYED = frozenset({"sorted", "min", "max"})
_OPTIONS = {
    "sorted": frozenset({"key", "reverse"}),
    "min": frozenset({"key", "default"}),
    "max": frozenset({"key", "default"}),
}


def has_key(node: cst.Call) -> bool:
    """A `key=` other than `key=None` (which is a plain argument, as in CPython)."""
    return any(
        a.keyword is not None
        and a.keyword.value == "key"
        and not (isinstance(a.value, cst.Name) and a.value.value == "None")
        for a in node.args
    )


def keyed_call(name: str, node: cst.Call, ctx: Ctx) -> ir.Expr:
    positional = [a for a in node.args if a.keyword is None]
    options = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    bad = any(a.star for a in node.args) or not positional or set(options) - _OPTIONS[name]
    if bad or (len(positional) != 1 and (name == "sorted" or "default" in options)):
        help = ("call it with one iterable (and `reverse=` for `sorted`, `default=` for `min` "
                "and `max`), or sort in an action")  # fmt: skip
        message = f"`{name}` with `key=` and these arguments"
        return ctx.error(FUNCTION_VALUE, node, message, "unsupported form", help)
    return keyed(name, node, _iterable(positional, ctx), options, ctx)


def sort_in_place(node: cst.BaseExpression, ctx: Ctx) -> ir.Assign | None:
    """`xs.sort(key=f, reverse=r)` as a statement: `xs[:] = sorted(xs, key=f, reverse=r)`,
    sorted in place as `list.sort` sorts (every alias of the list sees the new order). None
    for any other statement (a `sort` without `key=` is the plain method)."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
        return None
    options = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    plain = any(a.keyword is None or a.star for a in node.args) or set(options) - _OPTIONS["sorted"]
    if node.func.attr.value != "sort" or plain or not has_key(node):
        return None
    if constant_table(node.func.value, ctx) is not None:
        return None  # refused as a change of the table (`method_call`)
    receiver, span = node.func.value, ctx.span(node)
    ordered = keyed("sorted", node, lower_expr(receiver, ctx), options, ctx)
    whole = ir.Slice(lower=None, upper=None, step=None, span=span)
    target = ir.Subscript(value=lower_expr(receiver, ctx), index=whole, span=span)
    return ir.Assign(targets=(target,), value=ordered, span=span)


def keyed(
    name: str,
    node: cst.Call,
    iterable: ir.Expr,
    options: dict[str, cst.BaseExpression],
    ctx: Ctx,
) -> ir.Expr:
    span = ctx.span(node)
    compare = compared(options["key"], ctx)
    if compare is not None and name == "sorted":  # `key=cmp_to_key(compare)`
        reverse = lower_expr(options["reverse"], ctx) if "reverse" in options else None
        return compare_sorted(iterable, compare, reverse, ctx)
    if compare is not None:
        default = lower_expr(options["default"], ctx) if "default" in options else None
        return compare_extreme(name, iterable, compare, default, ctx)
    index, item = ctx.temp(), ctx.temp()
    key = _key(options["key"], item, ctx)
    if key is None:
        return ctx.error(FUNCTION_VALUE, options["key"], *_KEY_ERROR)
    key_expr, item_name = key
    reverse = lower_expr(options["reverse"], ctx) if "reverse" in options else None
    position: ir.Expr = ir.Name(id=index, span=span)
    backwards = ir.UnaryOp(op="-", operand=position, span=span)
    if name == "max":
        position = backwards
    elif reverse is not None:
        position = ir.IfExp(test=reverse, body=backwards, orelse=position, span=span)
    triple = ir.TupleExpr(elts=(key_expr, position, ir.Name(id=item_name, span=span)), span=span)
    numbered = ir.Call(func="enumerate", args=(iterable,), kwargs=(), span=span)
    pairs = ir.TupleExpr(elts=(ir.Name(id=index, span=span), ir.Name(id=item_name, span=span)))
    source = ir.Generator(target=pairs, iter=numbered, ifs=(), span=span)
    decorated = ir.Comprehension(
        kind="list", elt=triple, value=None, generators=(source,), span=span
    )
    third = ir.Const(value=2, span=span)
    if name != "sorted":
        extra: tuple[ir.Keyword, ...] = ()
        if "default" in options:  # a triple whose item is the default: `[2]` takes it out
            none = ir.Const(value=None, span=span)
            fallback = ir.TupleExpr(elts=(none, none, lower_expr(options["default"], ctx)))
            extra = (ir.Keyword(name="default", value=fallback, span=span),)
        chosen = ir.Call(func=name, args=(decorated,), kwargs=extra, span=span)
        return ir.Subscript(value=chosen, index=third, span=span)
    flags = () if reverse is None else (ir.Keyword(name="reverse", value=reverse, span=span),)
    ranked = ir.Call(func="sorted", args=(decorated,), kwargs=flags, span=span)
    entry = ir.Name(id=ctx.temp(), span=span)
    back = ir.Generator(target=entry, iter=ranked, ifs=(), span=span)
    taken = ir.Subscript(value=entry, index=third, span=span)
    return ir.Comprehension(kind="list", elt=taken, value=None, generators=(back,), span=span)


_KEY_ERROR = (
    "`key=` is not a pure builtin, a pure method, a `math` function or a one-parameter lambda",
    "unsupported key",
    FUNCTION_HELP,
)


def _iterable(positional: Sequence[cst.Arg], ctx: Ctx) -> ir.Expr:
    """One argument is the iterable; several (`max(a, b, key=f)`) are the items."""
    if len(positional) == 1:
        return lower_expr(positional[0].value, ctx)
    items = tuple(lower_expr(a.value, ctx) for a in positional)
    return ir.TupleExpr(elts=items, span=ctx.span(positional[0]))


def _key(node: cst.BaseExpression, item: str, ctx: Ctx) -> tuple[ir.Expr, str] | None:
    """The key of one item and the name the item is bound to, or None when not supported."""
    found = applied(node, (item,), ctx)
    if found is None and _picked(node, ctx):  # `key=order`, `order = by_date if x else by_id`
        span = ctx.span(node)
        args = (ir.Name(id=item, span=span),)
        return ir.CallValue(callee=lower_expr(node, ctx), args=args, kwargs=(), span=span), item
    return None if found is None else (found[0], found[1][0])


def _picked(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Is `node` a function value read without calling anything: a local variable, a
    conditional of them or an item of a table (`KEYS[kind]`)? Reading it once per item, as the
    lowering does, gives what CPython's one read gives; a value that is not a function raises
    its `TypeError` at the first item, as there."""
    if isinstance(node, cst.IfExp):  # `by_date if newest else by_id`: each a function
        return all(_picked(b, ctx) or _function(b, ctx) for b in (node.body, node.orelse))
    return isinstance(node, cst.Name | cst.Subscript) and is_computed(node, ctx)


def _function(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """A synchronous function of the user's code named as a value (`by_date`, `self.rank`)."""
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    if isinstance(symbol, FunctionSym):
        return not symbol.is_async
    self_helper = isinstance(node, cst.Attribute) and ctx.is_self(node.value)
    return self_helper and ctx.helpers.get(node.attr.value) is False  # type: ignore[attr-defined]
