"""Module-level `functools.partial` constants (`TRIPLE = partial(scale, factor=3)`): which
bindings are one, found for `resolve`, and the IR that rebuilds one where it is read.

A constant partial binds an action or an undecorated function of the user's code (by name)
to constant arguments only; anything else bound by `partial` at module level stays a
variable, refused where it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import libcst as cst

from waymark_compiler.constant_objects import ConstantParts
from waymark_compiler.literals import literal
from waymark_compiler.shapes import is_constant_literal
from waymark_compiler.symbols import ActionSym, ExternalSym, FunctionSym, Symbol
from waymark_runtime import ir
from waymark_runtime.vocabulary import PARTIAL

Lookup = Callable[[cst.BaseExpression], Symbol | None]


def partial_function(
    value: cst.BaseExpression, lookup: Lookup, parts: ConstantParts
) -> dict[int, ActionSym | FunctionSym] | None:
    """The function `value` binds, by node id, when `value` is a constant partial (`lookup`
    resolves names in its module; `parts` is the reading of `value`); else None."""
    bound = _bound(value, lookup, parts)
    if bound is None or _unbound(bound[1], parts) is not None:
        return None
    return {id(bound[0]): bound[2]}


def unbound_argument(
    value: cst.BaseExpression, lookup: Lookup, parts: ConstantParts
) -> cst.BaseExpression | None:
    """The first argument that is no constant of a partial `value` of an action or a function
    of the user's code (`partial(tag, PREFIX.upper())`), which keeps it from being a constant
    partial; else None."""
    bound = _bound(value, lookup, parts)
    return None if bound is None else _unbound(bound[1], parts)


def _bound(
    value: cst.BaseExpression, lookup: Lookup, parts: ConstantParts
) -> tuple[cst.BaseExpression, Sequence[cst.Arg], ActionSym | FunctionSym] | None:
    """The function argument, the arguments bound and the function of `functools.partial(f,
    ...)` of an action or a function of the user's code, by name."""
    if not isinstance(value, cst.Call) or lookup(value.func) != ExternalSym(PARTIAL):
        return None
    if not value.args or any(arg.star for arg in value.args) or value.args[0].keyword:
        return None
    first = value.args[0].value
    function = parts.functions.get(id(first))
    if not isinstance(function, ActionSym | FunctionSym):
        return None
    return first, value.args[1:], function


def _unbound(args: Sequence[cst.Arg], parts: ConstantParts) -> cst.BaseExpression | None:
    return next((a.value for a in args if not is_constant_literal(a.value, parts.leaf)), None)


def partial_value(
    value: cst.Call,
    span: ir.Span,
    members: Mapping[int, tuple[str, str]],
    functions: Mapping[int, ir.Expr],
    objects: Mapping[int, str] | None = None,
) -> ir.Expr:
    """A constant partial rebuilt where it is read: `functools.partial(f, *args, **kwargs)`
    with its function's value from `functions` (by node id) and the value objects among its
    arguments from `objects`."""
    args = tuple(
        literal(a.value, span, members, functions, objects) for a in value.args if not a.keyword
    )
    kwargs = tuple(
        ir.Keyword(
            name=a.keyword.value,
            value=literal(a.value, span, members, functions, objects),
            span=span,
        )
        for a in value.args
        if a.keyword is not None
    )
    return ir.Call(func=PARTIAL, args=args, kwargs=kwargs, span=span)
