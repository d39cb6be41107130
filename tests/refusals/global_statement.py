from waymark import Workflow, workflow

counter = 0


@workflow
class GlobalWorkflow(Workflow):
    async def run(self) -> int:
        global counter  # error: WM109 @9
        counter = 1
        return counter
