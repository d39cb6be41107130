"""How deeply a program nests, and the one nesting limit every phase shares.

The printer, the interpreter's expression compiler and the compiler's lowering recurse once per
level of nesting (expressions and blocks alike). The compiler refuses deeper programs (WM148) and
the parser deeper text, so every phase copes with whatever the other accepts. Measuring here is
iterative: a tree of any depth can be measured.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from types import FrameType
from typing import Any

from waymark_runtime import ir

MAX_NESTING = 100
# Python frames one level of nesting costs the deepest recursive phase (the lowering and the
# printer of nested displays and calls spend about 7), with a margin.
_FRAMES_PER_LEVEL = 10

VALUE_NESTING = 1000
"""Levels of a value (lists in lists, dicts in tuples...) every codec, the state's included,
handles: what CPython's own `json` handles under its default recursion limit."""
# Frames one level of a value costs the deepest codec (the state's encoder of a tuple spends
# 5: encode, the tag's function, its comprehension, the subclass's encode), with a margin.
_FRAMES_PER_VALUE_LEVEL = 6


def too_deep(node: Any) -> tuple[Any, ir.Span | None] | None:
    """The first node nested more than MAX_NESTING levels below `node` (itself level 1), with
    the span of it or of its nearest ancestor that has one; None when `node` is within."""
    for current, depth, where in walk(node):
        if depth > MAX_NESTING:
            return current, where
    return None


def walk(node: Any) -> Iterator[tuple[Any, int, ir.Span | None]]:
    """Every IR node from `node` down (depth first, iteratively), with its level (`node` is 1)
    and the span of it or of its nearest ancestor that has one."""
    stack: list[tuple[Any, int, ir.Span | None]] = [(node, 1, None)]
    while stack:
        current, depth, where = stack.pop()
        where = getattr(current, "span", None) or where
        yield current, depth, where
        stack.extend((child, depth + 1, where) for child in _children(current))


def node_fields(kind: type) -> tuple[str, ...]:
    """The fields of an IR node class but its span (none for any other class)."""
    names = _FIELDS.get(kind)
    if names is None:
        names = (
            tuple(f.name for f in fields(kind) if f.name != "span") if is_dataclass(kind) else ()
        )
        _FIELDS[kind] = names
    return names


def _children(node: Any) -> list[Any]:
    found: list[Any] = []
    for name in node_fields(type(node)):
        value = getattr(node, name)
        for item in value if isinstance(value, tuple) else (value,):
            kind = type(item)
            node_kind = _NODE_KINDS.get(kind)
            if node_kind is None:
                node_kind = _NODE_KINDS[kind] = _is_node_kind(kind)
            if node_kind or (isinstance(item, type) and is_dataclass(item)):
                found.append(item)
    return found


def _is_node_kind(kind: type) -> bool:
    """Are the instances of `kind` nodes to walk into (dataclasses, not spans)? A class held as
    a value is a dataclass itself or not (`_children` asks of each)."""
    return is_dataclass(kind) and not issubclass(kind, ir.Span) and not issubclass(kind, type)


_FIELDS: dict[type, tuple[str, ...]] = {}
_NODE_KINDS: dict[type, bool] = {}


def make_room(frames: int = MAX_NESTING * _FRAMES_PER_LEVEL) -> None:
    """Make sure the recursion limit leaves room for `frames` (default: MAX_NESTING levels of
    a program) above the caller's own stack; it is raised, never lowered (other threads may
    rely on a raise of their own)."""
    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    needed = depth + frames + 100
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)


def make_value_room() -> None:
    """Room for VALUE_NESTING levels of a value, made once per process where values are first
    imported: a runner that claims a deep state decodes it with the room its encoder had.
    About 6,000 frames: Python frames cost no C stack, and C recursion (`json`, `repr`,
    comparisons) spends well under a kilobyte a level of an 8 MiB stack."""
    make_room(VALUE_NESTING * _FRAMES_PER_VALUE_LEVEL)
