from waymark import Workflow, workflow


@workflow
class WalrusWorkflow(Workflow):
    async def run(self, items: list[int]) -> int:
        if (n := len(items)) > 10:  # error: WM121 @13
            return n
        return 0
