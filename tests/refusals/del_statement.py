from waymark import Workflow, workflow


@workflow
class DeleteWorkflow(Workflow):
    async def run(self, cache: dict[str, int]) -> dict[str, int]:
        del cache["stale"]  # error: WM119 @9
        return cache
