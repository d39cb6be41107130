from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Order(BaseModel):
    status: str


@action
async def load(order_id: str) -> Order:
    return Order(status="new")


@workflow
class MarkPaidWorkflow(Workflow):
    async def run(self, order_id: str) -> Order:
        order = await load(order_id)
        order.status = "paid"  # error: WM132 @9
        return order
