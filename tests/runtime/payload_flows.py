"""Workflows whose actions return values that cannot travel, run on both runtimes.

Worker processes import this module by name (`tests.runtime.payload_flows`). Every action
records its run (see `runtime_flows`), so a test can tell that none ran twice.
"""

from __future__ import annotations

import asyncio

from tests.runtime.runtime_flows import _record
from waymark import RetryPolicy, ValueNotSerializable, Workflow, action, workflow


class Opaque:
    """Neither a model nor a dataclass: no workflow value can hold it."""


@action
async def tally(key: str) -> str:
    _record(key)
    return key


@action
async def opaque(key: str) -> object:
    _record(key)
    return Opaque()


@action
async def slow_text(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "in time"


@workflow
class GatherWithUnstorable(Workflow):
    async def run(self, count: int) -> list[object]:
        return await asyncio.gather(
            *[tally(f"ok/{i}") for i in range(count)], opaque("bad"), return_exceptions=True
        )


@workflow
class UnstorableNotRetried(Workflow):
    async def run(self) -> str:
        try:
            await self.run_action(opaque("retried?"), retry=RetryPolicy(attempts=3))
        except ValueNotSerializable as error:
            return f"refused: {error}"
        return "stored"


@workflow
class CatchUnstorable(Workflow):
    async def run(self, seconds: float) -> str:
        try:
            return await slow_text(seconds)
        except ValueNotSerializable as error:
            return f"refused: {error}"


@action
async def sized(key: str, size: int, fail: bool) -> str:
    """Returns (or raises with) a text of `size` characters."""
    _record(key)
    if fail:
        raise ValueError("e" * size)
    return "x" * size


@workflow
class GatherWithOversized(Workflow):
    async def run(self, size: int) -> list[object]:
        results = await asyncio.gather(
            sized("small", 10, False),
            sized("big", size, False),
            sized("loud", size, True),
            return_exceptions=True,
        )
        return [r if isinstance(r, str) else f"{type(r).__name__}: {r}" for r in results]


@action
async def blob(size: int) -> str:
    return "x" * size


@action
async def measure(key: str, texts: list[str]) -> int:
    _record(key)
    return sum(len(text) for text in texts)


@workflow
class LargeArgument(Workflow):
    """An action's argument of `times` copies of an action's result: one large request."""

    async def run(self, size: int, times: int) -> int:
        text = await blob(size)
        return await measure("measured", [text] * times)


@action
async def nested(levels: int) -> object:
    """A list, a dict and a tuple each nested `levels` deep."""
    value: list[object] = [[], {}, ()]
    for _ in range(levels):
        value = [[value[0]], {"k": value[1]}, (value[2],)]
    return value


@action
async def depth_of(value: object) -> int:
    levels = 0
    while isinstance(value, (list, tuple, dict)) and value:
        value = value["k"] if isinstance(value, dict) else value[0]
        levels += 1
    return levels


@workflow
class DeepValues(Workflow):
    """A deep result held across an await (its state saved), compared, shown, passed on and
    returned."""

    async def run(self, levels: int) -> list[object]:
        value = await nested(levels)
        await asyncio.sleep(0)
        depths = [await depth_of(part) for part in value]
        return [depths, value == value, [len(str(part)) for part in value], value]


def nested_lists(levels: int) -> list[object]:
    value: list[object] = []
    for _ in range(levels):
        value = [value]
    return value


@workflow
class BuildsDeep(Workflow):
    async def run(self, levels: int) -> int:
        value = nested_lists(levels)
        await asyncio.sleep(1)
        return len(value)


@workflow
class RaisesDeep(Workflow):
    """An exception built from a deep value: the runtime rebuilds its argument to construct it."""

    async def run(self, levels: int) -> str:
        try:
            raise ValueError(nested_lists(levels))
        except Exception as error:
            return type(error).__name__


@workflow
class MeasuresInput(Workflow):
    async def run(self, value: object) -> int:
        return await depth_of(value)
