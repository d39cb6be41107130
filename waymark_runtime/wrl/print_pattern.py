"""Canonical `.wrl` text of match patterns.

Patterns read like Python's, with import paths for class patterns and `== expression` for a
value that is not a literal, a dotted name or an enum member. `print_<Node>` functions are looked
up by node type; an unknown node is an internal error. Owns no statement layout and no parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError
from waymark_runtime.wrl import lexicon
from waymark_runtime.wrl.precedence import Prec
from waymark_runtime.wrl.print_expr import Printed, operand, print_node


class PatternPrec(IntEnum):
    """Binding strength of patterns, loosest first."""

    AS = 1  # `p as name`
    OR = 2  # `p | q`
    CLOSED = 3


def pattern(node: ir.Pattern) -> str:
    return _pattern(node, PatternPrec.AS)


def _pattern(node: Any, minimum: int) -> str:
    printer = _PATTERN_PRINTERS.get(type(node))
    if printer is None:
        raise InternalError(f"cannot print {type(node).__name__} as a .wrl pattern")
    text, strength = printer(node)
    return text if strength >= minimum else f"({text})"


def _capture(name: str | None) -> str:
    # A bare `_` is the wildcard, so a capture really named `_` is written in backticks.
    return "_" if name is None else lexicon.format_name(name, lexicon.RESERVED_WORDS | {"_"})


def print_MatchAs(node: ir.MatchAs) -> Printed:
    if node.pattern is None:
        return _capture(node.name), PatternPrec.CLOSED
    return f"{_pattern(node.pattern, PatternPrec.OR)} as {_capture(node.name)}", PatternPrec.AS


def print_MatchOr(node: ir.MatchOr) -> Printed:
    if len(node.patterns) < 2:
        raise InternalError("MatchOr needs two or more patterns")
    text = " | ".join(_pattern(alt, PatternPrec.CLOSED) for alt in node.patterns)
    return text, PatternPrec.OR


def print_MatchSequence(node: ir.MatchSequence) -> Printed:
    return "[" + ", ".join(_sequence_item(elt) for elt in node.patterns) + "]", PatternPrec.CLOSED


def _sequence_item(node: ir.Pattern) -> str:
    if isinstance(node, ir.MatchStar):
        return "*" + _capture(node.name)
    return pattern(node)


def print_MatchMapping(node: ir.MatchMapping) -> Printed:
    if len(node.keys) != len(node.patterns):
        raise InternalError("MatchMapping has different numbers of keys and patterns")
    entries = [
        f"{pattern_value(k)}: {pattern(p)}" for k, p in zip(node.keys, node.patterns, strict=True)
    ]
    if node.rest is not None:
        entries.append("**" + lexicon.format_name(node.rest, lexicon.HARD_KEYWORDS))
    return "{" + ", ".join(entries) + "}", PatternPrec.CLOSED


def print_MatchClass(node: ir.MatchClass) -> Printed:
    if len(node.kwd_names) != len(node.kwd_patterns):
        raise InternalError("MatchClass has different numbers of keyword names and patterns")
    args = [pattern(p) for p in node.patterns]
    for name, kwd_pattern in zip(node.kwd_names, node.kwd_patterns, strict=True):
        args.append(f"{lexicon.format_name(name)}={pattern(kwd_pattern)}")
    return f"{lexicon.format_path(node.cls)}({', '.join(args)})", PatternPrec.CLOSED


def print_MatchValue(node: ir.MatchValue) -> Printed:
    return pattern_value(node.value), PatternPrec.CLOSED


def pattern_value(node: ir.Expr) -> str:
    """A literal, a negative number, a dotted name or an enum member; else `== expression`."""
    if isinstance(node, ir.Const | ir.EnumMember):
        return print_node(node)[0]
    if _is_negative_literal(node) or _is_dotted_name(node):
        return print_node(node)[0]
    return "== " + operand(node, Prec.ATOM)


def _is_negative_literal(node: ir.Expr) -> bool:
    if not (isinstance(node, ir.UnaryOp) and node.op == "-" and isinstance(node.operand, ir.Const)):
        return False
    value = node.operand.value
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not lexicon.needs_const(value)
    )


def _is_dotted_name(node: ir.Expr) -> bool:
    if not isinstance(node, ir.Attribute):
        return False
    while isinstance(node, ir.Attribute):
        node = node.value
    return isinstance(node, ir.Name)


_PATTERN_PRINTERS: dict[type, Callable[[Any], Printed]] = {
    ir.MatchValue: print_MatchValue,
    ir.MatchAs: print_MatchAs,
    ir.MatchOr: print_MatchOr,
    ir.MatchSequence: print_MatchSequence,
    ir.MatchMapping: print_MatchMapping,
    ir.MatchClass: print_MatchClass,
}
