from waymark import Workflow, action, workflow


@action
async def risky() -> int:
    return 1


@workflow
class GroupWorkflow(Workflow):
    async def run(self) -> int:
        result = 0
        try:
            result = await risky()
        except* ValueError as eg:
            left = eg.subgroup(lambda e: "retry" in str(e))  # error: WM141 @32
            result = -1 if left is None else -2
        return result
