"""Big literals compile in time linear in their size.

A workflow module may hold a table of 100,000 items (a module-level constant, or a list or dict
built in `run()`); compiling it walks each item a fixed number of times. Timing would be a
flaky test, so the work is counted instead, deterministically: every Python function call
(libcst's parser and visits included) and every line our own modules execute (so a plain loop
counts per iteration), while compiling sources with N, 2N and 4N items. For work a + b·N the
growth from 2N to 4N is twice the growth from N to 2N; a loop over the items inside a loop over
the items (a re-walk or a `code_for_node` per element, a scan of the list per item) makes it four
times. Work done inside C functions (`list.index`, `str` concatenation) is not counted.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import waymark_compiler
import waymark_runtime
from waymark_compiler.api import compile_source
from waymark_runtime.sizes import MAX_DISPLAY_ITEMS

OURS = tuple(package.__path__[0] for package in (waymark_compiler, waymark_runtime))


def _source(items: int) -> str:
    numbers = ", ".join(str(i) for i in range(items))
    pairs = ", ".join(f'"k{i}": ({i}, -{i})' for i in range(items))
    return (
        "from waymark import Workflow, action, workflow\n\n"
        f"TABLE = ({numbers})\n\n\n"
        "@action\nasync def fetch(item: int) -> int:\n    return item\n\n\n"
        "@workflow\nclass BigTables(Workflow):\n"
        "    async def run(self, k: int, key: str) -> int:\n"
        f"        listed = [{numbers}]\n"
        f"        mapped = {{{pairs}}}\n"
        "        first = await fetch(TABLE[k] + listed[k])\n"
        "        return first + mapped[key][1]\n"
    )


def _work(items: int) -> int:
    """Calls made and lines of ours run while compiling a source with tables of `items`."""
    return _counted(_source(items), ["BigTables"])


def _counted(source: str, workflows: list[str]) -> int:
    """Calls made and lines of ours run while compiling `source`."""
    count = 0

    def lines(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return lines

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return lines if frame.f_code.co_filename.startswith(OURS) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        result = compile_source(source, "big_tables.py", "big_tables")
    finally:
        sys.settrace(previous)
    assert [w.name for w in result.workflows] == workflows, result.diagnostics[:3]
    return count


def test_compiling_big_literals_does_work_linear_in_their_size() -> None:
    _work(20)  # warm caches and lazily built tables, so only per-item work is compared
    small, medium, large = _work(200), _work(400), _work(800)
    first, second = medium - small, large - medium
    assert first > 200 * 100  # every item costs work: the count measures the literals
    # Linear: second == 2 * first (to a few calls in a million: the counts are deterministic).
    # Quadratic: up to 4 * first; an inner loop of two lines per pair of items already gives 2.2.
    assert second < 2.1 * first, (small, medium, large)


def _workflows(count: int) -> int:
    classes = "".join(
        f"\n\n@workflow\nclass Flow{i}(Workflow):\n    async def run(self, k: int) -> int:\n"
        f"        return await fetch(k + {i})\n"
        for i in range(count)
    )
    source = _source(3).split("\n\n\n@workflow")[0] + "\n" + classes
    return _counted(source, [f"Flow{i}" for i in range(count)])


def test_compiling_many_workflows_does_work_linear_in_their_number() -> None:
    """Each workflow resolved every name of its module again: 400 workflows took 13 s."""
    _workflows(2)
    small, medium, large = _workflows(10), _workflows(20), _workflows(40)
    first, second = medium - small, large - medium
    assert second < 2.1 * first, (small, medium, large)


def test_a_display_at_the_limit_compiles() -> None:
    result = compile_source(_source(MAX_DISPLAY_ITEMS), "big_tables.py", "big_tables")
    assert [w.name for w in result.workflows] == ["BigTables"], result.diagnostics[:3]
