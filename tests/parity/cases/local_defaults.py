"""Defaults of functions defined in `run()` that read its variables: Python evaluates them once,
where the `def` runs, so a later rebinding does not change them, a `def` in a loop takes each
iteration's, and one that fails raises at the `def`."""

from __future__ import annotations

import asyncio
from enum import Enum

from waymark import Workflow, action, workflow


class Tier(Enum):
    FLEX = "flex"
    FIXED = "fixed"


@action
async def list_prices(sku: str) -> list[float]:
    return [10.0, 24.5, 3.2] if sku != "empty" else []


@action
async def ship(item: str, priority: int) -> str:
    return f"{item}@{priority}"


@workflow
class QuotePrices(Workflow):
    async def run(self, sku: str, tier: Tier, rate: float = 0.1) -> object:
        def markup(price: float, *, flex: bool = tier is Tier.FLEX, by: float = rate * 2) -> float:
            return round(price * (1 + by) if flex else price, 2)

        tier = Tier.FIXED  # rebinding it after the `def` leaves the default as it was
        rate = 0.0
        quoted = [markup(p) for p in await list_prices(sku)]
        quoted.append(markup(5.0, flex=True))
        quoted.append(markup(5.0, by=1.0))
        first = lambda prices, pick=rate: prices[0] + pick if prices else pick  # noqa: E731
        return {"quoted": quoted, "first": first(quoted), "tier": tier.value}


@workflow
class DefaultsInLoop(Workflow):
    async def run(self, items: list[str], urgent: list[str]) -> object:
        labels = []
        for index, item in enumerate(items):

            def label(suffix: str = "", prefix: str = f"{index}:{item}") -> str:
                return prefix + suffix

            def rank(depth: int, start: int = len(labels)) -> int:
                return start if depth == 0 else rank(depth - 1, start + 1)

            labels.append(label() + label("!") + str(rank(2)))

        async def send(item: str, priority: int = 1 + len(urgent)) -> str:
            return await ship(item, priority)

        sent = await asyncio.gather(*[send(i) for i in items], send("last", 0))
        return {"labels": labels, "sent": sent}


@workflow
class DefaultRaises(Workflow):
    async def run(self, given: list[int], position: int) -> object:
        values = list(given)
        try:

            def pick(offset: int = 0, chosen: int = values[position]) -> int:
                return chosen + offset

        except IndexError as error:
            return f"no default: {error}"
        values[position] = -1  # the default is the value read when the `def` ran
        return [pick(), pick(10), pick(chosen=7)]


INPUTS = {
    "QuotePrices": [
        {"sku": "s1", "tier": Tier.FLEX},
        {"sku": "s1", "tier": Tier.FIXED, "rate": 0.5},
        {"sku": "empty", "tier": Tier.FLEX},
    ],
}
