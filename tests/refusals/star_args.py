from waymark import Workflow, workflow


@workflow
class VariadicWorkflow(Workflow):
    async def run(self, *user_ids: str, **options: str) -> int:  # error: WM125 @25, WM125 @41
        return 0
