from waymark import Workflow, workflow


@workflow
class DeepSumWorkflow(Workflow):
    async def run(self, total: int) -> int:
        return (
            total + total + total + total + total + total + total + total + total + total +  # error: WM148 @13
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total +
            total + total + total + total + total + total + total + total + total + total
        )
