from waymark import Workflow, workflow


@workflow
class ReraiseWorkflow(Workflow):
    async def run(self, n: int) -> int:
        if n < 0:
            raise  # error: WM134 @13
        return n
