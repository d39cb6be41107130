from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Order(BaseModel):
    status: str = "new"


@action
async def load(order_id: str) -> Order:
    return Order()


@workflow
class StatusWorkflow(Workflow):
    async def run(self, order_id: str) -> None:
        order = await load(order_id)
        order.status = "paid"
        Order.status = "paid"  # error: WM132 @9
