from waymark import Workflow, workflow


@workflow
class ReservedWorkflow(Workflow):
    async def run(self, n: int) -> int:
        _wm_1 = n + 1  # error: WM137 @9
        return _wm_1
