from waymark import Workflow, action, workflow


@action
async def classify(amount: int) -> str:
    return "small"


@action
async def escalate(amount: int) -> None:
    return None


@workflow
class BranchingWorkflow(Workflow):
    async def run(self, amount: int) -> str:
        kind = await classify(amount)
        if kind == "large":
            await escalate(amount)
            label = "L"
        elif kind == "medium":
            label = "M"
        elif amount < 0:
            label = "negative"
        else:
            label = "S"
        if not label:
            label = "?"
        return label
