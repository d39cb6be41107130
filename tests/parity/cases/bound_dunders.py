"""A value's operator methods named as functions: `key=usage.__getitem__`,
`filter(allowed.__contains__, ...)`, `map(prices.__getitem__, ...)`, a missing key raising
`KeyError` as the bound method does."""

from __future__ import annotations

from collections import Counter

from waymark import Workflow, action, workflow


@action
async def load_usage(days: int) -> list[int]:
    return [(day * 37) % 11 for day in range(days)]


@workflow
class BoundDunders(Workflow):
    async def run(self, days: int, skus: list[str]) -> dict[str, object]:
        usage = await load_usage(days)
        prices = {"a": 3, "b": 5, "c": 1}
        allowed = {"a", "c"}
        counts = Counter(skus)
        peak = max(range(len(usage)), key=usage.__getitem__, default=None)
        quietest = min(range(len(usage)), key=usage.__getitem__) if usage else None
        ranked = sorted(counts, key=counts.__getitem__, reverse=True)
        kept = list(filter(allowed.__contains__, skus))
        try:
            total = sum(map(prices.__getitem__, skus))
        except KeyError as error:
            total = f"unknown sku {error}"
        return {"peak": peak, "quietest": quietest, "ranked": ranked, "kept": kept, "total": total}
