"""The cache a module function's `@functools.cache` or `@lru_cache(maxsize, typed)` gives it:
the function's `ir.Memo`, which the interpreter keeps its results by (`interpreter.memos`).

Only its outermost decorator counts (a cache of a cache keeps what the outer one keeps). The
size and `typed` are read as CPython reads them, a literal or a module constant; anything
else is refused (WM101) at the decorator, as are its `cache_info()` and `cache_clear()`
(WM141): a workflow's results must not depend on what its process computed before. A cache
on an `async def` is refused too (WM101): CPython's keeps the coroutine, which a second await
refuses, so the function would fail where a reader expects it to remember.
"""

from __future__ import annotations

import ast

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.diagnostics import Sink
from waymark_compiler.resolve import Resolver
from waymark_compiler.rules.expressions import IMPURE_METHOD, UNSUPPORTED_CALL
from waymark_compiler.source import Source
from waymark_compiler.symbols import ConstSym, ExternalSym, FunctionSym
from waymark_runtime import ir

LRU_DEFAULT = 128
"""`lru_cache`'s `maxsize` when a call leaves it out."""

_UNREAD = object()
_CACHE_METHODS = frozenset({"cache_info", "cache_clear", "cache_parameters"})


def memo_of(symbol: FunctionSym, resolver: Resolver, sink: Sink) -> ir.Memo | None:
    """The cache of a cached sync function (`FunctionSym.cached`); None for any other."""
    if not symbol.cached or symbol.node is None or symbol.namespace is None:
        return None
    target = symbol.node.decorators[0].decorator
    if symbol.is_async:
        _refuse_async(target, symbol.namespace.source, sink)
        return None
    here = resolver.at(symbol.namespace)
    func = target.func if isinstance(target, cst.Call) else target
    if here.expression(func) == ExternalSym("functools.cache"):
        return ir.Memo()
    if not isinstance(target, cst.Call):
        return ir.Memo(maxsize=LRU_DEFAULT)
    source = symbol.namespace.source
    given: dict[str, cst.BaseExpression] = {}
    for name, arg in zip(("maxsize", "typed", "", ""), target.args, strict=False):
        given[arg.keyword.value if arg.keyword is not None else name] = arg.value
    maxsize = _value(given.get("maxsize"), LRU_DEFAULT, here, source)
    typed = _value(given.get("typed"), False, here, source)
    understood = set(given) <= {"maxsize", "typed"}
    if not (maxsize is None or type(maxsize) is int) or type(typed) is not bool or not understood:
        help = "write `maxsize` as an int or `None` and `typed` as `True` or `False`"
        message = "`lru_cache` with a `maxsize` or `typed` that is not a constant"
        sink.error(UNSUPPORTED_CALL, source.span(target), message, "not a constant", help)
        return None
    return ir.Memo(maxsize=None if maxsize is None else max(maxsize, 0), typed=typed)


def _refuse_async(decorator: cst.BaseExpression, source: Source, sink: Sink) -> None:
    """WM101 at the cache of an `async def`: CPython keeps the coroutine a call made, so a
    second call with the same arguments gives the coroutine already awaited, and awaiting it
    raises `RuntimeError('cannot reuse already awaited coroutine')`."""
    message = "a cache on an `async def` keeps the coroutine, not its result"
    help = (
        "awaiting a second call with the same arguments raises RuntimeError in Python: "
        "keep the results in a dict (`if k not in seen: seen[k] = await f(k)`), or drop the cache"
    )
    span = source.span(decorator)
    sink.error(UNSUPPORTED_CALL, span, message, "caches a coroutine", help)


def cache_method(func: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """WM141 at `fib.cache_clear()` (`cache_info`, `cache_parameters`) of a cached function;
    None for any other method."""
    symbol = ctx.symbol(func.value)
    if func.attr.value not in _CACHE_METHODS or not isinstance(symbol, FunctionSym):
        return None
    if not symbol.cached:
        return None
    message = f"call of `{ctx.code(func)}()` on the cache of a cached function"
    help = (
        "its results are kept for each instance and stored with it, as CPython's cache keeps "
        "them for its process; count or reset in an action if you need to"
    )
    return ctx.error(IMPURE_METHOD, func.attr, message, "cache method", help)


def _value(
    node: cst.BaseExpression | None, default: object, resolver: Resolver, source: Source
) -> object:
    """The constant `node` is (a literal, or a module constant's), `default` when absent."""
    if node is None:
        return default
    if isinstance(node, cst.Name | cst.Attribute):
        symbol = resolver.expression(node)
        if isinstance(symbol, ConstSym):
            node, source = symbol.value, symbol.namespace.source
    try:
        return ast.literal_eval(source.code(node))
    except (ValueError, SyntaxError):
        return _UNREAD
