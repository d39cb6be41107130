"""Synchronous helpers nest at most `HELPER_DEPTH` calls (CPython's default recursion limit):
one more raises a `RecursionError` the workflow may catch, at the same depth in every process."""

from __future__ import annotations

from waymark import Workflow, workflow
from waymark.testing import LocalRuntime
from waymark_runtime.interpreter.code import HELPER_DEPTH


def depth(n: int) -> int:
    return 0 if n == 0 else 1 + depth(n - 1)


@workflow
class Recurses(Workflow):
    async def run(self, n: int) -> object:
        try:
            return depth(n)
        except RecursionError as error:
            return str(error)


async def test_helpers_nest_to_the_limit_and_one_more_raises_recursion_error() -> None:
    async with LocalRuntime():
        deepest = await Recurses().run(n=HELPER_DEPTH - 1)  # HELPER_DEPTH calls
        beyond = await Recurses().run(n=HELPER_DEPTH)
        again = await Recurses().run(n=10)  # the count starts afresh
    assert deepest == HELPER_DEPTH - 1
    assert beyond == "maximum recursion depth exceeded"
    assert again == 10
