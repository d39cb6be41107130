from datetime import timedelta

from waymark import ActionTimeout, BackoffPolicy, RetryPolicy, Workflow, action, workflow

MAX_ATTEMPTS = 5
TRANSIENT = ("TransientError", "Key" "Error")
ONE = "ValueError"


class TransientError(Exception):
    pass


@action
async def flaky(x: int) -> int:
    return x


@workflow
class PolicyWorkflow(Workflow):
    async def run(self, x: int) -> list[int]:
        a = await self.run_action(flaky(x), retry=RetryPolicy(attempts=3))
        b = await self.run_action(
            flaky(x),
            retry=RetryPolicy(attempts=MAX_ATTEMPTS, exception_types=[TransientError, "KeyError", ActionTimeout]),
            backoff=BackoffPolicy(base_delay=5, multiplier=3, max_delay=60.0, jitter=0.5),
            timeout=timedelta(minutes=10),
        )
        c = await self.run_action(flaky(x), timeout=30)
        d = await self.run_action(flaky(x), retry=RetryPolicy(2, [ValueError], 1.5), timeout=timedelta(hours=1, seconds=30))
        e = await self.run_action(flaky(x))
        f = await self.run_action(flaky(x), retry=None, timeout=2.5 * 60)
        g = await self.run_action(flaky(x), retry=RetryPolicy(attempts=2, exception_types=TRANSIENT))
        h = await self.run_action(flaky(x), retry=RetryPolicy(2, [ONE, TransientError]))
        return [a, b, c, d, e, f, g, h]
