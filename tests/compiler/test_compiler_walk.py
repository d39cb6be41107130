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


def test_positions_fall_back_to_libcsts_provider_when_the_recorder_disagrees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the recorder subclasses an internal of libcst: on a version where it disagrees with the
    # provider on the sample, every range comes from the provider instead
    from waymark_compiler import positions as module_positions

    module = cst.parse_module(EXTRA)
    recorded = positions(module)
    monkeypatch.setattr(module_positions, "_recorder_agrees", lambda: False)
    assert module_positions.positions(module) == recorded
    monkeypatch.setattr(module_positions, "_recorded", lambda _: {})
    assert module_positions.positions(module) == recorded


def test_children_fall_back_to_libcst_when_the_fast_reading_disagrees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # field order is read from libcst's source: on a version where that reading disagrees with
    # libcst's own on the sample, every class asks libcst
    from waymark_compiler import walk as module_walk

    assert module_walk._reading_agrees()
    monkeypatch.setattr(module_walk, "_ORDER", {})
    module_walk._reading_agrees.cache_clear()
    monkeypatch.setattr(module_walk, "_read", lambda node, fields: [])  # a broken fast path
    module = cst.parse_module(EXTRA)
    try:
        assert not module_walk._reading_agrees()
        for node in _every(module):
            assert [id(c) for c in module_walk.children(node)] == [id(c) for c in node.children]
    finally:
        module_walk._reading_agrees.cache_clear()  # the next test asks the real reading again
