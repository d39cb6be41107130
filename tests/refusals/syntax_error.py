from waymark import Workflow, workflow


@workflow
class BrokenWorkflow(Workflow):
    async def run(self) -> int:
        return (1 +  # error: WM100 @16
