"""Module functions under `functools.cache` and `lru_cache` keep their results per instance, as
CPython's caches do for one process (`reset` clears them before every run of the oracle):
`fib(250)` returns at once, a call finds the entry CPython's key finds (`same(True)` after
`same(1.0)` returns `1.0`, after `same(1)` alone it does not), `typed=True` keeps them apart, a
bounded cache evicts its least recently used entry, and the caches outlive awaits."""

from __future__ import annotations

import asyncio
import functools
from functools import lru_cache

from waymark import Workflow, action, workflow


@functools.cache
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n=n - 2)


@functools.cache
def same(x: object) -> object:
    return x


@lru_cache(maxsize=None, typed=True)
def typed(x: object) -> object:
    return x


@lru_cache(maxsize=2)
def recent(x: object) -> object:
    return x


@lru_cache(0)
def never(x: object) -> object:
    return x


@lru_cache
def pair(a: object, b: object = 0) -> tuple[object, object]:
    return (a, b)


def reset() -> None:
    for cached in (fib, same, typed, recent, never, pair):
        cached.cache_clear()


@action
async def load(n: int) -> int:
    return n


@workflow
class MemoisedFunctions(Workflow):
    async def run(self, n: int) -> object:
        m = await load(n)
        shared = [same(m), same(float(m)), same(m == 1), same(float(m + 1)), same(m + 1 == 2)]
        kept = [typed(1.0), typed(True), typed(1), recent(1.0), recent(True)]
        pairs = [pair(1.0, 2), pair(True, 2.0), pair(a=True, b=2)]
        try:
            same([m])
        except TypeError as error:
            pairs.append(str(error))
        await asyncio.sleep(0)
        after = [same(True), typed(True), recent(True), recent("a"), recent("b"), recent(True)]
        mapped = list(map(same, [1.0, True, 2.0]))
        return [fib(250), fib(m), shared, kept, pairs, after, mapped, never(1.0), never(True)]
