import asyncio

from waymark import Workflow, action, workflow


@action
async def split(text: str) -> list[str]:
    return text.split()


@workflow
class UnpackingWorkflow(Workflow):
    async def run(self, text: str) -> list[object]:
        first, *rest = await split(text)
        (a, b), c = (1, 2), 3
        [d, (e, *f)] = [4, (5, 6, 7)]
        head, tail = await asyncio.gather(split(text), split(first))
        return [first, rest, a, b, c, d, e, f, head, tail]
