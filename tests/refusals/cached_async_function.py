import functools

from waymark import Workflow, action, workflow


@action
async def price(sku: str) -> int:
    return len(sku)


@functools.cache  # error: WM101 @2
async def cached_price(sku: str) -> int:
    # CPython keeps the coroutine: `await cached_price("a")` twice raises RuntimeError.
    return await price(sku)


@functools.lru_cache(maxsize=8)  # error: WM101 @2
async def recent_price(sku: str) -> int:
    return await price(sku)


@workflow
class CachedAsync(Workflow):
    async def run(self, skus: list[str]) -> list[int]:
        return [await cached_price(s) for s in skus] + [await recent_price(s) for s in skus]
