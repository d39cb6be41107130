from waymark import Workflow, action, workflow


@action
async def load(order_id: str) -> dict[str, str]:
    return {}


@workflow
class RenderWorkflow(Workflow):
    async def run(self, order_id: str) -> str:
        order = await load(order_id)
        return order.render()  # error: WM141 @22
