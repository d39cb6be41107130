"""`cart += item` with the class's own `__iadd__`: the value itself changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from waymark import Workflow, action, workflow


@dataclass
class Cart:
    items: list = field(default_factory=list)

    def __iadd__(self, item):
        self.items.append(item)
        return self


@action
async def pick(n: int) -> list[str]:
    return ["tea", "cake"][:n]


@workflow
class FillCart(Workflow):
    async def run(self, n: int) -> list:
        cart = Cart()
        for item in await pick(n):
            cart += item
        return cart.items
