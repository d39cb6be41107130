"""Reading a libcst tree fast: a node's children, and a read-only visitor driven over a tree.

libcst's own `node.visit(visitor)` and `node.children` rebuild every node they pass (they share
the code of transformers), which made each pass over a 10,000-statement `run()` cost seconds.
Here the children are read straight from a node's fields, in the order libcst visits them (the
order of the fields its `_visit_and_replace_children` passes on, read once per node class from
that method), so a visitor sees exactly the calls `node.visit` would make it see, except for
layout (whitespace, comments, punctuation), which no pass reads and `walk` and `parts` leave out.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator

import libcst as cst
from libcst import MaybeSentinel

_VISITED = re.compile(r'visit_\w+\(\s*self,\s*"(\w+)"')
_ORDER: dict[type[cst.CSTNode], tuple[str, ...] | None] = {}

SAMPLE = """\
from m import (a)
@workflow
class W(Workflow):
    async def run(self, x: int = 1, *rest: int, flag: bool = False, **named: str) -> list[int]:
        if x > 0 and not (x < 10):  # a comment
            y = [i * 2 for i in range(x) if i]
        elif (z := x) in {1: 2}:
            y = {"k": f"{x!r:>3}", **named}
        else:
            y = (lambda q, *, r=1: q)(x)[1:2:3]
        for i, (j, k) in enumerate(y):
            continue
        while not x:
            break
        try:
            await a(y, *y, **{"z": 1})
        except (ValueError, KeyError) as e:
            raise RuntimeError("no") from e
        finally:
            del y
        match x:
            case [1, *others] | {"k": _} if others:
                pass
            case Point(x=0) as p:
                pass
        global g
        assert x, "x"
        return [x, -x, x ** 2, x if x else ~x, *rest, await b(), x.attr.other]
"""
"""A module with every kind of node a workflow's source commonly holds: the fast reading is
checked against libcst's on it once per process (`_reading_agrees`), and so are positions."""


@functools.cache
def _order(cls: type[cst.CSTNode]) -> tuple[str, ...] | None:
    """The fields libcst visits on a node of `cls`, in order, read from its
    `_visit_and_replace_children`; None when that source cannot be read."""
    try:
        text = inspect.getsource(cls._visit_and_replace_children)
    except (OSError, TypeError):
        return None
    return tuple(dict.fromkeys(_VISITED.findall(text)))


def _fields(cls: type[cst.CSTNode]) -> tuple[str, ...] | None:
    """The fields `children` reads on a node of `cls`; None: ask libcst (`node.children`), as
    for every class when the fast reading disagrees with libcst's on `SAMPLE` (another libcst
    version: slower then, never wrong)."""
    if cls not in _ORDER:
        _ORDER[cls] = _order(cls) if _reading_agrees() else None
    return _ORDER[cls]


@functools.cache
def _reading_agrees() -> bool:
    try:
        stack: list[cst.CSTNode] = [cst.parse_module(SAMPLE)]
        while stack:
            node = stack.pop()
            expected = list(node.children)
            fields = _order(type(node))
            if fields is not None and list(map(id, _read(node, fields))) != list(map(id, expected)):
                return False
            stack.extend(expected)
    except Exception:  # an internal that changed shape
        return False
    return True


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`node.children` (whitespace and punctuation included, same order) without rebuilding."""
    fields = _fields(type(node))
    if fields is None:
        return list(node.children)
    return _read(node, fields)


def _read(node: cst.CSTNode, fields: tuple[str, ...]) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for name in fields:
        # A visited field holds a node, a sequence of nodes, None or `MaybeSentinel.DEFAULT`
        # (tested without `isinstance`, which libcst's abstract classes make slow).
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            out.extend(value)
        elif value is not None and kind is not MaybeSentinel:
            out.append(value)
    return out


def concrete(*bases: type) -> set[type]:
    """`bases` and their subclasses, the abstract ones left out (for `type(node) in ...`)."""
    found: set[type] = set()
    for base in bases:
        if not inspect.isabstract(base):
            found.add(base)
        found |= concrete(*base.__subclasses__())
    return found


LAYOUT: frozenset[type] = frozenset(
    concrete(
        cst.BaseParenthesizableWhitespace,
        cst.TrailingWhitespace,
        cst.Newline,
        cst.EmptyLine,
        cst.Comment,
        cst.LeftParen,
        cst.RightParen,
        cst.LeftSquareBracket,
        cst.RightSquareBracket,
        cst.LeftCurlyBrace,
        cst.RightCurlyBrace,
        cst.Comma,
        cst.Semicolon,
        cst.Colon,
        cst.Dot,
        cst.AssignEqual,
        cst.Asynchronous,
        cst.BaseBinaryOp,
        cst.BaseBooleanOp,
        cst.BaseCompOp,
        cst.BaseAugOp,
        cst.BaseUnaryOp,
    )
)
"""The node classes of layout: whitespace, comments, newlines, punctuation and the tokens of
operators (their parents say which operator; only whitespace is under them)."""


EXPRESSIONS: frozenset[type] = frozenset(concrete(cst.BaseExpression))
"""The expression node classes (`type(node) in EXPRESSIONS`: libcst's abstract classes make
`isinstance(node, cst.BaseExpression)` slow at every node)."""


def parts(node: cst.CSTNode) -> list[cst.CSTNode]:
    """`children(node)` without layout: the nodes a pass reads."""
    return [child for child in children(node) if type(child) not in LAYOUT]


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """What `node.visit(visitor)` does for a visitor that changes nothing, minus the layout
    (`LAYOUT`, which no pass reads): `on_visit` of each node (False skips its children), then
    its parts, then `on_leave`. Iterative: a deep tree costs no Python stack."""
    stack: list[tuple[cst.CSTNode, Iterator[cst.CSTNode]]] = []
    current: cst.CSTNode | None = node
    while True:
        if current is not None:
            if visitor.on_visit(current):
                stack.append((current, iter(parts(current))))
            else:
                visitor.on_leave(current)
        if not stack:
            return
        parent, pending = stack[-1]
        current = next(pending, None)
        if current is None:
            stack.pop()
            visitor.on_leave(parent)


Handler = Callable[[cst.CSTVisitor, cst.CSTNode], object]
_HANDLERS: dict[tuple[type, str], dict[type, Handler | None]] = {}


def _handler(visitor: type, prefix: str, kind: type) -> Handler | None:
    """The `visit_<Class>` (`leave_<Class>`) method of a visitor class for a node class."""
    table = _HANDLERS.setdefault((visitor, prefix), {})
    if kind not in table:
        table[kind] = getattr(visitor, f"{prefix}{kind.__name__}", None)
    return table[kind]


class Reader(cst.CSTVisitor):
    """A visitor for `walk`: libcst's dispatch to `visit_<Class>` and `leave_<Class>`, each
    method looked up once per node class rather than by name at every node."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        handler = _handler(type(self), "visit_", type(node))
        return handler is None or handler(self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        handler = _handler(type(self), "leave_", type(original_node))
        if handler is not None:
            handler(self, original_node)
