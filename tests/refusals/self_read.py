from waymark import Workflow, workflow


@workflow
class LimitWorkflow(Workflow):
    limit = 10

    async def run(self, n: int) -> int:
        return min(n, self.limit)  # error: WM108 @23
