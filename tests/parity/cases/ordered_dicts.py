"""`collections.OrderedDict` as Python has it: built in the workflow (both import forms),
returned by an action, order-sensitive equality with another, `move_to_end`,
`popitem(last=False)`, kept across awaits."""

from __future__ import annotations

import collections
from collections import OrderedDict

from waymark import Workflow, action, workflow


@action
async def ranking(names: list[str]) -> OrderedDict[str, int]:
    return OrderedDict((name, len(name)) for name in names)


@workflow
class OrderedDicts(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        got = await ranking(names)
        order: OrderedDict[str, int] = OrderedDict()
        order["x"] = 1
        order["y"] = 2
        order.move_to_end("x")
        first = order.popitem(last=False)
        built = collections.OrderedDict(a=1, b=2)
        again = await ranking(list(reversed(names)))
        return [type(got).__name__, got == dict(got), got == again, list(order), first, built,
                dict(built), built == OrderedDict(b=2, a=1), isinstance(got, dict), got]  # fmt: skip
