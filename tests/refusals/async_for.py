from waymark import Workflow, workflow


@workflow
class StreamWorkflow(Workflow):
    async def run(self, stream: list[int]) -> int:
        total = 0
        async for item in stream:  # error: WM113 @9
            total += item
        return total
