"""L1: `LocalRuntime` running one wide `asyncio.gather` of no-op actions, in this process.

Two sizes four times apart, measured in the same run: the larger gather's rate divided by the
smaller's is about 1 when a gather costs linear time, and about 0.25 when it costs quadratic
time (every step of the instance paying for every call of the gather).
"""

from __future__ import annotations

import time

from benchmarks.context import Context
from benchmarks.results import Measured
from benchmarks.workflows import BenchFanOut
from waymark.testing import LocalRuntime


async def l1(ctx: Context) -> Measured:
    small, large = ctx.scale.l1_small, ctx.scale.l1_large
    await _seconds(small // 10)  # imports, the parser, the program cache: outside the timing
    measured = Measured(details={"actions": [small, large]})
    for _ in range(ctx.scale.repeats):
        measured.add("L1.small", small / await _seconds(small))
        measured.add("L1.large", large / await _seconds(large))
    return measured


async def _seconds(count: int) -> float:
    async with LocalRuntime():
        started = time.perf_counter()
        result = await BenchFanOut().run(count)
        seconds = time.perf_counter() - started
    if result != count:
        raise RuntimeError(f"L1: the gather of {count} actions returned {result!r}")
    return seconds
