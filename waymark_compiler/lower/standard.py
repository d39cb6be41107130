"""Calls of the standard library that are lowered to something else: `heapq` on lists and
`hashlib` digests, as the runtime provides them (`interpreter.standard`), `defaultdict` with a
builtin type as factory, and `typing.cast`.

`heapq`'s functions are calls of the same names, except `nlargest`/`nsmallest` with a `key=`:
Python documents them as `sorted(iterable, key=key, reverse=True)[:n]` (and without `reverse`),
which is what they lower to, so the key may be any function value `sorted` takes. A heap that is
a module-level table is refused, as any change of one is.

A digest is one expression, `hashlib.sha256(data).hexdigest()` (or `.digest()`), lowered to
`` `hashlib.digest`('sha256', 'hexdigest', data) ``; a hash object kept in a variable
(`h = hashlib.sha256()`, then `h.update(...)`) is refused with that spelling as the help.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.constants import changed_table, constant_table
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.functional import builtin_type
from waymark_compiler.lower.keys import has_key, keyed
from waymark_compiler.lower.patterns import known_class
from waymark_compiler.rules.expressions import FUNCTION_VALUE, UNSUPPORTED_CALL
from waymark_compiler.symbols import ExternalSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import (
    DEFAULT_FACTORY_CLASSES,
    DEFAULT_FACTORY_TYPES,
    DIGEST,
    HASH_ALGORITHMS,
    HMAC_DIGEST,
)

_FACTORIES = (*(f"builtins:{name}" for name in DEFAULT_FACTORY_TYPES), *DEFAULT_FACTORY_CLASSES)
_FACTORY_NAMES = tuple(path.rpartition(":")[2] for path in _FACTORIES)

_DIGEST_METHODS = ("digest", "hexdigest")


_RANKED = ("heapq.nlargest", "heapq.nsmallest")
_READING = (*_RANKED, "heapq.merge", "bisect.bisect", "bisect.bisect_left", "bisect.bisect_right")


def heap_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`heapq.heappush(heap, item)`, `bisect.insort(items, x)` and the other functions of
    `HEAPQ_FUNCTIONS` and `BISECT_FUNCTIONS`: those that change their list refuse a
    module-level table."""
    symbol = ctx.symbol(node.func)
    assert isinstance(symbol, ExternalSym)
    name = symbol.qualname
    ranked = name in _RANKED
    first = node.args[0].value if node.args and not node.args[0].keyword else None
    table = constant_table(first, ctx) if first is not None and name not in _READING else None
    if table is not None:
        return changed_table(node, table, ctx)
    if ranked and has_key(node):
        return _ranked(node, largest=name == "heapq.nlargest", ctx=ctx)
    key = next((a for a in node.args if a.keyword and a.keyword.value == "key"), None)
    if key is not None:  # `bisect`'s or `merge`'s `key=`: a function kept by the call
        help = "search (or merge) lists of the keys: `bisect.bisect([len(s) for s in items], n)`"
        message = f"`key=` of `{ctx.code(node.func)}`"
        return ctx.error(FUNCTION_VALUE, key, message, "a function", help)
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
    """`hashlib.<algorithm>(...).hexdigest()` (or `.digest()`) as one call, and
    `hmac.new(key, msg, hashlib.<algorithm>).hexdigest()`; None for any other method call."""
    method, made = func.attr.value, func.value
    if method not in _DIGEST_METHODS or not isinstance(made, cst.Call):
        return None
    if ctx.symbol(made.func) == ExternalSym("hmac.new"):
        return _hmac_call(node, made, method, ctx)
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


def collection_call(func: str) -> Callable[[cst.Call, Ctx], ir.Expr]:
    """`deque(items, maxlen)`, `OrderedDict(pairs)`: the runtime's bounded constructor `func`."""

    def call(node: cst.Call, ctx: Ctx) -> ir.Expr:
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func=func, args=args, kwargs=kwargs, span=ctx.span(node))

    return call


def super_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`super()` left over by `inherited.chain_methods`: not `super().name(...)` of a method
    that a base class in this module defines."""
    help = ("call `super().name(...)` of a method a base class defined in this module has, or "
            "call that method by its own name")  # fmt: skip
    message = f"`{ctx.code(node)}` here: no base class method of this module it can call"
    return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported super()", help)


def hash_object(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`hashlib.sha256(...)` or `hmac.new(...)` anywhere but right before `.hexdigest()` or
    `.digest()`."""
    name = ctx.code(node.func)
    arguments = "key, message, hashlib.sha256" if name.endswith("new") else "data"
    help = (f"compute the digest in one expression, `{name}({arguments}).hexdigest()`, or hash "
            "in an action")  # fmt: skip
    message = f"`{name}()` kept as an object: a hash object is not a workflow value"
    return ctx.error(UNSUPPORTED_CALL, node, message, "hash object", help)


def _hmac_call(node: cst.Call, made: cst.Call, method: str, ctx: Ctx) -> ir.Expr:
    """`hmac.new(key, msg, digestmod).<method>()`: the key and message positional, the digest
    `hashlib.<algorithm>` or its name as a string literal."""
    plain = [a for a in made.args if a.keyword is None and not a.star]
    named = {a.keyword.value: a.value for a in made.args if a.keyword is not None}
    mod = named.get("digestmod", plain[2].value if len(plain) > 2 else None)
    algorithm = _digest_name(mod, ctx) if mod is not None else None
    if node.args or len(plain) < 2 or algorithm is None or set(named) - {"digestmod"}:
        help = (f"write `hmac.new(key, message, hashlib.sha256).{method}()`, the key and the "
                "message positional and the digest a `hashlib` algorithm or its name")  # fmt: skip
        message = "`hmac.new` in a form the workflow runtime does not run"
        return ctx.error(UNSUPPORTED_CALL, made, message, "unsupported form", help)
    span = ctx.span(node)
    key, msg = (lower_expr(a.value, ctx) for a in plain[:2])
    digest = (ir.Const(value=algorithm, span=span), ir.Const(value=method, span=span))
    return ir.Call(func=HMAC_DIGEST, args=(*digest, key, msg), kwargs=(), span=span)


def _digest_name(node: cst.BaseExpression, ctx: Ctx) -> str | None:
    """`hashlib.sha256` or `"sha256"`: the algorithm's name, when `hashlib` has it."""
    if isinstance(node, cst.SimpleString) and node.evaluated_value in HASH_ALGORITHMS:
        return str(node.evaluated_value)
    symbol = ctx.symbol(node)
    if not isinstance(symbol, ExternalSym):
        return None
    module, _, algorithm = symbol.qualname.rpartition(".")
    return algorithm if module == "hashlib" and algorithm in HASH_ALGORITHMS else None


def _algorithm(node: cst.Call, ctx: Ctx) -> str | None:
    symbol = ctx.symbol(node.func)
    if not isinstance(symbol, ExternalSym):
        return None
    module, _, algorithm = symbol.qualname.rpartition(".")
    return algorithm if module == "hashlib" and algorithm in HASH_ALGORITHMS else None


def defaultdict_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`defaultdict(factory, ...)`: the factory a builtin type (`list`, `int`, ...) or None."""
    span = ctx.span(node)
    first = node.args[0] if node.args else None
    if first is None or first.keyword is not None or first.star:
        help = "pass a builtin type first: `defaultdict(list)`"
        message = "`defaultdict` without a default factory first"
        return ctx.error(FUNCTION_VALUE, node, message, "unsupported form", help)
    factory: ir.Expr
    kind = _factory_type(first.value, ctx)
    if isinstance(first.value, cst.Name) and first.value.value == "None":
        factory = ir.Const(value=None, span=span)
    elif kind is not None:
        factory = ir.TypeRef(type=kind, span=ctx.span(first.value))
    else:
        message = "the default factory of a `defaultdict` is not one of the types it may be"
        help = ("use " + ", ".join(f"`{name}`" for name in _FACTORY_NAMES) + ", `None`, "
                "or a lambda giving an empty or zero value of one (`lambda: 0`, `lambda: []`); "
                "for another default, read with `d.get(key, default)`")  # fmt: skip
        return ctx.error(FUNCTION_VALUE, first.value, message, "unsupported factory", help)
    rest, kwargs = lower_arguments(node.args[1:], ctx)
    args = (factory, *rest)
    return ir.Call(func="collections.defaultdict", args=args, kwargs=kwargs, span=span)


def json_dumps_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`json.dumps(value, default=str)`: a builtin type as `default=` (`str`, `float`, `list`),
    which Python calls on each value JSON cannot write; any other function is refused."""
    plain = [a for a in node.args if not (a.keyword and a.keyword.value == "default")]
    args, kwargs = lower_arguments(plain, ctx)
    span = ctx.span(node)
    for arg in node.args:
        if arg.keyword is None or arg.keyword.value != "default":
            continue
        if not builtin_type(ctx.symbol(arg.value)):
            message = "`default=` of `json.dumps` is not a builtin type"
            help = ("pass `default=str` (or another builtin type), or convert the values "
                    "first: `{k: str(v) for k, v in data.items()}`")  # fmt: skip
            return ctx.error(FUNCTION_VALUE, arg.value, message, "not a builtin type", help)
        kind = cst.Module([]).code_for_node(arg.value).rpartition(".")[2]
        value = ir.TypeRef(type=f"builtins:{kind}", span=ctx.span(arg.value))
        kwargs = (*kwargs, ir.Keyword(name="default", value=value, span=ctx.span(arg)))
    return ir.Call(func="json.dumps", args=args, kwargs=kwargs, span=span)


def _factory_type(node: cst.BaseExpression, ctx: Ctx) -> str | None:
    """The class path of a default factory, or of the value it gives when called: `list`,
    `Decimal`, `collections.Counter`, and `lambda: []` (an empty or zero value: `0`, `0.0`, `""`,
    `False`, `[]`, `{}`, `()`, a call of the class with no arguments, `set()`, or of a number
    class with a literal zero, `Decimal(0)`), which CPython's `defaultdict` cannot tell apart but by the factory
    object itself; None for any other factory."""
    if isinstance(node, cst.Name | cst.Attribute):
        return _factory_class(node, ctx)
    if not isinstance(node, cst.Lambda) or _has_parameters(node.params):
        return None
    body = node.body
    if isinstance(body, cst.Call) and not body.args:
        return _factory_type(body.func, ctx)
    if isinstance(body, cst.Call) and _literal_zero(body.args):
        kind = _factory_type(body.func, ctx)
        return kind if kind in _NUMBERS else None
    if isinstance(body, cst.List | cst.Dict | cst.Tuple) and not body.elements:
        return _EMPTY_DISPLAYS[type(body)]
    if isinstance(body, cst.Integer):
        return "builtins:int" if body.value == "0" else None
    if isinstance(body, cst.Float):
        return "builtins:float" if body.value == "0.0" else None
    if isinstance(body, cst.SimpleString) and body.evaluated_value == "":
        return "builtins:str"
    return "builtins:bool" if isinstance(body, cst.Name) and body.value == "False" else None


def _factory_class(node: cst.Name | cst.Attribute, ctx: Ctx) -> str | None:
    path = known_class(ctx.symbol(node))
    return path if path in _FACTORIES else None


def _literal_zero(args: Sequence[cst.Arg]) -> bool:
    """One literal `0` argument (`Decimal(0)` is `Decimal()`)."""
    if len(args) != 1 or args[0].keyword is not None or args[0].star:
        return False
    value = args[0].value
    return isinstance(value, cst.Integer) and value.value == "0"


_NUMBERS = frozenset({"builtins:int", "builtins:float", "decimal:Decimal", "fractions:Fraction"})
_EMPTY_DISPLAYS = {
    cst.List: "builtins:list",
    cst.Dict: "builtins:dict",
    cst.Tuple: "builtins:tuple",
}


def _has_parameters(params: cst.Parameters) -> bool:
    return bool(params.params or params.posonly_params or params.kwonly_params
                or isinstance(params.star_arg, cst.Param) or params.star_kwarg)  # fmt: skip


def cast_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`typing.cast(T, value)` is `value` (the type is for the type checker)."""
    if len(node.args) != 2 or any(a.star or a.keyword is not None for a in node.args):
        help = "write `cast(Type, value)`"
        return ctx.error(
            UNSUPPORTED_CALL, node, "`cast` with these arguments", "unsupported form", help
        )
    return lower_expr(node.args[1].value, ctx)


HASH_CONSTRUCTORS = frozenset(f"hashlib.{name}" for name in HASH_ALGORITHMS)
