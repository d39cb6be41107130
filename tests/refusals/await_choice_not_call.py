from waymark import Workflow, action, workflow


@action
async def pay(amount: int) -> str:
    return f"paid {amount}"


@workflow
class MaybePayWorkflow(Workflow):
    async def run(self, amount: int) -> object:
        return await (pay(amount) if amount else None)  # error: WM102 @50
