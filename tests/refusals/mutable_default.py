from waymark import Workflow, workflow


@workflow
class DefaultWorkflow(Workflow):
    async def run(self, tags: list[str] = [], limit: int = 10) -> int:  # error: WM126 @43
        return limit
