from waymark import Workflow, action, workflow


@action
async def charge(order: str) -> None:
    return None


@action
async def release(order: str) -> None:
    return None


@workflow
class ChargeWorkflow(Workflow):
    async def run(self, order: str) -> None:
        try:
            await charge(order)
        finally:  # error: WM116 @9
            await release(order)
