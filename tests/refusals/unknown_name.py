from waymark import Workflow, workflow


@workflow
class TypoWorkflow(Workflow):
    async def run(self, total: int) -> int:
        return totl  # error: WM123 @16
