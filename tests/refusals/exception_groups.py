from waymark import Workflow, action, workflow


@action
async def risky() -> int:
    return 1


@workflow
class GroupWorkflow(Workflow):
    async def run(self) -> int:
        result = 0
        try:  # error: WM146 @9
            result = await risky()
        except* ValueError:
            result = -1
        return result
