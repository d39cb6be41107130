from waymark import Workflow, action, workflow


@action
async def fetch() -> list[int]:
    return []


@workflow
class MultipleTargetsWorkflow(Workflow):
    async def run(self) -> list[object]:
        a = b = await fetch()
        c = d = [1, 2]
        x, y = z = 1, 2
        return [a, b, c, d, x, y, z]
