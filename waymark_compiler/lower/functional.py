"""The function values `map`, `filter` (`mapping`), `key=` and the `itertools`/`functools`
calls here accept, and `dict.fromkeys`.

Builtins and lambdas are not values in the runtime language, so these calls are lowered to the
comprehensions they stand for. `dict.fromkeys(keys, value)` is a dict comprehension that evaluates `value` once, after `keys`.

A function value (`applied`) is a lambda whose body is a pure expression, a pure builtin, a
pure method of a value (`d.get`), a pure method of a builtin type (`str.strip`, called on the
item), a `math` function, a synchronous helper (`version_key`, `self.rank`), an `operator`
function standing for an operator (`operator.add` is `a + b`),
`operator.itemgetter`/`attrgetter`, or a value's operator method (`usage.__getitem__`).

`functools.reduce(f, xs, start)` (or `initial=start`, which the runtime takes where its Python
does) is a generator expression that rebinds the accumulator to
`f(acc, x)` for each item, between two runtime halves that make the iterator and the first
accumulator and take the last one (`vocabulary.REDUCE_START`).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.literals import string_value
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.bound_dunders import bound_dunder
from waymark_compiler.lower.cells import is_closure
from waymark_compiler.lower.computed import is_computed
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.held import Holds, bound_first, first, hold, leading
from waymark_compiler.rules.expressions import FUNCTION_VALUE
from waymark_compiler.symbols import BuiltinSym, ClassSym, ExternalSym, FunctionSym
from waymark_compiler.tables import BUILTIN_TYPES
from waymark_runtime import ir
from waymark_runtime.vocabulary import (
    ACCUMULATE_RESULT,
    ACCUMULATE_START,
    DROP_WHILE,
    PURE_FUNCTIONS,
    PURE_METHODS,
    REDUCE_RESULT,
    REDUCE_START,
    STANDARD_FUNCTIONS,
    TAKE_WHILE,
)

FUNCTION_HELP = "write `lambda item: ...` with a pure expression, or a pure builtin or method"


def applied(
    node: cst.BaseExpression, names: Sequence[str], holds: Holds, ctx: Ctx
) -> tuple[ir.Expr, tuple[str, ...]] | None:
    """The function `node` applied to `len(names)` items, and the names the items are bound
    to (a lambda's own parameters, else `names`); None when `node` is not a function value.

    What CPython evaluates once, where the argument is evaluated (the receiver of
    `tables[name].get`, a variable holding a function, the keys of `itemgetter(k)`), is
    added to `holds`, for the caller to bind before the call (`held.bound_first`): a
    missing key raises for an empty iterable too, and a later rebinding is not seen."""
    span = ctx.span(node)
    if isinstance(node, cst.Lambda):
        params = plain_parameters(node.params)
        if params is None or len(params) != len(names):
            return None
        with ctx.comprehension(params, is_lambda=True):
            return lower_expr(node.body, ctx), params
    items = tuple(ir.Name(id=name, span=span) for name in names)
    bound = tuple(names)
    symbol = ctx.symbol(node)
    if isinstance(symbol, BuiltinSym) and symbol.name != "isinstance":
        return ir.Call(func=symbol.name, args=items, kwargs=(), span=span), bound
    if isinstance(symbol, ExternalSym) and (
        symbol.qualname in PURE_FUNCTIONS or symbol.qualname in STANDARD_FUNCTIONS
    ):
        return ir.Call(func=symbol.qualname, args=items, kwargs=(), span=span), bound
    if isinstance(symbol, ExternalSym) and (operation := _operation(symbol, items)) is not None:
        return operation, bound
    if is_closure(node) or (isinstance(node, cst.Name) and is_computed(node, ctx)):
        # a closure made here, or a variable holding a function (`key=scale`), read once
        callee = lower_expr(node, ctx) if is_closure(node) else hold(node, holds, ctx)
        return ir.CallValue(callee=callee, args=items, kwargs=(), span=span), bound
    if isinstance(node, cst.Call):
        getter = _getter(node, items, holds, ctx)
        return None if getter is None else (getter, bound)
    helper = _helper(node, symbol, ctx)
    if helper is not None:
        return ir.HelperCall(name=helper, args=items, kwargs=(), span=span), bound
    if (dunder := bound_dunder(node, items, holds, ctx)) is not None:  # `key=usage.__getitem__`
        return dunder, bound
    if not isinstance(node, cst.Attribute) or node.attr.value not in PURE_METHODS:
        return None
    method = node.attr.value
    if builtin_type(ctx.symbol(node.value)):
        if not items:  # `str.strip` called on the item: the item is the receiver
            return None
        call = ir.MethodCall(obj=items[0], method=method, args=items[1:], kwargs=(), span=span)
        return call, bound
    if symbol is None and not ctx.is_self(node.value):
        receiver = hold(node.value, holds, ctx)  # `tables[name].get`: the table read once
        return ir.MethodCall(obj=receiver, method=method, args=items, kwargs=(), span=span), bound
    return None


def _helper(node: cst.BaseExpression, symbol: object, ctx: Ctx) -> str | None:
    """A synchronous helper named as a function (`key=version_key`, `key=self.rank`): its name."""
    if isinstance(symbol, FunctionSym) and not symbol.is_async and ctx.functions is not None:
        return ctx.functions.helper(symbol)
    if isinstance(node, cst.Attribute) and ctx.is_self(node.value):
        name = node.attr.value
        return name if ctx.helpers.get(name) is False else None
    return None


_BINARY: dict[str, ir.BinOperator] = {
    "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
    "pow": "**", "and_": "&", "or_": "|", "xor": "^", "lshift": "<<", "rshift": ">>",
    "matmul": "@",
}  # fmt: skip
_COMPARE: dict[str, ir.CompareOperator] = {
    "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
}  # fmt: skip
_UNARY: dict[str, ir.UnaryOperator] = {"neg": "-", "pos": "+", "not_": "not", "invert": "~"}
BINARY_NAMES = frozenset(_BINARY) | frozenset(_COMPARE)  # `operator` functions of two items
UNARY_NAMES = frozenset(_UNARY)


def _operation(symbol: ExternalSym, items: tuple[ir.Name, ...]) -> ir.Expr | None:
    """`operator.add` (both modules' names) applied to two items as `a + b`, `operator.neg` to
    one as `-a`: the operator it stands for, with the operator's own errors."""
    module, _, name = symbol.qualname.rpartition(".")
    if module not in ("operator", "_operator"):
        return None
    span = items[0].span if items else None
    if len(items) == 2 and name in _BINARY:
        return ir.BinOp(op=_BINARY[name], left=items[0], right=items[1], span=span)
    if len(items) == 2 and name in _COMPARE:
        ops = (_COMPARE[name],)
        return ir.Compare(left=items[0], ops=ops, comparators=items[1:], span=span)
    if len(items) == 1 and name in _UNARY:
        return ir.UnaryOp(op=_UNARY[name], operand=items[0], span=span)
    return None


def _getter(node: cst.Call, items: tuple[ir.Name, ...], holds: Holds, ctx: Ctx) -> ir.Expr | None:
    """`operator.itemgetter(k, ...)` and `operator.attrgetter("a.b", ...)` applied to one item:
    `item[k]` or `item.a.b`, a tuple of them for several keys (each key evaluated once)."""
    symbol = ctx.symbol(node.func)
    kinds = {ExternalSym("operator.itemgetter"): "item", ExternalSym("operator.attrgetter"): "attr"}
    kind = kinds.get(symbol) if isinstance(symbol, ExternalSym) else None
    if kind is None or len(items) != 1 or not node.args:
        return None
    if any(arg.keyword is not None or arg.star for arg in node.args):
        return None
    span = ctx.span(node)
    parts: list[ir.Expr] = []
    for arg in node.args:
        if kind == "item":
            key = hold(arg.value, holds, ctx)
            parts.append(ir.Subscript(value=items[0], index=key, span=span))
            continue
        path = string_value(arg.value) if isinstance(arg.value, cst.SimpleString) else None
        if not isinstance(path, str) or not all(p.isidentifier() for p in path.split(".")):
            return None
        value: ir.Expr = items[0]
        for part in path.split("."):
            value = ir.Attribute(value=value, attr=part, span=span)
        parts.append(value)
    return parts[0] if len(parts) == 1 else ir.TupleExpr(elts=tuple(parts), span=span)


def builtin_type(symbol: object) -> bool:
    """`str`, `dict`, ...: the symbol of a builtin type, whose methods are called on the item."""
    if isinstance(symbol, BuiltinSym):
        return symbol.name in BUILTIN_TYPES
    return isinstance(symbol, ClassSym) and symbol.path.removeprefix("builtins:") in BUILTIN_TYPES


def plain_parameters(params: cst.Parameters) -> tuple[str, ...] | None:
    """The names of a lambda's parameters when all are plain (no defaults, `*`, `**`)."""
    plain = list(params.params)
    starred = isinstance(params.star_arg, cst.Param | cst.ParamStar)
    if params.posonly_params or params.kwonly_params or starred or params.star_kwarg:
        return None
    if any(p.default is not None for p in plain):
        return None
    return tuple(p.name.value for p in plain)


def while_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`itertools.takewhile(f, xs)` as `take(((x, f(x)) for x in xs))`, and `dropwhile(f, xs)`
    as `[drop(((x, f(x)) for x in it), it) for it in [iter(xs)]][0]`: the runtime reads the
    pairs lazily, so `f` runs on the items CPython runs it on (`vocabulary.TAKE_WHILE`)."""
    symbol = ctx.symbol(node.func)
    dropping = isinstance(symbol, ExternalSym) and symbol.qualname == "itertools.dropwhile"
    name = "dropwhile" if dropping else "takewhile"
    args = positional(node)
    if args is None or len(args) != 2:
        return refuse_form(node, name, f"`{name}(predicate, iterable)`", ctx)
    span = ctx.span(node)
    holds: Holds = []
    function = applied(args[0].value, (ctx.temp(),), holds, ctx)
    items = hold(args[1].value, holds, ctx) if holds else lower_expr(args[1].value, ctx)
    if function is None:
        return ctx.error(FUNCTION_VALUE, args[0], *FUNCTION_ERROR)
    answer, (bound,) = function
    item = ir.Name(id=bound, span=span)
    held = ir.Name(id=ctx.temp(), span=span)  # `dropwhile`'s iterator of the items
    source = held if dropping else items
    each = ir.Generator(target=item, iter=source, ifs=(), span=span)
    pair = ir.TupleExpr(elts=(item, answer), span=span)
    pairs = ir.Comprehension(kind="gen", elt=pair, value=None, generators=(each,), span=span)
    if not dropping:
        taken = ir.Call(func=TAKE_WHILE, args=(pairs,), kwargs=(), span=span)
        return bound_first(holds, taken, span)
    dropped = ir.Call(func=DROP_WHILE, args=(pairs, held), kwargs=(), span=span)
    made = ir.Call(func="iter", args=(items,), kwargs=(), span=span)
    once = ir.Generator(target=held, iter=ir.ListExpr(elts=(made,), span=span), ifs=(), span=span)
    listed = ir.Comprehension(kind="list", elt=dropped, value=None, generators=(once,), span=span)
    return bound_first(holds, ir.Subscript(value=listed, index=_ZERO, span=span), span)


def accumulate_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`itertools.accumulate(xs, f[, initial=v])` (`func=f` too) as
    `[result(p, a, (a for a in [a] for x in it for a in [f(a, x)])) for it, a, p in
    [start(xs, initial=v)]][0]`: the running value rebound to `f(a, x)` item by item, lazily,
    as CPython's iterator computes it; without a function (or `None`), the runtime's own."""
    span = ctx.span(node)
    named = {a.keyword.value: a for a in node.args if a.keyword is not None}
    plain = [a for a in node.args if a.keyword is None]
    function = named.get("func") or (plain[1] if len(plain) > 1 else None)
    if any(a.star for a in node.args) or set(named) - {"func", "initial"} or len(plain) > 2:
        return refuse_form(node, "accumulate", "`accumulate(iterable, function, initial=...)`", ctx)
    if function is None or is_none(function.value):
        kept = [a for a in node.args if a is not function]
        args, kwargs = lower_arguments(kept, ctx)
        return ir.Call(func="itertools.accumulate", args=args, kwargs=kwargs, span=span)
    if not plain:
        return refuse_form(node, "accumulate", "`accumulate(iterable, function, initial=...)`", ctx)
    holds = leading(plain[0].value, ctx)
    applied_function = applied(function.value, (ctx.temp(), ctx.temp()), holds, ctx)
    items, holds = first(holds)
    initial = tuple(
        ir.Keyword(name="initial", value=lower_expr(a.value, ctx))
        for a in node.args
        if a is named.get("initial")
    )
    if applied_function is None:
        return ctx.error(FUNCTION_VALUE, function, *FUNCTION_ERROR)
    step, (total, item) = applied_function
    acc, source = ir.Name(id=total, span=span), ir.Name(id=ctx.temp(), span=span)
    present = ir.Name(id=ctx.temp(), span=span)
    running = _running(acc, ir.Name(id=item, span=span), source, step, span)
    result = ir.Call(func=ACCUMULATE_RESULT, args=(present, acc, running), kwargs=(), span=span)
    start = ir.Call(func=ACCUMULATE_START, args=(items,), kwargs=initial, span=span)
    triple = ir.TupleExpr(elts=(source, acc, present), span=span)
    once = ir.Generator(
        target=triple, iter=ir.ListExpr(elts=(start,), span=span), ifs=(), span=span
    )
    results = ir.Comprehension(kind="list", elt=result, value=None, generators=(once,), span=span)
    return bound_first(holds, ir.Subscript(value=results, index=_ZERO, span=span), span)


_ZERO = ir.Const(value=0)


def _running(
    acc: ir.Name, item: ir.Name, items: ir.Expr, step: ir.Expr, span: ir.Span | None
) -> ir.Comprehension:
    """`(a for a in [a] for x in items for a in [step])`: each accumulator in turn, `step`
    computing the next from `a` and `x` (shared by `reduce` and `accumulate`)."""

    def clause(target: ir.Target, source: ir.Expr) -> ir.Generator:
        return ir.Generator(target=target, iter=source, ifs=(), span=span)

    def listed(value: ir.Expr) -> ir.ListExpr:
        return ir.ListExpr(elts=(value,), span=span)

    steps = (clause(acc, listed(acc)), clause(item, items), clause(acc, listed(step)))
    return ir.Comprehension(kind="gen", elt=acc, value=None, generators=steps, span=span)


def is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def reduce_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`functools.reduce(f, xs[, start])` as
    `[result(a, (a for a in [a] for x in it for a in [f(a, x)])) for it, a in [start(xs, ...)]][0]`:
    the accumulator rebound to `f(a, x)` item by item, in order, as CPython's loop does."""
    span = ctx.span(node)
    initial = [a for a in node.args if a.keyword is not None and a.keyword.value == "initial"]
    args = positional(node.with_changes(args=[a for a in node.args if a not in initial]))
    if args is None or len(args) not in (2, 3) or len(args) + len(initial) > 3:
        return refuse_form(node, "reduce", "`reduce(function, iterable[, initial])`", ctx)
    started = tuple(lower_expr(a.value, ctx) for a in args[1:])
    keywords = tuple(ir.Keyword(name="initial", value=lower_expr(a.value, ctx)) for a in initial)
    names = (ctx.temp(), ctx.temp())
    holds: Holds = []
    function = applied(args[0].value, names, holds, ctx)
    if function is None:
        return ctx.error(FUNCTION_VALUE, args[0], *FUNCTION_ERROR)
    step, (total, item) = function
    acc, items = ir.Name(id=total, span=span), ir.Name(id=ctx.temp(), span=span)
    accumulated = _running(acc, ir.Name(id=item, span=span), items, step, span)
    result = ir.Call(func=REDUCE_RESULT, args=(acc, accumulated), kwargs=(), span=span)
    start = ir.Call(func=REDUCE_START, args=started, kwargs=keywords, span=span)
    pair = ir.TupleExpr(elts=(items, acc), span=span)
    once = (
        ir.Generator(target=pair, iter=ir.ListExpr(elts=(start,), span=span), ifs=(), span=span),
    )
    results = ir.Comprehension(kind="list", elt=result, value=None, generators=once, span=span)
    return bound_first(holds, ir.Subscript(value=results, index=_ZERO, span=span), span)


def fromkeys_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`dict.fromkeys(keys, value=None)` as `{k: t[1] for t in [(keys, value)] for k in t[0]}`:
    the arguments evaluated once and in order, every key mapped to the same value."""
    span = ctx.span(node)
    args = positional(node)
    if args is None or not 1 <= len(args) <= 2:
        return refuse_form(node, "dict.fromkeys", "`dict.fromkeys(keys, value)`", ctx)
    keys = lower_expr(args[0].value, ctx)
    value = lower_expr(args[1].value, ctx) if len(args) == 2 else ir.Const(value=None, span=span)
    pair, key = ir.Name(id=ctx.temp(), span=span), ir.Name(id=ctx.temp(), span=span)
    once = ir.ListExpr(elts=(ir.TupleExpr(elts=(keys, value), span=span),), span=span)

    def part(index: int) -> ir.Expr:
        return ir.Subscript(value=pair, index=ir.Const(value=index, span=span), span=span)

    clauses = (
        ir.Generator(target=pair, iter=once, ifs=(), span=span),
        ir.Generator(target=key, iter=part(0), ifs=(), span=span),
    )
    return ir.Comprehension(kind="dict", elt=key, value=part(1), generators=clauses, span=span)


def positional(node: cst.Call) -> list[cst.Arg] | None:
    """The arguments when all are plain positional ones (no keywords, no `*` spreads)."""
    if any(a.keyword is not None or a.star for a in node.args):
        return None
    return list(node.args)


def refuse_form(node: cst.Call, name: str, form: str, ctx: Ctx) -> ir.Expr:
    help = f"call it as {form}, with plain positional arguments"
    message = f"`{name}` with these arguments"
    return ctx.error(FUNCTION_VALUE, node, message, "unsupported form", help)


FUNCTION_ERROR = (
    "not a pure builtin, a pure method, a `math` function or a lambda of the right arity",
    "unsupported function",
    FUNCTION_HELP,
)


def groupby_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`itertools.groupby(items, key=f)` (or without a key) as the runtime's groupby of
    `[(f(x), x) for x in items]`: the key applied to each item, in order, as Python applies it."""
    args = list(node.args)
    key = next((a for a in args if a.keyword is not None and a.keyword.value == "key"), None)
    plain = [a for a in args if a is not key]
    if key is None and len(plain) == 2:
        key, plain = plain[1], plain[:1]
    if len(plain) != 1 or plain[0].keyword is not None or plain[0].star:
        return refuse_form(node, "groupby", "`groupby(iterable, key=function)`", ctx)
    span = ctx.span(node)
    item = ctx.temp()
    holds = leading(plain[0].value, ctx)
    keyed: tuple[ir.Expr, tuple[str, ...]] | None = (ir.Name(id=item, span=span), (item,))
    if key is not None and not (isinstance(key.value, cst.Name) and key.value.value == "None"):
        keyed = applied(key.value, [item], holds, ctx)
    items, holds = first(holds)
    if keyed is None:
        return ctx.error(FUNCTION_VALUE, key or node, *FUNCTION_ERROR)
    value, bound = keyed
    target = ir.Name(id=bound[0], span=span)
    pair = ir.TupleExpr(elts=(value, target), span=span)
    generator = ir.Generator(target=target, iter=items, ifs=(), span=span)
    pairs = ir.Comprehension(kind="list", elt=pair, value=None, generators=(generator,), span=span)
    grouped = ir.Call(func="itertools.groupby", args=(pairs,), kwargs=(), span=span)
    return bound_first(holds, grouped, span)
