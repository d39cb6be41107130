from waymark import Workflow, workflow


@workflow
class CounterWorkflow(Workflow):
    async def run(self, n: int) -> int:
        self.count = n  # error: WM107 @9
        return n
