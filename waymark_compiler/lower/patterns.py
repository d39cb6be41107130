"""Lowering `match` patterns: values, singletons, captures, sequences, mappings, classes, `|`.

Value patterns are literals or dotted constants (enum members, module constants); class
patterns name a class the compiler can resolve statically.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.literals import NAMED_CONSTANTS
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.expressions import CLASS_VALUE
from waymark_compiler.rules.statements import UNSUPPORTED_STATEMENT
from waymark_compiler.symbols import BuiltinSym, ClassSym, ExternalSym, KnownSym, Symbol
from waymark_compiler.tables import BUILTIN_TYPES, KNOWN_CLASSES
from waymark_runtime import ir

WILDCARD = ir.MatchAs(pattern=None, name=None)


def lower_pattern(node: cst.MatchPattern, ctx: Ctx) -> ir.Pattern:
    handler = _PATTERNS.get(type(node))
    if handler is None:
        ctx.error(
            UNSUPPORTED_STATEMENT,
            node,
            f"unsupported pattern `{type(node).__name__}`",
            "not supported",
        )
        return WILDCARD
    return handler(node, ctx)


def lower_MatchValue(node: cst.MatchValue, ctx: Ctx) -> ir.Pattern:
    return ir.MatchValue(value=lower_expr(node.value, ctx), span=ctx.span(node))


def lower_MatchSingleton(node: cst.MatchSingleton, ctx: Ctx) -> ir.Pattern:
    value = ir.Const(value=NAMED_CONSTANTS[node.value.value], span=ctx.span(node))
    return ir.MatchValue(value=value, span=ctx.span(node))


def lower_MatchAs(node: cst.MatchAs, ctx: Ctx) -> ir.Pattern:
    pattern = None if node.pattern is None else lower_pattern(node.pattern, ctx)
    name = node.name.value if node.name is not None else None
    return ir.MatchAs(pattern=pattern, name=name, span=ctx.span(node))


def lower_MatchStar(node: cst.MatchStar, ctx: Ctx) -> ir.Pattern:
    name = node.name.value if node.name is not None else None
    return ir.MatchStar(name=name, span=ctx.span(node))


def _sequence(node: cst.MatchList | cst.MatchTuple, ctx: Ctx) -> ir.Pattern:
    patterns = tuple(_element(e, ctx) for e in node.patterns)
    return ir.MatchSequence(patterns=patterns, span=ctx.span(node))


def _element(node: cst.MatchSequenceElement | cst.MatchStar, ctx: Ctx) -> ir.Pattern:
    if isinstance(node, cst.MatchStar):
        return lower_MatchStar(node, ctx)
    return lower_pattern(node.value, ctx)


def lower_MatchMapping(node: cst.MatchMapping, ctx: Ctx) -> ir.Pattern:
    keys = tuple(lower_expr(e.key, ctx) for e in node.elements)
    patterns = tuple(lower_pattern(e.pattern, ctx) for e in node.elements)
    rest = node.rest.value if node.rest is not None else None
    return ir.MatchMapping(keys=keys, patterns=patterns, rest=rest, span=ctx.span(node))


def lower_MatchClass(node: cst.MatchClass, ctx: Ctx) -> ir.Pattern:
    return ir.MatchClass(
        cls=_class_path(node.cls, ctx),
        patterns=tuple(lower_pattern(p.value, ctx) for p in node.patterns),
        kwd_names=tuple(k.key.value for k in node.kwds),
        kwd_patterns=tuple(lower_pattern(k.pattern, ctx) for k in node.kwds),
        span=ctx.span(node),
    )


def known_class(symbol: Symbol | None) -> str | None:
    """The class path of a class a workflow may test values against (`isinstance`, a class
    pattern): a builtin type, a class of the user's code other than a workflow, a base such as
    `Enum` or `BaseModel`, a standard value class (`Decimal`, `datetime`); else None."""
    if isinstance(symbol, BuiltinSym) and symbol.name in BUILTIN_TYPES:
        return f"builtins:{symbol.name}"
    if isinstance(symbol, ClassSym) and symbol.kind != "workflow":
        return symbol.path
    if isinstance(symbol, KnownSym | ExternalSym):
        return KNOWN_CLASSES.get(symbol.qualname)
    return None


def _class_path(node: cst.BaseExpression, ctx: Ctx) -> str:
    path = known_class(ctx.symbol(node))
    if path is not None:
        return path
    help = "match on a class defined at module level, a builtin type or a standard value class"
    ctx.error(CLASS_VALUE, node, f"`{ctx.code(node)}` is not a known class", "not a class", help)
    return "builtins:object"


def lower_MatchOr(node: cst.MatchOr, ctx: Ctx) -> ir.Pattern:
    patterns = tuple(lower_pattern(e.pattern, ctx) for e in node.patterns)
    return ir.MatchOr(patterns=patterns, span=ctx.span(node))


_PATTERNS: dict[type[cst.CSTNode], Callable[[Any, Ctx], ir.Pattern]] = {
    cst.MatchValue: lower_MatchValue,
    cst.MatchSingleton: lower_MatchSingleton,
    cst.MatchAs: lower_MatchAs,
    cst.MatchStar: lower_MatchStar,
    cst.MatchList: _sequence,
    cst.MatchTuple: _sequence,
    cst.MatchMapping: lower_MatchMapping,
    cst.MatchClass: lower_MatchClass,
    cst.MatchOr: lower_MatchOr,
}
