"""Calls of module-level callees by what they resolve to: functions of the user's code (as
helpers), the standard functions the runtime implements, Waymark's own names, and the refusal
of actions called without `await` and of functions the workflow runtime does not implement."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from waymark_compiler.context import Ctx, did_you_mean
from waymark_compiler.finder import is_installed
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.class_refs import issubclass_call, type_call
from waymark_compiler.lower.constants import unbound_partial
from waymark_compiler.lower.formatting import format_call
from waymark_compiler.lower.functional import (
    accumulate_call,
    groupby_call,
    reduce_call,
    while_call,
)
from waymark_compiler.lower.mapping import filter_call, map_call
from waymark_compiler.lower.method_forms import zone_missing
from waymark_compiler.lower.names import missing_import
from waymark_compiler.lower.regexes import substitution
from waymark_compiler.lower.seeded_random import seeded_random_call
from waymark_compiler.lower.standard import (
    HASH_CONSTRUCTORS,
    cast_call,
    collection_call,
    defaultdict_call,
    hash_object,
    heap_call,
    json_dumps_call,
    super_call,
)
from waymark_compiler.lower.starmap import starmap_call
from waymark_compiler.rules.expressions import UNSUPPORTED_CALL
from waymark_compiler.rules.names import UNKNOWN_FUNCTION
from waymark_compiler.rules.operations import ACTION_NOT_AWAITED, NON_CONSTANT_POLICY
from waymark_compiler.symbols import (
    ActionSym,
    ClassSym,
    ExternalSym,
    FunctionSym,
    KnownSym,
    MissingSym,
    Symbol,
    VariableSym,
)
from waymark_compiler.tables import impure, refusal_label
from waymark_runtime import ir
from waymark_runtime.vocabulary import (
    BISECT_FUNCTIONS,
    COPY_FUNCTIONS,
    DATACLASS_FUNCTIONS,
    DURATION,
    FROM_TIMESTAMP,
    HEAPQ_FUNCTIONS,
    ITERTOOLS_FUNCTIONS,
    PARTIAL,
    PURE_FUNCTIONS,
    RE_FUNCTIONS,
    STANDARD_FUNCTIONS,
)


def call_ActionSym(symbol: ActionSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    help = f"await it (`await {name}(...)`), or pass it to `asyncio.gather` or `self.run_action`"
    return ctx.error(
        ACTION_NOT_AWAITED, node, f"action `{name}` called without await", "not awaited", help
    )


def call_KnownSym(symbol: KnownSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    if symbol.what in ("gather", "sleep", "wait_for"):
        help = f"await it: `await {name}(...)`"
        return ctx.error(
            ACTION_NOT_AWAITED, node, f"`{name}` called without await", "not awaited", help
        )
    if symbol.what in ("RetryPolicy", "BackoffPolicy"):
        help = "pass it directly as `retry=` or `backoff=` of `self.run_action(...)`"
        return ctx.error(
            NON_CONSTANT_POLICY,
            node,
            f"`{name}` outside `self.run_action`",
            "not a policy",
            help,
        )
    if symbol.what == "timedelta":
        return _timedelta(node, ctx)
    return call_FunctionSym(symbol, node, ctx)


def _timedelta(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`timedelta(1, 30)`, `timedelta(minutes=10)`: Python's own constructor at run time."""
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.Call(func=DURATION, args=args, kwargs=kwargs, span=ctx.span(node))


def call_FunctionSym(symbol: Symbol, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    helper = module_helper(symbol, ctx)
    if helper is not None and isinstance(symbol, FunctionSym) and not symbol.is_async:
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.HelperCall(name=helper, args=args, kwargs=kwargs, span=ctx.span(node))
    if helper is not None:
        help = f"await it: `await {name}(...)`"
        message = f"async function `{name}` called without await"
        return ctx.error(ACTION_NOT_AWAITED, node, message, "not awaited", help)
    if _installed(symbol):  # `urlparse`, `requests.get`: not code the user can decorate
        where = symbol.path.replace(":", ".") if isinstance(symbol, FunctionSym) else name
        help = "call it inside an action and await the action"
        message = f"call of `{where}`, which the workflow runtime does not implement"
        return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported call", help)
    if (refused := unbound_partial(symbol, node, ctx)) is not None:
        return refused
    if isinstance(symbol, VariableSym) and symbol.named_tuple is not None:
        typename = symbol.named_tuple  # `P = namedtuple("Point", ...)`, `Point` bound too
        help = (f'bind the class to its own name, `{typename} = namedtuple("{typename}", ...)`, '
                f"and give no other binding of the module the name `{typename}`")  # fmt: skip
        message = f"named tuple class `{name}` is named `{typename}`, a name the module also uses"
        return ctx.error(UNSUPPORTED_CALL, node, message, "ambiguous class name", help)
    help = (f"decorate `{name}` with `@action` and await it, or write it as an undecorated "
            "function of your own code (or a helper method)")  # fmt: skip
    message = f"call of `{name}`, which is not an action, a pure builtin or a helper"
    return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported call", help)


def _installed(symbol: Symbol) -> bool:
    """Is `symbol` a function of the standard library or an installed package?"""
    if not isinstance(symbol, FunctionSym) or symbol.namespace is None:
        return False
    return is_installed(symbol.namespace)


def module_helper(symbol: Symbol | None, ctx: Ctx) -> str | None:
    """The helper name of a plain function defined at the top of the workflow's module, which
    the workflow compiles with its methods (None for any other symbol)."""
    if not isinstance(symbol, FunctionSym) or ctx.functions is None:
        return None
    return ctx.functions.helper(symbol)


def call_ExternalSym(symbol: ExternalSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    if symbol.qualname == FROM_TIMESTAMP and (
        refused := zone_missing(node, "fromtimestamp()", 1, ctx)
    ):
        return refused
    if symbol.qualname in _LOWERED:
        return _LOWERED[symbol.qualname](node, ctx)
    if (
        symbol.qualname in PURE_FUNCTIONS
        or symbol.qualname in STANDARD_FUNCTIONS
        or symbol.qualname in DATACLASS_FUNCTIONS
        or symbol.qualname in COPY_FUNCTIONS
        or symbol.qualname in ITERTOOLS_FUNCTIONS
        or symbol.qualname in RE_FUNCTIONS
        or symbol.qualname == PARTIAL
    ):
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func=symbol.qualname, args=args, kwargs=kwargs, span=ctx.span(node))
    name = ctx.code(node.func)
    refusal = impure(symbol.qualname)
    if refusal is not None:
        code, what, help = refusal
        return ctx.error(code, node, f"`{name}()` {what}", refusal_label(code), help)
    help = "call it inside an action and await the action"
    message = f"call of `{name}`, which the workflow runtime does not implement"
    return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported call", help)


def fields_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`dataclasses.fields(x)` of a dataclass instance, or of a dataclass named as the class
    itself (`fields(Order)`), which is a class value here only."""
    span, args = ctx.span(node), node.args
    if len(args) == 1 and args[0].keyword is None and not args[0].star:
        symbol = ctx.symbol(args[0].value)
        if isinstance(symbol, ClassSym) and symbol.kind == "dataclass":
            ref = ir.TypeRef(type=symbol.path, span=ctx.span(args[0].value))
            return ir.Call(func="dataclasses.fields", args=(ref,), kwargs=(), span=span)
    lowered, kwargs = lower_arguments(args, ctx)
    return ir.Call(func="dataclasses.fields", args=lowered, kwargs=kwargs, span=span)


def call_MissingSym(symbol: MissingSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    if symbol.origin is not None:
        message, help = missing_import(symbol, ctx)
        return ctx.error(UNKNOWN_FUNCTION, node.func, message, "not found", help)
    hint = did_you_mean(symbol.name, [*ctx.resolver.names(), *ctx.function.locals])
    return ctx.error(UNKNOWN_FUNCTION, node.func, f"unknown function `{name}`", "not defined", hint)


_LOWERED: dict[str, Callable[[cst.Call, Ctx], ir.Expr]] = {
    "builtins.map": map_call,
    "builtins.filter": filter_call,
    "builtins.format": format_call,
    "itertools.groupby": groupby_call,
    "itertools.starmap": starmap_call,
    "builtins.type": type_call,
    "builtins.issubclass": issubclass_call,
    "itertools.takewhile": while_call,
    "itertools.accumulate": accumulate_call,
    "itertools.dropwhile": while_call,
    "functools.reduce": reduce_call,
    "_functools.reduce": reduce_call,
    "typing.cast": cast_call,
    "dataclasses.fields": fields_call,
    "json.dumps": json_dumps_call,
    "_collections.defaultdict": defaultdict_call,
    "collections.defaultdict": defaultdict_call,
    "_collections.deque": collection_call("collections.deque"),
    "_collections.OrderedDict": collection_call("collections.OrderedDict"),
    "builtins.super": super_call,
    "collections.deque": collection_call("collections.deque"),
    "collections.ChainMap": collection_call("collections.ChainMap"),
    "collections.OrderedDict": collection_call("collections.OrderedDict"),
    **dict.fromkeys(HEAPQ_FUNCTIONS | BISECT_FUNCTIONS, heap_call),
    **dict.fromkeys(HASH_CONSTRUCTORS, hash_object),
    "hmac.new": hash_object,
    "re.sub": substitution,
    "re.subn": substitution,
    "random.Random": seeded_random_call,
}
