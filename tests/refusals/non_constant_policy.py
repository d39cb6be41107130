from waymark import RetryPolicy, Workflow, action, workflow


@action
async def flaky() -> int:
    return 1


@workflow
class PolicyWorkflow(Workflow):
    async def run(self, attempts: int) -> int:
        return await self.run_action(flaky(), retry=RetryPolicy(attempts=attempts))  # error: WM127 @74
