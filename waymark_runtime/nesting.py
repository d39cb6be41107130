"""How deeply a program nests, and the one nesting limit every phase shares.

The printer, the interpreter's expression compiler and the compiler's lowering recurse once per
level of nesting (expressions and blocks alike). The compiler refuses deeper programs (WM148) and
the parser deeper text, so every phase copes with whatever the other accepts. Measuring here is
iterative: a tree of any depth can be measured.
"""

from __future__ import annotations

import sys
from dataclasses import fields, is_dataclass
from types import FrameType
from typing import Any

from waymark_runtime import ir

MAX_NESTING = 100
# Python frames one level of nesting costs the deepest recursive phase (the lowering and the
# printer of nested displays and calls spend about 7), with a margin.
_FRAMES_PER_LEVEL = 10


def too_deep(node: Any) -> tuple[Any, ir.Span | None] | None:
    """The first node nested more than MAX_NESTING levels below `node` (itself level 1), with
    the span of it or of its nearest ancestor that has one; None when `node` is within."""
    stack: list[tuple[Any, int, ir.Span | None]] = [(node, 1, None)]
    while stack:
        current, depth, where = stack.pop()
        where = getattr(current, "span", None) or where
        if depth > MAX_NESTING:
            return current, where
        stack.extend((child, depth + 1, where) for child in _children(current))
    return None


def _children(node: Any) -> list[Any]:
    found: list[Any] = []
    for name in _node_fields(type(node)):
        value = getattr(node, name)
        for item in value if isinstance(value, tuple) else (value,):
            if is_dataclass(item) and not isinstance(item, ir.Span):
                found.append(item)
    return found


def _node_fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = (
            tuple(f.name for f in fields(kind) if f.name != "span") if is_dataclass(kind) else ()
        )
        _FIELDS[kind] = names
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}


def make_room() -> None:
    """Make sure the recursion limit leaves room for MAX_NESTING levels above the caller's own
    stack; it is raised, never lowered (other threads may rely on a raise of their own)."""
    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    needed = depth + MAX_NESTING * _FRAMES_PER_LEVEL + 100
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)
