from waymark import Workflow, action, workflow


@action
async def ping() -> int:
    return 1


@workflow
class OneLineWorkflow(Workflow):
    async def run(self, n: int) -> int:
        if n > 3: return n
        for i in range(n): n += i; n -= 1
        while n > 100: n //= 2
        x = 1; y = await ping(); z = x + y
        return z
