from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow


@action
async def flaky() -> int:
    return 1


class Throttled(Exception):
    pass


RETRY_ON = [Throttled]
RETRYABLE = (TimeoutError, Throttled)
MIXED = (TimeoutError, int)


@workflow
class PolicyWorkflow(Workflow):
    async def run(self, attempts: int, delay: float) -> int:
        first = await self.run_action(flaky(), retry=RetryPolicy(attempts=attempts))
        second = await self.run_action(flaky(), backoff=BackoffPolicy(base_delay=delay))  # error: WM127 @82
        third = await self.run_action(flaky(), retry=RetryPolicy(attempts="3"))  # error: WM127 @75
        fourth = await self.run_action(flaky(), retry=RetryPolicy(3, RETRY_ON))  # a constant list
        fifth = await self.run_action(flaky(), retry=RetryPolicy(3, RETRYABLE))  # a tuple
        sixth = await self.run_action(flaky(), retry=RetryPolicy(3, MIXED))  # error: WM127 @69
        return first + second + third + fourth + fifth + sixth
