"""The size limits every phase shares, as `nesting` holds the depth limit.

A list, tuple, set or dict display costs the compiler (libcst's tree, positions, lowering) and
the `.wrl` parser (a dozen grammar reductions per item) tens of microseconds per item: 200,000
items took minutes to compile and to load. The compiler refuses larger displays (WM139) and
the parser larger brackets, so a program's text stays quick to compile, store and load; the
same goes for long integers and for the program's text as a whole.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime import ir
from waymark_runtime.nesting import node_fields, walk

MAX_DISPLAY_ITEMS = 10_000
"""Items of one display (`[...]`, `(...)`, `{...}`), and arguments of one call in `.wrl` text."""

MAX_LITERAL_DIGITS = 10_000
"""Decimal digits of one number in `.wrl` text. Converting between digits and an int takes time
quadratic in their count (a million digits took 20 s to read and print); this is more than the
4,300 CPython reads in a decimal literal, and a hexadecimal one past it is refused (WM139)."""

MAX_PROGRAM_CHARS = 2_000_000
"""Characters of one program's `.wrl` text: the parser reads about 100,000 a second."""

_INT_BOUND = 10**MAX_LITERAL_DIGITS


def too_long_int(node: Any) -> tuple[int, ir.Span | None] | None:
    """The first int in the program `node` with more than MAX_LITERAL_DIGITS decimal digits,
    with the span of the nearest node that has one; None when every int is within."""
    for current, _, where in walk(node):
        for name in node_fields(type(current)):
            value = getattr(current, name)
            if type(value) is int and abs(value) >= _INT_BOUND:
                return value, where
    return None
