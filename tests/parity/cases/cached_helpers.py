"""Helpers decorated with `functools.cache` or `lru_cache` (under any alias, called or not)
are compiled as the functions themselves."""

from __future__ import annotations

import functools
from functools import lru_cache as memo

from waymark import Workflow, action, workflow


@functools.cache
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@memo(maxsize=8)
def label(n: int) -> str:
    return f"#{n:03d}"


@functools.lru_cache
def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@action
async def load(n: int) -> int:
    return n


@workflow
class CachedHelpers(Workflow):
    async def run(self, n: int) -> list[object]:
        m = await load(n)
        return [fib(m), label(m), words("a b c"), [fib(i) for i in range(m)]]
