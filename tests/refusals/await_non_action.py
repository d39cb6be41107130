from typing import Any

from waymark import Workflow, workflow


def traced(function: Any) -> Any:
    return function


@traced
async def fetch_rows(order_id: str) -> list[str]:
    return [order_id]


@workflow
class RowsWorkflow(Workflow):
    async def run(self, order_id: str) -> list[str]:
        rows = await fetch_rows(order_id)  # error: WM102 @22
        return rows
