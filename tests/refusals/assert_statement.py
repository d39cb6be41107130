from waymark import Workflow, workflow


@workflow
class AssertWorkflow(Workflow):
    async def run(self, total: int) -> int:
        assert total > 0, "empty order"  # error: WM120 @9
        return total
