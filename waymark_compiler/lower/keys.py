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

A key computed at run time (`key=ORDERINGS[order]`, `key=by_date if newest else by_id`, a local
variable, a call that returns a function) is evaluated once, after the iterable and with the
other arguments in their order, before the call (`held`), and called on each item as a value:
a missing table key raises its `KeyError` for an empty list too, as in CPython. So is the
receiver of a pure method (`key=tables[name].get`, `functional.applied`). A `reverse=`
that is more than a name or a number is held the same way, so it is evaluated once.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.compare_keys import compare_extreme, compare_sorted, compared
from waymark_compiler.lower.constants import constant_table
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.functional import FUNCTION_HELP, applied
from waymark_compiler.lower.held import Holds, bound_first, called, picked
from waymark_compiler.rules.expressions import FUNCTION_VALUE
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
    key_node, item = options["key"], ctx.temp()
    holds: Holds = []  # what the key function evaluates once (`tables[name].get`'s table)
    hold_key = picked(key_node, ctx)
    found = None if hold_key else applied(key_node, (item,), holds, ctx)
    hold_key = hold_key or (found is None and called(key_node, ctx))
    if not hold_key and found is None:
        return ctx.error(FUNCTION_VALUE, key_node, *_KEY_ERROR)
    flag = options.get("reverse")  # read per item: held unless a name or a number
    simple_flag = flag is None or isinstance(flag, cst.Name | cst.Integer)
    if found is not None and not holds and simple_flag:
        key = (found[0], found[1][0])  # nothing to evaluate before the call
        lowered = {o: lower_expr(v, ctx) for o, v in options.items() if o != "key"}
        return _decorated(name, iterable, key, lowered, ctx, span)
    # the arguments evaluated once, in order, before the call, as CPython evaluates them
    first = ir.Name(id=ctx.temp(), span=span)
    pairs: Holds = [(first, iterable)]
    given: dict[str, ir.Expr] = {}
    for option, value in options.items():
        if option == "key" and not hold_key:
            pairs.extend(holds)
            continue
        name_of = ir.Name(id=ctx.temp(), span=span)
        given[option] = name_of
        pairs.append((name_of, lower_expr(value, ctx)))
    if found is not None:
        key = (found[0], found[1][0])
    else:
        args = (ir.Name(id=item, span=span),)
        key = (ir.CallValue(callee=given.pop("key"), args=args, kwargs=(), span=span), item)
    return bound_first(pairs, _decorated(name, first, key, given, ctx, span), span)


def _decorated(
    name: str,
    iterable: ir.Expr,
    key: tuple[ir.Expr, str],
    options: dict[str, ir.Expr],
    ctx: Ctx,
    span: ir.Span | None,
) -> ir.Expr:
    """`sorted`, `min` or `max` of the items decorated with their `key` (the key of an item
    and the name the item is bound to) and position; the options are `reverse` and `default`,
    lowered."""
    index = ctx.temp()
    key_expr, item_name = key
    reverse = options.get("reverse")
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
            fallback = ir.TupleExpr(elts=(none, none, options["default"]))
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
