"""Source locations in `.wrl` text: how they are written, resolved and left out of versions.

Only the `workflow` line holds an absolute `@LINE:COL`. A `fn` line counts its line from the
`workflow` line and a statement from its `fn` line (`@+3:9`, `@-1:5`); columns are absolute.
So moving a workflow inside its file changes one line of its text, and the behaviour text (the
text without any location, what a version hashes) not at all. Owns no grammar and no IR building.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from lark import Token, Tree

from waymark_runtime import ir
from waymark_runtime.errors import WrlSyntaxError

# Relative locations carry a sign; an unsigned one is absolute anywhere (as in `wrl 1` texts).
_BASE: ContextVar[int] = ContextVar("wrl_location_base", default=0)
_TRAILING = re.compile(r" @[+-]?\d+:\d+$", re.MULTILINE)
# A Python source line or column has fewer digits (and `int()` refuses over 4,300 of them).
MAX_LOCATION_DIGITS = 9


# --- printing ---------------------------------------------------------------------------------


def absolute(span: ir.Span | None) -> str:
    """The ` @LINE:COL` suffix of the `workflow` line (empty without a span)."""
    return "" if span is None else f" @{span.line}:{span.column}"


def relative(span: ir.Span | None) -> str:
    """The ` @+DELTA:COL` suffix of a line inside a `with_base` block (empty without a span)."""
    return "" if span is None else f" @{span.line - _BASE.get():+d}:{span.column}"


@contextmanager
def with_base(span: ir.Span | None) -> Iterator[None]:
    """Count relative locations from `span`'s line (from the current base when it is None)."""
    token = _BASE.set(_BASE.get() if span is None else span.line)
    try:
        yield
    finally:
        _BASE.reset(token)


# --- the behaviour text -----------------------------------------------------------------------


def without_locations(canonical: str) -> str:
    """The behaviour text: canonical text with every trailing `@LINE:COL` removed.

    In canonical text a location is the only thing a line can end with that matches: the
    printer writes the `@` operator with a space after it, and strings end in a quote.
    """
    return _TRAILING.sub("", canonical)


# --- parsing ----------------------------------------------------------------------------------


def resolve_locations(tree: Tree[Token]) -> None:
    """Rewrite every location token of a parse tree to its absolute `@LINE:COL`, in place."""
    workflow = tree.children[-1]
    if not isinstance(workflow, Tree):
        return
    anchor = _resolve_own(workflow, 0)
    for function in workflow.children:
        if isinstance(function, Tree):
            base = _resolve_own(function, anchor)
            _resolve_all(function, base)


def _resolve_own(node: Tree[Token], base: int) -> int:
    """Resolve `node`'s own location (a direct child); the line to count from inside it."""
    for index, child in enumerate(node.children):
        if isinstance(child, Token) and child.type == "LOC":
            resolved = node.children[index] = _resolved(child, base)
            return int(str(resolved)[1:].partition(":")[0])
    return base


def _resolve_all(root: Tree[Token], base: int) -> None:
    stack = [child for child in root.children if isinstance(child, Tree)]
    while stack:
        node = stack.pop()
        for index, child in enumerate(node.children):
            if isinstance(child, Tree):
                stack.append(child)
            elif isinstance(child, Token) and child.type == "LOC":
                node.children[index] = _resolved(child, base)


def _resolved(token: Token, base: int) -> Token:
    """`token` as an absolute location; an unsigned one already is."""
    text = str(token)
    line, _, column = text[1:].partition(":")
    if len(line.lstrip("+-")) > MAX_LOCATION_DIGITS or len(column) > MAX_LOCATION_DIGITS:
        raise _error(token, f"location `{text[:24]}` out of range")
    if line[0] not in "+-":
        return token
    absolute_line = base + int(line)
    if absolute_line < 1:
        raise _error(token, f"location `{text[:24]}` is before line 1")
    return Token.new_borrow_pos("LOC", f"@{absolute_line}:{column}", token)


def span_of(token: Token | None) -> ir.Span | None:
    """The span of an absolute `@LINE:COL` token (None without one)."""
    if token is None:
        return None
    parts = str(token)[1:].split(":")
    if any(len(part) > MAX_LOCATION_DIGITS for part in parts):
        raise _error(token, f"location `{str(token)[:24]}` out of range")
    line, column = (int(part) for part in parts)
    return ir.Span(line, column, line, column)


def _error(token: Token, message: str) -> WrlSyntaxError:
    return WrlSyntaxError(message, token.line or 0, token.column or 0)
