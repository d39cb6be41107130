"""`heapq` on lists and `hashlib` digests, as the runtime provides them (`interpreter.standard`).

`heapq`'s functions are calls of the same names, except `nlargest`/`nsmallest` with a `key=`:
Python documents them as `sorted(iterable, key=key, reverse=True)[:n]` (and without `reverse`),
which is what they lower to, so the key may be any function value `sorted` takes. A heap that is
a module-level table is refused, as any change of one is.

A digest is one expression, `hashlib.sha256(data).hexdigest()` (or `.digest()`), lowered to
`` `hashlib.digest`('sha256', 'hexdigest', data) ``; a hash object kept in a variable
(`h = hashlib.sha256()`, then `h.update(...)`) is refused with that spelling as the help.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.constants import changed_table, constant_table
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.keys import has_key, keyed
from waymark_compiler.resolve import ExternalSym
from waymark_compiler.rules.expressions import FUNCTION_VALUE, UNSUPPORTED_CALL
from waymark_runtime import ir
from waymark_runtime.vocabulary import DIGEST, HASH_ALGORITHMS

_DIGEST_METHODS = ("digest", "hexdigest")


def heap_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`heapq.heappush(heap, item)` and the other functions of `HEAPQ_FUNCTIONS`."""
    symbol = ctx.symbol(node.func)
    assert isinstance(symbol, ExternalSym)
    name = symbol.qualname
    ranked = name in ("heapq.nlargest", "heapq.nsmallest")
    first = node.args[0].value if node.args and not node.args[0].keyword else None
    table = constant_table(first, ctx) if first is not None and not ranked else None
    if table is not None:
        return changed_table(node, table, ctx)
    if ranked and has_key(node):
        return _ranked(node, largest=name == "heapq.nlargest", ctx=ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.Call(func=name, args=args, kwargs=kwargs, span=ctx.span(node))


def _ranked(node: cst.Call, *, largest: bool, ctx: Ctx) -> ir.Expr:
    """`nlargest(n, xs, key=f)`: `sorted(xs, key=f, reverse=True)[:max(n, 0)]`."""
    positional = [a for a in node.args if a.keyword is None]
    options = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    if len(positional) != 2 or any(a.star for a in node.args) or set(options) != {"key"}:
        help = "call it as `heapq.nlargest(n, items, key=f)`"
        message = "`nlargest`/`nsmallest` with `key=` and these arguments"
        return ctx.error(FUNCTION_VALUE, node, message, "unsupported form", help)
    span = ctx.span(node)
    count = lower_expr(positional[0].value, ctx)
    if largest:
        options["reverse"] = cst.Name("True")
    ordered = keyed("sorted", node, lower_expr(positional[1].value, ctx), options, ctx)
    zero = ir.Const(value=0, span=span)
    bound = ir.Call(func="max", args=(count, zero), kwargs=(), span=span)
    head = ir.Slice(lower=None, upper=bound, step=None, span=span)
    return ir.Subscript(value=ordered, index=head, span=span)


def digest_call(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """`hashlib.<algorithm>(...).hexdigest()` (or `.digest()`) as one call; None for any other
    method call."""
    method, made = func.attr.value, func.value
    if method not in _DIGEST_METHODS or not isinstance(made, cst.Call):
        return None
    algorithm = _algorithm(made, ctx)
    if algorithm is None:
        return None
    if node.args:
        help = f"call `{method}()` with no arguments"
        return ctx.error(UNSUPPORTED_CALL, node, f"`{method}` with arguments", "arguments", help)
    span = ctx.span(node)
    args, kwargs = lower_arguments(made.args, ctx)
    named = (ir.Const(value=algorithm, span=span), ir.Const(value=method, span=span))
    return ir.Call(func=DIGEST, args=(*named, *args), kwargs=kwargs, span=span)


def hash_object(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`hashlib.sha256(...)` anywhere but right before `.hexdigest()` or `.digest()`."""
    name = ctx.code(node.func)
    help = (f"compute the digest in one expression, `{name}(data).hexdigest()`, or hash in an "
            "action")  # fmt: skip
    message = f"`{name}()` kept as an object: a hash object is not a workflow value"
    return ctx.error(UNSUPPORTED_CALL, node, message, "hash object", help)


def _algorithm(node: cst.Call, ctx: Ctx) -> str | None:
    symbol = ctx.symbol(node.func)
    if not isinstance(symbol, ExternalSym):
        return None
    module, _, algorithm = symbol.qualname.rpartition(".")
    return algorithm if module == "hashlib" and algorithm in HASH_ALGORITHMS else None


HASH_CONSTRUCTORS = frozenset(f"hashlib.{name}" for name in HASH_ALGORITHMS)
