from waymark import Workflow, action, workflow


@action
def load(order_id: str) -> str:  # error: WM151 @5
    return order_id


@workflow
class SyncActionWorkflow(Workflow):
    async def run(self, order_id: str) -> str:
        return order_id
