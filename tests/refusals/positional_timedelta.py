from datetime import timedelta

from waymark import Workflow, action, workflow


@action
async def slow() -> int:
    return 1


@workflow
class TimeoutWorkflow(Workflow):
    async def run(self) -> int:
        return await self.run_action(slow(), timeout=timedelta(10))  # error: WM128 @64
