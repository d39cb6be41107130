import functools
from functools import lru_cache

from waymark import Workflow, workflow

SIZE = 4


def flag() -> bool:
    return True


@functools.cache
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@lru_cache(maxsize=SIZE, typed=flag())  # error: WM101 @2
def label(n: int) -> str:
    return f"#{n}"


@workflow
class CacheMethods(Workflow):
    async def run(self, n: int) -> object:
        fib.cache_clear()  # error: WM141 @13
        info = fib.cache_info()  # error: WM141 @20
        return [fib(n), label(n), info]
