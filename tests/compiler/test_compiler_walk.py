"""The compiler's fast tree reading agrees with libcst's own, node for node.

`walk.children` and `walk.walk` read a node's fields instead of letting libcst rebuild the tree,
and `positions.positions` records ranges without libcst's metadata provider; both must give
exactly what libcst gives (the same children in the same order, the same visitor calls but
for layout, the same range for every node but layout) on every golden and refusal source, and on shapes
those lack.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from waymark_compiler.positions import UNRECORDED, positions
from waymark_compiler.walk import LAYOUT, children, parts, walk

TESTS = Path(__file__).parent.parent
SOURCES = sorted([*TESTS.glob("golden/*.py"), *TESTS.glob("refusals/*.py")])
EXTRA = """\
import a.b as c
from . import (x, y as z)
from .m import *

@decorator(arg := 1)
class K(Base, metaclass=M):
    value: int = 3
    def method(self, a, /, b=2, *args, c, **kw) -> "K":
        return (yield from a) if b else [i async for i in c if i]

def f():
    x = lambda q, *r: {q: r for q in r}
    try:
        pass
    except* (E, F) as error:
        raise X from error
    else:
        del x[1:2:3], y.z
    finally:
        global g
    match x:
        case {"k": [1, *rest], **more} | Point(x=0) as p if p:
            nonlocal_ = f"{x!r:>{width}} {y=}"
    with a as (b, c), d:
        async for i in j: ...
    while not x: break
    return 'a' 'b', b'c', 1_000j, ...\r\n
"""


def _modules() -> list[tuple[str, cst.Module]]:
    """Every source libcst parses (a few refusals are syntax errors on purpose)."""
    found = [("extra", cst.parse_module(EXTRA))]
    for path in SOURCES:
        try:
            found.append((path.name, cst.parse_module(path.read_text())))
        except cst.ParserSyntaxError:
            continue
    return found


MODULES = _modules()


def _every(root: cst.CSTNode) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children)
    return out


class _Log(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.calls.append(("visit", id(node)))
        return not isinstance(node, cst.Lambda | cst.Call)  # skipping children as well

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.calls.append(("leave", id(original_node)))


def test_the_corpus_is_there() -> None:
    assert len(MODULES) > 100


@pytest.mark.parametrize(("name", "module"), MODULES, ids=[name for name, _ in MODULES])
def test_children_are_libcsts(name: str, module: cst.Module) -> None:
    for node in _every(module):
        mine, theirs = children(node), list(node.children)
        assert [id(child) for child in mine] == [id(child) for child in theirs], type(node)


@pytest.mark.parametrize(("name", "module"), MODULES, ids=[name for name, _ in MODULES])
def test_walk_makes_the_calls_visit_makes_but_for_layout(name: str, module: cst.Module) -> None:
    ours, libcsts = _Log(), _Log()
    walk(module, ours)
    module.visit(libcsts)
    layout = {id(node) for node in _every(module) if type(node) in LAYOUT}
    assert ours.calls == [call for call in libcsts.calls if call[1] not in layout]


@pytest.mark.parametrize(("name", "module"), MODULES, ids=[name for name, _ in MODULES])
def test_layout_holds_only_layout(name: str, module: cst.Module) -> None:
    for node in _every(module):
        if type(node) in LAYOUT:
            assert all(type(child) in LAYOUT for child in children(node)), type(node)
        else:
            kept = [child for child in children(node) if type(child) not in LAYOUT]
            assert parts(node) == kept


@pytest.mark.parametrize(("name", "module"), MODULES, ids=[name for name, _ in MODULES])
def test_positions_are_libcsts(name: str, module: cst.Module) -> None:
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    mine = positions(module)
    assert mine.keys() == {node for node in theirs if type(node) not in UNRECORDED}
    for node, where in theirs.items():
        if type(node) in UNRECORDED:
            continue
        start, end = where.start, where.end
        assert mine[node] == (start.line, start.column, end.line, end.column), type(node)


def test_walk_needs_no_python_stack() -> None:
    deep = cst.parse_expression("-" * 5000 + "x")
    visitor = _Log()
    walk(deep, visitor)
    assert len(visitor.calls) == 2 * sum(type(node) not in LAYOUT for node in _every(deep))
