"""Parse tree → IR for match patterns.

A Lark transformer mixin, one method per pattern rule. A bare `_` is the wildcard; the checks it
makes are the ones the grammar cannot express (where `**rest` and keyword patterns may appear).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, v_args

from waymark_runtime import ir
from waymark_runtime.wrl import lexicon
from waymark_runtime.wrl.build_expr import name_of, path_of, present, syntax_error


@dataclass(frozen=True, slots=True)
class KeywordPattern:
    name: str
    pattern: ir.Pattern


@dataclass(frozen=True, slots=True)
class MappingRest:
    name: str


@v_args(meta=True)
class PatternBuilder(Transformer[Token, Any]):
    """Builds match patterns; mixed into the IR builder."""

    def value_pattern(self, meta: Any, children: list[Any]) -> ir.MatchValue:
        return ir.MatchValue(value=children[0])

    def negative_number(self, meta: Any, children: list[Any]) -> ir.UnaryOp:
        return ir.UnaryOp(op="-", operand=ir.Const(value=lexicon.read_number(str(children[0]))))

    def dotted_name(self, meta: Any, children: list[Any]) -> ir.Expr:
        node: ir.Expr = ir.Name(id=name_of(children[0]))
        for attr in children[1:]:
            node = ir.Attribute(value=node, attr=name_of(attr))
        return node

    def capture_pattern(self, meta: Any, children: list[Any]) -> ir.MatchAs:
        return ir.MatchAs(pattern=None, name=_capture_name(children[0]))

    def as_pattern(self, meta: Any, children: list[Any]) -> ir.MatchAs:
        return ir.MatchAs(pattern=children[0], name=_capture_name(children[1]))

    def or_pattern(self, meta: Any, children: list[Any]) -> ir.MatchOr:
        return ir.MatchOr(patterns=tuple(children))

    def sequence_pattern(self, meta: Any, children: list[Any]) -> ir.MatchSequence:
        return ir.MatchSequence(patterns=tuple(present(children)))

    def star_pattern(self, meta: Any, children: list[Any]) -> ir.MatchStar:
        return ir.MatchStar(name=_capture_name(children[0]))

    def mapping_pattern(self, meta: Any, children: list[Any]) -> ir.MatchMapping:
        entries = present(children)
        rest = entries.pop().name if entries and isinstance(entries[-1], MappingRest) else None
        if any(isinstance(entry, MappingRest) for entry in entries):
            raise syntax_error(meta, "`**rest` must come last in a mapping pattern")
        return ir.MatchMapping(keys=tuple(entries[0::2]), patterns=tuple(entries[1::2]), rest=rest)

    def map_rest(self, meta: Any, children: list[Any]) -> MappingRest:
        return MappingRest(name_of(children[0]))

    def class_pattern(self, meta: Any, children: list[Any]) -> ir.MatchClass:
        positional: list[ir.Pattern] = []
        keywords: list[KeywordPattern] = []
        for arg in present(children[1:]):
            if isinstance(arg, KeywordPattern):
                keywords.append(arg)
            elif keywords:
                raise syntax_error(meta, "positional pattern follows a keyword pattern")
            else:
                positional.append(arg)
        return ir.MatchClass(
            cls=path_of(children[0]),
            patterns=tuple(positional),
            kwd_names=tuple(kw.name for kw in keywords),
            kwd_patterns=tuple(kw.pattern for kw in keywords),
        )

    def keyword_pattern(self, meta: Any, children: list[Any]) -> KeywordPattern:
        return KeywordPattern(name_of(children[0]), children[1])


def _capture_name(token: Token) -> str | None:
    """A bare `_` is the wildcard (no name); `` `_` `` captures into a variable named `_`."""
    if str(token) == "_":
        return None
    return name_of(token)
