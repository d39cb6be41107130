"""An iterator the state codec can only save as its items, held across an await while it reads
a generator that never ends, fails its instance with a step-budget error that says so (map,
filter, islice and one-clause generator expressions are saved over their source: parity case
`endless_maps`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from waymark import Workflow, action, workflow
from waymark.testing import LocalRuntime
from waymark_runtime.interpreter import LimitExceeded, Limits

SMALL = Limits(operations=200_000, collection_length=1_000, string_length=10_000, int_digits=50)


@action
async def ping(value: int) -> int:
    return value


def naturals() -> Iterator[int]:
    n = 0
    while True:
        yield n
        n += 1


@workflow
class HeldTakewhile(Workflow):
    async def run(self) -> int:
        small = itertools.takewhile(lambda v: v < 10**9, naturals())
        first = next(small)
        await ping(1)
        return first + next(small)


@workflow
class HeldFinite(Workflow):
    async def run(self, size: int) -> list[int]:
        small = itertools.takewhile(lambda v: v < size, naturals())
        first = next(small)
        await ping(1)
        return [first, *small]


async def test_an_endless_source_held_as_items_names_the_iterator() -> None:
    async with LocalRuntime(limits=SMALL):
        with pytest.raises(LimitExceeded) as caught:
            await HeldTakewhile().run()
    message = str(caught.value)
    assert "step budget exceeded" in message
    assert "held across an await reads a generator, count, cycle or repeat" in message


async def test_a_finite_source_held_as_items_still_resumes() -> None:
    async with LocalRuntime(limits=SMALL):
        assert await HeldFinite().run(4) == [0, 1, 2, 3]
