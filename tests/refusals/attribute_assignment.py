from waymark import Workflow, action, workflow


@action
async def load(order_id: str) -> dict[str, str]:
    return {}


@workflow
class StatusWorkflow(Workflow):
    async def run(self, order_id: str) -> None:
        order = await load(order_id)
        order.status = "paid"  # error: WM132 @9
