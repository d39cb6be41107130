"""Workflows the dashboard tests run for real: a loop of actions, a durable sleep, a child
workflow whose action raises (a stored traceback) and a parent that catches it."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


class PaymentDeclined(ValueError):
    pass


@action
async def reserve(item: str) -> str:
    return f"reserved {item}"


def _refuse(amount: int) -> None:
    raise PaymentDeclined(f"card declined for {amount}")


@action
async def charge(amount: int) -> str:
    if amount > 100:
        _refuse(amount)
    return f"charged {amount}"


@workflow
class Charge(Workflow):
    async def run(self, amount: int) -> str:
        return await charge(amount)


@workflow
class Checkout(Workflow):
    async def run(self, items: list[str], amount: int) -> str:
        for item in items:
            await reserve(item)
        await asyncio.sleep(0.2)
        self.log.info("reserved %d items; charging %d", len(items), amount)
        try:
            receipt = await Charge().run(amount=amount)
        except PaymentDeclined as declined:
            return f"declined: {declined}"
        return receipt
