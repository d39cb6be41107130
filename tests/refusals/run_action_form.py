from waymark import RetryPolicy, Workflow, action, workflow


@action
async def flaky() -> int:
    return 1


@workflow
class RunActionWorkflow(Workflow):
    async def run(self) -> int:
        call = flaky
        first = await self.run_action(call, retry=RetryPolicy(attempts=2))  # error: WM129 @39
        second = await self.run_action(flaky(), attempts=2)  # error: WM129 @49
        return first + second
