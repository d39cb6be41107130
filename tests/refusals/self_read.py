from waymark import Workflow, workflow


@workflow
class LimitWorkflow(Workflow):
    seen = []

    async def run(self, n: int) -> int:
        return min(n, len(self.seen))  # error: WM108 @27
