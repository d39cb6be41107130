"""A missing attribute of an `OrderedDict`: Python's own words."""

from __future__ import annotations

from collections import OrderedDict

from waymark import Workflow, action, workflow


@action
async def line_items(order: str) -> list[str]:
    return ["tea", "cake"]


@workflow
class OrderSummary(Workflow):
    async def run(self, order: str) -> str:
        items = OrderedDict((name, 1) for name in await line_items(order))
        try:
            return str(items.total)
        except AttributeError as e:
            return str(e)
